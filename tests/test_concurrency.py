"""Several worker processes on one database: candidate numbers and login throttling.

The portal runs as several processes sharing one SQLite file, so what must be unique or
counted (candidate numbers, login failures) is decided in the database, under its write
lock, never in a process's memory. These tests use real separate processes.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import queue
import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.forms import TOKEN, text
from tests.worker_process import activate_accounts

ROOT = Path(__file__).resolve().parent.parent
HELPER = Path(__file__).resolve().parent / "worker_process.py"
SECRET = "clé partagée par les deux processus"
STARTUP_TIMEOUT = 30  # seconds, for a worker process to answer
HTTP_TIMEOUT = 15

IDENTITY = {
    "civility": "MME",
    "last_name": "Martin",
    "first_names": "Claire",
    "birth_date": "2001-03-14",
    "birth_country": "FR",
    "birth_departement": "35",
    "birth_commune": "35238",
    "birth_commune_name": "Rennes",
}


# --- a. candidate numbers ------------------------------------------------------------


def test_concurrent_activations_give_unique_contiguous_numbers(app):
    from worker import clock
    from worker.store import accounts, db

    count, processes = 40, 4
    with app.app_context():
        database = db.get()
        created = []
        for index in range(count):
            with db.transaction(database):
                account = accounts.create(
                    database, f"candidat{index}@example.fr", "pas-un-vrai-hash", IDENTITY
                )
            created.append(account)
    years = {f"{clock.parse(a.created_at).year % 100:02d}" for a in created}
    assert len(years) == 1, "accounts created across a new year: run the test again"
    (year,) = years

    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    results = context.Queue()
    ids = [a.id for a in created]
    workers = [
        context.Process(
            target=activate_accounts,
            args=(db.target(app), ids[n::processes], barrier, results),
        )
        for n in range(processes)
    ]
    for worker in workers:
        worker.start()
    try:
        numbers: dict[int, str] = {}
        for _ in workers:
            numbers.update(results.get(timeout=60))
    except queue.Empty:
        pytest.fail(f"an activating process did not finish: {[w.exitcode for w in workers]}")
    finally:
        for worker in workers:
            worker.join(timeout=10)
            if worker.is_alive():
                worker.kill()
                worker.join(timeout=5)
    assert [w.exitcode for w in workers] == [0] * processes

    assert sorted(numbers) == sorted(ids), "every account activated exactly once"
    values = list(numbers.values())
    assert len(set(values)) == count, f"duplicate candidate numbers: {sorted(values)}"
    for number in values:
        assert re.fullmatch(r"\d{11}", number), number
        assert number.startswith(f"0{year}"), number
    sequence = sorted(int(number[3:]) for number in values)
    assert sequence == list(range(1, count + 1)), f"not contiguous: {sequence}"

    with app.app_context():  # what the database holds is what the processes were told
        stored = {
            row["id"]: row["candidate_number"]
            for row in db.get().query("SELECT id, candidate_number FROM accounts")
        }
    assert stored == numbers


# --- b. throttling across two worker processes -----------------------------------------


class Browser:
    """A minimal browser over http.client: one cookie jar shared by every host port."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, form: dict | None = None):
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            html = response.read().decode("utf-8")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.headers, html

    def submit(self, port: int, path: str, form: dict, token_from: int | None = None):
        """GET the form page (on token_from, default the same process), POST with its token."""
        status, _, html = self.request(token_from or port, "GET", path)
        found = TOKEN.search(html)
        assert found, f"no form on {path} ({status})"
        return self.request(port, "POST", path, {"csrf_token": found.group(1), **form})


def page_text(html: str) -> str:
    class Page:  # tests.forms.text() reads a response object
        def get_data(self, as_text=True):
            return html

    return text(Page())


def wait_until_up(process: subprocess.Popen, port_file: Path) -> int:
    """The port of a worker process once it answers HTTP (bounded wait)."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"worker process exited with {process.returncode}")
        if port_file.exists():
            port = int(port_file.read_text(encoding="utf-8"))
            try:
                status, _, _ = Browser().request(port, "GET", "/espace-candidat/connexion")
            except OSError:
                pass
            else:
                if status == 200:
                    return port
        time.sleep(0.05)  # poll again until it answers or the deadline
    pytest.fail(f"worker process not answering after {STARTUP_TIMEOUT} s")


@pytest.fixture
def two_workers(tmp_path: Path, site_dir: Path):
    """Two real worker processes serving the same DATA_DIR with the same SECRET_KEY."""
    config = {
        "DATA_DIR": str(tmp_path / "data"),
        "SITE_DIR": str(site_dir),
        "SECRET_KEY": SECRET,
        "SMTP_HOST": "",  # mails stay in the outbox, read through /espace-candidat/outbox
        "BASE_URL": "http://127.0.0.1",
    }
    processes: list[subprocess.Popen] = []
    port_files = [tmp_path / f"port-{n}" for n in range(2)]
    try:
        for port_file in port_files:  # both start together: migrations race too
            processes.append(
                subprocess.Popen(
                    [sys.executable, str(HELPER), "serve", json.dumps(config), str(port_file)],
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        yield [wait_until_up(p, f) for p, f in zip(processes, port_files, strict=True)]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def create_active_account(browser: Browser, signup_port: int, activate_port: int, email: str,
                          password: str) -> str:  # fmt: skip
    """Sign up on one process, activate on the other (link read from the outbox)."""
    form = {
        "civility": "M", "last_name": "Durand", "last_name_confirm": "Durand",
        "first_names": "Paul", "birth_date": "14/03/2001", "birth_date_confirm": "14/03/2001",
        "birth_country": "FR", "birth_departement": "35", "birth_commune": "Rennes",
        "email": email, "email_confirm": email, "password": password, "password_confirm": password,
    }  # fmt: skip
    status, _, html = browser.submit(signup_port, "/espace-candidat/creer-un-compte", form)
    assert status == 303, page_text(html)
    _, _, outbox = browser.request(activate_port, "GET", "/espace-candidat/outbox")
    links = re.findall(r"http://127\.0\.0\.1(/espace-candidat/activer/[\w.-]+)", outbox)
    assert links, "no activation link in the outbox"
    status, _, html = browser.submit(activate_port, links[0], {})  # newest mail first
    assert status == 200 and "Votre compte est activé" in page_text(html), page_text(html)
    return re.search(r"numéro de candidat est le (\d{11})", page_text(html)).group(1)


def test_login_throttling_is_shared_by_worker_processes(two_workers):
    port_a, port_b = two_workers
    password, other_password = "Bon.Mot2passe", "Autre!Secret9"
    browser = Browser()
    create_active_account(browser, port_a, port_b, "victime@example.fr", password)
    create_active_account(browser, port_b, port_a, "voisin@example.fr", other_password)

    attacker = Browser()
    login = "/espace-candidat/connexion"
    for attempt in range(5):  # LOGIN_MAX_FAILURES, alternately on each process
        port = (port_a, port_b)[attempt % 2]
        status, _, html = attacker.submit(
            port, login, {"login": "Victime@Example.fr", "password": f"Mauvais.{attempt}"}
        )
        assert status == 400, (attempt, status)
        assert "Identifiant ou mot de passe incorrect" in page_text(html)

    for port in (port_b, port_a):  # refused on both processes, even with the right password
        status, headers, html = attacker.submit(
            port, login, {"login": "victime@example.fr", "password": password}
        )
        assert status == 429, page_text(html)
        assert "Trop de tentatives" in page_text(html)
        retry_after = int(headers["Retry-After"])
        assert 0 < retry_after <= 15 * 60
        status, headers, _ = attacker.request(port, "GET", "/espace-candidat/")
        assert status == 302 and "/connexion" in headers["Location"], "not signed in"

    # Another identifier, from the same client, is not blocked.
    status, headers, _ = attacker.submit(
        port_b, login, {"login": "voisin@example.fr", "password": other_password}
    )
    assert status == 303, status
    assert headers["Location"].endswith("/espace-candidat/")


# --- throttling expiry (in-process, time moved) ----------------------------------------


def test_login_throttling_expires_after_the_window(app, client):
    from worker.rules import passwords
    from worker.store import accounts, db

    password = "Bon.Mot2passe"
    with app.app_context():
        database = db.get()
        with db.transaction(database):
            account = accounts.create(
                database, "patient@example.fr", passwords.hash_password(password), IDENTITY
            )
            accounts.activate(database, account)

    start = datetime.now(UTC)
    app.config["NOW"] = lambda: start
    login = "/espace-candidat/connexion"
    for attempt in range(5):
        response = client.submit(login, {"login": "patient@example.fr", "password": f"x{attempt}"})
        assert response.status_code == 400

    response = client.submit(login, {"login": "patient@example.fr", "password": password})
    assert response.status_code == 429
    assert "Trop de tentatives" in text(response)
    assert int(response.headers["Retry-After"]) <= 60  # first wait: one minute

    app.config["NOW"] = lambda: start + timedelta(minutes=16)  # the window has passed
    response = client.submit(login, {"login": "patient@example.fr", "password": password})
    assert response.status_code == 303, text(response)
    assert response.headers["Location"].endswith("/espace-candidat/")
