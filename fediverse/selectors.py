"""What the fediverse face may show: public items of this node's public labs, and who follows them."""

from __future__ import annotations

import uuid
from heapq import merge

from django.db.models import QuerySet

from events.models import Event
from fediverse.models import Follower, RemoteActor, RemoteServer
from hub.choices import Visibility
from hub.models import FederatedItem, Lab, Node
from methods.models import MethodCard

ITEM_MODELS: dict[str, type[FederatedItem]] = {"Event": Event, "MethodCard": MethodCard}


def public_labs() -> QuerySet[Lab]:
    """This node's public labs: the actors."""
    return Lab.objects.filter(origin__is_local=True, visibility=Visibility.PUBLIC)


def public_lab(slug: str) -> Lab | None:
    """The public lab of this node with this slug, or None."""
    return public_labs().filter(slug=slug).first()


def is_public(item: FederatedItem | None) -> bool:
    """Whether an item may be shown here: public, of this node, of one of its public labs."""
    lab = getattr(item, "lab", None)
    return (item is not None and item.is_local and item.visibility == Visibility.PUBLIC and lab is not None
            and lab.is_local and lab.visibility == Visibility.PUBLIC)


def public_item(item_type: str, item_uuid: uuid.UUID) -> FederatedItem | None:
    """The public event or method card with this uuid, or None."""
    item = ITEM_MODELS[item_type].objects.select_related("lab", "origin").filter(uuid=item_uuid).first()
    return item if is_public(item) else None


def item_by_iri(item_type: str, iri: str) -> FederatedItem | None:
    """An event or method card of any visibility by its IRI (None when deleted)."""
    return ITEM_MODELS[item_type].objects.select_related("lab", "origin").filter(iri=iri).first()


def _public_of(model: type[FederatedItem], lab: Lab) -> QuerySet:
    return model.objects.filter(lab=lab, visibility=Visibility.PUBLIC)


def outbox_total(lab: Lab) -> int:
    """How many public items the lab's outbox holds."""
    return sum(_public_of(model, lab).count() for model in ITEM_MODELS.values())


def outbox_items(lab: Lab, *, offset: int, limit: int) -> list[FederatedItem]:
    """The lab's public events and method cards, newest first, from ``offset`` on."""
    keys = [
        [(created, pk, name) for created, pk in _public_of(model, lab).order_by("-date_created", "-pk")
         .values_list("date_created", "pk")[: offset + limit]]
        for name, model in ITEM_MODELS.items()
    ]
    chosen = list(merge(*keys, reverse=True))[offset: offset + limit]
    loaded = {name: model.objects.select_related("lab", "origin").in_bulk([pk for _, pk, kind in chosen if kind == name])
              for name, model in ITEM_MODELS.items()}
    return [loaded[kind][pk] for _, pk, kind in chosen]


def public_item_count() -> int:
    """This node's public items in public labs, for NodeInfo."""
    labs = public_labs()
    return sum(model.objects.filter(lab__in=labs, visibility=Visibility.PUBLIC).count() for model in ITEM_MODELS.values())


def local_node() -> Node | None:
    return Node.objects.filter(is_local=True).first()


def followers_count(lab: Lab) -> int:
    return Follower.objects.filter(lab=lab).count()


def delivery_inboxes(lab: Lab) -> list[str]:
    """Where a lab's deliveries go: one inbox per server (its shared inbox when it has one)."""
    actors = RemoteActor.objects.filter(follows__lab=lab).distinct()
    return sorted({actor.delivery_inbox for actor in actors})


def signature_scheme(url: str) -> str:
    """The HTTP signature scheme a request to ``url``'s server is signed in first: as stored, else draft-cavage."""
    server = RemoteServer.objects.filter(host=RemoteServer.host_of(url)).first()
    return server.signature_scheme if server is not None else RemoteServer.Scheme.DRAFT_CAVAGE
