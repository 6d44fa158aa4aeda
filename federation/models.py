"""Peers, invitations, sync runs, key pins and what waits for later: the federation's state, kept on rows
so a crash anywhere resumes cleanly."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hub.models import Node


class Peer(models.Model):
    """A node this node pulls from, and which pulls from this node."""

    node = models.OneToOneField(Node, on_delete=models.PROTECT, related_name="peer", verbose_name=_("node"))
    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.SET_NULL, null=True, related_name="peer", editable=False,
        help_text="The OAuth client this node created for the peer (scope federation).",
    )
    client_id = models.CharField(max_length=100, editable=False, help_text="Our client id at the peer.")
    client_secret = models.CharField(max_length=255, editable=False, help_text="Our client secret at the peer.")
    access_token = models.CharField(max_length=255, blank=True, editable=False)
    token_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    cursor = models.CharField(_("feed cursor"), max_length=64, default="0", editable=False)
    created_at = models.DateTimeField(_("peered since"), default=timezone.now, editable=False)
    last_success_at = models.DateTimeField(_("last successful sync"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True, editable=False)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0, editable=False)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now, editable=False)
    sync_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    nudged_at = models.DateTimeField(null=True, blank=True, editable=False, help_text="When the peer last said it has changes.")
    sync_holder = models.CharField(max_length=300, blank=True, editable=False, help_text="host:pid of the running sync.")
    items_applied = models.PositiveBigIntegerField(_("items mirrored"), default=0, editable=False)

    class Meta:
        verbose_name = _("peer")
        verbose_name_plural = _("peers")
        ordering = ["node__name"]

    def __str__(self) -> str:
        return str(self.node)

    @property
    def base_url(self) -> str:
        """The peer's base URL."""
        return self.node.base_url


class Invitation(models.Model):
    """A one-time invitation for another node to peer with this one; only a hash of its secret is kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True, editable=False)
    used_by = models.ForeignKey(Node, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.id} ({self.expires_at:%Y-%m-%d %H:%M})"


class SyncRun(models.Model):
    """One pull from one peer: what it brought, what it refused and why."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    cursor_before = models.CharField(max_length=64, blank=True)
    cursor_after = models.CharField(max_length=64, blank=True)
    pages = models.PositiveIntegerField(default=0)
    applied = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    rejections = models.JSONField(default=list, blank=True, help_text="[{id, reason}] for each rejected document.")
    held = models.PositiveIntegerField(default=0, help_text="Documents held until their origin's key is pinned.")
    removed = models.PositiveIntegerField(default=0, help_text="Items removed because the key they verified with was wrong.")
    removals = models.JSONField(default=list, blank=True, help_text="[{origin, count, reason}] for each removal.")
    kept = models.JSONField(
        default=dict, blank=True,
        help_text="{type: count} of documents skipped and kept because this node does not know their type.",
    )
    caught_up = models.JSONField(
        default=dict, blank=True,
        help_text="{type: count} of kept documents checked and applied now that this node knows their type.",
    )
    error = models.TextField(blank=True)
    stopped = models.CharField(
        max_length=500, blank=True,
        help_text="Why the run ended before the end of the peer's feed (its time or page budget), if it did.",
    )

    class Meta:
        verbose_name = _("sync run")
        verbose_name_plural = _("sync runs")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["peer", "-started_at"], name="syncrun_peer_recent")]

    def __str__(self) -> str:
        return f"{self.peer} {self.started_at:%Y-%m-%d %H:%M:%S}"

    @property
    def duration(self) -> float | None:
        """Seconds the run took, once finished."""
        return (self.finished_at - self.started_at).total_seconds() if self.finished_at else None

    @property
    def ok(self) -> bool:
        """Whether the run finished without an error (rejected documents do not make it fail)."""
        return self.finished_at is not None and not self.error


class Block(models.Model):
    """An origin this node refuses (``active``), or one a subscribed block list proposes (``proposed``).

    An active block stops pulling from the origin, refuses its tokens and, from every peer, its items;
    what was mirrored from it is removed when the block is made, and ``removed`` counts it by type.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        ACTIVE = "active", _("blocked")

    origin = models.CharField(_("node"), max_length=300, unique=True, help_text="The node IRI, scheme://host[:port]/.")
    reason = models.TextField(_("reason"), max_length=500)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("since"), default=timezone.now)
    created_by = models.CharField(_("by"), max_length=200, blank=True, help_text="Who blocked it, or whose list proposed it.")
    proposed_by = models.ForeignKey(
        Node, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("proposed by"),
    )
    removed = models.JSONField(_("removed"), default=dict, blank=True, help_text="{item type: count} removed by the block.")

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        ordering = ["status", "-created_at"]

    def __str__(self) -> str:
        return f"{self.origin} ({self.status})"

    @property
    def removed_total(self) -> int:
        """How many documents the block removed."""
        return sum(self.removed.values())


class AllowedOrigin(models.Model):
    """An origin this node accepts in allow-list mode (``HUB_FEDERATION_MODE=allowlist``)."""

    origin = models.CharField(_("node"), max_length=300, unique=True, help_text="The node IRI, scheme://host[:port]/.")
    created_at = models.DateTimeField(_("since"), default=timezone.now)
    created_by = models.CharField(_("by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("allowed node")
        verbose_name_plural = _("allowed nodes")
        ordering = ["origin"]

    def __str__(self) -> str:
        return self.origin


class BlockListSubscription(models.Model):
    """A peer whose signed block list this node fetches; its new entries become proposed blocks."""

    peer = models.OneToOneField(Peer, on_delete=models.CASCADE, related_name="blocklist_subscription")
    created_at = models.DateTimeField(_("subscribed since"), default=timezone.now)
    created_by = models.CharField(_("by"), max_length=200, blank=True)
    fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True)
    list_date = models.DateTimeField(null=True, blank=True, help_text="dateModified of the last list accepted.")
    entries = models.JSONField(default=list, blank=True, help_text="[{origin, reason, date}] as the list last said.")
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("block list subscription")
        verbose_name_plural = _("block list subscriptions")

    def __str__(self) -> str:
        return str(self.peer)


class CursorRewind(models.Model):
    """A peer's feed to be read again from the start at its next sync (after an origin was unblocked)."""

    peer = models.OneToOneField(Peer, on_delete=models.CASCADE, related_name="rewind")
    requested_at = models.DateTimeField(default=timezone.now)


class KeyPin(models.Model):
    """How this node came to trust the key it holds for another node (protocol section 3)."""

    class Source(models.TextChoices):
        JOINED = "joined", _("fetched from the node itself when peering")
        FETCHED = "fetched", _("fetched from the origin itself")
        RELAYED = "relayed", _("learnt from a relayed descriptor (before keys were pinned only from their origin)")
        OPERATOR = "operator", _("confirmed by an operator")
        ROTATION = "rotation", _("a rotation signed by the key pinned before")

    node = models.OneToOneField(Node, on_delete=models.CASCADE, related_name="pin", verbose_name=_("node"))
    source = models.CharField(_("pinned from"), max_length=10, choices=Source.choices)
    pinned_at = models.DateTimeField(_("pinned at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=300, blank=True)
    pinned_by = models.CharField(_("by"), max_length=200, blank=True, help_text="The operator who confirmed the key.")
    attempts = models.PositiveIntegerField(default=0, help_text="Failed fetches of the origin's own descriptor in a row.")
    next_check_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When the origin's own descriptor is next fetched: to check a key learnt from a relay, or after a "
                  "descriptor with another key was refused.",
    )
    offered_document = models.TextField(
        blank=True, editable=False,
        help_text="The origin's own descriptor that names another key without a rotation signed by the pinned key "
                  "(a revocation, or a forgery): shown to operators, applied if they re-pin its key.",
    )
    offered_at = models.DateTimeField(_("other key offered at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("key pin")
        verbose_name_plural = _("key pins")

    def __str__(self) -> str:
        return f"{self.node.iri} ({self.source})"

    @property
    def trusted(self) -> bool:
        """Whether the key came from the origin itself or an operator, not from a relay."""
        return self.source != self.Source.RELAYED


class HeldDocument(models.Model):
    """A document a peer relayed for an origin whose key is not pinned yet, kept as received until it is."""

    iri = models.URLField(max_length=300)
    origin = models.URLField(max_length=300, help_text="The node IRI that prefixes the document's id.")
    version = models.PositiveIntegerField()
    document = models.TextField(help_text="The document as received (compact JSON).")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the document, so the same copy is held once.")
    peer = models.ForeignKey(Peer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.CharField(max_length=500)
    attempts = models.PositiveIntegerField(default=0, help_text="Failed fetches of the origin's descriptor so far.")
    next_attempt_at = models.DateTimeField(default=timezone.now)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("held document")
        verbose_name_plural = _("held documents")
        constraints = [models.UniqueConstraint(fields=["iri", "digest"], name="held_document_once")]
        indexes = [
            models.Index(fields=["origin", "next_attempt_at"], name="held_origin_due"),
            models.Index(fields=["next_attempt_at"], name="held_due"),
        ]

    def __str__(self) -> str:
        return f"{self.iri} v{self.version} (held)"


class RejectedCopy(models.Model):
    """A version of an item whose copy was refused for a reason that may pass: fetched again from its origin."""

    iri = models.URLField(max_length=300)
    version = models.PositiveIntegerField()
    origin = models.URLField(max_length=300)
    peer = models.ForeignKey(Peer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.CharField(max_length=500)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    rejected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rejected copy")
        verbose_name_plural = _("rejected copies")
        constraints = [models.UniqueConstraint(fields=["iri", "version"], name="rejected_copy_once")]
        indexes = [models.Index(fields=["next_attempt_at"], name="rejected_copy_due")]

    def __str__(self) -> str:
        return f"{self.iri} v{self.version} (rejected copy)"


class NodeKey(models.Model):
    """A key of a node, this one's own or another's, with its history (protocol section 3).

    A node's current key is the one it signs with; a retired key was replaced by a rotation and what it
    signed stays valid; a revoked key was compromised and only proofs created before ``revoked_at``
    count; a key set aside by an operator's re-pin (another key replaced it) counts for nothing.
    """

    class Status(models.TextChoices):
        CURRENT = "current", _("current")
        RETIRED = "retired", _("retired")
        REVOKED = "revoked", _("revoked")
        SET_ASIDE = "set-aside", _("set aside by a re-pin")

    class Source(models.TextChoices):
        LOCAL = "local", _("this node's own key")
        PINNED = "pinned", _("pinned (see the key pin)")
        DESCRIBED = "described", _("named by a descriptor signed by a trusted key")
        ROTATION = "rotation", _("a rotation signed by the key pinned before")
        OPERATOR = "operator", _("confirmed by an operator")

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="keys", verbose_name=_("node"))
    key_id = models.CharField(_("key id"), max_length=400, blank=True, help_text="Empty while not known.")
    public_key_multibase = models.CharField(_("public key (multibase)"), max_length=100)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CURRENT)
    source = models.CharField(_("learnt from"), max_length=10, choices=Source.choices)
    since = models.DateTimeField(_("held since"), default=timezone.now)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    changed_at = models.DateTimeField(_("status since"), default=timezone.now)

    class Meta:
        verbose_name = _("node key")
        verbose_name_plural = _("node keys")
        ordering = ["node", "-since", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["node", "public_key_multibase"], name="node_key_once"),
            models.UniqueConstraint(fields=["node"], condition=models.Q(status="current"), name="node_key_one_current"),
        ]

    def __str__(self) -> str:
        return f"{self.key_id or self.node.iri} ({self.status})"

    @property
    def fragment(self) -> str:
        """The key id's fragment, such as ``key-2`` (empty when the id is not known)."""
        return self.key_id.rpartition("#")[2] if "#" in self.key_id else ""


class SkippedDocument(models.Model):
    """A document of an item type this node does not understand (yet), kept as received (protocol section 8).

    One row per item, its newest version (a tombstone replaces the item's document). It is not mirrored,
    not served, not relayed; once this node understands the type (an upgrade, or the type no longer
    hidden) it is applied through the usual checks and removed.
    """

    iri = models.URLField(max_length=300, unique=True)
    origin = models.URLField(max_length=300, help_text="The node IRI that prefixes the document's id.")
    item_type = models.CharField(_("type"), max_length=64, help_text="Its type, or the type a tombstone deleted.")
    deleted = models.BooleanField(default=False, help_text="Whether the document is the item's tombstone.")
    version = models.PositiveIntegerField()
    document = models.TextField(help_text="The document as received (compact JSON), proof verified.")
    size = models.PositiveIntegerField(help_text="The document's bytes, counted against the limits.")
    peer = models.ForeignKey(Peer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.CharField(max_length=500)
    first_seen_at = models.DateTimeField(default=timezone.now, help_text="When the item first arrived.")
    received_at = models.DateTimeField(default=timezone.now, help_text="When the version kept arrived.")

    class Meta:
        verbose_name = _("skipped document")
        verbose_name_plural = _("skipped documents")
        indexes = [
            models.Index(fields=["item_type", "received_at"], name="skipped_type_arrival"),
            models.Index(fields=["origin"], name="skipped_origin"),
        ]

    def __str__(self) -> str:
        return f"{self.iri} v{self.version} ({self.item_type}, skipped)"


class SkippedUnkept(models.Model):
    """Documents refused because this node did not understand them and did not keep them: past the limits
    of what it keeps, or with a term its vocabulary lacks. Once it understands more, every peer's feed
    is read again from the start, so that they arrive (protocol section 8)."""

    name = models.CharField(max_length=130, unique=True, help_text="'type X' or 'term Y'.")
    count = models.PositiveIntegerField(default=0)
    understanding = models.CharField(max_length=64, help_text="What this node understood when it refused them.")
    first_at = models.DateTimeField(default=timezone.now)
    last_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("document refused until an upgrade")
        verbose_name_plural = _("documents refused until an upgrade")

    def __str__(self) -> str:
        return f"{self.name} ({self.count})"
