"""The inbox: accepts Follow, Undo of a Follow and Delete of a follower, each signed by its actor.

The cheap checks come first (size, media type, a signature with a fresh date and a matching digest,
an activity of an accepted type), so that nothing is fetched for a request that fails them; only then
is the signing key looked up (fetched through the guarded client when unknown), verified and its owner
compared with the activity's actor. A ``Delete`` of an actor this node does not know is acknowledged
without a fetch (its server sends it everywhere, and the actor is gone).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import orjson
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from federation.throttle import client_of, throttle_wait
from fediverse import iris, services
from fediverse.remote import ActorKey, RemoteActorError, key_for, known_key
from fediverse.selectors import public_lab
from fediverse.signatures import ReceivedRequest, ReceivedSignature, SignatureError, signature_read
from hub.models import Lab

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024  # a Follow, Undo or Delete is a few hundred bytes
MEDIA_TYPES = ("application/activity+json", "application/ld+json", "application/json")
ACCEPTED = ("Follow", "Undo", "Delete")


class InboxRefusal(Exception):
    """A received activity is refused: ``status`` (4xx) and a detail that says why."""

    def __init__(self, status: int, detail: str, *, retry_after: int | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.retry_after = status, detail, retry_after


@dataclass(frozen=True)
class Received:
    """What the inbox did: ``accepted`` (202) or ``ignored`` (202, nothing to do)."""

    outcome: str


def inbox_receive(request: HttpRequest, *, lab: Lab | None) -> Received:
    """Check and act on one activity posted to a lab's inbox (``lab``) or to the shared inbox (None)."""
    body = _body(request)
    received = ReceivedRequest(method=request.method, url=request.build_absolute_uri(), headers=request.headers, body=body)
    try:
        signature = signature_read(received)
    except SignatureError as error:
        raise InboxRefusal(401, str(error)) from None
    activity = _activity(body)
    kind, actor = activity["type"], activity["actor"]
    if kind == "Delete":
        return _delete(activity, signature)
    target = _followed_lab(activity, lab)
    _raise_if_fetching_too_often(request, signature)
    key = _verified_key(signature, signer=target)
    if key.owner.iri != actor:
        raise InboxRefusal(401, _("The signing key belongs to %(owner)s, not to the activity's actor.") % {"owner": key.owner.iri})
    if kind == "Follow":
        services.follow_accept(lab=target, actor=key.owner, follow=activity)
        return Received("accepted")
    return Received("accepted" if services.follow_end(lab=target, actor=key.owner, undo=activity) else "ignored")


def _body(request: HttpRequest) -> bytes:
    media_type = request.content_type or ""
    if media_type not in MEDIA_TYPES:
        raise InboxRefusal(415, _("An inbox takes application/activity+json."))
    length = request.META.get("CONTENT_LENGTH") or ""
    if length.isdigit() and int(length) > MAX_BODY:
        raise InboxRefusal(413, _("An activity may have at most %(bytes)d bytes.") % {"bytes": MAX_BODY})
    body = request.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise InboxRefusal(413, _("An activity may have at most %(bytes)d bytes.") % {"bytes": MAX_BODY})
    return body


def _activity(body: bytes) -> dict[str, Any]:
    try:
        activity = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise InboxRefusal(400, _("The body is not JSON.")) from None
    if not isinstance(activity, dict):
        raise InboxRefusal(400, _("An activity is a JSON object."))
    if activity.get("type") not in ACCEPTED:
        raise InboxRefusal(422, _("This inbox accepts only Follow, Undo of a Follow and Delete of a follower."))
    if not _is_url(activity.get("actor")) or not _is_url(activity.get("id")):
        raise InboxRefusal(400, _("An activity needs an id and an actor, each an http(s) URL."))
    return activity


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= 500 and value.startswith(("https://", "http://"))


def _object_id(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) else value


def _followed_lab(activity: dict[str, Any], lab: Lab | None) -> Lab:
    """The lab a Follow (or the Follow an Undo ends) is for; in a lab's own inbox, that lab only."""
    follow = activity if activity["type"] == "Follow" else activity.get("object")
    if activity["type"] == "Undo" and isinstance(follow, str):
        follow = services.follow_of(follow_iri=follow, actor_iri=activity["actor"], lab=lab)
    if activity["type"] == "Undo":
        if not isinstance(follow, dict) or follow.get("type") != "Follow":
            raise InboxRefusal(422, _("An Undo is accepted only of a Follow this node accepted."))
        if follow.get("actor") != activity["actor"]:
            raise InboxRefusal(422, _("An Undo may end only its own actor's Follow."))
    target = _object_id(follow.get("object"))
    wanted = lab if lab is not None else _lab_of_actor(target)
    if wanted is None or target != iris.actor_iri(wanted):
        raise InboxRefusal(422, _("A Follow must name this lab's actor as its object."))
    return wanted


def _lab_of_actor(iri: Any) -> Lab | None:
    prefix = iris.absolute("/ap/labs/")
    if not isinstance(iri, str) or not iri.startswith(prefix):
        return None
    return public_lab(iri[len(prefix):])


def _raise_if_fetching_too_often(request: HttpRequest, signature: ReceivedSignature) -> None:
    """Count an activity signed with a key this node would have to fetch, per client address.

    Each such activity costs a fetch (two after a failed verification): without a limit, anyone could
    have the node send requests to any public address as fast as they post to the inbox.
    """
    if known_key(signature.key_id) is not None:
        return
    wait = throttle_wait(scope="fediverse-inbox-fetch", client=client_of(request), rate=settings.HUB_THROTTLE_INBOX_FETCH)
    if wait is not None:
        raise InboxRefusal(429, _("Too many activities signed by unknown keys from this address; try again in %(seconds)d seconds.") % {"seconds": wait}, retry_after=wait)


def _verified_key(signature: ReceivedSignature, *, signer: Lab) -> ActorKey:
    """The key the signature names, fetched if unknown, and the signature verified with it (once more after a refetch)."""
    try:
        key = key_for(signature.key_id, signer=signer)
        try:
            signature.verify(key.public_key)
        except SignatureError:
            key = key_for(signature.key_id, signer=signer, refresh=True)  # the actor may have a new key
            signature.verify(key.public_key)
    except RemoteActorError as error:
        # The reason stays in the log: echoed, it would tell a sender what answers at any address it names.
        log.info("fediverse inbox: the key %s could not be used: %s", signature.key_id[:300], error)
        raise InboxRefusal(401, _("The signing key could not be fetched from its actor, or it is not the actor's key.")) from None
    except SignatureError as error:
        raise InboxRefusal(401, str(error)) from None
    return key


def _delete(activity: dict[str, Any], signature: ReceivedSignature) -> Received:
    """A follower's account is gone: forget it. Only a known actor's own deletion, signed with its stored key."""
    actor = activity["actor"]
    if _object_id(activity.get("object")) != actor:
        raise InboxRefusal(422, _("A Delete is accepted only of the actor who sends it (a follower leaving)."))
    key = known_key(signature.key_id)
    if key is None:
        return Received("ignored")
    try:
        signature.verify(key.public_key)
    except SignatureError as error:
        raise InboxRefusal(401, str(error)) from None
    if key.owner.iri != actor:
        raise InboxRefusal(401, _("The signing key belongs to %(owner)s, not to the activity's actor.") % {"owner": key.owner.iri})
    services.follower_forget(actor=key.owner)
    return Received("accepted")
