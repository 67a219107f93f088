"""The current time, in one place so that tests can move it."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, has_app_context


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
