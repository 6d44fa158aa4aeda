"""Writing ideas: a citizen submits one; the lab's staff publish, answer, decline, link and delete.

Submitting needs no account: the idea waits as a draft of its lab. Every other write takes the
person acting and checks, as every item service does, that they may write the lab's items (its lab
editors and the node administrators). Publishing, answering and linking record the signed document
in the change log; a decline never leaves the node. The author's contact is used only to send the
lab's answer or the reason of a decline (``ideas.tasks``) and is erased on schedule.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hub.choices import PUBLISHED, Visibility
from hub.models import Lab
from hub.selectors import local_node
from hub.services.items import (
    item_record_change,
    item_record_deletion,
    item_touch,
    item_validate,
    local_lab_error,
    raise_if_not_local,
    raise_unless_may_write,
)
from ideas.models import REASON_MAX, TRAVELLING, Idea, IdeaStatus
from ideas.tasks import idea_mail_send

log = logging.getLogger(__name__)

SINGLE_LINE = ("title", "district", "author_name")
MAX_LINKS = 50
NO_LAB = _("Ideas are sent to one of this node's published labs.")
NOT_WAITING = _("This idea has been moderated already.")
NOT_PUBLISHED = _("Publish the idea first: answers and links are public.")


@transaction.atomic
def idea_submit(
    *, lab: Lab, title: str, text: str, district: str = "", author_name: str = "", author_email: str = "",
    language: str = "de",
) -> Idea:
    """Keep a citizen's idea for one of this node's published labs as a draft until the lab's staff moderate it."""
    idea = Idea(
        origin=local_node(), lab=lab, title=_one_line(title), text=_text(text), district=_one_line(district),
        author_name=_one_line(author_name), author_email=(author_email or "").strip(),
        author_language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
        status=IdeaStatus.SUBMITTED, visibility=Visibility.DRAFT,
    )
    idea.iri = f"{settings.HUB_BASE_URL}/ideas/{idea.uuid}"
    errors = _line_errors(title=title, district=district, name=author_name)
    if not lab.is_local or lab.visibility not in PUBLISHED:
        errors["lab"] = NO_LAB
    try:
        item_validate(idea, extra_errors=errors)
    except ValidationError as error:
        raise _as_submitted(error) from None
    idea.save()
    log.info("idea %s submitted for the lab %s", idea.uuid, lab.slug)
    return idea


@transaction.atomic
def idea_publish(*, idea: Idea, actor: Any, answer: str = "", visibility: str = Visibility.PUBLIC) -> Idea:
    """Publish an idea waiting for moderation, with the lab's public answer if given; the author is sent the answer."""
    idea = _locked(idea, actor=actor)
    if idea.status != IdeaStatus.SUBMITTED:
        raise ValidationError({"status": NOT_WAITING})
    if visibility not in PUBLISHED:
        raise ValidationError({"visibility": _("An idea is published for everyone or for the network only.")})
    now = timezone.now()
    idea.status, idea.visibility, idea.moderated_at = IdeaStatus.PUBLISHED, visibility, now
    answer = _text(answer)
    if answer:
        idea.answer, idea.answered_at = answer, now
    _item_save(idea)
    if answer:
        _author_mail_soon(idea, "answer")
    return idea


@transaction.atomic
def idea_answer(*, idea: Idea, actor: Any, answer: str) -> Idea:
    """Give (or change) the lab's public answer to a published idea; the author is sent it."""
    idea = _locked(idea, actor=actor)
    if idea.status not in TRAVELLING:
        raise ValidationError({"answer": NOT_PUBLISHED})
    answer = _text(answer)
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")})
    now = timezone.now()
    idea.answer, idea.answered_at, idea.moderated_at = answer, now, now
    _item_save(idea)
    _author_mail_soon(idea, "answer")
    return idea


@transaction.atomic
def idea_decline(*, idea: Idea, actor: Any, reason: str) -> Idea:
    """Decline an idea waiting for moderation; it is never published, and the author is sent the reason."""
    idea = _locked(idea, actor=actor)
    if idea.status != IdeaStatus.SUBMITTED:
        raise ValidationError({"status": NOT_WAITING})
    reason = _text(reason)
    if not reason or len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Give the reason in at most %(max)d characters; the author reads it if "
                                           "they left an e-mail address.") % {"max": REASON_MAX}})
    idea.status, idea.decline_reason, idea.moderated_at = IdeaStatus.DECLINED, reason, timezone.now()
    item_validate(idea)
    item_touch(idea)
    idea.save()
    _author_mail_soon(idea, "decline")
    return idea


@transaction.atomic
def idea_link(*, idea: Idea, actor: Any, event_iris: list[str], method_iris: list[str]) -> Idea:
    """Name the events and methods that took a published idea up (replacing the earlier ones); it is then taken up."""
    idea = _locked(idea, actor=actor)
    if idea.status not in TRAVELLING:
        raise ValidationError({"status": NOT_PUBLISHED})
    errors = {}
    for name, iris in (("event_iris", event_iris), ("method_iris", method_iris)):
        if len(iris) > MAX_LINKS:
            errors[name] = _("At most %(max)d links.") % {"max": MAX_LINKS}
        elif len(set(iris)) != len(iris):
            errors[name] = _("A link is listed twice.")
    if errors:
        raise ValidationError(errors)
    idea.event_iris, idea.method_iris = list(event_iris), list(method_iris)
    idea.status = IdeaStatus.TAKEN_UP if event_iris or method_iris else IdeaStatus.PUBLISHED
    _item_save(idea)
    return idea


@transaction.atomic
def idea_delete(*, idea: Idea, actor: Any) -> None:
    """Delete an idea of this node (spam, or withdrawn), leaving a tombstone where it had been published."""
    raise_if_not_local(idea)
    raise_unless_may_write(idea, actor=actor)
    item_record_deletion(idea)
    idea.delete()
    log.info("idea %s deleted", idea.uuid)


def erase_expired_authors(now: datetime | None = None) -> int:
    """Erase the name and e-mail address authors left, ``HUB_IDEA_RETENTION_DAYS`` after the lab last answered.

    The clock starts when the lab last published, answered or declined the idea; for an idea the lab
    never moderated, at its submission. Returns how many ideas had their author's contact erased.
    """
    now = now or timezone.now()
    cut = now - timedelta(days=settings.HUB_IDEA_RETENTION_DAYS)
    expired = Q(moderated_at__lte=cut) | Q(moderated_at__isnull=True, date_created__lte=cut)
    erased = (
        Idea.objects.filter(expired, origin__is_local=True)
        .exclude(author_name="", author_email="")
        .update(author_name="", author_email="", author_erased_at=now)
    )
    if erased:
        log.info("erased the contact of %d idea authors", erased)
    return erased


def _locked(idea: Idea, *, actor: Any) -> Idea:
    """The idea, locked until commit, if it is this node's and the actor may write its lab's items."""
    raise_if_not_local(idea)
    idea = Idea.objects.select_for_update().get(pk=idea.pk)  # no join: PostgreSQL locks no outer join
    raise_unless_may_write(idea, actor=actor)
    return idea


def _item_save(idea: Idea) -> None:
    """Validate, count the change, save and record the signed document of a published idea."""
    item_validate(idea, extra_errors=local_lab_error(idea, missing=NO_LAB))
    item_touch(idea)
    idea.save()
    item_record_change(idea)


def _author_mail_soon(idea: Idea, kind: str) -> None:
    """Queue the mail to the author after commit, if they left an address."""
    if not idea.author_email:
        return
    idea_id = idea.pk
    transaction.on_commit(lambda: idea_mail_send.delay(idea_id, kind))


def _one_line(value: str) -> str:
    return (value or "").strip()


def _text(value: str) -> str:
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _line_errors(**values: str) -> dict[str, Any]:
    """Errors for the fields that must be one line: a line break or control character there is refused."""
    return {
        name: _("Write this on one line.")
        for name, value in values.items()
        if value and any(character < " " or character == "\x7f" for character in value.strip())
    }


# The fields as the form and the API name them, where the model's names differ.
SUBMITTED_NAMES = {"author_name": "name", "author_email": "email"}


def _as_submitted(error: ValidationError) -> ValidationError:
    """The errors of a submission under the names the form and the API give the fields."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({SUBMITTED_NAMES.get(name, name): errors for name, errors in error.error_dict.items()})
