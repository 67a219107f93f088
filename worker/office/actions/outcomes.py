"""The outcomes that several use cases share (see the package's docstring)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Done:
    """Done: what to tell the staff member (a flash message and its category)."""

    message: str
    category: str = "message"


@dataclass(frozen=True)
class Refused:
    """Nothing changed, for this reason (in French, for the staff member)."""

    message: str


@dataclass(frozen=True)
class Invalid:
    """Nothing changed: these problems, each to show (``status`` for a page)."""

    problems: tuple[str, ...]
    status: int = 400
    fields: tuple[str, ...] = ()  # what the first problems are about, one each (a form shows
    # each at its field); the problems beyond are about the whole form


@dataclass(frozen=True)
class NotFound:
    """The record is not (or no longer) there: a 404."""
