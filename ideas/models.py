"""Ideas that citizens bring to a lab: submitted without an account, moderated by the lab's staff.

A submitted idea is a draft of its lab (``visibility`` draft): it is on no feed and in no document.
Published, it travels as an ``Idea`` with its title, text, district, lab, status, the lab's public
answer and the events and methods that took it up. What the author left so that the lab can answer
(a name, an e-mail address, their language) and the reason of a decline stay on this node, never in
a document, the API's public answers or a log line, and are erased on schedule
(``ideas.services.erase_expired_authors``).
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from hub.models import FederatedItem, Lab
from hub.search import SearchIndex
from hub.validators import http_url_list

TITLE_MAX = 200
TEXT_MAX = 5000
DISTRICT_MAX = 100
ANSWER_MAX = 5000
REASON_MAX = 2000
AUTHOR_NAME_MAX = 100


class IdeaStatus(models.TextChoices):
    """Where an idea stands; only published and taken-up ideas leave the node."""

    SUBMITTED = "submitted", _("Waiting for moderation")
    PUBLISHED = "published", _("Published")
    TAKEN_UP = "taken-up", _("Taken up")
    DECLINED = "declined", _("Declined")


TRAVELLING = (IdeaStatus.PUBLISHED, IdeaStatus.TAKEN_UP)


class Idea(FederatedItem):
    """A citizen's idea for one lab, with the lab's public answer and what took it up."""

    # Must say exactly what the generated column of migration 0002_search says.
    search_index = SearchIndex(
        fts_table="ideas_idea_fts",
        english_sql="({alias}.\"author_language\" = 'en' OR {alias}.\"author_language\" LIKE 'en-%%')",
    )

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    lab = models.ForeignKey(
        Lab,
        to_field="iri",
        db_column="lab_iri",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="ideas",
        verbose_name=_("lab"),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    text = models.TextField(_("your idea"), validators=[MaxLengthValidator(TEXT_MAX)])
    district = models.CharField(_("district"), max_length=DISTRICT_MAX, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=IdeaStatus.choices, default=IdeaStatus.SUBMITTED)
    answer = models.TextField(_("the lab's public answer"), blank=True, validators=[MaxLengthValidator(ANSWER_MAX)])
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    event_iris = models.JSONField(_("events that took it up (IRIs)"), default=list, blank=True, validators=[http_url_list])
    method_iris = models.JSONField(_("methods that took it up (IRIs)"), default=list, blank=True, validators=[http_url_list])

    # Kept on this node only: never in a document, a bundle, the public API or a log line.
    decline_reason = models.TextField(_("reason for declining"), blank=True, validators=[MaxLengthValidator(REASON_MAX)])
    author_name = models.CharField(_("name"), max_length=AUTHOR_NAME_MAX, blank=True)
    author_email = models.EmailField(_("e-mail address"), blank=True)
    author_language = models.CharField(_("language of the author"), max_length=12, default="de")
    moderated_at = models.DateTimeField(
        _("last answered by the lab"), null=True, blank=True,
        help_text=_("Published, answered or declined: the author's contact is erased a set time after this."),
    )
    author_erased_at = models.DateTimeField(_("author's contact erased"), null=True, blank=True)

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-date_created"]
        indexes = [
            models.Index(fields=["visibility", "date_created", "id"], name="idea_listed"),
            models.Index(fields=["lab", "status"], name="idea_lab_status"),
            models.Index(fields=["moderated_at"], name="idea_moderated"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public_item(self) -> bool:
        """Whether the idea has been published (it then travels and is shown)."""
        return self.status in TRAVELLING

    @property
    def has_author_email(self) -> bool:
        """Whether the author left an address for an answer (and it is not erased yet)."""
        return bool(self.author_email)
