"""The applications within a staff member's scope: the back office's list and export.

Every query takes the scope (the member's académies) as an argument, so no view can
forget it; a record outside the scope is None (the view says 404).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import NamedTuple

from worker.store import applications, dashboard, paging, piece_counts, search_keys
from worker.store.applications import Application
from worker.store.db import Database


@dataclass(frozen=True)
class Filters:
    query: str = ""  # words beginning a name, an address, a candidate or application number
    exam: str = ""
    session: str = ""
    status: str = ""
    academy: str = ""
    files: str = ""  # a key of FILES: "none", registered applications without any file
    piece: str = ""  # a piece's code: with piece_state, the applications whose piece…
    piece_state: str = ""  # …is in this state (a key of PIECE_STATES); needs exam and session

    @property
    def piece_ignored(self) -> bool:
        """A piece status chosen that filters nothing: it needs the piece, exam and session."""
        return bool(self.piece_state) and not (self.piece and self.exam and self.session)

    def given(self) -> dict[str, str]:
        """The filters set (for a link: the others are left out of its address)."""
        return {name: value for name, value in self.__dict__.items() if value}


FILES = {"none": "Inscrites sans aucun fichier déposé"}  # the « Fichiers » filter's choices
UNTOUCHED = "aucun"  # the piece filter's value for a piece without any deposit nor status
NOT_VALIDATED = "non_validee"  # its value for the derived state "" (files, not validated)


def piece_filter(academies: tuple[str, ...], filters: Filters) -> tuple[str, list] | None:
    """The condition on ``ap`` of the piece filter: the registered applications of the
    session whose piece ``filters.piece`` is in ``filters.piece_state`` (its state derived
    as the dashboard counts it), or, for UNTOUCHED, that have no row for it."""
    if not filters.piece_state or filters.piece_ignored:
        return None
    keys = [f"{academy}|{filters.exam}|{filters.session}" for academy in academies]
    marks = ", ".join("?" * len(keys)) or "NULL"
    rows = f"SELECT p.application_id FROM pieces p WHERE p.group_key IN ({marks}) AND p.code = ?"
    if filters.piece_state == UNTOUCHED:
        return f"ap.status = 'registered' AND ap.id NOT IN ({rows})", [*keys, filters.piece]
    state = "" if filters.piece_state == NOT_VALIDATED else filters.piece_state
    matching = f"{rows} AND {piece_counts.STATE_SQL} = ?"
    return f"ap.id IN ({matching})", [*keys, filters.piece, state]


def academies_of(scope: tuple[str, ...], filters: Filters) -> tuple[str, ...]:
    """The académies searched: the scope, or the one académie chosen in it."""
    return tuple(a for a in scope if not filters.academy or a == filters.academy)


def _where(academies: tuple[str, ...], filters: Filters) -> tuple[str, list]:
    """Conditions on ``ap``: in these académies, matching the filters and every word of
    the query (each the beginning of one of the application's search terms).

    With words, the académies are those of the terms read (an application's académie
    never changes): the query then starts from the few terms found, not from every
    application of the académies."""
    if not academies:
        return "1 = 0", []
    marks = ", ".join("?" * len(academies))
    clauses, params = [], []
    for word in search_keys.query_words(filters.query):
        clauses.append(
            "ap.id IN (SELECT t.application_id FROM search_terms t"
            f" WHERE t.academy IN ({marks}) AND t.term >= ? AND t.term < ?)"
        )
        params += [*academies, *search_keys.bounds(word)]
    if not clauses:
        clauses.append(f"ap.academy IN ({marks})")
        params += academies
    for column, value in (
        ("ap.exam", filters.exam),
        ("ap.session", filters.session),
        ("ap.status", filters.status),
    ):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if filters.files == "none":
        clauses.append(dashboard.NO_FILE)
    if chosen := piece_filter(academies, filters):
        clauses.append(chosen[0])
        params += chosen[1]
    return " AND ".join(clauses), params


LISTED_COLUMNS = (
    "ap.id, ap.number, ap.academy, ap.exam, ap.session, ap.speciality, ap.status,"
    " ac.candidate_number, ac.last_name, ac.first_names, ac.email"
)
DETAIL_COLUMNS = (
    "ap.version, ap.created_at, ac.birth_date, ac.birth_country, ac.birth_departement,"
    " ac.birth_commune_name"
)


class Listed(NamedTuple):  # a tuple: built for every row of a page
    """An application as a page of the list shows it (only the columns it prints: each
    one read costs every row of the page)."""

    id: int
    number: str
    academy: str
    exam: str
    session: str
    speciality: str
    status: str
    candidate_number: str | None
    last_name: str
    first_names: str
    email: str


class Details(NamedTuple):
    """What the export writes of an application beyond the list's columns."""

    version: int
    created_at: str
    birth_date: str
    birth_country: str
    birth_departement: str
    birth_commune_name: str


def _total(db: Database, academies: tuple[str, ...], filters: Filters) -> int:
    """How many match: from the counts by state without words, else from the terms."""
    if not (search_keys.query_words(filters.query) or filters.files or filters.piece_state):
        found = applications.counts(db, academies, filters.exam, filters.session, filters.status)
        return sum(row[-1] for row in found)
    where, params = _where(academies, filters)
    return db.execute(f"SELECT count(*) FROM applications ap WHERE {where}", params).fetchone()[0]


def search(
    db: Database, scope: tuple[str, ...], filters: Filters, page: int = 1, per_page: int = 50
) -> tuple[list[Listed], int]:
    """One page of the applications in scope, by name, and how many match in all.

    The page is read per académie through its index in name order (at most as many rows
    as the page needs from each), then merged: no académie's list is sorted whole."""
    offset = (max(page, 1) - 1) * per_page
    academies = academies_of(scope, filters)
    total = _total(db, academies, filters)
    if not total:
        return [], 0
    page_query, page_params = paging.page_of(
        "SELECT ap.id, ap.sort_key FROM applications ap",
        [_where((academy,), filters) for academy in academies],
        "sort_key, id",
        per_page,
        offset,
    )
    rows = db.execute(
        f"SELECT {LISTED_COLUMNS} FROM ({page_query}) AS found"
        " JOIN applications ap ON ap.id = found.id JOIN accounts ac ON ac.id = ap.account_id"
        " ORDER BY found.sort_key, found.id",
        page_params,
    )
    return list(map(Listed._make, rows)), total


def all_rows(db: Database, scope: tuple[str, ...], filters: Filters):
    """Every application in scope the filters keep, as the list shows it, with the
    export's details and its answers."""
    where, params = _where(academies_of(scope, filters), filters)
    rows = db.execute(
        f"SELECT {LISTED_COLUMNS}, {DETAIL_COLUMNS}, ap.answers FROM applications ap"
        " JOIN accounts ac ON ac.id = ap.account_id"
        f" WHERE {where} ORDER BY ap.sort_key, ap.id",
        params,
    )
    width = len(Listed._fields)
    for *row, answers in rows:
        yield Listed(*row[:width]), Details(*row[width:]), json.loads(answers or "{}")


def application_in_scope(
    db: Database, scope: tuple[str, ...], application_id: int
) -> Application | None:
    """The application, only if its académie is in scope (else None: the view says 404)."""
    found = applications.by_id(db, application_id)
    return found if found is not None and found.academy in scope else None
