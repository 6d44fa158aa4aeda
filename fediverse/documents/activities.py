"""The activities a lab sends: Create, Update, Delete of its public items, Accept of a Follow, a cancellation note."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext

from events.models import Event
from fediverse import iris
from fediverse.documents.context import CONTEXT
from fediverse.documents.objects import event_summary, primary_language
from fediverse.documents.text import link_paragraph, text_paragraph
from hub.models import Lab


def activity_id(lab: Lab, kind: str) -> str:
    """A new activity's id: the actor's IRI with a fragment naming the kind and a random part."""
    return f"{iris.actor_iri(lab)}#{kind}-{uuid.uuid4().hex}"


def _activity(lab: Lab, kind: str, obj: Any, *, to: list[str], cc: list[str]) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "id": activity_id(lab, kind.lower()),
        "type": kind,
        "actor": iris.actor_iri(lab),
        "published": timezone.now().isoformat(),
        "to": to,
        "cc": cc,
        "object": obj,
    }


def embedded(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "@context"}


def create(lab: Lab, obj: dict[str, Any]) -> dict[str, Any]:
    """``Create`` of a public object, addressed as the object is."""
    return _activity(lab, "Create", embedded(obj), to=obj["to"], cc=obj["cc"])


def update(lab: Lab, obj: dict[str, Any]) -> dict[str, Any]:
    """``Update`` of a public object (or of the lab's actor)."""
    return _activity(lab, "Update", embedded(obj), to=obj.get("to", [iris.PUBLIC]),
                     cc=obj.get("cc", [iris.followers_iri(lab)]))


def delete(lab: Lab, object_id: str) -> dict[str, Any]:
    """``Delete`` of an object that is gone or no longer public: a Tombstone in its place."""
    return _activity(lab, "Delete", {"id": object_id, "type": "Tombstone"}, to=[iris.PUBLIC],
                     cc=[iris.followers_iri(lab)])


def accept(lab: Lab, follow: dict[str, Any]) -> dict[str, Any]:
    """``Accept`` of a follower's ``Follow``, which it embeds as received (id, type, actor, object)."""
    follow_copy = {key: follow[key] for key in ("id", "type", "actor", "object") if key in follow}
    return _activity(lab, "Accept", follow_copy, to=[follow["actor"]], cc=[])


def cancellation_note(lab: Lab, event: Event) -> dict[str, Any]:
    """A short ``Note`` to the followers that an event is cancelled (Mastodon ignores Updates of events)."""
    language = primary_language(event.languages[0] if event.languages else "")
    with translation.override(language):
        content = text_paragraph(gettext("Cancelled: %(title)s") % {"title": event.title}) + text_paragraph(
            event_summary(event, marked=False)) + link_paragraph(iris.item_page(event), iris.item_page(event))
    note = {
        "id": f"{iris.object_iri(event)}#cancelled-{uuid.uuid4().hex[:8]}",
        "type": "Note",
        "attributedTo": iris.actor_iri(lab),
        "content": content,
        "contentMap": {language: content},
        "published": timezone.now().isoformat(),
        "url": iris.item_page(event),
        "to": [iris.followers_iri(lab)],
        "cc": [],
    }
    return _activity(lab, "Create", note, to=note["to"], cc=[])
