"""SQLite access: connections reused per thread, numbered migrations, explicit transactions.

The connection runs in autocommit mode and every write goes through ``transaction()``,
which takes the write lock at BEGIN (``BEGIN IMMEDIATE``), so that read-then-write
sequences (number allocation, versioning) cannot interleave between processes.

Opening a connection and setting its PRAGMAs cost about a fifth of a simple request, so
each thread keeps its connections (a few, by database file) from one request to the
next; a process forked from another never uses its parent's (SQLite forbids carrying a
connection across ``fork()``): the cache belongs to the process id that filled it.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app, g
from sqlite_utils import Database

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_SECONDS = 10.0  # how long a statement waits for another process's write lock


def connect(path: str | Path, busy_seconds: float = BUSY_SECONDS) -> Database:
    conn = sqlite3.connect(
        path, isolation_level=None, timeout=busy_seconds, check_same_thread=False
    )
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")  # an acknowledged write survives a crash
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {int(busy_seconds * 1000)}")
    return Database(conn)


def database_path(app: Flask) -> Path:
    return Path(app.config["DATA_DIR"]) / "portail.db"


KEPT_PER_THREAD = 4  # connections a thread keeps open (tests open many databases)
_local = threading.local()


def _thread_cache() -> OrderedDict:
    if getattr(_local, "pid", None) != os.getpid():  # new thread, or a forked child
        _local.pid, _local.connections = os.getpid(), OrderedDict()
    return _local.connections


def get() -> Database:
    """This thread's connection to the app's database, opened once and then reused."""
    if "db" not in g:
        config = current_app.config
        key = (config["DATA_DIR"], config["DATABASE_BUSY_SECONDS"])  # no Path built per request
        cache = _thread_cache()
        if key not in cache:
            cache[key] = connect(database_path(current_app), key[1])
            while len(cache) > KEPT_PER_THREAD:
                cache.popitem(last=False)[1].conn.close()
        cache.move_to_end(key)
        g.db = cache[key]
        g.db_outer_transaction = g.db.conn.in_transaction  # a context nested in another's
    return g.db


def close(_exc: BaseException | None = None) -> None:
    """End of request: the connection stays open for the next, never inside a transaction."""
    db = g.pop("db", None)
    outer = g.pop("db_outer_transaction", False)
    if db is not None and db.conn.in_transaction and not outer:
        db.conn.execute("ROLLBACK")


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


def migrate(path: Path) -> int:
    """Apply the migrations newer than PRAGMA user_version; returns the schema version.

    A file lock keeps two processes starting together from migrating twice; each
    migration file runs in its own transaction and sets user_version itself.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".migrate-lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        db = connect(path)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for file in sorted(MIGRATIONS.glob("*.sql")):
                number = int(file.name.split("_", 1)[0])
                if number > version:
                    db.conn.executescript(
                        f"BEGIN IMMEDIATE;\n{file.read_text(encoding='utf-8')}\n"
                        f"PRAGMA user_version = {number};\nCOMMIT;"
                    )
                    version = number
            return version
        finally:
            db.conn.close()


def init_app(app: Flask) -> None:
    migrate(database_path(app))
    app.teardown_appcontext(close)
