"""Moving a deployment from its SQLite file to PostgreSQL, verified row by row.

``flask --app worker store migrate-to URL``: the target is brought to the same schema
version by the migrations, must hold no row yet, and receives every table parents first
(foreign keys stay checked), streamed by batches so that memory does not grow with the
data. Then both databases are read again in primary-key order and compared row by row;
the identity sequences continue after the largest ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice, zip_longest

from worker.store.postgres import PostgresDatabase
from worker.store.sqlite import SqliteDatabase

BATCH = 5_000
Progress = Callable[[str, int, int], None]  # table, rows done, rows in the table


class TransferError(Exception):
    """Refused or failed transfer; the message (French) is meant for the operator."""


@dataclass(frozen=True)
class Moved:
    tables: dict[str, int]  # table → rows copied and verified


def tables_in_order(source: SqliteDatabase) -> list[str]:
    """The application's tables, every table after those its foreign keys point to."""
    names = [
        name
        for (name,) in source.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
    ]
    parents = {
        name: {row[2] for row in source.execute(f"PRAGMA foreign_key_list({name})")} - {name}
        for name in names
    }
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [n for n in names if n not in ordered and parents[n] <= set(ordered)]
        if not ready:
            raise TransferError("clés étrangères circulaires : ordre de copie introuvable")
        ordered.extend(ready)
    return ordered


def _columns(source: SqliteDatabase, table: str) -> tuple[list[str], list[str]]:
    """(all columns, the primary key's columns — all columns when it has none).

    Both sides order text byte by byte: SQLite's BINARY, and on PostgreSQL every TEXT
    column is created ``COLLATE "C"`` (``postgres.schema``)."""
    info = source.execute(f"PRAGMA table_info({table})").fetchall()
    columns = [row[1] for row in info]
    key = sorted((row for row in info if row[5]), key=lambda row: row[5]) or info
    return columns, [row[1] for row in key]


def _rows(db, table: str, columns: list[str], order: list[str]) -> Iterator[tuple]:
    cursor = db.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {', '.join(order)}")
    while batch := cursor.fetchmany(BATCH):
        yield from (tuple(row) for row in batch)


def migrate_to(source: SqliteDatabase, target: PostgresDatabase, progress: Progress) -> Moved:
    """Copy then verify every table; the target must be migrated and empty."""
    tables = tables_in_order(source)
    for table in tables:
        if target.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None:
            raise TransferError(f"la base cible n'est pas vide (table {table}) : rien n'est copié")
    counts = {}
    target.begin()
    try:
        for table in tables:
            counts[table] = _copy(source, target, table, progress)
        target.reset_sequences()
    except BaseException:
        target.rollback()
        raise
    target.commit()
    for table in tables:
        _verify(source, target, table)
    return Moved(counts)


def _copy(source: SqliteDatabase, target: PostgresDatabase, table: str, progress: Progress) -> int:
    columns, key = _columns(source, table)
    total = source.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    rows, done = _rows(source, table, columns, key), 0
    while batch := list(islice(rows, BATCH)):
        target.insert_rows(table, [dict(zip(columns, row, strict=True)) for row in batch])
        done += len(batch)
        progress(table, done, total)
    if not total:
        progress(table, 0, 0)
    return done


def _verify(source: SqliteDatabase, target: PostgresDatabase, table: str) -> None:
    columns, key = _columns(source, table)
    pairs = zip_longest(_rows(source, table, columns, key), _rows(target, table, columns, key))
    for number, (before, after) in enumerate(pairs, start=1):
        if before != after:
            raise TransferError(
                f"table {table}, ligne {number} (ordre de la clé) : différente après copie"
                f" ({before!r} ≠ {after!r})"
            )
