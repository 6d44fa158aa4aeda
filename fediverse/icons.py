"""A lab's avatar: a symmetric 5×5 pattern in a colour, both drawn from its slug, as a PNG.

Labs have no picture of their own, and Mastodon shows only raster avatars (PNG, JPEG, GIF, WebP),
so each lab gets a recognisable one made from its name, without an imaging library.
"""

from __future__ import annotations

import hashlib
import struct
import zlib

GRID, CELL, MARGIN = 5, 48, 24
SIZE = GRID * CELL + 2 * MARGIN
BACKGROUND = (247, 247, 244)


def lab_icon_png(slug: str) -> bytes:
    """The PNG avatar of the lab with this slug (same slug, same picture)."""
    digest = hashlib.sha256(slug.encode("utf-8")).digest()
    colour = (digest[0] // 2 + 32, digest[1] // 2 + 32, digest[2] // 2 + 32)  # dark enough for the light ground
    cells = [[bool(digest[3 + row * 3 + min(column, GRID - 1 - column)] & 1) for column in range(GRID)] for row in range(GRID)]
    rows = []
    for y in range(SIZE):
        row = bytearray(b"\x00")  # filter: none
        for x in range(SIZE):
            inside = MARGIN <= x < SIZE - MARGIN and MARGIN <= y < SIZE - MARGIN
            filled = inside and cells[(y - MARGIN) // CELL][(x - MARGIN) // CELL]
            row += bytes(colour if filled else BACKGROUND)
        rows.append(bytes(row))
    return _png(SIZE, SIZE, b"".join(rows))


def _png(width: int, height: int, raw: bytes) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b"")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
