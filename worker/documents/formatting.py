"""How values are written on the documents: printable text on one or more lines, dates
and times in Paris time (naive datetimes are taken as UTC), a person's full name."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

from catalog.dates import format_day, to_paris

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def clean(text: object) -> str:
    """Printable text: NFC (so that combining accents print as one glyph), no control
    characters, line breaks kept as "\\n"."""
    value = unicodedata.normalize("NFC", str(text or ""))
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", value)


def one_line(text: object) -> str:
    """``clean`` text on a single line (names, labels, table cells)."""
    return " ".join(clean(text).split())


def paris(moment: datetime) -> datetime:
    """``moment`` in Paris time; a naive one is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return to_paris(moment)


def format_stamp(moment: datetime) -> str:
    """« 14/11/2026 à 09:05 », Paris time."""
    return paris(moment).strftime("%d/%m/%Y à %H:%M")


def format_deadline(moment: datetime) -> str:
    """« lundi 7 décembre 2026 à 23:59 (heure de Paris) »."""
    local = paris(moment)
    return f"{format_day(local.date())} à {local:%H:%M} (heure de Paris)"


def full_name(civility: str, last_name: str, first_names: str) -> str:
    """« MADAME LŒVENBRÜCK Anaïs Éloïse »: the last name in capitals, as on official forms."""
    return " ".join(
        part
        for part in (one_line(civility), one_line(last_name).upper(), one_line(first_names))
        if part
    )
