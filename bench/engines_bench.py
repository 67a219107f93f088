"""The worker on PostgreSQL against the worker on SQLite: what one host serves on each engine.

    python bench/engines_bench.py [--rounds 3] [--seconds 5] [--connections 10]

Starts a throwaway PostgreSQL 15 cluster (initdb/pg_ctl from Debian's postgresql-15, on a
loopback port, fsync left on: the server's durability is part of the cost), builds the
site once, then two workers, each `gunicorn -w 2` (2 sync workers) as in
bench/worker_bench.py: one with PORTAIL_DATABASE_URL on that cluster (the product), one on
its SQLite file (the anchor). A candidate is created on each over HTTP, then in
interleaved rounds wrk (10 connections) loads on both:
  1. GET /espace-candidat/connexion (anonymous)
  2. GET /espace-candidat/inscriptions (signed in: session and account read)
  3. POST of the first wizard step (« Suivant », 303: one transaction)
Printed per figure: requests/s and p50/p99 of both, the PostgreSQL/SQLite ratios with their
spread, and the load average. Output also goes to bench/engines_results.txt. The database
server runs on the same two cores as the workers and wrk, as on a one-host deployment.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from benchlib import load
from worker_bench import (
    ROOT,
    SECRET_KEY,
    Figure,
    Server,
    build_site,
    check_post,
    lua_script,
    make_candidate,
    prepare_database,
    report,
    run_rounds,
    wrk_main,
)

sys.path.insert(0, str(ROOT))
from tests.databases import Cluster  # the tests' throwaway cluster, reused


def figures_for(tmp: Path, postgresql: Server, sqlite: Server) -> list[Figure]:
    sides = {}
    for name, server in (("pg", postgresql), ("sqlite", sqlite)):
        candidate = make_candidate(server.port)
        check_post(server.port, candidate.step_path, candidate.step_body, candidate.cookie)
        sides[name] = (server, candidate)
    figures = []
    login, mine = "/espace-candidat/connexion", "/espace-candidat/inscriptions"
    for label, path_of, status in (
        (f"GET {login} (anonymous)", lambda c: login, 200),
        (f"GET {mine} (signed in)", lambda c: mine, 200),
        ("POST first wizard step (« Suivant », 303)", lambda c: c.step_path, 303),
    ):
        scripts = {}
        for name, (server, candidate) in sides.items():
            body = candidate.step_body if status == 303 else None
            cookie = "" if "anonymous" in label else candidate.cookie
            script = lua_script(tmp, f"{name}-{len(figures)}", status, cookie, body)
            scripts[name] = (server, path_of(candidate), script)
        figures.append(Figure(f"{label} vs SQLite", scripts["pg"], scripts["sqlite"]))
    return figures


def bench(rounds: int, seconds: int, connections: int) -> None:
    print(f"load average at start: {load()}")
    cluster = Cluster()
    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="engines-bench-") as temporary:
        tmp = Path(temporary)
        try:
            cluster.start(durable=True)
            build_site(tmp / "site")
            common = {
                "PORTAIL_SITE_DIR": str(tmp / "site"),
                "PORTAIL_MAIL_THREAD": "false",
                "PORTAIL_SECRET_KEY": SECRET_KEY,
                "PORTAIL_VERIFY_KEY": SECRET_KEY,
                "PORTAIL_SMTP_HOST": "",
            }
            pg_env = {**common, "PORTAIL_DATA_DIR": str(tmp / "pg-data"),
                      "PORTAIL_DATABASE_URL": cluster.database_for(tmp / "pg-data")}  # fmt: skip
            sqlite_env = {**common, "PORTAIL_DATA_DIR": str(tmp / "sqlite-data")}
            for env in (pg_env, sqlite_env):
                prepare_database(env)
            postgresql = Server("postgresql", "worker:create_app()", ROOT, pg_env, tmp / "pg.log")
            sqlite = Server("sqlite", "worker:create_app()", ROOT, sqlite_env, tmp / "sq.log")
            for server in (postgresql, sqlite):
                servers.append(server)
                server.start("/espace-candidat/connexion")
            print(f"gunicorn -w 2: PostgreSQL :{postgresql.port}, SQLite :{sqlite.port}")
            figures = figures_for(tmp, postgresql, sqlite)
            started = time.perf_counter()
            run_rounds(figures, rounds, seconds, connections)
            print(f"rounds done in {time.perf_counter() - started:.0f} s")
        finally:
            for server in reversed(servers):
                server.stop()
            cluster.stop()
    for figure in figures:
        report(figure)
    print("\n(product = the worker on PostgreSQL 15, anchor = the same worker on SQLite)")
    print(f"wrk -t2 -c{connections} -d{seconds}s, {rounds} interleaved rounds per figure")
    print(f"load average at end: {load()}")


if __name__ == "__main__":
    sys.exit(wrk_main(__doc__, "engines", bench))
