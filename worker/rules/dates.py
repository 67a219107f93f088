"""Dates as people type them in forms and files."""

from __future__ import annotations

from datetime import date, datetime


def parse_birth_date(text: str) -> date | None:
    """JJ/MM/AAAA, strictly: two-digit day and month, four-digit year, a real date."""
    try:
        parsed = datetime.strptime(text, "%d/%m/%Y").date()
    except (ValueError, TypeError):
        return None
    return parsed if len(text) == 10 else None
