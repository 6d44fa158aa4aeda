"""The fediverse face's state: the labs' RSA keys, the remote actors that follow them and their servers, what was announced."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fediverse import signatures
from hub.models import Lab


class ActorKey(models.Model):
    """The RSA key a lab's actor signs its deliveries and fetches with, made on first use.

    RSA because Mastodon verifies draft-cavage signatures with RSA keys only; the node's Ed25519
    identity stays the signer of its own protocol documents.
    """

    lab = models.OneToOneField(Lab, on_delete=models.CASCADE, related_name="+", verbose_name=_("lab"))
    private_key_pem = models.TextField(editable=False)
    public_key_pem = models.TextField(editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("actor key")
        verbose_name_plural = _("actor keys")

    def __str__(self) -> str:
        return f"RSA key of {self.lab.slug}"


class RemoteActor(models.Model):
    """An actor of another server that signed something to this node, with the key it signs with."""

    iri = models.URLField(_("IRI"), max_length=500, unique=True)
    inbox = models.URLField(_("inbox"), max_length=500)
    shared_inbox = models.URLField(_("shared inbox"), max_length=500, blank=True)
    key_id = models.URLField(_("key id"), max_length=500, db_index=True)
    public_key_pem = models.TextField(_("public key"))
    handle = models.CharField(_("handle"), max_length=300, blank=True)
    fetched_at = models.DateTimeField(_("fetched"), default=timezone.now)

    class Meta:
        verbose_name = _("remote actor")
        verbose_name_plural = _("remote actors")
        ordering = ["iri"]

    def __str__(self) -> str:
        return self.handle or self.iri

    @property
    def delivery_inbox(self) -> str:
        """Where deliveries for this actor's server go: its shared inbox if it has one."""
        return self.shared_inbox or self.inbox


class RemoteServer(models.Model):
    """A fediverse server this node signs requests to, and the HTTP signature scheme it gets first.

    ``rfc9421_advertised`` is what the server's actors last said (FEP-844e, ``generator.implements``);
    ``signature_scheme`` starts from it and is changed by the server's answers: a 401 to one scheme
    and a success with the other (the double knock) settle it until the advertisement changes.
    A server not stored gets draft-cavage.
    """

    class Scheme(models.TextChoices):
        DRAFT_CAVAGE = signatures.DRAFT_CAVAGE, "draft-cavage-http-signatures-12"
        RFC9421 = signatures.RFC9421, "RFC 9421"

    host = models.CharField(_("host"), max_length=300, unique=True)  # with the port when it is not the default
    rfc9421_advertised = models.BooleanField(_("advertises RFC 9421"), default=False)
    signature_scheme = models.CharField(_("signature scheme"), max_length=20, choices=Scheme.choices, default=Scheme.DRAFT_CAVAGE)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("remote server")
        verbose_name_plural = _("remote servers")
        ordering = ["host"]

    def __str__(self) -> str:
        return f"{self.host} ({self.signature_scheme})"

    @staticmethod
    def host_of(url: str) -> str:
        """The server a URL is on, as this table names it."""
        return urlsplit(url).netloc.lower()


class Follower(models.Model):
    """A remote actor following one of this node's labs, from its accepted ``Follow`` until ``Undo``."""

    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="+", verbose_name=_("lab"))
    actor = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="follows", verbose_name=_("follower"))
    follow_iri = models.URLField(_("follow activity"), max_length=500)
    accepted_at = models.DateTimeField(_("accepted"), default=timezone.now)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        ordering = ["lab", "accepted_at"]
        constraints = [models.UniqueConstraint(fields=["lab", "actor"], name="follower_once_per_lab")]

    def __str__(self) -> str:
        return f"{self.actor} → {self.lab.slug}"


class Announcement(models.Model):
    """What the followers were last told of one item: that it is out there, its content's digest, its status.

    Whether a change becomes a ``Create``, an ``Update`` (only when what they see changed) or a
    ``Delete`` is read from this row, so a retried or repeated task tells them nothing twice.
    """

    iri = models.URLField(_("item IRI"), max_length=300, unique=True)
    item_type = models.CharField(_("item type"), max_length=20)
    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="+", verbose_name=_("lab"))
    digest = models.CharField(_("content digest"), max_length=64)
    status = models.CharField(_("status"), max_length=12, blank=True)
    announced_at = models.DateTimeField(_("announced"), default=timezone.now)
    updated_at = models.DateTimeField(_("last told"), default=timezone.now)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self) -> str:
        return f"{self.item_type} {self.iri}"
