"""Writing the fediverse face's state: followers come and go, each change answered or delivered after commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from fediverse import iris
from fediverse.documents import accept
from fediverse.models import Follower, RemoteActor
from hub.models import Lab


@transaction.atomic
def follow_accept(*, lab: Lab, actor: RemoteActor, follow: dict[str, Any]) -> Follower:
    """Make ``actor`` a follower of ``lab`` (again) and queue the signed ``Accept`` to its inbox."""
    follower, _created = Follower.objects.update_or_create(lab=lab, actor=actor, defaults={"follow_iri": follow["id"]})
    activity = accept(lab, follow)
    transaction.on_commit(lambda: deliver_soon(lab_id=lab.pk, inbox=actor.inbox, activity=activity))
    return follower


@transaction.atomic
def follow_end(*, lab: Lab, actor: RemoteActor, undo: dict[str, Any]) -> bool:
    """End ``actor``'s following of ``lab``; whether it was following."""
    deleted, _by_model = Follower.objects.filter(lab=lab, actor=actor).delete()
    _forget_if_unfollowing(actor)
    return bool(deleted)


@transaction.atomic
def follower_forget(*, actor: RemoteActor) -> None:
    """Forget an actor whose account was deleted, and everything it followed."""
    actor.delete()


def follow_of(*, follow_iri: str, actor_iri: str, lab: Lab | None) -> dict[str, Any] | None:
    """A Follow this node accepted, named only by its id (as some servers' Undo names it), or None."""
    follows = Follower.objects.select_related("lab", "actor").filter(follow_iri=follow_iri, actor__iri=actor_iri)
    follower = follows.filter(lab=lab).first() if lab is not None else follows.first()
    if follower is None:
        return None
    return {"id": follow_iri, "type": "Follow", "actor": actor_iri, "object": iris.actor_iri(follower.lab)}


def _forget_if_unfollowing(actor: RemoteActor) -> None:
    """Keep no remote actor that follows nothing here: its address is its own business."""
    if not actor.follows.exists():
        actor.delete()


def deliver_soon(*, lab_id: int, inbox: str, activity: dict[str, Any]) -> None:
    """Queue one signed delivery (call it after commit)."""
    from fediverse.tasks import deliver

    deliver.delay(lab_id, inbox, activity)
