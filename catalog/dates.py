"""Dates of the content model: entered in Paris time, stored in UTC, shown in French.

Content files hold Paris wall-clock times (that is what exam offices publish); the rest of
the code works with timezone-aware UTC datetimes and converts back only to display them.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
# French names in lower case, as French writes them inside a sentence.
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip

_FRENCH = re.compile(r"(\d{2})/(\d{2})/(\d{4})(?:\s+(\d{2})[:h](\d{2}))?")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?")

DATE_FORMAT_HINT = "JJ/MM/AAAA HH:MM (ou AAAA-MM-JJ HH:MM), heure de Paris"


class DateFormatError(ValueError):
    """A date in content/ that does not follow the expected format."""


@lru_cache(maxsize=4096)
def parse_paris(text: str, *, default_time: tuple[int, int] = (0, 0)) -> datetime:
    """Parse a Paris wall-clock date ("01/11/2027 08:00") into an aware UTC datetime.

    A date without a time gets ``default_time``. Raises DateFormatError on anything else,
    including impossible dates such as 31/02/2027.
    """
    text = text.strip()
    if m := _FRENCH.fullmatch(text):
        day, month, year, hour, minute = m.groups()
    elif m := _ISO.fullmatch(text):
        year, month, day, hour, minute = m.groups()
    else:
        raise DateFormatError(f"date « {text} » illisible : format attendu {DATE_FORMAT_HINT}")
    hm = (int(hour), int(minute)) if hour is not None else default_time
    try:
        local = datetime(int(year), int(month), int(day), *hm, tzinfo=PARIS)
    except ValueError as exc:
        raise DateFormatError(f"date « {text} » impossible ({exc})") from None
    return local.astimezone(UTC)


def to_paris(moment: datetime) -> datetime:
    return moment.astimezone(PARIS)


def format_long(moment: datetime) -> str:
    """« lundi 1 novembre 2027 08:00 » in Paris time (the caller adds "(heure de Paris)")."""
    local = to_paris(moment)
    return f"{_day(local)} {local:%H:%M}"


def format_day(moment: datetime | date) -> str:
    """« lundi 1 novembre 2027 »: a deadline day, with its weekday."""
    return _day(to_paris(moment) if isinstance(moment, datetime) else moment)


def _day(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def format_short(moment: datetime) -> str:
    """« 01/11/2027 08:00 » in Paris time, for tables and the generic-exam lists (printf
    formatting: a third of strftime's cost and under half an f-string's, on every row of
    the queue)."""
    local = to_paris(moment)
    parts = (local.day, local.month, local.year, local.hour, local.minute)
    return "%02d/%02d/%04d %02d:%02d" % parts  # noqa: UP031 (the faster one, see above)
