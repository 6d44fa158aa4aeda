"""This node's descriptor: re-signed whenever what it says (its labs) changes."""

from __future__ import annotations

from django.utils import timezone

from hub.choices import PUBLISHED, Visibility
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
    lab_iris = list(
        Lab.objects.filter(origin=node, visibility__in=PUBLISHED).order_by("date_created").values_list("iri", flat=True)
    )
    document = publisher().descriptor_document(node, lab_iris)
    changelog_record(
        Change(iri=node.iri, item_type="Node", origin_id=node.pk, version=node.version,
               visibility=Visibility.PUBLIC, document=document)
    )
    return node
