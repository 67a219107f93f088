"""Requests per second and p99 latency of the worker under gunicorn, against bare anchors.

    python bench/worker_bench.py [--rounds 3] [--seconds 5] [--connections 10]

Builds the site once into a temporary directory (python build.py --out), then starts,
each with `gunicorn -w 2 -b 127.0.0.1:PORT` (2 sync workers) and bounded in time:
  - the worker, 'worker:create_app()', with PORTAIL_DATA_DIR and PORTAIL_SITE_DIR in the
    temporary directory and PORTAIL_MAIL_THREAD=false;
  - anchor (a), bench/anchors/bare_flask.py: bare Flask rendering a login-like form page of
    similar size through a base template;
  - anchor (b), bench/anchors/bare_insert.py: Flask + WTForms + sqlite-utils, a POST that
    validates a small form and inserts one row (WAL, a connection per request).
A candidate is then created over HTTP as a person would: sign-up form, activation link
read from the local outbox page, activation, login, « Démarrer mon inscription » for a
period open today (CFG preferred), and the first wizard step's valid answers; one manual
POST of that step must answer 303 (not 400) before any load. Then, in interleaved rounds
(product, anchor, product, anchor…), `wrk -t2 -c10 -d<seconds>s --latency` loads:
  1. GET /espace-candidat/connexion (anonymous)          vs anchor (a)
  2. GET /espace-candidat/inscriptions (signed in)        vs anchor (a)
  3. POST of the first wizard step (« Suivant », 303)     vs anchor (b)
Printed per figure: requests/s and p50/p99 of both sides for every round, the product/
anchor requests/s ratio and p99 ratio with their spread, the CPU time the gunicorn workers
spent per request (user + system of the master's children, read from /proc before and after
each load: the server's own work, gunicorn included, without wrk's), and the load average at
start and end. Output also goes to bench/worker_results.txt.

Periods are real dates of content/ and the worker runs on the real clock: on a day when no
shipped period is open, the script says so and stops (there is nothing to register for).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from benchlib import ROOT, describe, load, open_results, ratios

PYTHON = Path(sys.executable)
GUNICORN = PYTHON.parent / "gunicorn"
ANCHORS = ROOT / "bench" / "anchors"
PASSWORD = "Examen!2027"
SECRET_KEY = "clé du banc d'essai du worker"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ACTIVATION = re.compile(r"/espace-candidat/activer/[^\s\"<>]+")
HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
# Valid answers of the « Identification » step (tests/test_registration.py); None: the first
# choice the page offers.
IDENTIFICATION = {
    "adresse_pays": "FR",
    "adresse_ligne1": "3 rue de la Paix",
    "adresse_code_postal": "35000",
    "adresse_localite": "RENNES",
    "telephone_portable": "0612345678",
    "nationalite": "FR",
    "categorie_socio_professionnelle": None,
}
ANCHOR_STEP = {
    "adresse_pays": "FR",
    "adresse_ligne1": "3 rue de la Paix",
    "adresse_code_postal": "35000",
    "adresse_localite": "RENNES",
    "telephone_portable": "0612345678",
    "nationalite": "FR",
}


# -- processes -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """One gunicorn master (2 sync workers) on 127.0.0.1, its log in a file."""

    name: str
    app: str
    chdir: Path
    env: dict[str, str]
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def start(self, ready_path: str) -> None:
        command = [str(GUNICORN), "-w", "2", "-b", f"127.0.0.1:{self.port}",
                   "--chdir", str(self.chdir), "--timeout", "60", self.app]  # fmt: skip
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(
                command,
                cwd=self.chdir,
                env={**os.environ, "PYTHONPATH": str(ROOT), **self.env},
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches us; we stop it ourselves
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                status, _, _, _ = request(self.port, "GET", ready_path)
                if status < 500:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} n'a pas démarré:\n{self.log.read_text(errors='replace')}")

    def workers_cpu(self) -> float:
        """Seconds of CPU (user + system) used so far by the master's worker processes."""
        assert self.process is not None
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # a process that ended meanwhile
                continue
            if int(fields[1]) == self.process.pid:  # fields[1]: the parent's pid
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        """TERM to the master (graceful), KILL to its process group if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)


def build_site(site: Path) -> None:
    """The static site the worker serves, built once by build.py into `site`."""
    subprocess.run(
        [str(PYTHON), str(ROOT / "build.py"), "--quiet", "--out", str(site)],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=300,
    )


def prepare_database(env: dict[str, str]) -> str:
    """Migrations applied once before the two workers start; where `worker` comes from."""
    done = subprocess.run(
        [str(PYTHON), "-c", "import worker; worker.create_app(); print(worker.__file__)"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout.strip()


# -- HTTP as a browser would -----------------------------------------------------------------


def request(
    port: int, method: str, path: str, body: str = "", headers: dict | None = None
) -> tuple[int, str | None, str, list[tuple[str, str]]]:
    """(status, Location, body text, headers) of one request on 127.0.0.1:port."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body.encode() or None, headers=headers or {})
        response = connection.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        return response.status, response.getheader("Location"), text, response.getheaders()
    finally:
        connection.close()


class Browser:
    """Keeps the worker's session cookie across requests."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie = ""

    def go(self, method: str, path: str, form: dict | None = None) -> tuple[int, str | None, str]:
        headers = dict(HEADERS) if form is not None else {}
        if self.cookie:
            headers["Cookie"] = self.cookie
        body = urlencode(form) if form is not None else ""
        status, location, text, received = request(self.port, method, path, body, headers)
        for name, value in received:
            if name.lower() == "set-cookie" and value.startswith("portail_session="):
                self.cookie = value.split(";", 1)[0]
        return status, location, text

    def token(self, path: str) -> tuple[str, str]:
        """(CSRF token, page) of the form at `path`."""
        status, _, page = self.go("GET", path)
        found = TOKEN.search(page)
        if not found:
            raise RuntimeError(f"pas de formulaire sur {path} ({status})")
        return unescape(found.group(1)), page

    def submit(self, path: str, data: dict | None = None) -> tuple[int, str | None, str]:
        token, _ = self.token(path)
        return self.go("POST", path, {**(data or {}), "csrf_token": token})


def expect(status: int, wanted: int, what: str, page: str = "") -> None:
    if status != wanted:
        errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]+)<', page)[:5]
        raise RuntimeError(f"{what}: HTTP {status} au lieu de {wanted} {errors}")


def first_choice(html: str, name: str) -> str:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    if not select:
        raise RuntimeError(f"pas de liste {name} dans la page")
    return next(v for v in re.findall(r'value="([^"]*)"', select.group(1)) if v)


def open_period() -> tuple[str, str, str, str]:
    """(domain, exam, session, académie) of a period open now whose first step is
    « Identification », CFG first."""
    sys.path.insert(0, str(ROOT))
    from catalog import load as load_catalog

    catalog, _ = load_catalog(ROOT / "content")
    now = datetime.now(UTC)
    found = [
        p
        for p in catalog.periods
        if p.is_open(now)
        and catalog.exams[p.exam].steps
        and catalog.exams[p.exam].steps[0] == "identification"
    ]
    if not found:
        sys.exit(f"aucune période ouverte le {now:%d/%m/%Y} dans content/ : rien à mesurer")
    period = min(found, key=lambda p: (p.exam != "cfg", p.exam, p.academy))
    return catalog.exams[period.exam].domain, period.exam, period.session, period.academy


@dataclass
class Candidate:
    cookie: str
    step_path: str
    step_body: str
    email: str


def make_candidate(port: int) -> Candidate:
    """Sign-up, activation from the outbox, login, a draft, its first step's valid body."""
    browser = Browser(port)
    email = f"banc.{uuid.uuid4().hex[:10]}@example.fr"
    identity = {
        "civility": "MME", "last_name": "Martin", "last_name_confirm": "Martin",
        "usual_name": "", "first_names": "Léa", "birth_date": "30/05/2004",
        "birth_date_confirm": "30/05/2004", "birth_country": "FR", "birth_departement": "35",
        "birth_commune": "Rennes", "email": email, "email_confirm": email,
        "password": PASSWORD, "password_confirm": PASSWORD,
    }  # fmt: skip
    status, _, page = browser.submit("/espace-candidat/creer-un-compte", identity)
    expect(status, 303, "création du compte", page)
    _, _, outbox = browser.go("GET", "/espace-candidat/outbox")
    links = [unescape(link) for link in ACTIVATION.findall(outbox)]
    if not links:
        raise RuntimeError("pas de lien d'activation dans /espace-candidat/outbox")
    status, _, page = browser.submit(urlsplit(links[0]).path)
    expect(status, 200, "activation", page)
    if "Votre compte est activé" not in page:
        raise RuntimeError("activation: page inattendue")
    status, _, page = browser.submit(
        "/espace-candidat/connexion", {"login": email, "password": PASSWORD}
    )
    expect(status, 303, "connexion", page)
    domain, exam, session, academy = open_period()
    start = f"/espace-candidat/inscription/nouvelle/{domain}/{exam}/{session}/{academy}"
    token, _ = browser.token(start)
    status, location, page = browser.go("POST", start, {"csrf_token": token})
    expect(status, 303, "démarrer mon inscription", page)
    step_path = urlsplit(location or "").path
    token, page = browser.token(step_path)
    answers = {k: v if v is not None else first_choice(page, k) for k, v in IDENTIFICATION.items()}
    body = urlencode({**answers, "action": "suivant", "csrf_token": token})
    print(f"candidate {email}: {exam} {session} {academy}, step {step_path}")
    return Candidate(browser.cookie, step_path, body, email)


def check_post(port: int, path: str, body: str, cookie: str = "") -> None:
    """One manual POST: the step must be accepted (303), never refused (400)."""
    headers = {**HEADERS, **({"Cookie": cookie} if cookie else {})}
    status, location, page, _ = request(port, "POST", path, body, headers)
    expect(status, 303, f"POST {path}", page)
    print(f"manual POST {path} on :{port}: {status} -> {location}")


# -- wrk -------------------------------------------------------------------------------------


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad: int  # answers of another status than expected, socket errors
    cpu_us: float = 0.0  # the server's workers' CPU per request, when measured


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(output: str) -> Load:
    def latency(percent: str) -> float:
        found = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if not found:
            raise RuntimeError(f"wrk: pas de {percent}% dans\n{output}")
        return float(found.group(1)) * UNITS[found.group(2)]

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if not rps or not total:
        raise RuntimeError(f"wrk: sortie illisible\n{output}")
    counted = re.search(r"expected status: (\d+), other status: (\d+)", output)
    if not counted:
        raise RuntimeError(f"wrk: pas de décompte des statuts dans\n{output}")
    bad = int(counted.group(2)) + (sum(int(n) for n in sockets.groups()) if sockets else 0)
    return Load(float(rps.group(1)), latency("50"), latency("99"), int(total.group(1)), bad)


LUA_COUNT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) expected = 0; other = 0 end
function response(status, headers, body)
  if status == %d then expected = expected + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local e, o = 0, 0
  for _, t in ipairs(threads) do e = e + t:get("expected"); o = o + t:get("other") end
  io.write(string.format("expected status: %%d, other status: %%d\\n", e, o))
end
"""


def lua_script(
    directory: Path, name: str, status: int, cookie: str = "", body: str | None = None
) -> Path:
    """A wrk script: a fixed request (a POST of `body` when given) with a fixed cookie, that
    counts the answers whose status is not `status` (a 302 to the login page is 3xx too, so
    wrk's own error count would not see it)."""

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = []
    if body is not None:
        lines += [
            'wrk.method = "POST"',
            f"wrk.body = {quoted(body)}",
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"',
        ]
    if cookie:
        lines.append(f'wrk.headers["Cookie"] = {quoted(cookie)}')
    script = directory / f"{name}.lua"
    script.write_text("\n".join(lines) + LUA_COUNT % status, encoding="utf-8")
    return script


def run_wrk(port: int, path: str, seconds: int, connections: int, script: Path) -> Load:
    """One wrk run; a 30 s timeout so that slow answers count in the latencies (wrk's 2 s
    default drops them from the distribution as socket errors)."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
               "--timeout", "30s", "-s", str(script), f"http://127.0.0.1:{port}{path}"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk a échoué: {done.stderr}")
    return parse_wrk(done.stdout)


# -- the benchmark ---------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    product: tuple[Server, str, Path]  # (server, path, wrk script)
    anchor: tuple[Server, str, Path]
    loads: dict[str, list[Load]] = field(default_factory=lambda: {"product": [], "anchor": []})


def report(figure: Figure) -> None:
    product, anchor = figure.loads["product"], figure.loads["anchor"]
    print(f"\n== {figure.name}")
    for side, loads in (("product", product), ("anchor", anchor)):
        print(f"  {side:<8} req/s {describe([x.rps for x in loads], 0)}")
        print(f"  {'':<8} p50   {describe([x.p50_ms for x in loads], 1, ' ms')}")
        print(f"  {'':<8} p99   {describe([x.p99_ms for x in loads], 1, ' ms')}")
        print(f"  {'':<8} CPU   {describe([x.cpu_us for x in loads], 0, ' µs/request')}")
    rps = ratios([x.rps for x in product], [x.rps for x in anchor])
    p99 = ratios([x.p99_ms for x in product], [x.p99_ms for x in anchor])
    cpu = ratios([x.cpu_us for x in product], [x.cpu_us for x in anchor])
    print(f"  RATIO req/s product/anchor: {describe(rps, 3, '×')}")
    print(f"  RATIO p99   product/anchor: {describe(p99, 2, '×')}")
    print(f"  RATIO CPU   product/anchor: {describe(cpu, 2, '×')} (the workers' CPU per request)")
    bad = sum(x.bad for x in product + anchor)
    if bad:
        print(f"  !! {bad} answers had another status than expected, or socket errors")
    else:
        print("  every answer had the expected status (200 for GET, 303 for POST)")


def bench(rounds: int, seconds: int, connections: int) -> None:
    if not GUNICORN.exists():
        sys.exit(f"{GUNICORN} absent: {PYTHON.parent / 'pip'} install 'gunicorn>=23'")
    if shutil.which("wrk") is None:
        sys.exit("wrk absent: apt-get install wrk")
    print(f"load average at start: {load()}")
    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="worker-bench-") as temporary:
        tmp = Path(temporary)
        started = time.perf_counter()
        build_site(tmp / "site")
        print(f"site built into {tmp / 'site'} in {time.perf_counter() - started:.1f} s")
        env = {
            "PORTAIL_DATA_DIR": str(tmp / "data"),
            "PORTAIL_SITE_DIR": str(tmp / "site"),
            "PORTAIL_MAIL_THREAD": "false",
            "PORTAIL_SECRET_KEY": SECRET_KEY,
            "PORTAIL_SMTP_HOST": "",
        }
        print(f"worker package: {prepare_database(env)}")
        product = Server("worker", "worker:create_app()", ROOT, env, tmp / "worker.log")
        bare = Server("bare_flask", "bare_flask:create_app()", ANCHORS, {}, tmp / "bare.log")
        insert = Server(
            "bare_insert", "bare_insert:create_app()", ANCHORS,
            {"BARE_DB": str(tmp / "bare.db")}, tmp / "insert.log",
        )  # fmt: skip
        try:
            for server, ready in (
                (product, "/espace-candidat/connexion"),
                (bare, "/espace-candidat/connexion"),
                (insert, "/"),
            ):
                servers.append(server)
                server.start(ready)
            print(
                f"gunicorn -w 2: worker :{product.port}, bare_flask :{bare.port}, "
                f"bare_insert :{insert.port}"
            )
            figures = prepare_figures(tmp, product, bare, insert)
            run_rounds(figures, rounds, seconds, connections)
        finally:
            for server in reversed(servers):
                server.stop()
    for figure in figures:
        report(figure)
    print(f"\nwrk -t2 -c{connections} -d{seconds}s, {rounds} interleaved rounds per figure")
    print(f"load average at end: {load()}")


def prepare_figures(tmp: Path, product: Server, bare: Server, insert: Server) -> list[Figure]:
    candidate = make_candidate(product.port)
    check_post(product.port, candidate.step_path, candidate.step_body, candidate.cookie)
    anchor_body = urlencode(ANCHOR_STEP)
    check_post(insert.port, "/etape", anchor_body)
    sizes = {
        "worker login page": request(product.port, "GET", "/espace-candidat/connexion")[2],
        "anchor (a) page": request(bare.port, "GET", "/espace-candidat/connexion")[2],
        "worker « Mes inscriptions »": request(
            product.port, "GET", "/espace-candidat/inscriptions", "", {"Cookie": candidate.cookie}
        )[2],
    }
    if "Mes inscriptions" not in sizes["worker « Mes inscriptions »"]:
        raise RuntimeError("« Mes inscriptions » n'est pas servie au candidat connecté")
    print("page sizes: " + ", ".join(f"{k} {len(v.encode())} B" for k, v in sizes.items()))
    return [
        Figure(
            "GET /espace-candidat/connexion (anonymous) vs bare_flask",
            (product, "/espace-candidat/connexion", lua_script(tmp, "login", 200)),
            (bare, "/espace-candidat/connexion", lua_script(tmp, "bare", 200)),
        ),
        Figure(
            "GET /espace-candidat/inscriptions (signed in) vs bare_flask",
            (
                product,
                "/espace-candidat/inscriptions",
                lua_script(tmp, "inscriptions", 200, candidate.cookie),
            ),
            (bare, "/espace-candidat/connexion", lua_script(tmp, "bare", 200)),
        ),
        Figure(
            f"POST {candidate.step_path} (« Suivant », 303) vs bare_insert",
            (
                product,
                candidate.step_path,
                lua_script(tmp, "step", 303, candidate.cookie, candidate.step_body),
            ),
            (insert, "/etape", lua_script(tmp, "anchor", 303, "", anchor_body)),
        ),
    ]


def run_rounds(figures: list[Figure], rounds: int, seconds: int, connections: int) -> None:
    for number in range(1, rounds + 1):
        for figure in figures:
            line = []
            for side in ("product", "anchor"):
                server, path, script = getattr(figure, side)
                before = server.workers_cpu()
                result = run_wrk(server.port, path, seconds, connections, script)
                result.cpu_us = (server.workers_cpu() - before) / max(result.requests, 1) * 1e6
                figure.loads[side].append(result)
                line.append(
                    f"{side} {result.rps:.0f} req/s p50 {result.p50_ms:.1f} ms "
                    f"p99 {result.p99_ms:.1f} ms CPU {result.cpu_us:.0f} µs"
                    + (f" ({result.bad} bad)" if result.bad else "")
                )
            print(f"round {number} {figure.name.split(' vs ')[0]}: " + "; ".join(line))
        print(f"  load {load()}")


def stop_on_term(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def wrk_main(doc: str, results: str, run) -> int:
    """The command line of a wrk benchmark: rounds, seconds, connections; ``run`` takes them."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--seconds", type=int, default=5, help="seconds per wrk run (default 5)")
    parser.add_argument("--connections", type=int, default=10, help="wrk -c (default 10)")
    parser.add_argument("--no-results", action="store_true", help="do not write the results file")
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, stop_on_term)
    if not options.no_results:
        open_results(results, sys.argv[1:])
    run(options.rounds, options.seconds, options.connections)
    return 0


if __name__ == "__main__":
    sys.exit(wrk_main(__doc__, "worker", bench))
