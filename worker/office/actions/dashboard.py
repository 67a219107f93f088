"""The session dashboard: applications by state, supporting pieces by status (the signed
confirmation returned by post is one of them), candidates with nothing uploaded; each
list exported as CSV (audited)."""

from __future__ import annotations

from dataclasses import dataclass

from catalog import Catalog
from worker.rules import pieces as supporting
from worker.rules.spreadsheet import csv_text, paris_time
from worker.store import audit, db
from worker.store import dashboard as stored
from worker.store.applications import STATUS_LABELS, Group, session_groups
from worker.store.db import Database
from worker.store.staff import Staff

IDLE_HEADER = (
    "numero_candidat",
    "numero_inscription",
    "nom",
    "prenoms",
    "courriel",
    "enregistree_le",  # as in the applications' export: the registration's date, Paris time
)
# « Exporter ce tableau »: the table's own headings, as the dashboard shows them.
PIECES_HEADER = ("Pièce", *supporting.OFFICE_STATES.values(), "Aucun dépôt ni statut")


@dataclass(frozen=True)
class PieceLine:
    code: str
    label: str
    counts: list[tuple[str, int]]  # (state, how many), in OFFICE_STATES' order
    untouched: int | None  # registered applications without any row (None: conditional)


@dataclass(frozen=True)
class Dashboard:
    groups: list[Group]
    group: Group | None
    states: list[tuple[str, str, int]]  # (state, label, how many)
    pieces: list[PieceLine]
    idle: int  # registered applications without any file (listed by « Candidatures »)


def _scoped(group: Group) -> tuple[str, str, str]:
    return group.academy, group.exam, group.session


def _piece_lines(
    database: Database, scope: tuple[str, ...], catalog: Catalog, group: Group
) -> list[PieceLine]:
    exam = catalog.exams.get(group.exam)
    found = stored.pieces_by_state(database, scope, *_scoped(group))
    lines = []
    for piece in exam.pieces if exam else ():
        counts = [(state, found.get((piece.code, state), 0)) for state in supporting.OFFICE_STATES]
        untouched = None if piece.show_if else group.count - sum(n for _, n in counts)
        lines.append(PieceLine(piece.code, piece.label, counts, untouched))
    return lines


def dashboard_of(
    database: Database, scope: tuple[str, ...], catalog: Catalog, key: str
) -> Dashboard:
    """The dashboard of the session `key` (academy|exam|session), or, when none is asked,
    of the one with the most registered applications (the first among equals)."""
    groups = session_groups(database, scope)
    if key:
        group = next((g for g in groups if g.key == key), None)
    else:
        group = max(groups, key=lambda g: g.count, default=None)
    if group is None:
        return Dashboard(groups, None, [], [], 0)
    by_state = stored.by_state(database, scope, *_scoped(group))
    states = [(code, label, by_state.get(code, 0)) for code, label in STATUS_LABELS.items()]
    return Dashboard(
        groups,
        group,
        states,
        _piece_lines(database, scope, catalog, group),
        stored.idle_count(database, scope, *_scoped(group)),
    )


def export(database: Database, member: Staff, board: Dashboard, which: str) -> str:
    """One list of the dashboard as CSV: « sans-depot » (every one) or « pieces »; audited."""
    if which == "sans-depot":
        every = (
            stored.nothing_uploaded(database, member.academies, *_scoped(board.group))
            if board.group
            else []
        )
        rows = [
            (
                i.candidate_number,
                i.number,
                i.last_name,
                i.first_names,
                i.email,
                paris_time(i.created_at),
            )
            for i in every
        ]
        text = csv_text(IDLE_HEADER, rows)
    else:
        rows = [
            (
                line.label,
                *(n for _, n in line.counts),
                "" if line.untouched is None else line.untouched,
            )
            for line in board.pieces
        ]
        text = csv_text(PIECES_HEADER, rows)
    with db.transaction(database):
        audit.audit(
            database,
            member,
            "dashboard.export",
            academy=board.group.academy if board.group else "",
            after={"list": which, "session": board.group.key if board.group else ""},
        )
    return text
