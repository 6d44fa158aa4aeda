"""Where the fediverse face's documents live: one actor per lab under /ap/labs/<slug>, objects under /ap/."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

from hub.models import FederatedItem, Lab

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def absolute(path: str) -> str:
    """A path of this node as an absolute URL."""
    return settings.HUB_BASE_URL + path


def host() -> str:
    """This node's host as WebFinger names it (with the port when it is not the default)."""
    return urlsplit(settings.HUB_BASE_URL).netloc.lower()


def actor_iri(lab: Lab) -> str:
    """The lab's actor."""
    return absolute(reverse("fediverse-actor", kwargs={"slug": lab.slug}))


def key_id(lab: Lab) -> str:
    """The id of the lab actor's RSA key, as its signatures name it."""
    return actor_iri(lab) + "#main-key"


def inbox_iri(lab: Lab) -> str:
    return absolute(reverse("fediverse-inbox", kwargs={"slug": lab.slug}))


def outbox_iri(lab: Lab) -> str:
    return absolute(reverse("fediverse-outbox", kwargs={"slug": lab.slug}))


def followers_iri(lab: Lab) -> str:
    return absolute(reverse("fediverse-followers", kwargs={"slug": lab.slug}))


def shared_inbox_iri() -> str:
    return absolute(reverse("fediverse-shared-inbox"))


def icon_url(lab: Lab) -> str:
    return absolute(reverse("fediverse-icon", kwargs={"slug": lab.slug}))


def lab_page(lab: Lab) -> str:
    """The lab's page for people."""
    return absolute(reverse("lab-detail", kwargs={"slug": lab.slug}))


OBJECT_ROUTES = {"Event": ("fediverse-event", "event-detail"), "MethodCard": ("fediverse-method", "method-detail")}


def object_iri(item: FederatedItem) -> str:
    """The ActivityStreams object of a public event or method card (its id in the fediverse)."""
    return absolute(reverse(OBJECT_ROUTES[type(item).__name__][0], kwargs={"uuid": item.uuid}))


def item_page(item: FederatedItem) -> str:
    """The item's page for people."""
    return absolute(reverse(OBJECT_ROUTES[type(item).__name__][1], kwargs={"uuid": item.uuid}))


def object_iri_of(item_type: str, item_iri: str) -> str:
    """The object IRI of an item known only by its type and IRI (a deleted one): its uuid ends the IRI."""
    return absolute(reverse(OBJECT_ROUTES[item_type][0], kwargs={"uuid": item_iri.rstrip("/").rsplit("/", 1)[-1]}))
