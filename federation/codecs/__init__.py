"""One codec per item type: ``to_document(item)`` and ``from_document(document)`` (see each module).

``from_document`` checks the shape of a received document completely, without JSON-LD processing:
the exact bundled @context list, a known type, every property with the right shape and nothing else.
A well-formed type this node does not understand raises ``NotUnderstood``; ``received_from_document``
then checks what can be checked without knowing the type (``federation.codecs.unknown``).
Proofs are checked separately (``federation.proofs``).
"""

from __future__ import annotations

from typing import Any

from events.models import Event
from experience.models import ExperienceReport
from federation.codecs.common import DESCRIPTOR_CONTEXT, ITEM_CONTEXT, Decoded
from federation.codecs.events import event_from_document, event_to_document
from federation.codecs.experience import report_from_document, report_to_document
from federation.codecs.ideas import idea_from_document, idea_to_document
from federation.codecs.labs import lab_from_document, lab_to_document
from federation.codecs.methods import method_from_document, method_to_document
from federation.codecs.nodes import (
    DescribedKey,
    key_id,
    node_from_document,
    node_to_document,
    stamp,
)
from federation.codecs.shape import DocumentError, Reader, UnknownTerms
from federation.codecs.tombstones import tombstone_from_document, tombstone_to_document
from federation.codecs.unknown import (
    ALWAYS_UNDERSTOOD,
    NOT_UNDERSTOOD,
    NotUnderstood,
    envelope_from_document,
    hidden_types,
    raise_if_not_understood,
    understanding,
)
from hub.models import FederatedItem, Lab
from ideas.models import Idea
from methods.models import MethodCard

DECODERS = {
    "Lab": lab_from_document,
    "Event": event_from_document,
    "MethodCard": method_from_document,
    "Idea": idea_from_document,
    "ExperienceReport": report_from_document,
    "Node": node_from_document,
    "Tombstone": tombstone_from_document,
}


def to_document(item: FederatedItem) -> dict[str, Any]:
    """An item as its compact JSON-LD document, without proof."""
    if isinstance(item, MethodCard):
        return method_to_document(item)
    if isinstance(item, Event):
        return event_to_document(item)
    if isinstance(item, Lab):
        return lab_to_document(item)
    if isinstance(item, Idea):
        return idea_to_document(item)
    if isinstance(item, ExperienceReport):
        return report_to_document(item)
    raise TypeError(f"no codec for {type(item).__name__}")


def from_document(document: object) -> Decoded:
    """The validated fields of a received document; raises DocumentError saying what is wrong
    (NotUnderstood for a well-formed type this node does not know or hides)."""
    reader = Reader(document, "document")
    type_name = raise_if_not_understood(reader.value.get("type"), tuple(DECODERS))
    return DECODERS[type_name](reader)


def received_from_document(document: object) -> Decoded:
    """``from_document``, except that a document of a type this node does not understand gives its checked
    envelope (``Decoded.type`` is ``NOT_UNDERSTOOD``) instead of an error, so that it can be kept (§8)."""
    try:
        return from_document(document)
    except NotUnderstood as unknown:
        return envelope_from_document(Reader(document, "document"), unknown)


def understood_types() -> tuple[str, ...]:
    """The item types this node applies: those it has a codec for, less those ``HUB_ITEM_TYPES_HIDDEN`` hides."""
    hidden = hidden_types()
    return tuple(name for name in DECODERS if name not in hidden or name in ALWAYS_UNDERSTOOD)


def understanding_now() -> str:
    """The fingerprint of what this node understands now (its vocabulary, the item types it applies)."""
    return understanding(tuple(DECODERS))


__all__ = [
    "DESCRIPTOR_CONTEXT",
    "ITEM_CONTEXT",
    "Decoded",
    "DescribedKey",
    "DocumentError",
    "NOT_UNDERSTOOD",
    "NotUnderstood",
    "from_document",
    "key_id",
    "node_to_document",
    "received_from_document",
    "stamp",
    "to_document",
    "tombstone_to_document",
    "UnknownTerms",
    "understanding_now",
    "understood_types",
]
