"""Which reminder is due for a group of supporting pieces (same delivery mode and
deadline): the exam's ``reminders`` are days before the deadline; at a given moment the
due one is the nearest whose day has come, while the deadline has not passed. Earlier
reminders a run missed are not sent late: one mail, the latest due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from catalog.dates import PARIS
from worker.rules.pieces import Group, PieceState

DONE = ("recue", "conforme")


@dataclass(frozen=True)
class Due:
    """A reminder due for one group of an application: what is missing, by when.
    ``days`` is the exam's reminder (its key), ``days_left`` the calendar days in Paris
    until the deadline, which the mail says: a reminder of 7 days sent to a candidate
    who registered 3 days before the deadline says 3."""

    key: str
    group: Group
    days: int
    days_left: int
    missing: tuple[PieceState, ...]

    @property
    def when(self) -> str:
        """« aujourd'hui », « demain » or « dans N jours »: when the deadline falls."""
        if self.days_left <= 0:
            return "aujourd'hui"
        return "demain" if self.days_left == 1 else f"dans {self.days_left} jours"


def missing(group: Group) -> tuple[PieceState, ...]:
    """Pieces neither validated by the candidate nor received or accepted by the office."""
    return tuple(p for p in group.pieces if p.status not in DONE and not p.locked)


def due_days(days: tuple[int, ...], deadline: datetime | None, now: datetime) -> int | None:
    """The reminder (in days before the deadline) due now, or None."""
    if deadline is None or now >= deadline:
        return None
    started = [n for n in days if deadline - timedelta(days=n) <= now]
    return min(started) if started else None


def due(
    application_id: int, days: tuple[int, ...], groups: list[Group], now: datetime
) -> list[Due]:
    """Every reminder due now for the application's groups that still miss something."""
    found = []
    for group in groups:
        n = due_days(days, group.deadline, now)
        lacking = missing(group)
        if n is not None and lacking:
            left = (group.deadline.astimezone(PARIS).date() - now.astimezone(PARIS).date()).days
            found.append(Due(f"{application_id}|{group.key}|{n}", group, n, left, lacking))
    return found
