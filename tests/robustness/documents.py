"""Signed documents of another node, and Hypothesis strategies that damage them as a hostile peer would.

``Signer`` is an origin with its own key that signs descriptors, labs, events, method cards and
tombstones exactly as a node does. ``damaged`` draws one change to a document: a value of the wrong
type, a missing or unknown property, a huge string, deep nesting, a Unicode edge case, or a
document that is not an object at all; ``resigned`` signs a damaged document again, so that the
damage also meets the checks after the proof (a malicious origin signs whatever it likes).
"""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from hypothesis import strategies as st

from events.models import Event
from federation.codecs import key_id, node_to_document, tombstone_to_document
from federation.codecs.events import event_to_document
from federation.codecs.labs import lab_to_document
from federation.codecs.methods import method_to_document
from federation.proofs import sign_jcs
from hub.models import Lab, Node
from hub.multikey import encode_public_key, generate_key
from methods.models import MethodCard, MethodStep

FIRST_DAY = datetime(2026, 1, 1, tzinfo=UTC)
START = datetime(2027, 3, 4, 17, 0, tzinfo=UTC)


class Signer:
    """Another node of the network: its IRI, its key, and the documents it signs."""

    def __init__(self, base: str, name: str = "Fernlabor", city: str = "Fernstadt") -> None:
        self.base, self.key = base, generate_key()
        self.node = Node(iri=base + "/", name=name, city=city, version=1, date_modified=FIRST_DAY,
                         public_key_multibase=encode_public_key(self.key.public_key()))

    @property
    def lab_iri(self) -> str:
        return f"{self.base}/labs/fern"

    def sign(self, document: dict[str, Any]) -> dict[str, Any]:
        return sign_jcs(document, self.key, key_id(self.node.iri))

    def descriptor(self, version: int = 1) -> dict[str, Any]:
        node = copy.copy(self.node)
        node.version, node.date_modified = version, FIRST_DAY + timedelta(days=version)
        return self.sign(node_to_document(node, [self.lab_iri]))

    def lab(self, version: int = 1) -> dict[str, Any]:
        lab = Lab(iri=self.lab_iri, origin=self.node, slug="fern", name=self.node.name, city=self.node.city,
                  address="Marktplatz 1", latitude="50.08", longitude="8.24", version=version,
                  date_created=FIRST_DAY, date_modified=FIRST_DAY + timedelta(days=version))
        return self.sign(lab_to_document(lab))

    def event(self, uid: str, version: int = 1) -> dict[str, Any]:
        event = Event(iri=f"{self.base}/events/{uid}", origin=self.node, lab_id=self.lab_iri, title="Zukunftswerkstatt",
                      description="Ideen für die Fußgängerzone", start=START, end=START + timedelta(hours=2),
                      timezone="Europe/Berlin", place_name="Stadtbibliothek", keywords=["Mitmachen"],
                      version=version, date_created=FIRST_DAY, date_modified=FIRST_DAY + timedelta(days=version))
        return self.sign(event_to_document(event))

    def method(self, uid: str, version: int = 1) -> dict[str, Any]:
        method = MethodCard(iri=f"{self.base}/methods/{uid}", origin=self.node, title="Stadtspaziergang", slug=uid,
                            summary="Gehen und fragen", phase="erkunden", lab_id=self.lab_iri, version=version,
                            duration_min=30, duration_max=90, keywords=["Beteiligung"],
                            date_created=FIRST_DAY, date_modified=FIRST_DAY + timedelta(days=version))
        steps = [MethodStep(title="Losgehen", text="Treffpunkt am Brunnen"), MethodStep(title="Fragen")]
        return self.sign(method_to_document(method, steps=steps))

    def tombstone(self, iri: str, former_type: str, version: int) -> dict[str, Any]:
        return self.sign(tombstone_to_document(iri=iri, former_type=former_type, version=version,
                                               deleted=FIRST_DAY + timedelta(days=version)))


def resigned(signer: Signer, document: Any) -> Any:
    """The document signed again by ``signer`` after its damage, when it still can be signed."""
    if not isinstance(document, dict):
        return document
    try:
        return signer.sign({key: value for key, value in document.items() if key != "proof"})
    except Exception:  # noqa: BLE001 (not JCS-canonicalisable, e.g. an integer beyond 2**53: it stays as it is)
        return document


# What a JSON parser can hand over: no NaN or infinity, no lone surrogates, integers as orjson reads them.
EDGE_TEXTS = [
    "", " ", "\x00", "Stadt\x00labor", "\u202eevil", "\ufeffBOM", "Zeile\u2028Trenner", "\x85", "\uffff",
    "\U0010ffff", "e\u0301", "👩‍👩‍👧", "İstanbul", "ß", "\r\n", "<script>alert(1)</script>", "javascript:alert(1)",
    "http://", "https://[::1", "http://127.0.0.1:1/", "http://xn--nxasmq6b/", "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00", "2026-02-30T00:00:00Z", "2026-01-01T00:00:00", "Europe/Berlin\x00", "../../x",
    "z6Mk", "zzzz", "eddsa-rdfc-2022", "Tombstone", "Node",
]
EDGE_NUMBERS = [0, -1, 1, 2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1, 2**64 - 1, -(2**63), 0.5, -0.0, 1e308, 5e-324]
json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**63), 2**64 - 1), st.sampled_from(EDGE_NUMBERS),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20), st.sampled_from(EDGE_TEXTS),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
huge_texts = st.sampled_from([100_001, 200_001, 262_200]).flatmap(
    lambda size: st.sampled_from(["x", "ä", "€", "😀"]).map(lambda char: char * (size // len(char.encode())))
)


def nested(depth: int, leaf: Any, *, as_objects: bool) -> Any:
    for _ in range(depth):
        leaf = {"a": leaf} if as_objects else [leaf]
    return leaf


deep_values = st.builds(nested, st.integers(10, 60), json_scalars, as_objects=st.booleans())


def locations(value: Any, path: tuple = ()) -> list[tuple]:
    """Every path to a value inside a JSON document."""
    found = []
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        found.append(path + (key,))
        found.extend(locations(child, path + (key,)))
    return found


def _parent(document: Any, path: tuple) -> Any:
    for key in path[:-1]:
        document = document[key]
    return document


MUTATIONS = ("none", "replace", "delete", "unknown key", "huge", "deep", "edge text", "not an object")


@st.composite
def damaged(draw, document: dict[str, Any]) -> Any:
    """One hostile change to a document (or none)."""
    mutation = draw(st.sampled_from(MUTATIONS), label="mutation")
    if mutation == "none":
        return document
    if mutation == "not an object":
        return draw(json_values | deep_values | huge_texts, label="document")
    document = copy.deepcopy(document)
    paths = locations(document)
    path = draw(st.sampled_from(paths), label="at")
    parent = _parent(document, path)
    if mutation == "delete":
        if isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent.pop(path[-1])
    elif mutation == "unknown key":
        target = parent if isinstance(parent, dict) else document
        target[draw(st.sampled_from(["name", "proof", "@context", "id", "sameAs"]) | st.text(max_size=8))] = draw(
            json_values
        )
    else:
        strategy = {"replace": json_values, "huge": huge_texts, "deep": deep_values,
                    "edge text": st.sampled_from(EDGE_TEXTS)}[mutation]
        parent[path[-1]] = draw(strategy, label="value")
    return document


def wire(documents: list[Any], *, next_url: str | None) -> bytes:
    """A feed page as a peer sends it."""
    page = {"@context": "https://www.w3.org/ns/activitystreams", "type": "OrderedCollectionPage",
            "orderedItems": documents}
    if next_url:
        page["next"] = next_url
    return orjson.dumps(page)


def new_uuid() -> str:
    return str(uuid.uuid4())
