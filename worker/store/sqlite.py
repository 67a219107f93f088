"""The embedded engine: one SQLite file in DATA_DIR (the default, and ``make run``'s).

A connection runs in autocommit mode and every write goes through ``db.transaction()``,
which takes the write lock at BEGIN (``BEGIN IMMEDIATE``): read-then-write sequences
(number allocation, versioning) cannot interleave between processes, so the row locks
PostgreSQL needs are no-ops here.
"""

from __future__ import annotations

import fcntl
import sqlite3
from pathlib import Path

from sqlite_utils import Database

FILE_NAME = "portail.db"


class SqliteDatabase(Database):
    """sqlite-utils' Database plus the few operations whose SQL differs per engine."""

    engine = "sqlite"
    for_update = ""  # BEGIN IMMEDIATE already holds the database's write lock
    skip_locked = ""

    def begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    def rollback(self) -> None:
        self.conn.execute("ROLLBACK")

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    @property
    def usable(self) -> bool:
        return True  # a file does not go away between requests

    def lock(self, table: str, row_id: int) -> None:
        """Nothing to do: the transaction already excludes every other writer."""

    def close(self) -> None:
        self.conn.close()

    def insert_rows(self, table: str, rows: list[dict]) -> None:
        self[table].insert_all(rows, batch_size=1000)

    def reset_sequences(self) -> None:
        """Nothing to do: an INTEGER PRIMARY KEY continues after the largest id."""


def connect(path: str | Path, busy_seconds: float) -> SqliteDatabase:
    conn = sqlite3.connect(
        path, isolation_level=None, timeout=busy_seconds, check_same_thread=False
    )
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")  # an acknowledged write survives a crash
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {int(busy_seconds * 1000)}")
    return SqliteDatabase(conn)


def migrate(path: Path, migrations: list[tuple[int, str]], busy_seconds: float) -> int:
    """Apply the migrations newer than PRAGMA user_version; returns the schema version.

    A file lock keeps two processes starting together from migrating twice; each
    migration runs in its own transaction and sets user_version itself.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".migrate-lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        db = connect(path, busy_seconds)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for number, script in migrations:
                if number > version:
                    db.conn.executescript(
                        f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
                    )
                    version = number
            return version
        finally:
            db.close()
