"""The first checks of a received document, before its shape: size and nesting depth."""

from __future__ import annotations

from typing import Any

import orjson

from federation.codecs import DocumentError
from federation.paging import MAX_DOCUMENT_BYTES

MAX_DEPTH = 12
_SCALARS = frozenset({str, int, float, bool, type(None)})


def raise_if_too_large(document: Any) -> bytes:
    """Refuse a document above the size limit; return its compact JSON bytes."""
    text = orjson.dumps(document)
    if len(text) > MAX_DOCUMENT_BYTES:
        raise DocumentError(f"the document has {len(text)} bytes; the limit is {MAX_DOCUMENT_BYTES}")
    return text


def raise_if_too_deep(document: Any) -> None:
    """Refuse a document nested deeper than any valid one is."""
    if not isinstance(document, (dict, list)):
        return
    level, depth = [document], 1
    while True:  # one nesting level at a time, looking only at the objects and lists of each
        nested = [
            child
            for value in level
            for child in (value.values() if isinstance(value, dict) else value)
            if type(child) not in _SCALARS and isinstance(child, (dict, list))
        ]
        if not nested:
            return
        depth += 1
        if depth > MAX_DEPTH:
            raise DocumentError(f"the document is nested deeper than {MAX_DEPTH} levels")
        level = nested
