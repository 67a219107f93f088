"""The audit log as the back office reads it: entries of the member's académies.

An entry belongs to an académie when it was recorded for it (``audit.academy``); a staff
member also sees their own entries that concern no académie (sign-in, exports). Every
query takes the scope and the viewer, so no view can forget them.
"""

from __future__ import annotations

from dataclasses import dataclass

from worker.store.db import Database


@dataclass(frozen=True)
class AuditFilters:
    staff_id: int | None = None
    candidate: str = ""  # candidate number or family name
    action: str = ""


@dataclass(frozen=True)
class AuditEntry:
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


def _where(scope: tuple[str, ...], viewer_id: int, filters: AuditFilters) -> tuple[str, list]:
    marks = ", ".join("?" * len(scope)) or "NULL"
    clauses = [f"(a.academy IN ({marks}) OR (a.academy = '' AND a.staff_id = ?))"]
    params: list = [*scope, viewer_id]
    if filters.staff_id is not None:
        clauses.append("a.staff_id = ?")
        params.append(filters.staff_id)
    if filters.action:
        clauses.append("a.action = ?")
        params.append(filters.action)
    if filters.candidate:
        clauses.append("(ac.candidate_number = ? OR ac.last_name LIKE ? OR ac.usual_name LIKE ?)")
        like = f"%{filters.candidate}%"
        params += [filters.candidate, like, like]
    return " AND ".join(clauses), params


BASE = (
    "FROM audit a LEFT JOIN staff s ON s.id = a.staff_id"
    " LEFT JOIN accounts ac ON ac.id = a.account_id"
)
COLUMNS = (
    "a.id, a.at, a.action, a.academy, a.application_id, s.name, ac.candidate_number,"
    " ac.last_name, ac.first_names, a.before, a.after"
)


def entries(
    db: Database,
    scope: tuple[str, ...],
    viewer_id: int,
    filters: AuditFilters,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[AuditEntry], int]:
    """One page of the entries, newest first, and how many match in all."""
    where, params = _where(scope, viewer_id, filters)
    (total,) = db.execute(f"SELECT count(*) {BASE} WHERE {where}", params).fetchone()
    rows = db.execute(
        f"SELECT {COLUMNS} {BASE} WHERE {where} ORDER BY a.id DESC LIMIT ? OFFSET ?",
        [*params, per_page, (max(page, 1) - 1) * per_page],
    )
    return [AuditEntry(*row) for row in rows], total


def all_entries(db: Database, scope: tuple[str, ...], viewer_id: int, filters: AuditFilters):
    where, params = _where(scope, viewer_id, filters)
    for row in db.execute(f"SELECT {COLUMNS} {BASE} WHERE {where} ORDER BY a.id DESC", params):
        yield AuditEntry(*row)


def choices(db: Database, scope: tuple[str, ...], viewer_id: int) -> tuple[list, list[str]]:
    """The staff members (id, name) and the actions found in the entries in scope."""
    where, params = _where(scope, viewer_id, AuditFilters())
    members = db.execute(
        f"SELECT DISTINCT s.id, s.name {BASE} WHERE {where} AND s.id IS NOT NULL ORDER BY s.name",
        params,
    ).fetchall()
    actions = db.execute(
        f"SELECT DISTINCT a.action {BASE} WHERE {where} ORDER BY a.action", params
    ).fetchall()
    return [(i, n) for i, n in members], [a for (a,) in actions]
