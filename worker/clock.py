"""The current time, in one place so that tests can move it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache

from flask import current_app, has_app_context

from catalog.dates import format_short, to_paris


def now() -> datetime:
    """Aware UTC now; a test may pin it with app.config["NOW"] (a callable)."""
    if has_app_context() and (pinned := current_app.config.get("NOW")):
        return pinned()
    return datetime.now(UTC)


def stamp(moment: datetime | None = None) -> str:
    """ISO 8601 UTC text, the format of every time column."""
    return (moment or now()).astimezone(UTC).isoformat(timespec="seconds")


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def short(text: str) -> str:
    """« 01/11/2027 08:00 », in Paris time, of a stored time (``stamp``'s text), as
    ``catalog.dates.format_short`` writes it; for the long tables of the back office.

    Paris is a whole number of hours off UTC, so a stamp's minutes are its Paris minutes
    and only its UTC hour needs converting: that is done once per hour seen (a table's
    times cluster), the rest is cut from the text (a third of the conversion's cost)."""
    hour = _paris_hour(text[:13]) if len(text) == 25 and text.endswith("+00:00") else None
    if hour is None:
        return format_short(parse(text))
    return f"{hour}:{text[14:16]}"


@lru_cache(maxsize=8192)
def _paris_hour(utc_hour: str) -> str | None:
    """« 01/11/2027 08 » for « 2027-11-01T07 »; None if Paris were not a whole number of
    hours off UTC then (never since 1911: the text path then never applies)."""
    try:
        moment = datetime.fromisoformat(f"{utc_hour}:00:00+00:00")
    except ValueError:
        return None
    if to_paris(moment).utcoffset() % timedelta(hours=1):
        return None
    return format_short(moment)[:13]
