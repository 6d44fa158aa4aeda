"""The first checks of a received document, before its shape: size and nesting depth."""

from __future__ import annotations

from typing import Any

import orjson

from federation.codecs import DocumentError

MAX_DOCUMENT_BYTES = 256 * 1024
MAX_DEPTH = 12


def raise_if_too_large(document: Any) -> bytes:
    """Refuse a document above the size limit; return its compact JSON bytes."""
    text = orjson.dumps(document)
    if len(text) > MAX_DOCUMENT_BYTES:
        raise DocumentError(f"the document has {len(text)} bytes; the limit is {MAX_DOCUMENT_BYTES}")
    return text


def raise_if_too_deep(document: Any) -> None:
    """Refuse a document nested deeper than any valid one is."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise DocumentError(f"the document is nested deeper than {MAX_DEPTH} levels")
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
