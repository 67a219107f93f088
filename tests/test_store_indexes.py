"""The back office's scoped reads go through an index on the académie, not a scan of
every application (SQLite's own query plan says which)."""

from __future__ import annotations

import pytest

from worker.store import db, search

pytestmark = pytest.mark.sqlite  # PostgreSQL plans differently (and scans tiny tables)


def plan(app, query: str, params: list) -> str:
    with app.app_context():
        found = db.get().execute(f"EXPLAIN QUERY PLAN {query}", params)
        return " | ".join(str(row[-1]) for row in found)


def test_scoped_lists_use_the_academy_index(app):
    for filters in (search.Filters(), search.Filters(exam="cfg", session="juin-2027")):
        where, params = search._where(("rennes", "lyon"), filters)
        found = plan(app, f"SELECT count(*) FROM applications ap WHERE {where}", params)
        assert "USING COVERING INDEX applications_" in found, found
        assert "SCAN ap" not in found, found


@pytest.mark.parametrize("state", ["a_controler", "non_validee", "non_conforme", "aucun"])
def test_the_piece_filter_reads_the_session_pieces_from_their_index(app, state):
    filters = search.Filters(exam="cfg", session="juin-2027", piece="identite", piece_state=state)
    where, params = search._where(("rennes", "lyon"), filters)
    found = plan(app, f"SELECT count(*) FROM applications ap WHERE {where}", params)
    assert "USING COVERING INDEX pieces_by_state" in found, found
    assert "SCAN p" not in found and "SCAN ap" not in found, found
