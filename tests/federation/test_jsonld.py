"""Tests for the offline JSON-LD loader, context checks and RDFC-1.0 canonical N-Quads."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import rdflib
from pyld import jsonld as pyld_jsonld

from federation.jsonld import (
    BUNDLED,
    ContextError,
    DroppedPropertyError,
    UnknownContextError,
    canonize,
    check_contexts,
    compact,
    escape_literal,
    expand,
    to_rdf_nquads,
)

from .conftest import ITEM_CONTEXT, read_vector

CONTEXT_DIR = Path(__file__).resolve().parents[2] / "federation" / "contexts"
DATA_INTEGRITY = "https://w3id.org/security/data-integrity/v2"
SCHEMA_NAME = "https://schema.org/name"
PART = "https://w3id.org/stadtlabor/ns#part"


class _RecordingServer(ThreadingHTTPServer):
    """An HTTP server that records every connection it accepts."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ContextHandler)
        self.connections: list[tuple[str, int]] = []

    def verify_request(self, request, client_address) -> bool:
        """Record the connection before any request is read."""
        self.connections.append(client_address)
        return True


class _ContextHandler(BaseHTTPRequestHandler):
    """Serves a small JSON-LD context for any GET."""

    def do_GET(self) -> None:
        """Answer with a context defining one term."""
        body = json.dumps({"@context": {"name": SCHEMA_NAME}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        """Keep test output quiet."""


@pytest.fixture
def context_server() -> Iterator[_RecordingServer]:
    """A live context server on loopback that must never be contacted."""
    server = _RecordingServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def _remote_context_url(server: _RecordingServer) -> str:
    """Return the URL of the server's context."""
    return f"http://127.0.0.1:{server.server_port}/context.jsonld"


PYLD_CALLS = {
    "expand": expand,
    "compact": lambda document: compact(document, [DATA_INTEGRITY]),
    "to_rdf_nquads": to_rdf_nquads,
    "canonize": canonize,
}


def test_bundled_loader_serves_every_manifest_context():
    manifest = json.loads((CONTEXT_DIR / "manifest.json").read_text())
    for url, name in manifest.items():
        expected = json.loads((CONTEXT_DIR / name).read_text())
        assert BUNDLED(url)["document"] == expected
    assert BUNDLED.urls == frozenset(manifest)


def test_bundled_loader_hands_out_independent_copies():
    first = BUNDLED(DATA_INTEGRITY)["document"]
    first["@context"]["proof"] = "tampered"
    assert BUNDLED(DATA_INTEGRITY)["document"]["@context"]["proof"] != "tampered"


def test_loader_raises_unknown_context_error_naming_the_url():
    with pytest.raises(UnknownContextError) as raised:
        BUNDLED("https://www.w3.org/ns/credentials/v2")
    assert raised.value.url == "https://www.w3.org/ns/credentials/v2"


@pytest.mark.parametrize("call", PYLD_CALLS.values(), ids=PYLD_CALLS.keys())
def test_remote_context_is_rejected_without_any_request(context_server, call):
    url = _remote_context_url(context_server)
    document = {"@context": url, "@id": "http://127.0.0.1:8001/x", "name": "x"}
    with pytest.raises(UnknownContextError) as raised:
        call(document)
    assert raised.value.url == url
    assert context_server.connections == []


def test_remote_compaction_context_is_rejected_without_any_request(context_server):
    url = _remote_context_url(context_server)
    with pytest.raises(UnknownContextError):
        compact({"@id": "http://127.0.0.1:8001/x", SCHEMA_NAME: "x"}, url)
    assert context_server.connections == []


def test_context_cached_by_pyld_elsewhere_in_the_process_is_still_unknown():
    url = "https://example.org/cached-elsewhere/v1"
    document = {"@context": url, "name": "x"}

    def other_loader(url: str, options: dict) -> dict:
        served = {"@context": {"name": SCHEMA_NAME}}
        return {"contextUrl": None, "documentUrl": url, "document": served, "tag": "static"}

    pyld_jsonld.expand(document, {"documentLoader": other_loader})
    try:
        with pytest.raises(UnknownContextError):
            expand(document)
    finally:
        pyld_jsonld._resolved_context_cache.pop(url, None)


def test_pyld_default_loader_is_never_consulted(monkeypatch, event):
    def forbidden(url, options):
        raise AssertionError(f"pyld's default document loader was asked for {url}")

    monkeypatch.setattr(pyld_jsonld, "_default_document_loader", forbidden)
    for call in PYLD_CALLS.values():
        call(event)


def test_expand_uses_the_bundled_vocabulary(event):
    [node] = expand(event)
    assert node["@type"] == ["https://schema.org/Event"]
    assert node[SCHEMA_NAME] == [{"@value": event["name"]}]


def test_compact_round_trips_an_item(event):
    compacted = compact(expand(event), ITEM_CONTEXT)
    assert compacted == event


@pytest.mark.parametrize(
    "document",
    [
        {"@context": DATA_INTEGRITY},
        {"@context": ITEM_CONTEXT, "location": {"@context": ITEM_CONTEXT[:1], "name": "Rathaus"}},
        {"name": "no context at all"},
    ],
)
def test_check_contexts_accepts_bundled_urls(document):
    check_contexts(document)


def test_check_contexts_accepts_the_vector_contexts_with_the_vector_loader(vector_loader):
    check_contexts(read_vector("signedDataInt.json"), loader=vector_loader)


@pytest.mark.parametrize(
    "document",
    [
        {"@context": "https://example.org/other/v1"},
        {"@context": [*ITEM_CONTEXT, "https://example.org/other/v1"]},
        {"@context": ITEM_CONTEXT, "location": {"@context": "https://example.org/other/v1"}},
        {"@context": ITEM_CONTEXT, "about": [{"x": [{"@context": ["https://example.org/o"]}]}]},
        {"@context": ITEM_CONTEXT, "proof": {"@context": ["https://example.org/other/v1"]}},
        {"@context": read_vector("signedJCS.json")["@context"]},
    ],
    ids=["top-level", "in-list", "embedded-object", "deeply-nested", "in-proof", "credentials-v2"],
)
def test_check_contexts_rejects_unknown_urls_anywhere(document):
    with pytest.raises(UnknownContextError):
        check_contexts(document)


@pytest.mark.parametrize(
    "context",
    [{"name": SCHEMA_NAME}, [*ITEM_CONTEXT, {"name": SCHEMA_NAME}], None, [ITEM_CONTEXT], 7],
    ids=["inline-object", "inline-in-list", "null", "nested-list", "number"],
)
def test_check_contexts_rejects_anything_but_url_strings(context):
    with pytest.raises(ContextError):
        check_contexts({"@context": ITEM_CONTEXT, "location": {"@context": context}})


ECHAR = {"\b": r"\b", "\t": r"\t", "\n": r"\n", "\f": r"\f", "\r": r"\r", '"': r"\"", "\\": "\\\\"}
UCHAR = {chr(code): f"\\u{code:04X}" for code in [*range(0x20), 0x7F] if chr(code) not in ECHAR}


@pytest.mark.parametrize("char,escaped", [*ECHAR.items(), *UCHAR.items()])
def test_escape_literal_encodes_controls_as_rdfc_requires(char, escaped):
    assert escape_literal(f"a{char}b") == f"a{escaped}b"


@pytest.mark.parametrize("char", ["'", "é", "\u2028", "\u0080", "😀", "/"])
def test_escape_literal_leaves_other_characters_native(char):
    assert escape_literal(char) == char


def test_canonize_escapes_control_characters_in_literals():
    document = {
        "@id": "http://127.0.0.1:8001/x",
        SCHEMA_NAME: "tab\tnul\x00us\x1fdel\x7fvt\x0bbs\b",
    }
    expected = '"tab\\tnul\\u0000us\\u001Fdel\\u007Fvt\\u000Bbs\\b"'
    assert canonize(document) == f"<http://127.0.0.1:8001/x> <{SCHEMA_NAME}> {expected} .\n"


def test_canonical_nquads_parse_back_to_the_original_text():
    text = "".join(map(chr, range(0x80))) + " – é 😀 \u2028"
    nquads = canonize({"@id": "http://127.0.0.1:8001/x", SCHEMA_NAME: text})
    graph = rdflib.Graph().parse(data=nquads, format="nt")
    assert [str(literal) for literal in graph.objects()] == [text]


def test_blank_nodes_are_labelled_from_escaped_quads():
    """pyld's own URDNA2015 hashes raw control characters and labels these two the other way."""
    document = {
        "@id": "http://127.0.0.1:8001/x",
        PART: [{SCHEMA_NAME: "\x01"}, {SCHEMA_NAME: "\b"}],
    }
    assert canonize(document) == (
        f"<http://127.0.0.1:8001/x> <{PART}> _:c14n0 .\n"
        f"<http://127.0.0.1:8001/x> <{PART}> _:c14n1 .\n"
        f'_:c14n0 <{SCHEMA_NAME}> "\\b" .\n'
        f'_:c14n1 <{SCHEMA_NAME}> "\\u0001" .\n'
    )


def test_canonize_refuses_properties_the_contexts_do_not_define(event):
    with pytest.raises(DroppedPropertyError):
        canonize({**event, "undefinedTerm": "would be silently unsigned"})


def test_to_rdf_nquads_lists_every_quad_sorted(event):
    lines = to_rdf_nquads(event).splitlines()
    assert lines == sorted(lines)
    assert f'<{event["id"]}> <{SCHEMA_NAME}> "{event["name"]}" .' in lines
    assert len(lines) == 4
