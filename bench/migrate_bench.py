"""`store migrate-to` on a session-sized database, then the portal on the result.

    python bench/migrate_bench.py [--applications 100000]

In a temporary folder: `flask --app worker demo seed` until the SQLite database holds at
least that many applications; a throwaway PostgreSQL 15 cluster (initdb/pg_ctl, fsync on);
`flask --app worker store migrate-to URL` timed, its progress shown; then the worker
under gunicorn (2 sync workers) on PORTAIL_DATABASE_URL: a demo candidate signs in and
finds their application, and a new candidate signs up and starts a registration (new
rows after the copied ids). Prints the row counts, the durations, the peak memory of the
migration and the load average. Output also goes to bench/migrate_results.txt.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import load, open_results
from worker_bench import (
    PYTHON,
    ROOT,
    SECRET_KEY,
    Browser,
    Server,
    build_site,
    expect,
    make_candidate,
)

sys.path.insert(0, str(ROOT))
from tests.databases import Cluster  # the tests' throwaway cluster, reused
from worker.cli.demo import PASSWORD as DEMO_PASSWORD
from worker.store import db

PER_CANDIDATE = 1.12  # applications per demo candidate, about


def flask(env: dict[str, str], *args: str, timed: bool = False) -> str:
    """The command's output; with ``timed``, GNU time's peak memory line last."""
    prefix = ["/usr/bin/time", "-f", "peak memory %M kB"] if timed else []
    done = subprocess.run(
        [*prefix, str(PYTHON), "-m", "flask", "--app", "worker", *args],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        check=True, capture_output=True, text=True, timeout=3600,
    )  # fmt: skip
    return done.stdout + done.stderr


def applications(database_path: Path) -> int:
    database = db.connect(database_path)
    try:
        return database.execute("SELECT count(*) FROM applications").fetchone()[0]
    finally:
        database.close()


def seed(env: dict[str, str], wanted: int, database_path: Path) -> None:
    started = time.perf_counter()
    flask(env, "demo", "seed", "--candidates", str(int(wanted / PER_CANDIDATE)))
    while (count := applications(database_path)) < wanted:
        flask(env, "demo", "seed", "--add", "--candidates", str(wanted - count))
    print(f"demo seed: {count} applications in {time.perf_counter() - started:.0f} s")


def demo_candidate(database_path: Path) -> tuple[str, str]:
    database = db.connect(database_path)
    try:
        return database.execute(
            "SELECT ac.email, ap.number FROM accounts ac JOIN applications ap"
            " ON ap.account_id = ac.id WHERE ap.status = 'registered' ORDER BY ac.id DESC LIMIT 1"
        ).fetchone()
    finally:
        database.close()


def migrate(env: dict[str, str], url: str) -> None:
    started = time.perf_counter()
    timed = Path("/usr/bin/time").exists()  # GNU time (Debian package time): peak memory
    output = flask(env, "store", "migrate-to", url, timed=timed)
    print(output.strip())
    print(f"store migrate-to: {time.perf_counter() - started:.0f} s")


def check_portal(tmp: Path, env: dict[str, str], email: str, number: str) -> None:
    server = Server("postgresql", "worker:create_app()", ROOT, env, tmp / "worker.log")
    server.start("/espace-candidat/connexion")
    try:
        browser = Browser(server.port)
        status, _, page = browser.submit(
            "/espace-candidat/connexion", {"login": email, "password": DEMO_PASSWORD}
        )
        expect(status, 303, "connexion du candidat de démonstration", page)
        status, _, page = browser.go("GET", f"/espace-candidat/inscriptions/{number}")
        expect(status, 200, "son inscription", page)
        if f"{number}" not in page or "Inscrit" not in page:
            raise RuntimeError("l'inscription copiée n'apparaît pas")
        print(f"portal on PostgreSQL: {email} signed in and found application {number}")
        make_candidate(server.port)  # sign-up, activation, login, a draft: new rows
        print("portal on PostgreSQL: a new candidate signed up and started a registration")
    finally:
        server.stop()


def bench(wanted: int) -> None:
    print(f"load average at start: {load()}")
    cluster = Cluster()
    with tempfile.TemporaryDirectory(prefix="migrate-bench-") as temporary:
        tmp = Path(temporary)
        sqlite_env = {
            "PORTAIL_DATA_DIR": str(tmp / "data"),
            "PORTAIL_SITE_DIR": str(tmp / "site"),
            "PORTAIL_MAIL_THREAD": "false",
            "PORTAIL_SECRET_KEY": SECRET_KEY,
            "PORTAIL_VERIFY_KEY": SECRET_KEY,
            "PORTAIL_SMTP_HOST": "",
        }
        build_site(tmp / "site")
        seed(sqlite_env, wanted, tmp / "data" / "portail.db")
        email, number = demo_candidate(tmp / "data" / "portail.db")
        try:
            cluster.start(durable=True)
            cluster._admin("CREATE DATABASE portail")
            url = cluster.url("portail")
            migrate(sqlite_env, url)
            check_portal(tmp, {**sqlite_env, "PORTAIL_DATABASE_URL": url}, email, number)
        finally:
            cluster.stop()
    print(f"load average at end: {load()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--no-results", action="store_true", help="do not write the results file")
    options = parser.parse_args()
    if not options.no_results:
        open_results("migrate", sys.argv[1:])
    bench(options.applications)
    return 0


if __name__ == "__main__":
    sys.exit(main())
