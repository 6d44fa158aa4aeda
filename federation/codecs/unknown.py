"""Documents of a type this node does not understand, and what can be checked of them anyway (protocol §8).

The vocabulary grows only additively within version 1: a newer node may send an item type this
node's version has no codec for (or one ``HUB_ITEM_TYPES_HIDDEN`` hides). Such a document is not
refused but kept, unapplied, until an upgrade understands it (``federation.sync.waiting``). What is
checked without knowing the type is its envelope: the exact context list (new types use the same
v1 vocabulary), an ``id`` under its origin, an ``origin`` (if given) naming that node, a ``version``,
a well-formed type name, a single proof object (checked later against the origin's key, like every
proof: ``eddsa-jcs-2022`` signs the JSON itself, so the type does not matter) and, for a tombstone, its
``deleted`` time. The properties themselves, their shapes and the lab-of-origin rule are checked
only when the document is applied, by the codec of the version that knows the type.
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

from federation.codecs.common import ITEM_CONTEXT, Decoded, raise_if_context_wrong
from federation.codecs.shape import DocumentError, Reader

TYPE_NAME = re.compile(r"[A-Z][A-Za-z0-9]{0,63}")  # how the vocabulary names its classes
ALWAYS_UNDERSTOOD = ("Node", "Tombstone")  # the protocol's own: no setting hides them
NOT_UNDERSTOOD = "NotUnderstood"  # Decoded.type of a document kept unapplied
VOCABULARY_FILE = Path(__file__).resolve().parent.parent / "contexts" / "stadtlabor-v1.jsonld"


class NotUnderstood(DocumentError):
    """A well-formed document of an item type this node does not understand (or a tombstone of one)."""

    def __init__(self, type_name: str, *, tombstone: bool = False) -> None:
        self.type_name, self.tombstone = type_name, tombstone
        what = f"a tombstone of type {type_name!r}" if tombstone else f"unknown type {type_name!r}"
        super().__init__(f"{what}: a type this node does not know")


def hidden_types() -> frozenset[str]:
    """The item types this node behaves as if it did not know (``HUB_ITEM_TYPES_HIDDEN``)."""
    return frozenset(getattr(settings, "HUB_ITEM_TYPES_HIDDEN", ()))


def raise_if_not_understood(type_name: object, known: tuple[str, ...], *, tombstone: bool = False) -> str:
    """Return a type this node understands; raise NotUnderstood for a well-formed other one, DocumentError else."""
    if isinstance(type_name, str) and type_name in known and (
            type_name in ALWAYS_UNDERSTOOD or type_name not in hidden_types()):
        return type_name
    if isinstance(type_name, str) and TYPE_NAME.fullmatch(type_name) and type_name not in ALWAYS_UNDERSTOOD:
        raise NotUnderstood(type_name, tombstone=tombstone)
    what = "formerType" if tombstone else "type"
    raise DocumentError(f"unknown {what} {type_name!r}; expected one of {', '.join(known)}")


def envelope_from_document(reader: Reader, unknown: NotUnderstood) -> Decoded:
    """What can be checked of a document whose type this node does not understand (see the module)."""
    raise_if_context_wrong(reader.value, ITEM_CONTEXT)
    iri = reader.iri("id", required=True)
    parts = urlsplit(iri)
    origin = f"{parts.scheme}://{parts.netloc}/"
    if iri == origin:
        raise DocumentError(f"id {iri} names a node, not an item")
    declared = reader.value.get("origin")
    if declared is not None and declared != origin:
        raise DocumentError(f"origin {declared!r} is not the node {origin} whose IRI prefixes the id")
    version = reader.integer("version", required=True, minimum=1)
    if not isinstance(reader.value.get("proof"), dict):
        raise DocumentError("the document lacks its proof (one proof object, made by its origin)")
    if unknown.tombstone:
        reader.datetime("deleted", required=True)
    return Decoded(type=NOT_UNDERSTOOD, iri=iri, origin_iri=origin, version=version,
                   fields={"item_type": unknown.type_name, "deleted": unknown.tombstone})


def understanding(known: tuple[str, ...]) -> str:
    """A fingerprint of what this node understands: its vocabulary and the item types it does not hide.

    It changes with an upgrade that adds terms or types, and with ``HUB_ITEM_TYPES_HIDDEN``.
    """
    types = ",".join(sorted(set(known) - hidden_types()))
    return hashlib.sha256(_vocabulary() + b"\n" + types.encode()).hexdigest()


@functools.cache
def _vocabulary() -> bytes:
    return VOCABULARY_FILE.read_bytes()
