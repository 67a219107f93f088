"""The back office at 100,000 applications against itself at 1,000: requests per second
and p99 of search, lists, queue, dashboard and journal.

    python bench/search_bench.py [--rounds 7] [--seconds 3] [--connections 10]
                                 [--small 1000] [--large 100000] [--academy siec]
                                 [--data DIR]

Seeds two data directories with `flask --app worker demo seed` (candidates chosen for
about --small and --large applications; its progress bar shows), creates in each the same
staff member of --academy with `flask --app worker staff create` (the SIEC by default: its
office sees four académies, the largest scope there is short of an administrator's),
serves each with `gunicorn -w 2` (2 sync workers, as bench/worker_bench.py) and signs the
staff member in over HTTP. With --data, the two seeded folders are kept there and reused
by the next run with the same sizes (a seed at 100,000 takes minutes). Then, in
interleaved rounds (small then large, large then small in the next round),
`wrk -t2 -c<connections> -d<seconds>s --latency` loads, signed in:
  - « Candidatures » searched by a family name, by a family and a given name (prefixes),
    by one candidate's number and by one candidate's address (each taken, in each data
    set, from a typical candidate of the scope: the middle one, in the order of how many
    people of the scope bear their family name), by the family name most frequent in the
    scope, and the list unfiltered;
  - « À traiter », « Tableau de bord » and, as its link « Voir ces candidatures » opens
    it, « Candidatures » filtered on that session's applications without any file, for
    the exam session of the scope with the most applications in the large set (the same
    session in both);
  - « Journal des actions » (the demo's decisions are audited).
Every answer must be a 200 (a wrk Lua script counts the others), and each page is checked
once before the load (its counts shown). Printed per page: requests/s, p99 and the CPU
time the two workers spent per request (from /proc: what the throughput of an idle machine
follows, much less disturbed by the neighbours' load than requests/s) of both sizes for
every round, the large/small throughput ratio with its spread (target ≥ 0.8) and the p99
at the large size (target < 100 ms), the small/large CPU-per-request ratio, and the load
average at start and end.
Output also goes to bench/search_results.txt.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

from benchlib import ROOT, describe, load, open_results, ratios
from worker_bench import (
    GUNICORN,
    PYTHON,
    Browser,
    Load,
    Server,
    build_site,
    expect,
    lua_script,
    run_wrk,
)

FLASK = PYTHON.parent / "flask"
STAFF_EMAIL = "banc.recherche@ac-test.fr"
STAFF_PASSWORD = "Banc!2027-Recherche"
APPLICATIONS_PER_CANDIDATE = 1.124  # what demo seed draws (15 % have two)
SHOWN = re.compile(r"(\d+) (candidature|pièce|action)s? ")
TARGET_RATIO, TARGET_P99 = 0.8, 100.0


@dataclass
class DataSet:
    name: str
    applications: int
    directory: Path
    server: Server | None = None
    pages: dict[str, str] = field(default_factory=dict)  # page name → path
    scripts: dict[str, Path] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)  # page name → table rows shown


def flask(data: Path, site: Path, *args: str) -> None:
    """A `flask --app worker` command on this data set, its output (progress) shown."""
    env = {"PORTAIL_DATA_DIR": str(data), "PORTAIL_SITE_DIR": str(site), "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [str(FLASK), "--app", "worker", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        timeout=3600,
    )


def seed(data_set: DataSet, site: Path, academy: str) -> None:
    candidates = max(1, round(data_set.applications / APPLICATIONS_PER_CANDIDATE))
    started = time.monotonic()
    flask(data_set.directory, site, "demo", "seed", "--candidates", str(candidates))
    print(f"{data_set.name}: seeded in {time.monotonic() - started:.1f} s")
    flask(data_set.directory, site, "staff", "create", "--email", STAFF_EMAIL,
          "--name", "Banc d'essai", "--academy", academy, "--password", STAFF_PASSWORD)  # fmt: skip


def database(data_set: DataSet) -> sqlite3.Connection:
    return sqlite3.connect(data_set.directory / "portail.db")


def scope_of(data_set: DataSet) -> list[str]:
    with database(data_set) as conn:
        (academies,) = conn.execute(
            "SELECT academies FROM staff WHERE email_key = ?", [STAFF_EMAIL]
        ).fetchone()
    return json.loads(academies)


def busiest_session(data_set: DataSet, scope: list[str]) -> str:
    """The exam session of the scope with the most registered applications."""
    marks = ", ".join("?" * len(scope))
    with database(data_set) as conn:
        academy, exam, session = conn.execute(
            "SELECT academy, exam, session FROM applications WHERE status = 'registered'"
            f" AND academy IN ({marks}) GROUP BY academy, exam, session"
            " ORDER BY count(*) DESC LIMIT 1",
            scope,
        ).fetchone()
    return f"{academy}|{exam}|{session}"


def pages_of(data_set: DataSet, scope: list[str], session: str) -> dict[str, str]:
    """The pages loaded, with queries taken from a candidate of the scope of this set."""
    marks = ", ".join("?" * len(scope))
    with database(data_set) as conn:
        rows = conn.execute(
            "SELECT ac.candidate_number, ac.email, ac.last_name, ac.first_names FROM accounts ac"
            " JOIN applications ap ON ap.account_id = ac.id"
            f" WHERE ap.academy IN ({marks}) ORDER BY ap.id",
            scope,
        ).fetchall()
    bearers = Counter(row[2] for row in rows)  # family name → people of the scope
    typical = sorted(rows, key=lambda row: bearers[row[2]])  # stable: then in id order
    number, email, last, first = typical[len(typical) // 2]
    frequent = bearers.most_common(1)[0][0]
    search = "/gestion/candidatures?"
    return {
        "search: family name": search + urlencode({"query": last}),
        "search: frequent name": search + urlencode({"query": frequent}),
        "search: name prefixes": search + urlencode({"query": f"{last[:3]} {first[:3]}"}),
        "search: candidate number": search + urlencode({"query": number}),
        "search: address": search + urlencode({"query": email}),
        "list, unfiltered": "/gestion/candidatures",
        "list: no file (session)": search
        + urlencode(
            dict(zip(("academy", "exam", "session"), session.split("|"), strict=True), files="none")
        ),
        "queue (À traiter)": "/gestion/a-traiter?" + urlencode({"session": session}),
        "dashboard": "/gestion/tableau-de-bord?" + urlencode({"session": session}),
        "journal": "/gestion/journal",
    }


def sign_in(port: int) -> Browser:
    browser = Browser(port)
    login = {"login": STAFF_EMAIL, "password": STAFF_PASSWORD}
    status, _, page = browser.submit("/gestion/connexion", login)
    expect(status, 303, "connexion du gestionnaire", page)
    return browser


def check(browser: Browser, data_set: DataSet) -> None:
    """Each page once: a 200, and what it counts (so that both sets are seen to differ)."""
    for name, path in data_set.pages.items():
        status, _, page = browser.go("GET", path)
        expect(status, 200, f"{data_set.name} {name}", page)
        shown = [" ".join(m) for m in SHOWN.findall(unescape(re.sub(r"<[^>]+>", "", page)))]
        rows = page.count("<tr>")
        data_set.rows[name] = rows
        print(f"  {data_set.name:>5} {name:<26} 200, {rows} table rows, {', '.join(shown[:3])}")


@dataclass
class Run:
    """One wrk run and the CPU its server's workers spent on it."""

    load: Load
    cpu_ms: float  # CPU time of the gunicorn workers per request

    @property
    def rps(self) -> float:
        return self.load.rps

    @property
    def p99_ms(self) -> float:
        return self.load.p99_ms

    @property
    def bad(self) -> int:
        return self.load.bad


TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def workers_cpu_ms(server: Server) -> float:
    """User and system CPU of the master's children (the workers), from /proc."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a process that ended meanwhile
        if int(fields[1]) == server.process.pid:  # ppid
            total += (int(fields[11]) + int(fields[12])) * TICK_MS  # utime, stime
    return total


def measured(data_set: DataSet, name: str, args: argparse.Namespace) -> Run:
    before = workers_cpu_ms(data_set.server)
    found = run_wrk(data_set.server.port, data_set.pages[name], args.seconds,
                    args.connections, data_set.scripts[name])  # fmt: skip
    spent = workers_cpu_ms(data_set.server) - before
    return Run(found, spent / max(1, found.requests))


def report(name: str, small: list[Run], large: list[Run]) -> tuple[float, float, float]:
    print(f"\n== {name}")
    for label, loads in (("1k", small), ("100k", large)):
        print(f"  {label:<5} req/s {describe([x.rps for x in loads], 0)}")
        print(f"  {'':<5} p99   {describe([x.p99_ms for x in loads], 1, ' ms')}")
        print(f"  {'':<5} CPU   {describe([x.cpu_ms for x in loads], 2, ' ms')} per request")
    cpu = ratios([x.cpu_ms for x in small], [x.cpu_ms for x in large])
    print(f"  RATIO CPU per request small/large: {describe(cpu, 3, '×')}")
    rps = ratios([x.rps for x in large], [x.rps for x in small])
    p99 = sorted(x.p99_ms for x in large)[len(large) // 2]
    ratio = sorted(rps)[len(rps) // 2]
    print(f"  RATIO req/s large/small: {describe(rps, 3, '×')}")
    verdict = "met" if ratio >= TARGET_RATIO and p99 < TARGET_P99 else "NOT MET"
    print(f"  target ≥ {TARGET_RATIO}× and p99 < {TARGET_P99:.0f} ms at the large size: {verdict}")
    bad = sum(x.bad for x in small + large)
    print(f"  !! {bad} answers were not 200" if bad else "  every answer was a 200")
    return ratio, p99, sorted(cpu)[len(cpu) // 2]


def control(loads: dict[str, dict[str, list[Run]]], sets: list[DataSet]) -> None:
    """Where the large set's page shows more rows, part of its cost is rendering them, not
    finding them. The same page with as many rows at both sizes: « Candidatures » searched
    filtered at the large size (the first that shows a full page there) against the
    unfiltered list at the small size."""
    small = "list, unfiltered"
    full = [
        name
        for name in sets[1].rows
        if name.startswith(("search", "list:")) and sets[1].rows[name] == sets[0].rows[small]
    ]
    if not full:
        return
    large = full[0]
    rps = ratios([x.rps for x in loads[large]["100k"]], [x.rps for x in loads[small]["1k"]])
    print(f"\n== control, the same page with {sets[1].rows[large]} table rows at both sizes:")
    print(f"  « {large} » at the large size / « {small} » at the small: {describe(rps, 3, '×')}")
    cpu = ratios([x.cpu_ms for x in loads[small]["1k"]], [x.cpu_ms for x in loads[large]["100k"]])
    print(f"  CPU per request, small/large: {describe(cpu, 3, '×')}")
    same = ratios([x.rps for x in loads[small]["1k"]], [x.rps for x in loads[large]["1k"]])
    print(f"  at the small size, {small} ({sets[0].rows[small]} rows) / {large}"
          f" ({sets[0].rows[large]} rows): {describe(same, 3, '×')}")  # fmt: skip


def bench(args: argparse.Namespace) -> None:
    if not GUNICORN.exists():
        sys.exit(f"{GUNICORN} absent: {PYTHON.parent / 'pip'} install 'gunicorn>=23'")
    print(f"load average at start: {load()}")
    with tempfile.TemporaryDirectory(prefix="search-bench-") as temporary:
        root = Path(temporary)
        site = root / "site"
        build_site(site)
        kept = Path(args.data) if args.data else root
        sets = [
            DataSet("1k", args.small, kept / f"small-{args.small}-{args.academy}"),
            DataSet("100k", args.large, kept / f"large-{args.large}-{args.academy}"),
        ]
        for data_set in sets:
            if (data_set.directory / "portail.db").exists():
                print(f"{data_set.name}: the data set seeded earlier in {data_set.directory}")
            else:
                seed(data_set, site, args.academy)
        scope = scope_of(sets[1])
        session = busiest_session(sets[1], scope)
        print(f"staff scope: {', '.join(scope)}; session of the queue and dashboard: {session}")
        try:
            for data_set in sets:
                with database(data_set) as conn:
                    counted = [
                        conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                        for t in ("applications", "pieces", "audit")
                    ]
                print(f"{data_set.name}: {counted[0]} applications, {counted[1]} pieces,"
                      f" {counted[2]} audit entries")  # fmt: skip
                env = {"PORTAIL_DATA_DIR": str(data_set.directory), "PORTAIL_SITE_DIR": str(site),
                       "PORTAIL_MAIL_THREAD": "false"}  # fmt: skip
                data_set.server = Server(data_set.name, "worker:create_app()", ROOT, env,
                                         root / f"{data_set.name}.log")  # fmt: skip
                data_set.server.start("/gestion/connexion")
                browser = sign_in(data_set.server.port)
                data_set.pages = pages_of(data_set, scope, session)
                check(browser, data_set)
                for name in data_set.pages:
                    slug = re.sub(r"\W+", "-", name).strip("-")
                    data_set.scripts[name] = lua_script(
                        root, f"{data_set.name}-{slug}", 200, browser.cookie
                    )
            loads: dict[str, dict[str, list[Run]]] = {
                name: {"1k": [], "100k": []} for name in sets[0].pages
            }
            for round_ in range(args.rounds):
                print(f"round {round_ + 1}/{args.rounds}, load average {load()}")
                for name in sets[0].pages:
                    for data_set in sets if round_ % 2 == 0 else sets[::-1]:
                        found = measured(data_set, name, args)
                        loads[name][data_set.name].append(found)
                        print(
                            f"  {name:<26} {data_set.name:>5}: {found.rps:7.0f} req/s,"
                            f" p50 {found.load.p50_ms:6.1f} ms, p99 {found.p99_ms:6.1f} ms,"
                            f" CPU {found.cpu_ms:5.2f} ms/request"
                        )
            summary = [(name, *report(name, v["1k"], v["100k"])) for name, v in loads.items()]
        finally:
            for data_set in sets:
                if data_set.server:
                    data_set.server.stop()
    print("\n== summary: large/small req/s, p99 at the large size, small/large CPU per request")
    print("   (medians over the rounds), table rows on the page (small → large)")
    for name, ratio, p99, cpu in summary:
        shown = f"{sets[0].rows[name]:>3} → {sets[1].rows[name]:>3}"
        print(f"  {name:<26} {ratio:6.3f}×   p99 {p99:6.1f} ms   CPU {cpu:6.3f}×   rows {shown}")
    control(loads, sets)
    print(f"load average at end: {load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--small", type=int, default=1000, help="applications of the small set")
    parser.add_argument("--large", type=int, default=100_000, help="applications of the large set")
    parser.add_argument("--academy", default="siec", help="the staff member's académie")
    parser.add_argument(
        "--data", help="keep the seeded data sets in this folder and reuse them in later runs"
    )
    args = parser.parse_args()
    results = open_results("search", sys.argv[1:])
    try:
        bench(args)
    finally:
        sys.stdout = sys.__stdout__  # the results file closes; the terminal stays
        results.close()


if __name__ == "__main__":
    main()
