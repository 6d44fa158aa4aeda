"""Telling a lab's followers what changed: Create, Update, Delete of its public events and method cards.

The kernel tells this face of every committed change of a published local item (``hub.publishing``);
``item_change_heard`` queues one task for the changes that can matter here, and ``item_announce``
decides against the ``Announcement`` row what the followers are told: a ``Create`` for an item they
have not been told of, an ``Update`` when what they see changed (not for the seat count alone), and
a ``Delete`` when it is gone or no longer public; a newly cancelled event also gets a short ``Note``.
One delivery per follower's server (its shared inbox), each its own task with retries.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fediverse import documents, iris, selectors
from fediverse.models import Announcement, Follower
from fediverse.services import deliver_soon
from hub.choices import EventStatus, Visibility
from hub.models import Lab
from hub.publishing import ItemChange

ANNOUNCED_TYPES = ("Event", "MethodCard")
# What changes on every registration: not worth telling every follower's server about.
UNTOLD = ("updated", "remainingAttendeeCapacity")


def item_change_heard(change: ItemChange) -> None:
    """Queue the announcement of a committed change that may concern followers (called after commit)."""
    if not settings.HUB_FEDIVERSE or change.item_type not in (*ANNOUNCED_TYPES, "Lab"):
        return
    told = Announcement.objects.filter(iri=change.iri).exists()
    if not told and (change.visibility != Visibility.PUBLIC or not Follower.objects.exists()):
        return  # nobody was told of it, and nobody would be told now
    if change.item_type == "Lab" and not Follower.objects.filter(lab__iri=change.iri).exists():
        return
    from fediverse.tasks import announce

    announce.delay(change.item_type, change.iri)


@transaction.atomic
def item_announce(*, item_type: str, iri: str) -> list[str]:
    """Tell the followers of the item's lab what changed; return the kinds of activities queued."""
    if item_type == "Lab":
        return _lab_announce(iri)
    announcement = Announcement.objects.select_for_update().filter(iri=iri).first()
    item = selectors.item_by_iri(item_type, iri)
    if not selectors.is_public(item):
        return _withdraw(announcement, item_type) if announcement else []
    obj = documents.object_document(item)
    digest = _digest(obj)
    status = getattr(item, "status", "")
    if announcement is None:
        activities = [documents.create(item.lab, obj)]
        Announcement.objects.create(iri=iri, item_type=item_type, lab=item.lab, digest=digest, status=status)
    elif announcement.digest == digest and announcement.lab_id == item.lab.pk:
        return []
    else:
        activities = [documents.update(item.lab, obj)]
        if status == EventStatus.CANCELLED and announcement.status != EventStatus.CANCELLED:
            activities.append(documents.cancellation_note(item.lab, item))
        announcement.digest, announcement.status, announcement.lab = digest, status, item.lab
        announcement.updated_at = timezone.now()
        announcement.save(update_fields=["digest", "status", "lab", "updated_at"])
    _deliver_to_followers(item.lab, activities)
    return [activity["type"] for activity in activities]


def _withdraw(announcement: Announcement, item_type: str) -> list[str]:
    """The item is gone or no longer public: a Delete (Tombstone) to the followers who were told of it."""
    lab = announcement.lab
    activity = documents.delete(lab, iris.object_iri_of(item_type, announcement.iri))
    announcement.delete()
    _deliver_to_followers(lab, [activity])
    return ["Delete"]


def _lab_announce(iri: str) -> list[str]:
    """A followed lab changed: an Update of its actor while it is public; its followers dropped when it is not."""
    lab = Lab.objects.filter(iri=iri).first()
    if lab is None or lab.visibility != Visibility.PUBLIC:
        Follower.objects.filter(lab__iri=iri).delete()
        return []
    _deliver_to_followers(lab, [documents.update(lab, documents.actor_document(lab))])
    return ["Update"]


def _deliver_to_followers(lab: Lab, activities: list[dict[str, Any]]) -> None:
    inboxes = selectors.delivery_inboxes(lab)
    for activity in activities:
        for inbox in inboxes:
            transaction.on_commit(lambda inbox=inbox, activity=activity: deliver_soon(lab_id=lab.pk, inbox=inbox, activity=activity))


def _digest(obj: dict[str, Any]) -> str:
    told = {key: value for key, value in obj.items() if key not in UNTOLD}
    return hashlib.sha256(orjson.dumps(told, option=orjson.OPT_SORT_KEYS)).hexdigest()
