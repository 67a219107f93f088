"""The back office's scoped reads go through an index on the académie, not a scan of
every application (SQLite's own query plan says which)."""

from __future__ import annotations

import pytest

from worker.store import db, search

pytestmark = pytest.mark.sqlite  # PostgreSQL plans differently (and scans tiny tables)


def plan(app, scope: tuple[str, ...], filters: search.Filters) -> str:
    where, params = search._where(scope, filters)
    query = (
        "EXPLAIN QUERY PLAN SELECT count(*) FROM applications ap"
        f" JOIN accounts ac ON ac.id = ap.account_id WHERE {where}"
    )
    with app.app_context():
        return " | ".join(str(row[-1]) for row in db.get().execute(query, params))


def test_scoped_lists_use_the_academy_index(app):
    for filters in (search.Filters(), search.Filters(exam="cfg", session="juin-2027")):
        found = plan(app, ("rennes", "lyon"), filters)
        assert "USING INDEX applications_scope" in found, found
        assert "SCAN ap" not in found, found
