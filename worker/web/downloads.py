"""The Content-Disposition of a download, per RFC 6266 with RFC 8187 encoding.

A supporting document keeps the name its owner gave it (« relevé – 2026.pdf », « 日本.pdf »),
but an HTTP header is a single line of Latin-1: the name goes twice, as a plain ASCII
``filename`` every client understands and as ``filename*=UTF-8''…`` (percent-encoded
UTF-8) that current browsers prefer. Neither form can carry a quote, a line break, a
control or direction-override character or a path separator.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

FALLBACK_MAX = 100  # characters of the ASCII name
UTF8_MAX = 200  # bytes of the UTF-8 name, under the 255 bytes of common file systems
EXTENSION_MAX = 10  # a longer "extension" is part of the name, not a type
DEFAULT_NAME = "fichier"
# RFC 8187 attr-char besides letters and digits: everything else is percent-encoded.
ATTR_CHARS = "!#$&+-.^_`|~"


def content_disposition(name: str) -> str:
    """``attachment; filename="<ASCII>"; filename*=UTF-8''<percent-encoded>``."""
    readable = _readable(name)
    fallback = ascii_fallback(readable)
    encoded = quote(_cap(readable, UTF8_MAX, _utf8_length), safe=ATTR_CHARS)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


def ascii_fallback(name: str) -> str:
    """Accents folded (é → e), other characters replaced by « _ », length capped."""
    folded = unicodedata.normalize("NFKD", _readable(name))
    ascii_name = "".join(c if c.isascii() else "_" for c in folded if not unicodedata.combining(c))
    ascii_name = ascii_name.replace('"', "").replace(";", "_").strip(" .") or DEFAULT_NAME
    return _cap(ascii_name, FALLBACK_MAX, len)


def _readable(name: str) -> str:
    """Controls, format characters (U+202E…) and separators removed; never empty."""
    kept = "".join(
        "_" if c in "/\\" else c
        for c in unicodedata.normalize("NFC", name or "")
        if not unicodedata.category(c).startswith(("C", "Zl", "Zp"))
    )
    return kept.strip(" .") or DEFAULT_NAME


def _cap(name: str, limit: int, measure) -> str:
    """At most `limit` (as measured), cutting the stem so the extension survives."""
    if measure(name) <= limit:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > EXTENSION_MAX:
        stem, extension = name, ""
    suffix = f".{extension}" if extension else ""
    while stem and measure(stem + suffix) > limit:
        stem = stem[:-1]
    return (stem.rstrip(" .") or DEFAULT_NAME[: max(limit - len(suffix), 1)]) + suffix


def _utf8_length(text: str) -> int:
    return len(text.encode("utf-8"))
