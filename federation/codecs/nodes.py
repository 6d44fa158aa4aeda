"""The node descriptor (sl:Node): the node's name, labs, endpoints and keys, as a controller document.

A node that never rotated its key lists one key, ``{base}/#key-1``. After a rotation the descriptor
lists the current key first and every earlier key after it, each marked ``retired`` (replaced by a
rotation: what it signed stays valid) or ``revoked`` (compromised: what it signed from that time on is
refused), all of them under ``assertionMethod`` so that the items they signed keep verifying.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from federation.codecs.common import DESCRIPTOR_CONTEXT, Decoded, instant, raise_if_context_wrong
from federation.codecs.shape import DocumentError, Reader
from hub.models import Node
from hub.multikey import MultikeyError, decode_public_key

PROTOCOL_VERSION = "1"
MAX_KEYS = 16
KEY_FRAGMENT = re.compile(r"[A-Za-z0-9._~-]{1,64}")


@dataclass(frozen=True)
class DescribedKey:
    """A key as a descriptor lists it: its id, its publicKeyMultibase, and when it was retired or revoked."""

    id: str
    key: str
    retired: datetime | None = None
    revoked: datetime | None = None

    @property
    def is_current(self) -> bool:
        """Whether the node signs with this key now."""
        return self.retired is None and self.revoked is None


def key_id(node_iri: str, number: int = 1) -> str:
    """The id of a node's signing key: ``{base}/#key-1``, ``#key-2`` after the first rotation, and so on."""
    return f"{node_iri}#key-{number}"


def stamp(moment: datetime) -> str:
    """A moment as an XML Schema dateTimeStamp to the second, as proofs carry ``created``: 2026-12-05T10:00:00Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def node_to_document(node: Node, lab_iris: list[str], keys: list[DescribedKey] | None = None) -> dict[str, Any]:
    """This node's descriptor (without proof); ``keys`` default to the node's one key."""
    base = node.base_url
    keys = keys or [DescribedKey(id=node.key_id or key_id(node.iri), key=node.public_key_multibase)]
    return {
        "@context": list(DESCRIPTOR_CONTEXT),
        "id": node.iri,
        "type": "Node",
        "version": node.version,
        "name": node.name,
        "city": node.city,
        "labs": lab_iris,
        "protocolVersion": PROTOCOL_VERSION,
        "dateModified": instant(node.date_modified),
        "feed": f"{base}/api/federation/feed",
        "tokenEndpoint": f"{base}/o/token/",
        "api": f"{base}/api/",
        "vocabulary": f"{base}/ns/v1",
        "verificationMethod": [_method(node.iri, key) for key in keys],
        "assertionMethod": [key.id for key in keys],
    }


def _method(controller: str, key: DescribedKey) -> dict[str, Any]:
    method = {"id": key.id, "type": "Multikey", "controller": controller, "publicKeyMultibase": key.key}
    if key.revoked is not None:
        method["revoked"] = stamp(key.revoked)
    elif key.retired is not None:
        method["retired"] = stamp(key.retired)
    return method


def node_from_document(reader: Reader) -> Decoded:
    """A node's name, city, labs and keys from its descriptor (``related["keys"]``, the current one first)."""
    raise_if_context_wrong(reader.value, DESCRIPTOR_CONTEXT)
    reader.allow("@context", "proof", "type")
    iri = reader.iri("id", required=True)
    if not iri.endswith("/"):
        raise DocumentError("a node's id is its base URL with a trailing slash")
    decoded = Decoded(type="Node", iri=iri, origin_iri=iri, version=reader.integer("version", required=True, minimum=1))
    reader.choice("protocolVersion", [PROTOCOL_VERSION], required=True)
    for endpoint in ("feed", "tokenEndpoint", "api", "vocabulary"):
        if not reader.iri(endpoint, required=True).startswith(iri):
            raise DocumentError(f"the descriptor's {endpoint} must lie under the node's own IRI")
    keys = _read_keys(reader, iri)
    decoded.fields = {
        "name": reader.text("name", required=True, max_length=200),
        "city": reader.text("city", required=True, max_length=200),
        "date_modified": reader.datetime("dateModified", required=True),
        "public_key_multibase": keys[0].key,
        "key_id": keys[0].id,
    }
    decoded.related["labs"] = reader.iris("labs")
    decoded.related["keys"] = keys
    reader.finish()
    return decoded


def _read_keys(reader: Reader, iri: str) -> list[DescribedKey]:
    """The descriptor's keys, the current one first; every key is named under assertionMethod, in order."""
    methods = reader.objects("verificationMethod", max_items=MAX_KEYS)
    keys = [_read_key(method, iri) for method in methods]
    reader.allow("assertionMethod")
    if not keys or reader.value.get("assertionMethod") != [key.id for key in keys]:
        raise DocumentError("the descriptor must name its keys under verificationMethod and the same ids, in the "
                            f"same order, under assertionMethod (at most {MAX_KEYS})")
    if len({key.id for key in keys}) != len(keys) or len({key.key for key in keys}) != len(keys):
        raise DocumentError("the descriptor names a key id or a key twice")
    current = [key for key in keys if key.is_current]
    if len(current) != 1:
        raise DocumentError("the descriptor must name exactly one current key (neither retired nor revoked)")
    return current + [key for key in keys if not key.is_current]


def _read_key(method: Reader, iri: str) -> DescribedKey:
    ident = method.iri("id", required=True)
    if not ident.startswith(iri + "#") or not KEY_FRAGMENT.fullmatch(ident[len(iri) + 1:]):
        raise DocumentError(f"a key's id must be {iri}#… with a short fragment of letters, digits and ._~-")
    if method.iri("controller", required=True) != iri:
        raise DocumentError(f"the key {ident} must be controlled by {iri}")
    method.choice("type", ["Multikey"], required=True)
    key = method.text("publicKeyMultibase", required=True, max_length=60)
    try:
        decode_public_key(key)
    except MultikeyError:
        raise DocumentError("publicKeyMultibase must be an Ed25519 Multikey (z6Mk…)") from None
    if not key.startswith("z6Mk"):
        raise DocumentError("publicKeyMultibase must be an Ed25519 Multikey (z6Mk…)")
    retired, revoked = method.datetime("retired"), method.datetime("revoked")
    if retired is not None and revoked is not None:
        raise DocumentError(f"the key {ident} is either retired or revoked, not both")
    method.finish()
    return DescribedKey(id=ident, key=key, retired=retired, revoked=revoked)
