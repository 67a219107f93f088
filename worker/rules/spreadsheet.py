"""CSV files opened in a spreadsheet: semicolons, UTF-8 with a BOM, no formula runs."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime

from catalog.dates import to_paris

FORMULA_STARTS = frozenset("=+-@\u2212")  # NFKC folds ＝ ＋ － ＠ (U+FF1D…) and ﹦ ﹢ ﹣ ﹫


def safe_cell(value) -> str:
    """A spreadsheet never runs what a candidate typed: formulas are neutralised, also
    in their full-width forms and behind leading spaces, tabs or line breaks."""
    text = "" if value is None else str(value)
    if text[:1] in ("\t", "\r", "\n"):
        return "'" + text
    first = text.lstrip()[:1]
    if first and unicodedata.normalize("NFKC", first)[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def paris_time(stamp: str | None) -> str:
    """A time of the database (ISO 8601, UTC) as the screens show it, in Paris time, and
    in an order a spreadsheet sorts: « 2026-12-03 08:49 »; "" for none."""
    if not stamp:
        return ""
    local = to_paris(datetime.fromisoformat(stamp))
    return local.strftime("%Y-%m-%d %H:%M")


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    """The header then the rows, every cell made safe, as a spreadsheet opens it."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()
