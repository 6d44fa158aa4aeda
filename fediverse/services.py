"""Writing the fediverse face's state: followers come and go, each change answered or delivered after commit;
what each server's signatures should be."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from fediverse import iris
from fediverse.documents import accept
from fediverse.models import Follower, RemoteActor, RemoteServer
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


@transaction.atomic
def server_advertisement_record(*, url: str, rfc9421: bool) -> None:
    """Note whether the server of ``url`` offers RFC 9421 (FEP-844e); when that changes, it gets what it offers first."""
    host = RemoteServer.host_of(url)
    server = RemoteServer.objects.select_for_update().filter(host=host).first()
    if (server.rfc9421_advertised if server is not None else False) == rfc9421:
        return  # unchanged (a server never stored gets draft-cavage, as it would now)
    scheme = RemoteServer.Scheme.RFC9421 if rfc9421 else RemoteServer.Scheme.DRAFT_CAVAGE
    RemoteServer.objects.update_or_create(host=host, defaults={"rfc9421_advertised": rfc9421, "signature_scheme": scheme,
                                                               "updated_at": timezone.now()})


@transaction.atomic
def server_scheme_remember(*, url: str, scheme: str) -> None:
    """Sign requests to the server of ``url`` in ``scheme`` first: it took that after refusing the other."""
    RemoteServer.objects.update_or_create(host=RemoteServer.host_of(url),
                                          defaults={"signature_scheme": scheme, "updated_at": timezone.now()})


def _forget_if_unfollowing(actor: RemoteActor) -> None:
    """Keep no remote actor that follows nothing here: its address is its own business."""
    if not actor.follows.exists():
        actor.delete()


def deliver_soon(*, lab_id: int, inbox: str, activity: dict[str, Any]) -> None:
    """Queue one signed delivery (call it after commit)."""
    from fediverse.tasks import deliver

    deliver.delay(lab_id, inbox, activity)
