"""Numbers taken from URLs, bounded: a hostile value is a 400 or a 404, never a 500.

SQLite stores 64-bit integers; a larger id handed to sqlite3 raises OverflowError. The
``int`` path converter is replaced app-wide by one that refuses what SQLite cannot hold
(404, like an unknown id), and ``query_int`` parses a query parameter within bounds (400).
"""

from __future__ import annotations

import unicodedata

from flask import Flask, abort, redirect, request, url_for
from werkzeug.routing import IntegerConverter, Map
from werkzeug.wrappers import Response

SQLITE_MAX = 2**63 - 1


class BoundedInt(IntegerConverter):
    """``<int:…>`` with 1 ≤ value ≤ 2**63 − 1 unless a route asks otherwise."""

    def __init__(self, url_map: Map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", SQLITE_MAX)
        super().__init__(url_map, *args, **kwargs)


def query_int(name: str, default: int, lowest: int = 1, highest: int = 1_000_000) -> int:
    """The query parameter ``name`` as an integer in [lowest, highest]; 400 otherwise
    (the French error page). Only ASCII digits are accepted, at most 20 of them."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    digits = raw.removeprefix("-")
    if len(raw) > 20 or not digits.isascii() or not digits.isdigit():
        abort(400)
    value = int(raw)
    if not lowest <= value <= highest:
        abort(400)
    return value


def query_text(name: str, limit: int = 100) -> str:
    """The query parameter ``name`` as text a person typed: control and invisible format
    characters (NUL, bidirectional overrides…) taken out, trimmed, at most ``limit``
    characters. Filters are printed back in pages, the journal and its export."""
    raw = request.args.get(name) or ""
    typed = "".join(c for c in raw if unicodedata.category(c) not in ("Cc", "Cf"))
    return typed.strip()[:limit]


def past_the_last(page: int, pages: int | None) -> Response | None:
    """A page number beyond the last page (an old link, a number typed in the address):
    a redirection to the last page with the same filters; None for a page that exists."""
    if pages is None or page <= pages:
        return None
    args = {**request.args.to_dict(), "page": str(pages)}
    return redirect(url_for(request.endpoint, **(request.view_args or {}), **args), code=303)


def init_app(app: Flask) -> None:
    """Before any blueprint is registered: their rules bind the converter then."""
    app.url_map.converters["int"] = BoundedInt
