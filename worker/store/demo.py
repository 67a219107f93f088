"""Bulk writes of the demo data set (``flask --app worker demo seed``): rows with their
ids assigned here, inserted by the thousand, candidate numbers taken from the same
counters as real accounts so that nothing collides with them later."""

from __future__ import annotations

from worker.store.db import Database

TABLES = ("accounts", "applications", "application_versions", "pieces", "piece_files", "documents")


def next_ids(db: Database) -> dict[str, int]:
    """The first free id of every table the demo fills."""
    return {
        table: db.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]
        for table in TABLES
        if table != "application_versions"
    }


def candidate_numbers(db: Database, year: int, count: int) -> list[str]:
    """``count`` consecutive candidate numbers of that year, reserved in one statement."""
    short = f"{year % 100:02d}"
    (last,) = db.execute(
        "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name)"
        " DO UPDATE SET value = counters.value + excluded.value RETURNING value",
        [f"candidate-{short}", count],
    ).fetchone()
    return [f"0{short}{value:08d}" for value in range(last - count + 1, last + 1)]


def insert(db: Database, rows: dict[str, list[dict]]) -> None:
    """Insert each table's rows, parents first (inside the caller's transaction)."""
    for table in TABLES:
        if rows.get(table):
            db.insert_rows(table, rows[table])
    db.reset_sequences()


def count(db: Database, table: str) -> int:
    if table not in TABLES:
        raise ValueError(table)
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
