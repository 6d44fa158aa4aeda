"""The node, its labs, and the change log every published item passes through.

Local and mirrored items share one table per type: ``origin`` names the node that created the item,
and only that node may change it (see ``hub.services.items.raise_if_not_local``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hub.choices import License, Visibility
from hub.validators import http_url, regional_key


class Node(models.Model):
    """A node of the network: this one (``is_local``) or one whose key this node has pinned."""

    iri = models.URLField(_("IRI"), max_length=300, unique=True, validators=[http_url])
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=200)
    public_key_multibase = models.CharField(_("public key (multibase)"), max_length=100)
    key_id = models.CharField(
        _("key id"), max_length=400, blank=True,
        help_text="The id of the key the node signs with now, such as {iri}#key-2; empty while not known "
                  "(a key an operator pinned by hand, until the node's descriptor names it).",
    )
    pinned_at = models.DateTimeField(_("key pinned since"), default=timezone.now)
    is_local = models.BooleanField(_("this node"), default=False, editable=False)
    version = models.PositiveIntegerField(_("descriptor version"), default=1, editable=False)
    date_modified = models.DateTimeField(_("last modified"), default=timezone.now)

    class Meta:
        verbose_name = _("node")
        verbose_name_plural = _("nodes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_local"], condition=Q(is_local=True), name="node_single_local"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"

    @property
    def base_url(self) -> str:
        """The node's base URL, its IRI without the trailing slash."""
        return self.iri.rstrip("/")


class FederatedItem(models.Model):
    """What every item shares: its IRI, origin, version, visibility and dates."""

    iri = models.URLField(_("IRI"), max_length=300, unique=True, editable=False)
    origin = models.ForeignKey(
        Node, on_delete=models.PROTECT, related_name="+", verbose_name=_("origin node"), editable=False
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    date_created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    date_modified = models.DateTimeField(_("last modified"), default=timezone.now, editable=False)

    class Meta:
        abstract = True

    @property
    def is_local(self) -> bool:
        """Whether this node is the item's origin (its IRI lies under our base URL)."""
        return self.iri.startswith(settings.HUB_BASE_URL + "/")


def coordinate_field(verbose_name: str, *, limit: int) -> models.DecimalField:
    """An optional latitude or longitude within ±``limit`` degrees, to six decimal places (about 10 cm)."""
    return models.DecimalField(
        verbose_name,
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-limit), MaxValueValidator(limit)],
    )


class Lab(FederatedItem):
    """An innovation lab hosted by a node; its IRI is ``{base}/labs/{slug}``."""

    slug = models.SlugField(_("short name in the address"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=200)
    address = models.TextField(_("address"), blank=True)
    latitude = coordinate_field(_("latitude"), limit=90)
    longitude = coordinate_field(_("longitude"), limit=180)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True, validators=[http_url])
    email = models.EmailField(_("public contact e-mail"), blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True)
    accessibility = models.TextField(_("accessibility"), blank=True)
    # For the open data catalog (opendata/) only: neither travels to other nodes.
    regional_key = models.CharField(
        _("regional key"), max_length=12, blank=True, validators=[regional_key],
        help_text=_("The official regional key (Regionalschlüssel, 12 digits) of the lab's municipality, such as "
                    "064140000000 for Wiesbaden, or its municipality key (Gemeindeschlüssel, 8 digits). Open data "
                    "portals such as GovData place the lab's datasets on the map with it."),
    )
    data_license = models.CharField(
        _("licence of the open data"), max_length=100, choices=License.choices, default=License.BY,
        help_text=_("The licence under which the open data catalog publishes the lab's events; method cards keep "
                    "their own licences."),
    )

    class Meta:
        verbose_name = _("lab")
        verbose_name_plural = _("labs")
        ordering = ["city", "name"]
        constraints = [
            models.UniqueConstraint(fields=["origin", "slug"], name="lab_unique_slug_per_origin"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"

    def clean(self) -> None:
        """Coordinates come in pairs."""
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError({"longitude": _("Give both latitude and longitude, or neither.")})


class ChangeLogEntry(models.Model):
    """The latest published change of one item, at its position in this node's change order.

    One row per IRI the node has ever published or mirrored, tombstones included. ``position`` is
    handed out under a lock held until commit (``hub.services.changelog``), so positions become
    visible in the order they were taken and a reader following positions never skips a change.
    """

    class ItemType(models.TextChoices):
        LAB = "Lab", _("Lab")
        EVENT = "Event", _("Event")
        METHOD_CARD = "MethodCard", _("Method card")
        NODE = "Node", _("Node")
        IDEA = "Idea", _("Idea")
        EXPERIENCE_REPORT = "ExperienceReport", _("Experience report")

    iri = models.URLField(max_length=300, unique=True)
    item_type = models.CharField(max_length=20, choices=ItemType.choices)
    origin = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    visibility = models.CharField(max_length=10, choices=Visibility.choices)
    deleted = models.BooleanField(default=False)
    document = models.TextField(blank=True, help_text="The signed JSON-LD document, as its origin signed it.")
    position = models.BigIntegerField(unique=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("change log entry")
        verbose_name_plural = _("change log")
        ordering = ["position"]

    def __str__(self) -> str:
        return f"#{self.position} {self.item_type} {self.iri} v{self.version}"


class ChangeLogSequence(models.Model):
    """The single row holding the last position handed out; locked by every writer until commit."""

    last_position = models.BigIntegerField(default=0)


class LabEditor(models.Model):
    """The role “lab editor” for one lab: its holder writes that lab's items (method cards, events)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lab_editor_roles", verbose_name=_("person")
    )
    lab = models.ForeignKey(
        Lab, on_delete=models.CASCADE, related_name="editors", verbose_name=_("lab"),
        limit_choices_to={"origin__is_local": True},
    )
    granted_at = models.DateTimeField(_("granted"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("lab editor")
        verbose_name_plural = _("lab editors")
        ordering = ["lab__name"]
        constraints = [models.UniqueConstraint(fields=["user", "lab"], name="lab_editor_once_per_lab")]

    def __str__(self) -> str:
        return f"{self.user} – {self.lab.name}"


class PrivacyNotice(models.Model):
    """One version of the node's privacy notice for people who register; the newest is in force.

    A change makes a new version and keeps the earlier ones, so that the notice a person agreed to
    (named with its version in their registration's consent) can still be read. Before the first
    version, the node shows a default text (``hub.privacy``) as version 0.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    contact = models.TextField(
        _("who is responsible"), max_length=3000,
        help_text=_("Name, address and e-mail of the lab or city office responsible; Markdown."),
    )
    text_de = models.TextField(_("notice in German"), max_length=30000)
    text_en = models.TextField(_("notice in English"), max_length=30000)
    consent_de = models.CharField(_("consent sentence in German"), max_length=500)
    consent_en = models.CharField(_("consent sentence in English"), max_length=500)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"privacy notice v{self.version}"

    def text(self, language: str) -> str:
        """The notice in ``language`` (German unless English is asked for)."""
        return self.text_en if language == "en" else self.text_de

    def consent(self, language: str) -> str:
        """The sentence a person agrees to when they register, in ``language``."""
        return self.consent_en if language == "en" else self.consent_de
