"""« Mes notes », opened by the application's owner."""

from __future__ import annotations

from catalog import Catalog
from worker.rules import marks
from worker.rules.marks import ResultLine
from worker.store import db, results
from worker.store.applications import Application
from worker.store.db import Database


def open_results(
    database: Database, catalog: Catalog, application: Application
) -> list[ResultLine]:
    """The tests and their published marks (none until one is published); the marks are
    then seen: the card no longer tells of them."""
    published = results.results_of(database, application.id)
    if not published:
        return []
    if results.unseen(database, application.id):
        with db.transaction(database):
            results.mark_seen(database, application.id)
    return marks.result_lines(catalog, application, published)
