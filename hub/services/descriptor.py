"""This node's descriptor: re-signed whenever what it says (its public labs) changes.

The descriptor is public, so it names public labs only; peers read network-only labs in the feed.
"""

from __future__ import annotations

import json

from django.db import transaction
from django.utils import timezone

from hub.choices import Visibility
from hub.models import ChangeLogEntry, Lab, Node
from hub.publishing import publisher
from hub.services.changelog import Change, changelog_record


def node_descriptor_publish() -> Node:
    """Sign this node's descriptor anew (a new version once published) and record it in the change log."""
    node = Node.objects.select_for_update().get(is_local=True)
    if ChangeLogEntry.objects.filter(iri=node.iri).exists():
        node.version += 1
        node.date_modified = timezone.now()
        node.save(update_fields=["version", "date_modified"])
    document = publisher().descriptor_document(node, _public_lab_iris(node))
    changelog_record(
        Change(iri=node.iri, item_type="Node", origin_id=node.pk, version=node.version,
               visibility=Visibility.PUBLIC, document=document)
    )
    return node


@transaction.atomic
def node_descriptor_refresh() -> bool:
    """Re-sign the descriptor if the labs it names are not this node's public labs; say whether it did.

    A descriptor signed by an earlier version of the node may still name network-only labs.
    """
    node = Node.objects.filter(is_local=True).first()
    entry = ChangeLogEntry.objects.filter(iri=node.iri).first() if node else None
    if entry is None or json.loads(entry.document).get("labs") == _public_lab_iris(node):
        return False
    node_descriptor_publish()
    return True


def _public_lab_iris(node: Node) -> list[str]:
    labs = Lab.objects.filter(origin=node, visibility=Visibility.PUBLIC).order_by("date_created", "pk")
    return list(labs.values_list("iri", flat=True))
