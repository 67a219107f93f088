"""Which characters the documents' fonts can print.

Typst writes PDF/UA-1, which refuses a text holding a character none of the fonts has a
glyph for (an emoji, a Chinese character: DejaVu Sans covers Latin, Greek, Cyrillic and
many symbols, not those). So what staff type for a document is checked against the
fonts' character maps first (a clear message rather than an error when the document is
made), and ``formatting.clean`` replaces what would still slip through, from older data.

The map is read from the fonts' ``cmap`` table (TrueType, subtable format 4 for the
Basic Multilingual Plane and 12 beyond it), once per process.
"""

from __future__ import annotations

import struct
from functools import cache
from pathlib import Path

FONTS = Path(__file__).resolve().parent.parent / "documents" / "fonts"  # those Typst uses
REPLACEMENT = "?"  # in every font


@cache
def printable() -> frozenset[int]:
    """The code points every font of the documents (regular and bold) can print."""
    maps = [_code_points(path.read_bytes()) for path in sorted(FONTS.glob("*.ttf"))]
    return frozenset.intersection(*maps) | {ord("\n")}


def unprintable(text: str) -> list[str]:
    """The characters of ``text`` the documents cannot print, each once, in order."""
    known = printable()
    return list(dict.fromkeys(c for c in text if ord(c) not in known and not c.isspace()))


def _code_points(font: bytes) -> frozenset[int]:
    (tables,) = struct.unpack_from(">H", font, 4)
    for n in range(tables):
        tag, _checksum, offset, _length = struct.unpack_from(">4sIII", font, 12 + 16 * n)
        if tag == b"cmap":
            return _cmap(font, offset)
    raise ValueError("font without a cmap table")


def _cmap(font: bytes, cmap: int) -> frozenset[int]:
    """The characters of the best Unicode subtable (format 12 if any, else format 4)."""
    (count,) = struct.unpack_from(">H", font, cmap + 2)
    subtables = {}
    for n in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", font, cmap + 4 + 8 * n)
        if (platform, encoding) in ((3, 10), (3, 1), (0, 3), (0, 4)):
            (kind,) = struct.unpack_from(">H", font, cmap + offset)
            subtables[kind] = cmap + offset
    if 12 in subtables:
        return _format12(font, subtables[12])
    if 4 in subtables:
        return _format4(font, subtables[4])
    raise ValueError("font without a Unicode character map")


def _format4(font: bytes, at: int) -> frozenset[int]:
    (double,) = struct.unpack_from(">H", font, at + 6)
    segments = double // 2
    ends = struct.unpack_from(f">{segments}H", font, at + 14)
    starts = struct.unpack_from(f">{segments}H", font, at + 16 + double)
    deltas = struct.unpack_from(f">{segments}h", font, at + 16 + 2 * double)
    ranges_at = at + 16 + 3 * double
    ranges = struct.unpack_from(f">{segments}H", font, ranges_at)
    found = set()
    for n, (start, end, delta, offset) in enumerate(zip(starts, ends, deltas, ranges, strict=True)):
        for code in range(start, end + 1):
            if code == 0xFFFF:
                continue
            if offset == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                where = ranges_at + 2 * n + offset + 2 * (code - start)
                (glyph,) = struct.unpack_from(">H", font, where)
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                found.add(code)
    return frozenset(found)


def _format12(font: bytes, at: int) -> frozenset[int]:
    (groups,) = struct.unpack_from(">I", font, at + 12)
    found = set()
    for n in range(groups):
        start, end, glyph = struct.unpack_from(">III", font, at + 16 + 12 * n)
        found.update(range(start, end + 1) if glyph else range(start + 1, end + 1))
    return frozenset(found)
