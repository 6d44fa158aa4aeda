"""This node's identity: created once, then only read."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from hub import identity
from hub.models import Lab, Node
from hub.roles import SYSTEM
from hub.services.labs import lab_create


@dataclass(frozen=True)
class NodeInit:
    """What init_node found or made."""

    node: Node
    lab: Lab | None
    created: bool


@transaction.atomic
def node_init(*, name: str, city: str, lab_name: str = "", lab_slug: str = "") -> NodeInit:
    """Create the node's key, record and first lab; change nothing if the node already exists."""
    existing = Node.objects.filter(is_local=True).first()
    if existing is not None:
        identity.key_load()  # an initialised node without its key file is broken: say so
        return NodeInit(node=existing, lab=None, created=False)
    path = identity.key_path()
    key = identity.key_load(path) if path.exists() else identity.key_create(path)
    node = Node.objects.create(
        iri=settings.HUB_BASE_URL + "/",
        name=name,
        city=city,
        public_key_multibase=identity.public_key_multibase(key),
        key_id=settings.HUB_BASE_URL + "/#key-1",
        is_local=True,
    )
    lab_name = lab_name or name
    lab = lab_create(actor=SYSTEM, name=lab_name, city=city, slug=lab_slug or slugify(lab_name))
    return NodeInit(node=Node.objects.get(pk=node.pk), lab=lab, created=True)

