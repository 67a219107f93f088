"""The audit log as the back office reads it: entries of the member's académies.

An entry belongs to an académie when it was recorded for it (``audit.academy``); a staff
member also sees their own entries that concern no académie (sign-in, exports). Every
query takes the scope and the viewer, so no view can forget them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from worker.store import paging, search_keys
from worker.store.db import Database


@dataclass(frozen=True)
class AuditFilters:
    staff_id: int | None = None
    candidate: str = ""  # words beginning the candidate's names or candidate number
    action: str = ""


class AuditEntry(NamedTuple):  # a tuple: built for every row of a page
    id: int
    at: str
    action: str
    academy: str
    application_id: int | None
    staff: str | None
    candidate_number: str | None
    last_name: str | None
    first_names: str | None
    before: str
    after: str


def _arms(scope: tuple[str, ...], viewer_id: int) -> list[tuple[str, list]]:
    """The entries a viewer sees, as index ranges: each académie's, and their own that
    concern no académie."""
    own = ("a.academy = '' AND a.staff_id = ?", [viewer_id])
    return [("a.academy = ?", [academy]) for academy in scope] + [own]


def _filtered(scope: tuple[str, ...], filters: AuditFilters) -> tuple[str, list]:
    """The filters as conditions on ``a``; a candidate is found by the search terms of
    their applications in scope (words beginning a name or a candidate number)."""
    clauses, params = ["1 = 1"], []
    if filters.staff_id is not None:
        clauses.append("a.staff_id = ?")
        params.append(filters.staff_id)
    if filters.action:
        clauses.append("a.action = ?")
        params.append(filters.action)
    words = search_keys.query_words(filters.candidate)
    marks = ", ".join("?" * len(scope)) or "NULL"
    for word in words:
        clauses.append(
            "a.account_id IN (SELECT ap.account_id FROM search_terms t JOIN applications ap"
            f" ON ap.id = t.application_id WHERE t.academy IN ({marks})"
            " AND t.term >= ? AND t.term < ?)"
        )
        params += [*scope, *search_keys.bounds(word)]
    if filters.candidate and not words:
        clauses.append("1 = 0")
    return " AND ".join(clauses), params


def _where(scope: tuple[str, ...], viewer_id: int, filters: AuditFilters) -> tuple[str, list]:
    arms = _arms(scope, viewer_id)
    condition, params = _filtered(scope, filters)
    either = " OR ".join(f"({arm})" for arm, _ in arms)
    return f"({either}) AND {condition}", [v for _, values in arms for v in values] + params


BASE = (
    "FROM audit a LEFT JOIN staff s ON s.id = a.staff_id"
    " LEFT JOIN accounts ac ON ac.id = a.account_id"
)
COLUMNS = (
    "a.id, a.at, a.action, a.academy, a.application_id, s.name, ac.candidate_number,"
    " ac.last_name, ac.first_names, a.before, a.after"
)


COUNTED = 1000  # beyond this many entries the journal says « plus de 1 000 »


def entries(
    db: Database,
    scope: tuple[str, ...],
    viewer_id: int,
    filters: AuditFilters,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[AuditEntry], int]:
    """One page of the entries, newest first, and how many match in all, counted up to
    ``COUNTED`` + 1 (an exact count would read every entry of a busy académie's index
    range at each page: what grows with the journal); each part of the scope counted and
    read newest first from its index range, then merged."""
    offset = (max(page, 1) - 1) * per_page
    condition, params = _filtered(scope, filters)
    arms = [
        (f"{arm} AND {condition}", [*values, *params]) for arm, values in _arms(scope, viewer_id)
    ]
    counts = " UNION ALL ".join(
        f"SELECT count(*) AS n FROM (SELECT 1 FROM audit a WHERE {arm} LIMIT {COUNTED + 1})"
        f" AS arm{n}"
        for n, (arm, _) in enumerate(arms)
    )
    (total,) = db.execute(
        f"SELECT sum(n) FROM ({counts}) AS parts", [v for _, values in arms for v in values]
    ).fetchone()
    if not total:
        return [], 0
    page_query, page_params = paging.page_of(
        "SELECT a.id FROM audit a", arms, "id DESC", per_page, offset
    )
    rows = db.execute(
        f"SELECT {COLUMNS} FROM ({page_query}) AS found JOIN audit a ON a.id = found.id"
        " LEFT JOIN staff s ON s.id = a.staff_id LEFT JOIN accounts ac ON ac.id = a.account_id"
        " ORDER BY a.id DESC",
        page_params,
    )
    return [AuditEntry(*row) for row in rows], min(int(total), COUNTED + 1)


def all_entries(db: Database, scope: tuple[str, ...], viewer_id: int, filters: AuditFilters):
    """Every entry the filters keep, newest first, each with its application's number
    ("" for none): the export."""
    where, params = _where(scope, viewer_id, filters)
    query = (
        f"SELECT {COLUMNS}, ap.number {BASE} LEFT JOIN applications ap ON ap.id = a.application_id"
        f" WHERE {where} ORDER BY a.id DESC"
    )
    for *row, number in db.execute(query, params):
        yield AuditEntry(*row), number or ""
