"""Database access for the whole store: one connection per thread, migrations, transactions.

Two engines run the same SQL (the subset both understand, ``?`` placeholders):

- SQLite, embedded in DATA_DIR (``sqlite.py``): the default, for one host;
- PostgreSQL (``postgres.py``) when ``PORTAIL_DATABASE_URL`` names a server, for
  several worker hosts in front of one replicated database.

Opening a connection costs about a fifth of a simple request, so each thread keeps its
connections (a few, by database) from one request to the next; a process forked from
another never uses its parent's (neither engine allows carrying one across ``fork()``):
the cache belongs to the process id that filled it.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app, g

from worker.store import postgres, sqlite
from worker.store.postgres import PostgresDatabase
from worker.store.sqlite import SqliteDatabase

Database = SqliteDatabase | PostgresDatabase

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
KEPT_PER_THREAD = 4  # connections a thread keeps open (tests open many databases)
_local = threading.local()


def database_path(app: Flask) -> Path:
    """The SQLite file (embedded engine)."""
    return Path(app.config["DATA_DIR"]) / sqlite.FILE_NAME


def target(app: Flask) -> str:
    """The PostgreSQL URL, or the SQLite file's path."""
    return app.config.get("DATABASE_URL") or str(database_path(app))


def connect(where: str | Path, busy_seconds: float = 10.0) -> Database:
    """A new connection to a PostgreSQL URL or a SQLite file."""
    if is_url(str(where)):
        return postgres.connect(str(where), busy_seconds)
    return sqlite.connect(where, busy_seconds)


def is_url(where: str) -> bool:
    return where.startswith(("postgresql://", "postgres://"))


def open_for(app: Flask) -> Database:
    """A connection of its own to the app's database (CLI commands, background threads)."""
    return connect(target(app), app.config["DATABASE_BUSY_SECONDS"])


def _thread_cache() -> OrderedDict:
    if getattr(_local, "pid", None) != os.getpid():  # new thread, or a forked child
        _local.pid, _local.connections = os.getpid(), OrderedDict()
    return _local.connections


def get() -> Database:
    """This thread's connection to the app's database, opened once and then reused."""
    here = g._get_current_object()  # one context lookup, not one per attribute
    if "db" not in here:
        app = current_app._get_current_object()
        config = app.config
        # The settings that decide the target, as they are: no Path built per request.
        where = config.get("DATABASE_URL") or config["DATA_DIR"]
        key = (where, config["DATABASE_BUSY_SECONDS"])
        cache = _thread_cache()
        if key in cache and not cache[key].usable:
            cache.pop(key).close()
        if key not in cache:
            cache[key] = connect(target(app), key[1])
            while len(cache) > KEPT_PER_THREAD:
                cache.popitem(last=False)[1].close()
        cache.move_to_end(key)
        here.db = cache[key]
        here.db_outer_transaction = here.db.in_transaction  # a context nested in another's
    return here.db


def close(_exc: BaseException | None = None) -> None:
    """End of request: the connection stays open for the next, never inside a transaction."""
    db = g.pop("db", None)
    outer = g.pop("db_outer_transaction", False)
    if db is not None and db.usable and db.in_transaction and not outer:
        db.rollback()


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """BEGIN … COMMIT, rolled back on any exception (SQLite: BEGIN IMMEDIATE)."""
    db.begin()
    try:
        yield db
    except BaseException:
        if db.usable:
            db.rollback()
        raise
    db.commit()


Step = Callable[[Database], None]


def steps() -> dict[int, Step]:
    """Migrations whose rows need Python after their SQL (normalisation SQL cannot do on
    both engines), run in the same transaction."""
    from worker.store import search_keys  # it uses this module: imported when needed

    return {13: search_keys.backfill}


def migrations() -> list[tuple[int, str, Step | None]]:
    """The numbered migration files, in order: (number, SQL, Python step or None)."""
    after = steps()
    found = []
    for file in sorted(MIGRATIONS.glob("*.sql")):
        number = int(file.name.split("_", 1)[0])
        found.append((number, file.read_text(encoding="utf-8"), after.get(number)))
    return found


def migrate(where: str | Path, busy_seconds: float = 10.0) -> int:
    """Bring a database up to the latest migration; returns its schema version."""
    if is_url(str(where)):
        return postgres.migrate(str(where), migrations(), busy_seconds)
    return sqlite.migrate(Path(where), migrations(), busy_seconds)


def init_app(app: Flask) -> None:
    migrate(target(app), app.config["DATABASE_BUSY_SECONDS"])
    app.teardown_appcontext(close)
