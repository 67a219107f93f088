"""« Enregistrer » under load: 8 clients × 20 candidates saving their application at once
through gunicorn with 4 workers (deploy/gunicorn.conf.py), while a probe keeps signing in
(a write: a session row) to show whether other writes stall behind the saves.

    .venv/bin/python bench/save_bench.py [--clients 8] [--per-client 20] [--label after]

Preparation, straight into a temporary database through the store functions (no HTTP):
one active account per candidate, each with a CFG juin-2027 draft whose answers are those
the wizard keeps (walked once over the Flask test client) and whose furthest step is the
last one. gunicorn then starts with the clock pinned (tests/production_app.py); every
candidate signs in over HTTP and reads its « Récapitulatif » page for the CSRF token.
Each client is a process of its own with one thread per candidate; all POST
« enregistrer » at the same instant. Printed: errors (non-303 answers, must be 0),
uniqueness of the application numbers per candidate and of the candidate numbers, the
documents on disk against the rows, the latency of the saves (p50, p99, max) and of the
probe's sign-ins during the storm, and the load average.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
NOW = "2026-11-22T10:00:00+00:00"  # inside the CFG juin-2027 period of content/
PASSWORD = "Examen!2027"
SECRET_KEY = "clé du banc d'essai des enregistrements"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
IDENTITY = {
    "civility": "MME",
    "last_name": "Martin",
    "first_names": "Léa",
    "birth_date": "2004-05-30",
    "birth_country": "FR",
    "birth_departement": "35",
    "birth_commune": "35238",
    "birth_commune_name": "Rennes",
}


def settings(data_dir: str) -> dict:
    return {"DATA_DIR": data_dir, "SECRET_KEY": SECRET_KEY, "SMTP_HOST": ""}


# -- preparation (in this process, before gunicorn starts) -----------------------------------


def wizard_answers(app) -> dict:
    """The answers the wizard keeps for a CFG draft, walked once as in the tests."""
    from tests.forms import FormClient
    from tests.test_registration import CFG, fill, start
    from worker.store import db

    client = FormClient(app.test_client())
    email = make_account(app, "banc.modele@example.fr")
    client.submit("/espace-candidat/connexion", {"login": email, "password": PASSWORD})
    url = start(client, app, "cfg", "juin-2027")
    for code, answers in CFG.items():
        if code != "recapitulatif":
            url = fill(client, url, answers).headers["Location"]
    draft_id = int(url.rsplit("/", 2)[1])
    with app.app_context():
        (answers,) = db.get().execute("SELECT answers FROM drafts WHERE id = ?", [draft_id])
        db.close()
    return json.loads(answers[0])


def make_account(app, email: str, password_hash: str | None = None) -> str:
    from worker.rules import passwords
    from worker.store import accounts, db

    with app.app_context():
        database = db.get()
        with db.transaction(database):
            hashed = password_hash or passwords.hash_password(PASSWORD)
            account = accounts.create(database, email, hashed, dict(IDENTITY))
            accounts.activate(database, account)
        db.close()
    return email


def prepare(data_dir: str, count: int) -> list[tuple[str, int]]:
    """``count`` candidates, each with a draft at the last step: (address, draft id)."""
    from worker import create_app
    from worker.rules import passwords
    from worker.store import accounts, applications, db

    app = create_app(settings(data_dir))
    pinned = datetime.fromisoformat(NOW)
    app.config["NOW"] = lambda: pinned
    answers = wizard_answers(app)
    catalog = app.extensions["catalog"]()
    last = len(catalog.exam_steps(catalog.exams["cfg"])) - 1
    academy = next(
        p.academy
        for p in catalog.periods
        if p.exam == "cfg" and p.session == "juin-2027" and p.is_open(pinned)
    )
    hashed = passwords.hash_password(PASSWORD)  # one hash: argon2 is slow on purpose
    prepared = []
    with app.app_context():
        database = db.get()
        for _ in range(count):
            email = f"banc.{uuid.uuid4().hex[:12]}@example.fr"
            with db.transaction(database):
                account = accounts.create(database, email, hashed, dict(IDENTITY))
                accounts.activate(database, account)
                draft = applications.start_draft(database, account.id, academy, "cfg", "juin-2027")
                applications.save_draft(database, draft.id, answers, last)
            prepared.append((email, draft.id))
        db.close()
    deliverer = app.extensions.get("mail_deliverer")
    if deliverer:
        deliverer.stop()
    return prepared


# -- HTTP, as a browser would ----------------------------------------------------------------


class Browser:
    def __init__(self, port: int):
        self.port = port
        self.cookie = ""

    def request(self, method: str, url: str, form: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        try:
            headers = dict(FORM if form is not None else {})
            if self.cookie:
                headers["Cookie"] = self.cookie
            body = urlencode(form).encode() if form is not None else None
            connection.request(method, url, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie" and value.startswith("portail_session="):
                    self.cookie = value.split(";", 1)[0]
            return response.status, response.getheader("Location") or "", data
        finally:
            connection.close()

    def token(self, url: str) -> str:
        status, _, page = self.request("GET", url)
        found = TOKEN.search(page)
        if not found:
            raise RuntimeError(f"pas de formulaire sur {url} ({status})")
        return unescape(found.group(1))

    def sign_in(self, email: str) -> int:
        url = "/espace-candidat/connexion"
        form = {"csrf_token": self.token(url), "login": email, "password": PASSWORD}
        return self.request("POST", url, form)[0]


def step_url(draft_id: int) -> str:
    return f"/espace-candidat/brouillon/{draft_id}/recapitulatif"


def client_run(port: int, candidates: list[tuple[str, int]], at: float) -> list[tuple]:
    """One client: its candidates signed in, then every save posted at ``at``;
    (status, location, seconds) per save."""
    ready = []
    for email, draft_id in candidates:
        browser = Browser(port)
        if browser.sign_in(email) != 303:
            raise RuntimeError(f"connexion refusée pour {email}")
        ready.append((browser, draft_id, browser.token(step_url(draft_id))))
    results: list[tuple] = [None] * len(ready)

    def save(index: int) -> None:
        browser, draft_id, token = ready[index]
        time.sleep(max(0.0, at - time.time()))
        started = time.perf_counter()
        try:
            status, location, _ = browser.request(
                "POST", step_url(draft_id), {"csrf_token": token, "action": "enregistrer"}
            )
        except OSError as error:
            status, location = f"erreur {error}", ""
        results[index] = (status, location, time.perf_counter() - started)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(ready))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def probe(port: int, email: str, until: threading.Event, at: float, seen: list) -> None:
    """Sign-ins (each writes a session) during the storm: (status, seconds). They queue
    for a free gunicorn worker behind the saves, so they also measure the backlog."""
    time.sleep(max(0.0, at - time.time()))
    while not until.is_set():
        started = time.perf_counter()
        status = Browser(port).sign_in(email)
        seen.append((status, time.perf_counter() - started))


def lock_probe(database: Path, until: threading.Event, at: float, waits: list) -> None:
    """Another process's write every 50 ms during the storm: the seconds it waits for
    SQLite's write lock (BEGIN IMMEDIATE), i.e. how long the saves hold it."""
    import sqlite3

    conn = sqlite3.connect(database, isolation_level=None, timeout=60)
    time.sleep(max(0.0, at - time.time()))
    while not until.is_set():
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        waits.append(time.perf_counter() - started)
        conn.execute("ROLLBACK")
        time.sleep(0.05)
    conn.close()


# -- gunicorn --------------------------------------------------------------------------------


def gunicorn(tmp: Path, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PORTAIL_BIND": f"127.0.0.1:{port}",
        "PORTAIL_WORKERS": "4",
        "PORTAIL_DATA_DIR": str(tmp / "data"),
        "PORTAIL_SITE_DIR": str(tmp / "site"),
        "PORTAIL_SECRET_KEY": SECRET_KEY,
        "PORTAIL_SMTP_HOST": "",
        "PORTAIL_BASE_URL": "http://127.0.0.1",
        "PORTAIL_TEST_NOW": NOW,
    }
    command = [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py"]
    log = open(tmp / "gunicorn.log", "wb")  # noqa: SIM115 (kept open for the process)
    process = subprocess.Popen(
        [*command, "tests.production_app:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if Browser(port).request("GET", "/espace-candidat/connexion")[0] == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn ne répond pas")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- what the database holds afterwards ------------------------------------------------------


def checks(data_dir: Path, emails: list[str]) -> list[str]:
    """Uniqueness and completeness, read straight from the database and the disk."""
    import sqlite3

    conn = sqlite3.connect(data_dir / "portail.db")
    rows = conn.execute(
        "SELECT a.email, p.number FROM applications p JOIN accounts a ON a.id = p.account_id"
    ).fetchall()
    per_candidate: dict[str, list[str]] = {}
    for email, number in rows:
        per_candidate.setdefault(email, []).append(number)
    duplicates = [e for e, numbers in per_candidate.items() if len(numbers) != len(set(numbers))]
    missing = [e for e in emails if per_candidate.get(e) != ["001"]]
    numbers = [n for (n,) in conn.execute("SELECT candidate_number FROM accounts")]
    stored = {n for (n,) in conn.execute("SELECT stored_name FROM documents")}
    on_disk = {p.name for p in (data_dir / "documents").glob("*/*")}
    checked = conn.execute("SELECT count(*) FROM document_checks").fetchone()[0]
    codes = conn.execute("SELECT count(DISTINCT code) FROM document_checks").fetchone()[0]
    conn.close()
    return [
        f"applications: {len(rows)} for {len(emails)} candidates; candidates without exactly "
        f"one application 001: {len(missing)}; duplicate numbers per candidate: {len(duplicates)}",
        f"candidate numbers: {len(numbers)}, distinct {len(set(numbers))}",
        f"documents: {len(stored)} rows, {len(on_disk)} files, files without a row "
        f"{len(on_disk - stored)}, rows without a file {len(stored - on_disk)}; "
        f"verification codes {checked} ({codes} distinct)",
    ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def latency(name: str, seconds: list[float]) -> str:
    if not seconds:
        return f"{name}: none"
    return (
        f"{name}: n={len(seconds)} p50 {statistics.median(seconds) * 1000:.0f} ms, "
        f"p99 {percentile(seconds, 0.99) * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms"
    )


def storm(port: int, prepared: list, clients: int, probe_email: str, database: Path):
    """Every client's saves at one instant, the probes signing in and taking the write
    lock meanwhile: (save results, sign-ins, lock waits, wall time)."""
    per_client = len(prepared) // clients
    at = time.time() + 5 + 0.25 * len(prepared)  # time for every client to sign in
    seen: list = []
    waits: list = []
    done = threading.Event()
    probers = [
        threading.Thread(target=probe, args=(port, probe_email, done, at, seen)),
        threading.Thread(target=lock_probe, args=(database, done, at, waits)),
    ]
    for prober in probers:
        prober.start()
    with ProcessPoolExecutor(clients) as pool:
        futures = [
            pool.submit(client_run, port, prepared[n * per_client : (n + 1) * per_client], at)
            for n in range(clients)
        ]
        results = [r for f in futures for r in f.result()]
    wall = time.time() - at
    done.set()
    for prober in probers:
        prober.join()
    return results, seen, waits, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--per-client", type=int, default=20)
    parser.add_argument("--label", default="", help="what is measured (e.g. the commit)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="save-bench-") as folder:
        tmp = Path(folder)
        (tmp / "site").mkdir()
        prepared = prepare(str(tmp / "data"), args.clients * args.per_client)
        probe_email = make_account(_app(tmp), "banc.sonde@example.fr")
        load_before = os.getloadavg()
        port = free_port()
        server = gunicorn(tmp, port)
        try:
            results, seen, waits, wall = storm(
                port, prepared, args.clients, probe_email, tmp / "data" / "portail.db"
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
        load_after = os.getloadavg()
        errors = [r for r in results if r[0] != 303 or not r[1].endswith("/001/enregistree")]
        lines = [
            f"$ .venv/bin/python bench/save_bench.py --clients {args.clients} "
            f"--per-client {args.per_client} --label {args.label or '-'}",
            f"# {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC, {args.label}, "
            f"{os.cpu_count()} CPUs, gunicorn 4 sync workers",
            "load average before: " + " ".join(f"{v:.2f}" for v in load_before),
            f"saves: {len(results)} in {wall:.1f} s; errors (not a 303 to …/001/enregistree): "
            f"{len(errors)} {sorted({str(e[0]) for e in errors})}",
            latency("save latency", [r[2] for r in results]),
            latency("sign-ins during the storm", [s[1] for s in seen])
            + f"; not 303: {sum(1 for s in seen if s[0] != 303)}",
            latency("write-lock wait of another process (BEGIN IMMEDIATE every 50 ms)", waits),
            *checks(tmp / "data", [email for email, _ in prepared]),
            "load average after: " + " ".join(f"{v:.2f}" for v in load_after),
        ]
    print("\n".join(lines))


def _app(tmp: Path):
    from worker import create_app

    return create_app(settings(str(tmp / "data")))


if __name__ == "__main__":
    main()
