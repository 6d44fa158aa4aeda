"""The node descriptor (sl:Node): the node's name, labs, endpoints and key, as a controller document."""

from __future__ import annotations

from typing import Any

from federation.codecs.common import DESCRIPTOR_CONTEXT, Decoded, instant, raise_if_context_wrong
from federation.codecs.shape import DocumentError, Reader
from hub.models import Node

PROTOCOL_VERSION = "1"


def key_id(node_iri: str) -> str:
    """The id of a node's signing key: ``{base}/#key-1``."""
    return node_iri + "#key-1"


def node_to_document(node: Node, lab_iris: list[str]) -> dict[str, Any]:
    """This node's descriptor (without proof)."""
    base = node.base_url
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
        "verificationMethod": [
            {
                "id": key_id(node.iri),
                "type": "Multikey",
                "controller": node.iri,
                "publicKeyMultibase": node.public_key_multibase,
            }
        ],
        "assertionMethod": [key_id(node.iri)],
    }


def node_from_document(reader: Reader) -> Decoded:
    """A node's name, city, labs and public key from its descriptor."""
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
    decoded.fields = {
        "name": reader.text("name", required=True, max_length=200),
        "city": reader.text("city", required=True, max_length=200),
        "date_modified": reader.datetime("dateModified", required=True),
        "public_key_multibase": _read_key(reader, iri),
    }
    decoded.related["labs"] = reader.iris("labs")
    reader.finish()
    return decoded


def _read_key(reader: Reader, iri: str) -> str:
    methods = reader.objects("verificationMethod", max_items=1)
    if reader.value.get("assertionMethod") != [key_id(iri)] or not methods:
        raise DocumentError(f"the descriptor must name exactly one key, {key_id(iri)}, for assertions")
    reader.allow("assertionMethod")
    method = methods[0]
    if method.iri("id", required=True) != key_id(iri) or method.iri("controller", required=True) != iri:
        raise DocumentError(f"the key must be {key_id(iri)} controlled by {iri}")
    method.choice("type", ["Multikey"], required=True)
    key = method.text("publicKeyMultibase", required=True, max_length=60)
    if not key.startswith("z6Mk"):
        raise DocumentError("publicKeyMultibase must be an Ed25519 Multikey (z6Mk…)")
    method.finish()
    return key
