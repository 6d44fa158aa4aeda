"""Offline JSON-LD processing: only the contexts bundled in ``federation/contexts/`` are ever used.

API:

- ``BUNDLED``: the production ``ContextLoader`` (the contexts named in ``contexts/manifest.json``).
- ``ContextLoader``: a pyld document loader over a fixed URL -> context map that never touches the
  network; ``loader.with_contexts(read_manifest(path))`` adds contexts (tests use it for the W3C
  vectors' contexts).
- ``check_contexts(document)``: raises ``ContextError`` unless every ``@context`` anywhere in the
  document is a URL the loader serves (inline context objects are rejected too).
- ``expand``, ``compact``, ``to_rdf_nquads``, ``canonize``: pyld calls pinned to a loader; an
  unknown context surfaces as ``UnknownContextError`` (pyld would otherwise wrap it in its own).
- ``canonize`` returns RDFC-1.0 canonical N-Quads and raises ``DroppedPropertyError`` for a
  property no context defines (it would silently fall out of what is signed);
  ``escape_literal`` is its literal escaping.
- Errors: ``ContextError`` and its subclasses ``UnknownContextError(url)`` and
  ``DroppedPropertyError(iri)``; other malformed JSON-LD raises pyld's ``JsonLdError``.

pyld traps handled here: its default loader fetches over the network when ``requests`` is
importable, its resolved-context cache is process-wide and keyed by URL alone, its default
canonicalisation is URGNA2012, 3.3 names RDFC-1.0 only "URDNA2015", and its N-Quads writer leaves
control characters other than tab, LF and CR unescaped. So every call passes our loader and a
context resolver with the loader's own cache, and canonical N-Quads are written here.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.context_resolver import ContextResolver

_CONTEXT_DIR = Path(__file__).with_name("contexts")
_RESOLVED_CACHE_SIZE = 100
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_NQUADS = "application/n-quads"

# RDFC-1.0 appendix A (canonical N-Quads): these seven as ECHAR, other C0 controls and DEL as UCHAR.
_LITERAL_ESCAPES = {
    **{code: f"\\u{code:04X}" for code in [*range(0x20), 0x7F]},
    0x08: "\\b",
    0x09: "\\t",
    0x0A: "\\n",
    0x0C: "\\f",
    0x0D: "\\r",
    0x22: '\\"',
    0x5C: "\\\\",
}
# Characters the N-Quads IRIREF production only allows as UCHAR.
_IRI_ESCAPES = {code: f"\\u{code:04X}" for code in [*range(0x21), *map(ord, '<>"{}|^`\\')]}


class ContextError(ValueError):
    """A document's @context is not acceptable to this node."""


class UnknownContextError(ContextError):
    """A context URL that is not bundled with this node, which never fetches contexts."""

    def __init__(self, url: str) -> None:
        super().__init__(f"unknown JSON-LD context {url!r}: only bundled contexts are accepted")
        self.url = url


class DroppedPropertyError(ContextError):
    """A property that the document's contexts do not define, which canonicalisation would drop."""

    def __init__(self, iri: str | None) -> None:
        super().__init__(
            f"JSON-LD expansion would drop the property {iri!r}: define it in a context"
        )
        self.iri = iri


class ContextLoader:
    """A pyld document loader that serves a fixed set of contexts and never touches the network."""

    def __init__(self, contexts: Mapping[str, Any]) -> None:
        """Keep private copies of the given URL -> parsed context documents."""
        self._contexts = {url: copy.deepcopy(document) for url, document in contexts.items()}
        self.urls = frozenset(self._contexts)
        self._local = threading.local()

    def with_contexts(self, contexts: Mapping[str, Any]) -> ContextLoader:
        """Return a new loader serving these contexts in addition to this loader's."""
        return ContextLoader({**self._contexts, **contexts})

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Return pyld's remote document for a known context URL, a fresh copy each time."""
        if url not in self._contexts:
            raise UnknownContextError(url)
        document = copy.deepcopy(self._contexts[url])
        return {"contextUrl": None, "documentUrl": url, "document": document, "tag": "static"}

    def pyld_options(self) -> dict[str, Any]:
        """Return pyld options pinning this loader and a resolver whose cache only it fills."""
        return {"documentLoader": self, "contextResolver": ContextResolver(self._cache(), self)}

    def _cache(self) -> LRUCache:
        """Return this thread's resolved-context cache (pyld's caches are not thread-safe)."""
        if not hasattr(self._local, "cache"):
            self._local.cache = LRUCache(maxsize=_RESOLVED_CACHE_SIZE)
        return self._local.cache


def read_manifest(manifest: Path) -> dict[str, Any]:
    """Return the contexts a JSON manifest maps from URL to a file name beside it, parsed."""
    entries = _read_json(manifest)
    return {url: _read_json(manifest.parent / name) for url, name in entries.items()}


def _read_json(path: Path) -> Any:
    """Parse one JSON file."""
    return json.loads(path.read_text(encoding="utf-8"))


BUNDLED = ContextLoader(read_manifest(_CONTEXT_DIR / "manifest.json"))


def check_contexts(document: Any, *, loader: ContextLoader = BUNDLED) -> None:
    """Raise ContextError unless every @context at any depth names only URLs the loader serves."""
    pending = [document]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if "@context" in node:
                _check_context_value(node["@context"], loader.urls)
            pending.extend(value for key, value in node.items() if key != "@context")
        elif isinstance(node, list):
            pending.extend(node)


def _check_context_value(value: Any, urls: frozenset[str]) -> None:
    """Raise ContextError unless an @context value is a known URL or a list of known URLs."""
    for entry in value if isinstance(value, list) else [value]:
        if not isinstance(entry, str):
            raise ContextError(f"@context entries must be context URLs, not {type(entry).__name__}")
        if entry not in urls:
            raise UnknownContextError(entry)


def expand(document: Any, *, loader: ContextLoader = BUNDLED) -> list[Any]:
    """Expand a JSON-LD document using only the loader's contexts."""
    with _surfacing_context_errors():
        return jsonld.expand(document, loader.pyld_options())


def compact(document: Any, context: Any, *, loader: ContextLoader = BUNDLED) -> dict[str, Any]:
    """Compact a JSON-LD document against a context using only the loader's contexts."""
    with _surfacing_context_errors():
        return jsonld.compact(document, context, loader.pyld_options())


def to_rdf_nquads(document: Any, *, loader: ContextLoader = BUNDLED) -> str:
    """Return the document's RDF dataset as sorted N-Quads with pyld's blank node labels."""
    dataset = _to_dataset(document, loader)
    return "".join(
        sorted(_nquad(triple, name) for name, triples in dataset.items() for triple in triples)
    )


def canonize(document: Any, *, loader: ContextLoader = BUNDLED) -> str:
    """Return the RDFC-1.0 canonical N-Quads of a document, refusing properties it would drop."""
    return _Rdfc10().canonical_nquads(_to_dataset(document, loader, safe=True))


def escape_literal(text: str) -> str:
    """Escape a literal's lexical form as RDFC-1.0's canonical N-Quads requires."""
    return text.translate(_LITERAL_ESCAPES)


def _to_dataset(document: Any, loader: ContextLoader, *, safe: bool = False) -> dict[str, list]:
    """Convert a document to pyld's RDF dataset form, optionally failing on dropped properties."""
    processor = jsonld.JsonLdProcessor(**({"on_property_dropped": _raise_dropped} if safe else {}))
    with _surfacing_context_errors():
        return processor.to_rdf(document, loader.pyld_options())


def _raise_dropped(iri: str | None) -> None:
    """Refuse a property that JSON-LD expansion is about to drop."""
    raise DroppedPropertyError(iri)


@contextmanager
def _surfacing_context_errors() -> Iterator[None]:
    """Re-raise a ContextError that pyld wrapped into one of its own JsonLdErrors."""
    try:
        yield
    except jsonld.JsonLdError as error:
        cause = _context_error_cause(error)
        if cause is None:
            raise
        raise cause from error


def _context_error_cause(error: BaseException) -> ContextError | None:
    """Return the first ContextError in an exception's chain of causes."""
    seen: BaseException | None = error
    while seen is not None and not isinstance(seen, ContextError):
        seen = seen.__cause__ or seen.__context__
    return seen


def _nquad(quad: Mapping[str, Any], graph_name: str | None = None) -> str:
    """Serialise one pyld quad (or triple plus graph name) in canonical N-Quads form."""
    terms = [_term(quad["subject"]), _term(quad["predicate"]), _term(quad["object"])]
    graph = quad["name"] if "name" in quad else _graph_term(graph_name)
    if graph is not None:
        terms.append(_term(graph))
    return " ".join(terms) + " .\n"


def _graph_term(graph_name: str | None) -> dict[str, str] | None:
    """Return the term for a pyld dataset graph name, None for the default graph."""
    if graph_name in (None, "@default"):
        return None
    return {"type": "blank node" if graph_name.startswith("_:") else "IRI", "value": graph_name}


def _term(term: Mapping[str, Any]) -> str:
    """Serialise one pyld RDF term in canonical N-Quads form."""
    if term["type"] == "IRI":
        return f"<{term['value'].translate(_IRI_ESCAPES)}>"
    if term["type"] == "blank node":
        return term["value"]
    return _literal(term)


def _literal(term: Mapping[str, Any]) -> str:
    """Serialise a literal: language-tagged, plain string, or with its datatype IRI."""
    lexical = f'"{escape_literal(term["value"])}"'
    if term["datatype"] == _RDF_LANGSTRING:
        return f"{lexical}@{term['language']}"
    if term["datatype"] == _XSD_STRING:
        return lexical
    return f"{lexical}^^<{term['datatype'].translate(_IRI_ESCAPES)}>"


class _Rdfc10(URDNA2015):
    """pyld's URDNA2015 with RDFC-1.0 canonical N-Quads wherever it serialises quads."""

    def hash_first_degree_quads(self, id_: str) -> str:
        """Hash a blank node's quads as RDFC-1.0 section 4.6 says, in canonical N-Quads form."""
        info = self.blank_node_info[id_]
        if "hash" not in info:
            nquads = [_nquad(self._first_degree_quad(id_, quad)) for quad in info["quads"]]
            info["hash"] = self.hash_nquads(sorted(nquads))
        return info["hash"]

    def _first_degree_quad(self, id_: str, quad: Mapping[str, Any]) -> dict[str, Any]:
        """Return the quad with blank nodes renamed _:a (this one) or _:z (any other)."""
        return {
            key: self.modify_first_degree_component(id_, term, key) for key, term in quad.items()
        }

    def canonical_nquads(self, dataset: dict[str, list]) -> str:
        """Label the dataset's blank nodes canonically and return its canonical N-Quads."""
        self.main(dataset, {"format": _NQUADS})
        return "".join(sorted(_nquad(quad) for quad in self.quads))
