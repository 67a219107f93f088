"""Outcomes shared by several use cases."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from catalog.model import Exam, Session

LinkFor = Callable[[str], str]
"""A signed token → the absolute link a mail carries."""


@dataclass(frozen=True)
class PeriodClosed:
    """No registration period is open for this exam session in this académie."""

    exam: Exam
    session: Session | None


@dataclass(frozen=True)
class DeadLink:
    """A mailed link that is invalid (400), expired or used (410), or overtaken (409)."""

    status: int


@dataclass(frozen=True)
class WrongPassword:
    """The current password typed to confirm the action is not the account's."""


@dataclass(frozen=True)
class Refused:
    """Not possible now; ``message`` says why, in French, with the HTTP status to answer."""

    status: int
    message: str
