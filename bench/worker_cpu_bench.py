"""CPU time of one worker page in the process itself, against the bare Flask anchor.

    python bench/worker_cpu_bench.py [--rounds 7] [--requests 500] [--profile]

Where bench/worker_bench.py measures requests per second through gunicorn and wrk, this
one calls the two WSGI applications directly with a prepared request (no server, no test
client) and measures the CPU time of the calling thread, so that it says where a page's
time goes: the login page (anonymous, no cookie, as wrk sends it) and « Mes inscriptions »
(signed in, one draft), each against anchors/bare_flask.py, in interleaved rounds; the
best round of each is the least disturbed by the neighbours. ``--profile`` prints, for
each worker page, the functions that take the most time (cProfile, cumulative).

The candidate is created as worker_bench.py creates it, over HTTP on a server of this
process (sign-up, activation link from the outbox, login, a draft). Output also goes to
bench/worker_cpu_results.txt.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchlib import ROOT, describe, load, open_results, ratios
from werkzeug.serving import make_server
from werkzeug.test import EnvironBuilder
from worker_bench import ANCHORS, SECRET_KEY, build_site, make_candidate

LOGIN, APPLICATIONS = "/espace-candidat/connexion", "/espace-candidat/inscriptions"


def environ(path: str, cookie: str = "") -> dict:
    return EnvironBuilder(path=path, headers={"Cookie": cookie} if cookie else {}).get_environ()


def call(app, prepared: dict) -> None:
    """One request: the application called, its body read, its status checked."""
    request = {**prepared, "wsgi.input": io.BytesIO()}
    statuses = []
    body = app(request, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(body)
    getattr(body, "close", lambda: None)()
    if not statuses[0].startswith("200"):
        raise RuntimeError(f"{prepared['PATH_INFO']}: {statuses[0]}")


def cpu_per_request(app, prepared: dict, requests: int) -> float:
    """Microseconds of this thread's CPU per request, after a few to warm up."""
    for _ in range(20):
        call(app, prepared)
    started = time.thread_time()
    for _ in range(requests):
        call(app, prepared)
    return (time.thread_time() - started) / requests * 1e6


def applications(tmp: Path):
    """The worker on a fresh data folder, the anchor, and the cookie of a signed-in
    candidate with one draft."""
    os.environ.update(
        PORTAIL_DATA_DIR=str(tmp / "data"), PORTAIL_SITE_DIR=str(tmp / "site"),
        PORTAIL_MAIL_THREAD="false", PORTAIL_SECRET_KEY=SECRET_KEY, PORTAIL_SMTP_HOST="",
    )  # fmt: skip
    sys.path.insert(0, str(ANCHORS))
    import bare_flask

    import worker

    product = worker.create_app()
    server = make_server("127.0.0.1", 0, product, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        cookie = make_candidate(server.server_port).cookie
    finally:
        server.shutdown()
    print(f"worker package: {worker.__file__}")
    return product, bare_flask.create_app(), cookie


def profile(app, prepared: dict, requests: int, title: str) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        call(app, prepared)
    profiler.disable()
    print(f"\n== profile of {title}, {requests} requests (cProfile, cumulative)")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(r"worker|flask|jinja2|itsdangerous|sqlite", 35)


def bench(rounds: int, requests: int, with_profile: bool) -> None:
    print(f"load average at start: {load()}")
    with tempfile.TemporaryDirectory(prefix="worker-cpu-") as temporary:
        tmp = Path(temporary)
        build_site(tmp / "site")
        product, anchor, cookie = applications(tmp)
        pages = {
            f"GET {LOGIN} (anonymous, no cookie)": environ(LOGIN),
            f"GET {APPLICATIONS} (signed in, one draft)": environ(APPLICATIONS, cookie),
        }
        bare = environ(LOGIN)
        times: dict[str, list[float]] = {name: [] for name in pages}
        anchors: dict[str, list[float]] = {name: [] for name in pages}
        for number in range(1, rounds + 1):
            for name, prepared in pages.items():
                times[name].append(cpu_per_request(product, prepared, requests))
                anchors[name].append(cpu_per_request(anchor, bare, requests))
            print(f"round {number} done, load {load()}")
        for name in pages:
            print(f"\n== {name} vs bare_flask")
            print(f"  product  CPU/request {describe(times[name], 0, ' µs')}")
            print(f"  anchor   CPU/request {describe(anchors[name], 0, ' µs')}")
            best = min(times[name]) / min(anchors[name])
            each = ratios(times[name], anchors[name])
            print(f"  RATIO CPU product/anchor: {describe(each, 2, '×')}")
            print(f"  best rounds: {min(times[name]):.0f} µs against {min(anchors[name]):.0f} µs"
                  f" ({best:.2f}×)")  # fmt: skip
        if with_profile:
            for name, prepared in pages.items():
                profile(product, prepared, requests, name)
    print(f"\n{rounds} interleaved rounds of {requests} requests per page")
    print(f"load average at end: {load()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (default 7)")
    parser.add_argument("--requests", type=int, default=500, help="per round (default 500)")
    parser.add_argument("--profile", action="store_true", help="cProfile each worker page")
    parser.add_argument("--no-results", action="store_true", help="do not write the results file")
    options = parser.parse_args()
    if not options.no_results:
        open_results("worker_cpu", sys.argv[1:])
    sys.path.insert(0, str(ROOT))
    bench(options.rounds, options.requests, options.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
