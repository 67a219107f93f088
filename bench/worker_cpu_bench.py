"""CPU time of one worker page in the process itself, against the bare Flask anchor.

    python bench/worker_cpu_bench.py [--rounds 7] [--requests 500] [--profile | --parts]

Where bench/worker_bench.py measures requests per second through gunicorn and wrk, this
one calls the two WSGI applications directly with a prepared request (no server, no test
client) and measures the CPU time of the calling thread, so that it says where a page's
time goes: the login page (anonymous, no cookie, as wrk sends it) and « Mes inscriptions »
(signed in, one draft), each against anchors/bare_flask.py, in interleaved rounds; the
best round of each is the least disturbed by the neighbours. ``--profile`` prints, for
each worker page, the functions that take the most time (cProfile, cumulative).

``--parts`` says the same thing by subtraction, without a profiler's distortion: a route
of the bench (added to the worker before its first request) does « Mes inscriptions »'s
work up to one part and answers an empty body, part after part (the session cookie read,
the signed-in account, the drafts and applications, the CSRF token of « Se déconnecter »,
the template), next to an empty route of a bare Flask app and the anchor, in interleaved
rounds; what each part adds is the difference of two medians.

The candidate is created as worker_bench.py creates it, over HTTP on a server of this
process (sign-up, activation link from the outbox, login, a draft). Output also goes to
bench/worker_cpu_results.txt (bench/worker_cpu_parts_results.txt with ``--parts``).
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

from benchlib import ROOT, describe, load, open_results, ratios, spread
from flask import Blueprint, Flask, render_template
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


PARTS = "/espace-candidat/_banc/"
# (what the request does, the route's part number, whether the session cookie is sent)
STEPS = [
    ("empty answer, no cookie", 0, False),
    ("+ the session cookie read", 0, True),
    ("+ the signed-in account", 1, True),
    ("+ the drafts and applications", 2, True),
    ("+ the CSRF token of « Se déconnecter »", 3, True),
    ("+ the template: « Mes inscriptions »", 4, True),
]


def parts_blueprint() -> Blueprint:
    """One route doing « Mes inscriptions »'s work up to part ``upto`` (see STEPS)."""
    from worker.candidate.views import common
    from worker.forms.base import session_token
    from worker.web import auth

    blueprint = Blueprint("bench_parts", __name__)

    @blueprint.get(f"{PARTS}<int(min=0):upto>")
    def part(upto: int) -> str:
        if upto >= 1:
            auth.current_account()
        lists = common.applications_and_drafts() if upto >= 2 else {}
        if upto >= 3:
            session_token()
        if upto >= 4:
            return render_template("candidate/applications.html", title="Mes inscriptions", **lists)
        return ""

    return blueprint


def bare_floor() -> Flask:
    """Flask's own floor: an empty answer, no template, no session."""
    app = Flask("bare_floor")
    app.add_url_rule("/", "empty", lambda: "")
    return app


def applications(tmp: Path, with_parts: bool = False):
    """The worker on a fresh data folder, the anchor, and the cookie of a signed-in
    candidate with one draft; ``with_parts``: the worker also has the parts' route."""
    os.environ.update(
        PORTAIL_DATA_DIR=str(tmp / "data"), PORTAIL_SITE_DIR=str(tmp / "site"),
        PORTAIL_MAIL_THREAD="false", PORTAIL_SECRET_KEY=SECRET_KEY, PORTAIL_SMTP_HOST="",
    )  # fmt: skip
    sys.path.insert(0, str(ANCHORS))
    import bare_flask

    import worker

    product = worker.create_app()
    if with_parts:
        product.register_blueprint(parts_blueprint())
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


def parts(rounds: int, requests: int) -> None:
    """What each part of « Mes inscriptions » adds to the CPU of a request (see STEPS)."""
    print(f"load average at start: {load()}")
    with tempfile.TemporaryDirectory(prefix="worker-cpu-") as temporary:
        tmp = Path(temporary)
        build_site(tmp / "site")
        product, anchor, cookie = applications(tmp, with_parts=True)
        cases = [("bare Flask, empty answer", bare_floor(), environ("/"))]
        cases += [
            (name, product, environ(f"{PARTS}{upto}", cookie if sent else ""))
            for name, upto, sent in STEPS
        ]
        cases += [("the page itself (its route)", product, environ(APPLICATIONS, cookie))]
        cases += [("anchor: bare_flask's login-like page", anchor, environ(LOGIN))]
        times: dict[str, list[float]] = {name: [] for name, _, _ in cases}
        for number in range(1, rounds + 1):
            for name, app, prepared in cases:
                times[name].append(cpu_per_request(app, prepared, requests))
            print(f"round {number} done, load {load()}")
    print("\n== CPU per request, « Mes inscriptions » part after part (median of the rounds)")
    steps = [name for name, _, _ in STEPS]
    for name, _, _ in cases:
        line = f"  {name:<42} {describe(times[name], 0, ' µs')}"
        if name in steps[1:]:  # what this part adds to the one before
            previous = steps[steps.index(name) - 1]
            line += f"  (+{spread(times[name])[0] - spread(times[previous])[0]:.0f})"
        print(line)
    print(f"\n{rounds} interleaved rounds of {requests} requests per case")
    print(f"load average at end: {load()}")


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
    parser.add_argument(
        "--parts", action="store_true", help="what each part of « Mes inscriptions » costs"
    )
    parser.add_argument("--no-results", action="store_true", help="do not write the results file")
    options = parser.parse_args()
    if not options.no_results:
        open_results("worker_cpu_parts" if options.parts else "worker_cpu", sys.argv[1:])
    sys.path.insert(0, str(ROOT))
    if options.parts:
        parts(options.rounds, options.requests)
    else:
        bench(options.rounds, options.requests, options.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
