"""« Doublons »: the same person's live applications to one exam session from two
accounts, side by side. Settling a pair is rejecting one of its applications with the
existing audited close use case (« Écarter la candidature »); a pair whose applications
are not both live any more leaves the list."""

from __future__ import annotations

from dataclasses import dataclass

from worker.office.actions.outcomes import NotFound
from worker.store import accounts, applications
from worker.store import duplicates as stored
from worker.store.accounts import Account
from worker.store.applications import Application
from worker.store.db import Database
from worker.store.duplicates import Pair


@dataclass(frozen=True)
class Side:
    """One application of a pair; ``account`` is None outside the member's académies
    (only the académie is shown then)."""

    application: Application
    account: Account | None


@dataclass(frozen=True)
class ShownPair:
    pair: Pair
    sides: tuple[Side, Side]


def _side(database: Database, scope: tuple[str, ...], application_id: int) -> Side:
    application = applications.by_id(database, application_id)
    visible = application.academy in scope
    return Side(application, accounts.by_id(database, application.account_id) if visible else None)


def _shown(database: Database, scope: tuple[str, ...], pair: Pair) -> ShownPair:
    return ShownPair(
        pair, (_side(database, scope, pair.other_id), _side(database, scope, pair.application_id))
    )


def pairs(database: Database, scope: tuple[str, ...]) -> list[ShownPair]:
    return [_shown(database, scope, p) for p in stored.open_pairs(database, scope)]


def pair(database: Database, scope: tuple[str, ...], pair_id: int) -> ShownPair | NotFound:
    found = stored.pair_in_scope(database, scope, pair_id)
    return NotFound() if found is None else _shown(database, scope, found)
