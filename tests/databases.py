"""The suite's database engine: SQLite files (the default) or a throwaway PostgreSQL cluster.

With ``PORTAIL_TEST_DATABASE=postgresql`` (``make test`` runs the suite a second time so),
the run starts its own PostgreSQL server from Debian's binaries: ``initdb`` into a
temporary folder, ``pg_ctl`` on a loopback port, a Unix socket in that folder, nothing
shared with a system cluster. Every data folder a test gives the worker gets its own
database, cloned from a migrated template and dropped at the end of the test.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ENGINE = os.environ.get("PORTAIL_TEST_DATABASE", "sqlite")
POSTGRESQL = ENGINE == "postgresql"
BIN = Path(os.environ.get("PORTAIL_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
USER = "portail"
TEMPLATE = "portail_template"


def available() -> bool:
    return (BIN / "pg_ctl").exists() and (BIN / "initdb").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_owner(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the Debian package's user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Cluster:
    """One PostgreSQL server for the run, with a database per test data folder."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="portail-pg-"))
        self.port = _free_port()
        self.databases: dict[str, str] = {}  # data folder → database name

    def url(self, database: str) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def start(self, durable: bool = False) -> Cluster:
        """initdb, then the server; ``durable`` keeps fsync on (the benchmarks)."""
        if not (BIN / "pg_ctl").exists():
            raise RuntimeError(f"{BIN}/pg_ctl absent : installez le paquet Debian postgresql-15")
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        data = self.folder / "data"
        subprocess.run(
            _as_owner([str(BIN / "initdb"), "-D", str(data), "-U", USER, "-A", "trust",
                       "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]),
            check=True, capture_output=True,
        )  # fmt: skip
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c max_connections=400"
        )
        if not durable:  # a throwaway cluster: durability is PostgreSQL's own concern
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run(
            _as_owner([str(BIN / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-t", "120",
                       "-l", str(self.folder / "server.log"), "start"]),
            check=True, capture_output=True,
        )  # fmt: skip
        from worker.store import db

        self._admin(f"CREATE DATABASE {TEMPLATE}")
        db.migrate(self.url(TEMPLATE))
        return self

    def stop(self) -> None:
        subprocess.run(
            _as_owner([str(BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate",
                       "stop"]),
            check=False, capture_output=True,
        )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(statement)

    def database_for(self, data_dir: Path) -> str:
        """The URL of data_dir's database, created (from the template) on first use."""
        key = str(Path(data_dir).resolve())
        if key not in self.databases:
            name = f"t_{uuid.uuid4().hex[:16]}"
            self._admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
            self.databases[key] = name
        return self.url(self.databases[key])

    def drop_under(self, folder: Path) -> None:
        """Drop the databases of the data folders inside folder (a test's tmp_path)."""
        root = str(Path(folder).resolve())
        for key in [k for k in self.databases if k == root or k.startswith(root + os.sep)]:
            self._admin(f"DROP DATABASE {self.databases.pop(key)} WITH (FORCE)")


cluster: Cluster | None = None


def settings_for(data_dir: Path) -> dict[str, str]:
    """The worker settings that point data_dir's app at the run's engine."""
    if cluster is None:
        return {}
    return {  # several hosts may share a database only with keys set, the same on each
        "DATABASE_URL": cluster.database_for(data_dir),
        "SECRET_KEY": "clé de test",
        "VERIFY_KEY": "clé de vérification de test",
    }


def open_database(data_dir: Path, busy_seconds: float = 10.0):
    """A connection of the test's own to data_dir's database, whichever the engine."""
    from worker.store import db

    if cluster is None:
        return db.connect(Path(data_dir) / "portail.db", busy_seconds)
    return db.connect(cluster.database_for(data_dir), busy_seconds)


def take_write_lock(database) -> None:
    """Begin a transaction that keeps every other writer out, as another process would:
    SQLite's BEGIN IMMEDIATE; on PostgreSQL, every table locked in EXCLUSIVE mode (reads
    go on, writes wait)."""
    database.begin()
    if database.engine == "postgresql":
        tables = [
            name
            for (name,) in database.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            )
        ]
        database.execute(f"LOCK TABLE {', '.join(tables)} IN EXCLUSIVE MODE")


@contextmanager
def write_lock(data_dir: Path) -> Iterator[None]:
    """Another process holds data_dir's write lock until the block ends."""
    database = open_database(data_dir)
    try:
        take_write_lock(database)
        yield
    finally:
        database.rollback()
        database.close()


def text_of_every_row(data_dir: Path) -> str:
    """Every value of every table, as text: what a dump of the database would show."""
    database = open_database(data_dir)
    try:
        if database.engine == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'table'"
        else:
            query = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        tables = [name for (name,) in database.execute(query)]
        return "\n".join(
            repr(row) for table in tables for row in database.execute(f"SELECT * FROM {table}")
        )
    finally:
        database.close()


def environment_for(data_dir: Path) -> dict[str, str]:
    """The same, as environment variables for a worker started in another process."""
    return {f"PORTAIL_{name}": value for name, value in settings_for(data_dir).items()}
