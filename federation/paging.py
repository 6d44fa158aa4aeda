"""How many documents a feed page holds: what this node serves, and what it asks its peers for.

Kept apart from the feed and the sync (no Django imports), so that tools such as the benchmarks can
read the same numbers.
"""

from __future__ import annotations

DEFAULT_LIMIT = 100  # a page served when the reader names no limit
MAX_LIMIT = 500  # the most a page served here holds, whatever the reader asks for
PULL_PAGE_SIZE = 250  # what a sync asks for: fewer pages mean fewer commits and requests per item
MAX_DOCUMENT_BYTES = 256 * 1024  # a received document above this is refused (protocol section 6)
MAX_PULL_PAGE_BYTES = PULL_PAGE_SIZE * MAX_DOCUMENT_BYTES + 64 * 1024  # a full page of the largest documents
MAX_DESCRIPTOR_BYTES = 64 * 1024  # a descriptor fetched on its own: decompressed, and as announced on the wire
