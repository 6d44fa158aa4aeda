"""The ingest floor: ``python -m bench.floor PAGES ORIGIN_IRI`` in a pulling node's environment.

The least a mirror can do with the documents of a feed, in one process on the same database: parse
each page with orjson, verify every document's proof with the project's ``verify`` against the
origin's pinned key, and bulk-insert the documents into the change log, one transaction a page. No
shape checks, no version or uuid lookups, no item rows. Prints CPU and wall seconds as JSON.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import django


def main(pages_file: str, origin_iri: str) -> None:
    django.setup()
    import orjson
    from django.db import transaction

    from federation.codecs import key_id
    from federation.proofs import verify
    from hub.models import ChangeLogEntry, Node
    from hub.multikey import decode_public_key

    pages = Path(pages_file).read_bytes().splitlines()
    origin = Node.objects.get(iri=origin_iri)
    public, expected = decode_public_key(origin.public_key_multibase), key_id(origin.iri)

    def key(url: str):
        if url != expected:
            raise LookupError(url)
        return public

    position, items = 1_000_000, 0
    cpu, wall = time.process_time(), time.perf_counter()
    for page in pages:
        documents = orjson.loads(page)["orderedItems"]
        entries = []
        for document in documents:
            if document.get("type") == "Node":
                continue  # descriptors are signed by their own key, checked when pinned
            verify(document, key)
            position += 1
            entries.append(ChangeLogEntry(
                iri=document["id"], item_type=document["type"], origin=origin, version=document["version"],
                visibility=document.get("visibility", "public"), document=orjson.dumps(document).decode(),
                position=position,
            ))
        with transaction.atomic():
            ChangeLogEntry.objects.bulk_create(entries)
        items += len(entries)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(json.dumps({"items": items, "cpu_seconds": cpu, "wall_seconds": wall}))


if __name__ == "__main__":
    main(*sys.argv[1:])
