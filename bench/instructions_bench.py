"""Instructions per request, counted by callgrind: the worker's pages against bare Flask,
and the back office at 100,000 applications against itself at 1,000.

    python bench/instructions_bench.py [--requests 20] [--data DIR] [--academy siec]

The other benches time requests, and on these shared machines the same run gives figures
up to three times apart from one day to the next (the neighbours' load, the cores' steal
time). Instructions executed do not move with that: the same code on the same data runs
the same instructions within a fraction of a percent. So this bench runs each application
in a Python process under `valgrind --tool=callgrind --instr-atstart=no` (Debian package
« valgrind »), calls a page a few times to warm it up, then counts the instructions of
--requests more with `callgrind_control` switching the counting on and off, and prints
the instructions per request and their ratios:
  - the login page (anonymous) and « Mes inscriptions » (signed in, one draft), called
    as WSGI in the process as bench/worker_cpu_bench.py calls them, against
    anchors/bare_flask.py;
  - the back-office pages of bench/search_bench.py (the same seeded data sets, the same
    staff member and queries, signed in with Flask's test client), 1,000 against 100,000.
An instruction count leaves out what the CPU waits on (cache misses, system calls: the
processes of these pages make almost none, the database pages being cached), so it is a
floor, not a time; it is the figure to compare two versions of the code by, and the timed
benches say what it comes to on the day's machine. Output also goes to
bench/instructions_results.txt.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchlib import ROOT, load, open_results

PYTHON = ROOT / ".venv" / "bin" / "python"
WARM_UP = 5


class Counter:
    """Counts the instructions of this process between two calls, under callgrind."""

    def __init__(self, out: Path) -> None:
        self.out, self.pid = out, str(os.getpid())

    def _control(self, *args: str) -> None:
        subprocess.run(["callgrind_control", *args, self.pid], check=True, capture_output=True)

    def per_call(self, call, requests: int) -> float:
        for _ in range(WARM_UP):
            call()
        self._control("-z")
        self._control("-i", "on")
        for _ in range(requests):
            call()
        self._control("-d")
        self._control("-i", "off")
        dumps = glob.glob(str(self.out / f"callgrind.out.{self.pid}.*"))
        with open(max(dumps, key=os.path.getmtime), encoding="utf-8") as dump:
            total = next(line for line in dump if line.startswith(("summary:", "totals:")))
        return int(total.split()[1]) / requests


def candidate_pages(counter: Counter, requests: int, tmp: Path) -> dict[str, float]:
    import worker_cpu_bench as timed

    timed.build_site(tmp / "site")
    product, anchor, cookie = timed.applications(tmp)
    login, mine = timed.environ(timed.LOGIN), timed.environ(timed.APPLICATIONS, cookie)
    return {
        "login page": counter.per_call(lambda: timed.call(product, login), requests),
        "« Mes inscriptions »": counter.per_call(lambda: timed.call(product, mine), requests),
        "anchor (bare_flask)": counter.per_call(lambda: timed.call(anchor, login), requests),
    }


def office_pages(counter: Counter, requests: int, data: Path, site: Path, pages: dict):
    from search_bench import STAFF_EMAIL, STAFF_PASSWORD

    os.environ.update(PORTAIL_DATA_DIR=str(data), PORTAIL_SITE_DIR=str(site),
                      PORTAIL_MAIL_THREAD="false")  # fmt: skip
    import worker

    client = worker.create_app().test_client()
    page = client.get("/gestion/connexion").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    signed = client.post("/gestion/connexion", data={"login": STAFF_EMAIL,
                         "password": STAFF_PASSWORD, "csrf_token": token})  # fmt: skip
    assert signed.status_code == 303, signed.status_code

    def get(path: str) -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code}")

    return {name: counter.per_call(lambda p=path: get(p), requests) for name, path in pages.items()}


def child(args: argparse.Namespace) -> None:
    """Inside valgrind: count, then print the counts as one JSON line."""
    counter = Counter(Path(args.out))
    if args.child == "candidate":
        counts = candidate_pages(counter, args.requests, Path(args.out))
    else:
        pages = json.loads(Path(args.pages).read_text(encoding="utf-8"))
        counts = office_pages(counter, args.requests, Path(args.child), Path(args.site), pages)
    print("COUNTS " + json.dumps(counts), flush=True)


def under_callgrind(out: Path, *args: str) -> dict[str, float]:
    command = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
               f"--callgrind-out-file={out}/callgrind.out.%p", str(PYTHON), __file__,
               "--out", str(out), *args]  # fmt: skip
    found = subprocess.run(command, capture_output=True, text=True, cwd=ROOT / "bench")
    lines = [line for line in found.stdout.splitlines() if line.startswith("COUNTS ")]
    if found.returncode or not lines:
        sys.exit(f"the counting process failed:\n{found.stdout[-2000:]}\n{found.stderr[-3000:]}")
    return json.loads(lines[-1].removeprefix("COUNTS "))


def bench(args: argparse.Namespace) -> None:
    for tool in ("valgrind", "callgrind_control"):
        if not shutil.which(tool):
            sys.exit(f"{tool} absent: apt-get install valgrind")
    import search_bench as scale
    from worker_bench import build_site

    print(f"load average at start: {load()} (it does not change the counts)")
    with tempfile.TemporaryDirectory(prefix="instructions-") as temporary:
        tmp = Path(temporary)
        worker_counts = under_callgrind(tmp, "--child", "candidate", "--requests",
                                        str(args.requests))  # fmt: skip
        anchor = worker_counts["anchor (bare_flask)"]
        print(f"\n== worker pages, {args.requests} requests each (WSGI, in the process)")
        for name, count in worker_counts.items():
            print(f"  {name:<24} {count / 1e6:6.2f} M instructions per request,"
                  f" {count / anchor:5.2f}× the anchor's")  # fmt: skip
        site = tmp / "site"
        build_site(site)
        kept = Path(args.data) if args.data else tmp
        sets = [
            scale.DataSet("1k", args.small, kept / f"small-{args.small}-{args.academy}"),
            scale.DataSet("100k", args.large, kept / f"large-{args.large}-{args.academy}"),
        ]
        for data_set in sets:
            if not (data_set.directory / "portail.db").exists():
                scale.seed(data_set, site, args.academy)
        scope = scale.scope_of(sets[1])
        session = scale.busiest_session(sets[1], scope)
        counts = {}
        for data_set in sets:
            pages = tmp / f"{data_set.name}.json"
            pages.write_text(json.dumps(scale.pages_of(data_set, scope, session)), "utf-8")
            counts[data_set.name] = under_callgrind(
                tmp, "--child", str(data_set.directory), "--site", str(site),
                "--pages", str(pages), "--requests", str(args.requests),
            )  # fmt: skip
    print(f"\n== back office, {args.requests} requests each (test client), staff scope"
          f" {', '.join(scope)}, queue and dashboard of {session}")  # fmt: skip
    print("   instructions per request at 1k and 100k, and 1k/100k (what the throughput")
    print("   ratio of bench/search_bench.py would be if time followed instructions)")
    for name in counts["1k"]:
        small, large = counts["1k"][name], counts["100k"][name]
        print(f"  {name:<26} {small / 1e6:6.2f} M  {large / 1e6:6.2f} M  {small / large:6.3f}×")
    print(f"\nload average at end: {load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="counted per page")
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--academy", default="siec")
    parser.add_argument("--data", help="the data sets seeded by search_bench.py --data DIR")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--site", help=argparse.SUPPRESS)
    parser.add_argument("--pages", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    open_results("instructions", sys.argv[1:])
    bench(args)


if __name__ == "__main__":
    main()
