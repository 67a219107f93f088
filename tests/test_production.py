"""The production path as shipped in deploy/: real nginx in front of real gunicorn.

nginx runs deploy/nginx/portail-candidat.conf with only its placeholders replaced (install
root, worker address, ports, certificate), as an operator would with sed; gunicorn runs
with deploy/gunicorn.conf.py and 4 workers, mail goes to a real SMTP server on loopback.
Everything listens on 127.0.0.1. Without /usr/sbin/nginx these tests are skipped with a
message, except in CI (``CI`` set), where they fail.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from pypdf import PdfReader

from catalog.store import load_catalog
from tests import databases
from tests.conftest import ROOT
from tests.forms import TOKEN
from tests.mailbox import Mailbox, free_port, link_in
from tests.test_accounts import LOGIN, PASSWORD, SIGNUP, identity
from tests.test_registration import CFG, NOW, first_choice
from tests.test_uploads import LIMIT, pdf
from worker.web.security import CSP

pytestmark = pytest.mark.production

NGINX = Path(os.environ.get("PORTAIL_NGINX", "/usr/sbin/nginx"))
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
DEPLOY = ROOT / "deploy"
WAIT = 60  # seconds: generous limits for a shared 2-core machine, never a fixed sleep
WORKERS = 4
SECRET = "clé de la pile de production des tests"


def unavailable(what: str) -> None:
    """Skipped loudly on a developer machine without nginx, never in CI (as for Chromium)."""
    message = f"{what} — the production tests cannot run (see README, « Tests »)."
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


# -- a minimal browser over http.client --------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def header(self, name: str) -> str:
        return self.headers.get(name, "")


@dataclass
class Browser:
    """Keeps cookies, reads CSRF tokens, never follows redirects (tests look at them)."""

    port: int
    tls: ssl.SSLContext | None = None
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: bytes | None = None, headers=None) -> Reply:
        if self.tls is None:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
        else:
            connection = http.client.HTTPSConnection(
                "127.0.0.1", self.port, timeout=WAIT, context=self.tls
            )
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            reply = Reply(response.status, response.headers, response.read())
        finally:
            connection.close()
        for line in reply.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return reply

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def token(self, path: str) -> str:
        page = self.get(path)
        found = TOKEN.search(page.text)
        assert found, f"no form on {path} ({page.status}): {page.text[:300]}"
        return found.group(1)

    def submit(self, path: str, data: dict | None = None) -> Reply:
        """GET the form page, then POST data with its token, as a browser would."""
        body = urlencode({"csrf_token": self.token(path), **(data or {})}).encode()
        return self.request(
            "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"}
        )

    def upload(self, page: str, action: str, name: str, content: bytes) -> Reply:
        """Post one file (field « fichier ») from the form of page to action."""
        boundary = f"----portail{uuid.uuid4().hex}"
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{self.token(page)}\r\n".encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="fichier"; '
            f'filename="{name}"\r\nContent-Type: application/pdf\r\n\r\n'.encode(),
            content,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.request("POST", action, b"".join(parts), headers)


def activation_mail(mailbox: Mailbox, address: str, after: int):
    """The activation mail to address among those received after the first `after`."""

    def match(message) -> bool:
        return (
            mailbox.messages.index(message) >= after
            and message["To"].casefold() == address.casefold()
            and "Activer mon compte" in message["Subject"]
        )

    return mailbox.wait_for(match, timeout=WAIT)


def visible(html: str) -> str:
    """The visible text of a page, tags removed, spaces collapsed."""
    from html import unescape

    html = re.sub(r"(?s)<(script|style|head).*?</\1>", " ", html)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


# -- processes ---------------------------------------------------------------------------------


@dataclass
class Server:
    """A process started by a test, its output kept in a file for failure messages."""

    name: str
    process: subprocess.Popen
    log: Path

    def tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:]

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(f"{self.name} exited with {self.process.returncode}:\n{self.tail()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=WAIT)


def start(name: str, command: list[str], log: Path, **kwargs) -> Server:
    output = open(log, "wb")  # noqa: SIM115 (the child keeps it; closed with the process)
    process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, **kwargs)
    output.close()
    return Server(name, process, log)


def wait_for(what: str, ready, servers: list[Server]):
    """Poll ready() until it returns a true value, failing early if a server died."""
    deadline = time.monotonic() + WAIT
    last = None
    while time.monotonic() < deadline:
        for server in servers:
            server.check_alive()
        try:
            if result := ready():
                return result
        except OSError as exc:  # not listening yet
            last = exc
        time.sleep(0.1)  # poll again until ready or the deadline
    logs = "\n".join(f"--- {s.name}:\n{s.tail()}" for s in servers)
    pytest.fail(f"{what} not ready after {WAIT} s ({last}):\n{logs}")


def gunicorn(
    tmp: Path,
    port: int,
    site_dir: Path,
    mailbox: Mailbox,
    base_url: str,
    *extra: str,
    own_group: bool = False,
    **env,
) -> Server:
    """deploy/gunicorn.conf.py with 4 workers on 127.0.0.1:port, data under tmp; with
    own_group, in a process group of its own (to kill the master and workers at once)."""
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),  # this checkout's worker, whatever the venv points to
        "PORTAIL_BIND": f"127.0.0.1:{port}",
        "PORTAIL_WORKERS": str(WORKERS),
        "PORTAIL_DATA_DIR": str(tmp / "data"),
        "PORTAIL_SITE_DIR": str(site_dir),
        "PORTAIL_SECRET_KEY": SECRET,
        "PORTAIL_SMTP_HOST": "127.0.0.1",
        "PORTAIL_SMTP_PORT": str(mailbox.port),
        "PORTAIL_BASE_URL": base_url,
        "PORTAIL_TRUSTED_PROXIES": "1",
        **databases.environment_for(tmp / "data"),
        **env,
    }
    command = [sys.executable, "-m", "gunicorn", "--config", str(DEPLOY / "gunicorn.conf.py")]
    return start(
        "gunicorn",
        [*command, *extra],
        tmp / "gunicorn.log",
        cwd=ROOT,
        env=environment,
        start_new_session=own_group,
    )


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with Debian's openssl."""
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        [OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=WAIT,
    )  # fmt: skip
    return cert, key


def substituted(conf: str, install: Path, worker: int, http: int, https: int, cert, key) -> str:
    """The shipped server block with its placeholders replaced, each one required."""
    replacements = [
        ("/srv/portail-candidat", str(install)),
        ("127.0.0.1:8001", f"127.0.0.1:{worker}"),
        ("/etc/ssl/portail-candidat/fullchain.pem", str(cert)),
        ("/etc/ssl/portail-candidat/privkey.pem", str(key)),
        ("listen 443 ", f"listen 127.0.0.1:{https} "),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
    ]
    for placeholder, value in replacements:
        assert placeholder in conf, f"{placeholder} no longer in the shipped nginx file"
        conf = conf.replace(placeholder, value)
    return "\n".join(line for line in conf.splitlines() if "listen [::]" not in line)


def nginx(prefix: Path, server_block: str) -> Server:
    """nginx in the foreground with everything (pid, logs, temp files) under prefix."""
    prefix.mkdir()
    shutil.copy("/etc/nginx/mime.types", prefix / "mime.types")
    (prefix / "portail-candidat.conf").write_text(server_block, encoding="utf-8")
    temp = " ".join(
        f"{kind}_temp_path {prefix / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""  # reads the pytest temp folders (0700)
    (prefix / "nginx.conf").write_text(
        f"{user}worker_processes 2;\nevents {{ worker_connections 512; }}\n"
        f"http {{\n access_log {prefix / 'access.log'};\n {temp}\n"
        f" uwsgi_temp_path {prefix / 'uwsgi'}; scgi_temp_path {prefix / 'scgi'};\n"
        " include portail-candidat.conf;\n}\n",
        encoding="utf-8",
    )
    command = [
        str(NGINX), "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e",
        str(prefix / "error.log"),
        "-g", f"daemon off; pid {prefix / 'nginx.pid'}; error_log {prefix / 'error.log'};",
    ]  # fmt: skip
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=WAIT)
    assert checked.returncode == 0, f"nginx -t:\n{checked.stderr}\n{server_block}"
    return start("nginx", command, prefix / "nginx.out")


# -- the stack -----------------------------------------------------------------------------------


@dataclass
class Stack:
    https: int
    http: int
    tls: ssl.SSLContext
    site_dir: Path
    data_dir: Path
    mailbox: Mailbox
    servers: list[Server]

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.https}"

    def browser(self) -> Browser:
        return Browser(self.https, self.tls)


@pytest.fixture(scope="module")
def stack(tmp_path_factory, site_dir: Path, mailbox: Mailbox) -> Iterator[Stack]:
    if not NGINX.exists():
        unavailable(f"nginx introuvable à {NGINX} (apt-get install nginx-light)")
    if not Path(OPENSSL).exists():
        unavailable("openssl introuvable (apt-get install openssl)")
    tmp = tmp_path_factory.mktemp("production")
    install = tmp / "srv"
    install.mkdir()
    (install / "site").symlink_to(site_dir)
    cert, key = certificate(tmp)
    worker, http, https = free_port(), free_port(), free_port()
    conf = (DEPLOY / "nginx" / "portail-candidat.conf").read_text(encoding="utf-8")
    block = substituted(conf, install, worker, http, https, cert, key)
    servers: list[Server] = []
    try:
        base_url = f"https://127.0.0.1:{https}"
        clock = {"PORTAIL_TEST_NOW": NOW.isoformat()}
        servers.append(
            gunicorn(tmp, worker, site_dir, mailbox, base_url, "tests.production_app:create_app()",
                     **clock)
        )  # fmt: skip
        servers.append(nginx(tmp / "nginx", block))
        tls = ssl.create_default_context(cafile=str(cert))
        built = Stack(https, http, tls, site_dir, tmp / "data", mailbox, servers)
        probe = built.browser()
        wait_for(
            "nginx → gunicorn",
            lambda: probe.get(LOGIN).status == 200,
            servers,
        )
        yield built
    finally:
        for server in reversed(servers):
            server.stop()


# -- content types and headers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "types", "starts"),
    [
        ("/", {"text/html"}, "<!doctype html>"),
        ("/academies/rennes/", {"text/html"}, "<!doctype html>"),
        ("/static/portail.css", {"text/css"}, None),
        ("/static/portail.js", {"application/javascript", "text/javascript"}, None),
        ("/calendriers/academies/rennes.ics", {"text/calendar"}, "BEGIN:VCALENDAR"),
        ("/donnees/periodes.csv", {"text/csv"}, "academie;"),
        ("/donnees/periodes.json", {"application/json"}, None),
    ],
)
def test_static_files_have_their_content_type(stack, path, types, starts):
    reply = stack.browser().get(path)
    assert reply.status == 200, reply.text[:300]
    assert reply.header("Content-Type").split(";")[0].strip() in types, reply.header("Content-Type")
    on_disk = stack.site_dir / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
    assert reply.body == on_disk.read_bytes()
    if starts:
        assert reply.text.lower().startswith(starts.lower())
    if path.endswith(".json"):
        assert json.loads(reply.body)


def assert_security_headers(reply: Reply) -> None:
    assert reply.header("Content-Security-Policy") == CSP
    assert "frame-ancestors 'none'" in reply.header("Content-Security-Policy")
    assert reply.header("X-Content-Type-Options") == "nosniff"
    assert reply.header("Referrer-Policy") == "same-origin"
    assert reply.header("Strict-Transport-Security").startswith("max-age=63072000")
    assert len(reply.headers.get_all("Strict-Transport-Security")) == 1
    assert len(reply.headers.get_all("Content-Security-Policy")) == 1  # never doubled


def test_static_and_dynamic_pages_carry_the_security_headers(stack):
    browser = stack.browser()
    home = browser.get("/")
    assert home.status == 200 and "Portail candidat" in visible(home.text)
    assert_security_headers(home)
    login = browser.get(LOGIN)
    assert login.status == 200 and "Me connecter" in visible(login.text)
    assert_security_headers(login)
    assert login.header("Cache-Control") == "no-store"
    assert login.header("Content-Type") == "text/html; charset=utf-8"


def test_the_verification_page_is_served_by_the_worker_through_nginx(stack):
    page = stack.browser().get("/verifier/")
    assert page.status == 200 and "<form" in page.text
    unknown = stack.browser().get("/verifier/00000-00000-00000")
    assert unknown.status == 404 and "Document inconnu" in visible(unknown.text)
    assert_security_headers(page)


def test_unknown_path_gets_the_site_404_page(stack):
    reply = stack.browser().get("/cette-page-n-existe-pas")
    assert reply.status == 404
    assert reply.body == (stack.site_dir / "404.html").read_bytes()
    assert "Page introuvable" in visible(reply.text)
    assert reply.header("Content-Type").startswith("text/html")
    assert_security_headers(reply)


def test_dot_files_of_the_build_are_not_served(stack):
    reply = stack.browser().get("/.build-manifest.json")
    assert reply.status == 403
    manifest = (stack.site_dir / ".build-manifest.json").read_bytes()
    assert manifest[:40] not in reply.body


def test_plain_http_redirects_to_https(stack):
    reply = Browser(stack.http).get("/academies/rennes/?source=lien")
    assert reply.status == 301
    assert reply.header("Location") == "https://127.0.0.1/academies/rennes/?source=lien"
    assert b"Portail candidat" not in reply.body  # nothing of the site in clear


# -- a candidate through nginx ---------------------------------------------------------------------


def open_academy(exam: str, session: str) -> tuple[str, str]:
    """(domain, académie) of a period of content/ open at the pinned NOW."""
    catalog = load_catalog(ROOT / "content")
    academy = next(
        p.academy
        for p in catalog.periods
        if p.exam == exam and p.session == session and p.is_open(NOW)
    )
    return catalog.exams[exam].domain, academy


def register(browser: Browser) -> str:
    """A CFG application through the wizard; returns its number."""
    domain, academy = open_academy("cfg", "juin-2027")
    started = browser.submit(
        f"/espace-candidat/inscription/nouvelle/{domain}/cfg/juin-2027/{academy}"
    )
    assert started.status == 303, visible(started.text)
    url = started.header("Location")
    for code, answers in CFG.items():
        html = browser.get(url).text
        data = {k: (v if v is not None else first_choice(html, k)) for k, v in answers.items()}
        last = code == "recapitulatif"
        response = browser.submit(url, {**data, "action": "enregistrer" if last else "suivant"})
        assert response.status == 303, visible(response.text)[:800]
        url = response.header("Location")
    found = re.search(r"/inscriptions/(\d+)/enregistree", url)
    assert found, url
    saved = browser.get(url)
    assert saved.status == 200 and "Visualiser/imprimer" in visible(saved.text)
    return found.group(1)


def test_a_candidate_signs_up_registers_uploads_and_downloads(stack):
    browser, mailbox = stack.browser(), stack.mailbox
    form = identity()
    before = mailbox.count()
    signed = browser.submit(SIGNUP, form)
    assert signed.status == 303, visible(signed.text)[:800]
    link = link_in(activation_mail(mailbox, form["email"], before))
    assert link.startswith(f"{stack.base_url}/espace-candidat/")  # PORTAIL_BASE_URL, not Host
    activated = browser.submit(urlsplit(link).path)
    assert activated.status == 200 and "Votre compte est activé" in visible(activated.text)
    number = re.search(r"\b(0\d{10})\b", visible(activated.text)).group(1)

    logged = browser.submit(LOGIN, {"login": form["email"], "password": PASSWORD})
    assert logged.status == 303, visible(logged.text)[:500]
    cookie = logged.header("Set-Cookie")
    assert "Secure" in cookie and "HttpOnly" in cookie  # https base URL behind the proxy
    home = browser.get("/espace-candidat/")
    assert "Connecté : DUBOIS Pierre Jean" in visible(home.text)

    application = register(browser)
    pieces = f"/espace-candidat/inscriptions/{application}/justificatifs"
    content = pdf(30_000)
    sent = browser.upload(pieces, f"{pieces}/identite", "carte-identite.pdf", content)
    assert sent.status == 303, visible(sent.text)[:500]
    listed = browser.get(pieces)
    assert "carte-identite.pdf" in visible(listed.text)
    file_link = re.search(rf'href="({re.escape(pieces)}/fichiers/\d+)"', listed.text).group(1)
    stored = browser.get(file_link)
    assert stored.body == content and stored.header("Content-Type") == "application/pdf"
    assert stored.header("Content-Disposition").startswith("attachment")

    saved = browser.get(f"/espace-candidat/inscriptions/{application}/enregistree")
    document = re.search(r'href="(/espace-candidat/inscriptions/\d+/documents/\d+)"', saved.text)
    download = browser.get(document.group(1))
    assert download.status == 200 and download.header("Content-Type") == "application/pdf"
    assert download.header("Cache-Control") == "no-store"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(download.body)).pages)
    assert "CONFIRMATION D'INSCRIPTION" in text and number in text


def test_a_five_mo_file_passes_nginx(stack):
    """client_max_body_size leaves room for the largest file the worker accepts."""
    browser, mailbox = stack.browser(), stack.mailbox
    form = identity()
    before = mailbox.count()
    assert browser.submit(SIGNUP, form).status == 303
    link = link_in(activation_mail(mailbox, form["email"], before))
    assert browser.submit(urlsplit(link).path).status == 200
    assert browser.submit(LOGIN, {"login": form["email"], "password": PASSWORD}).status == 303
    application = register(browser)
    pieces = f"/espace-candidat/inscriptions/{application}/justificatifs"
    sent = browser.upload(pieces, f"{pieces}/identite", "gros.pdf", pdf(LIMIT))
    assert sent.status == 303, f"{sent.status}: {visible(sent.text)[:300]}"
    assert "gros.pdf" in visible(browser.get(pieces).text)


# -- gunicorn --preload under a burst of sign-ups -------------------------------------------


BURST = 30


def threads_of(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def test_preloaded_gunicorn_survives_a_burst_of_sign_ups(tmp_path, site_dir, mailbox):
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = gunicorn(tmp_path, port, site_dir, mailbox, base_url, "--preload")
    try:
        wait_for("gunicorn --preload", lambda: Browser(port).get(LOGIN).status == 200, [server])
        wait_for("4 workers", lambda: len(worker_pids(server.process.pid)) == WORKERS, [server])
        # The master preloaded the application but started no thread (nor connection).
        assert threads_of(server.process.pid) == 1
        forms = [identity() for _ in range(BURST)]
        before = mailbox.count()
        replies: list[int | str] = [None] * BURST
        ready = threading.Barrier(BURST)

        def sign_up(index: int) -> None:
            browser = Browser(port)
            try:
                token = browser.token(SIGNUP)
                ready.wait(timeout=WAIT)
                body = urlencode({"csrf_token": token, **forms[index]}).encode()
                reply = browser.request(
                    "POST", SIGNUP, body, {"Content-Type": "application/x-www-form-urlencoded"}
                )
                replies[index] = reply.status
            except Exception as exc:  # reported below with the others
                replies[index] = repr(exc)

        burst = [threading.Thread(target=sign_up, args=(n,)) for n in range(BURST)]
        for thread in burst:
            thread.start()
        for thread in burst:
            thread.join(WAIT * 2)
        assert replies == [303] * BURST  # every request answered, none hung or failed

        for form in forms:
            mail = activation_mail(mailbox, form["email"], before)
            assert link_in(mail).startswith(f"{base_url}/espace-candidat/activer/")
        # Each worker delivers from its own thread, started after the fork.
        assert all(threads_of(pid) >= 2 for pid in worker_pids(server.process.pid))
        assert threads_of(server.process.pid) == 1
        after = [Browser(port).get(LOGIN).status for _ in range(2 * WORKERS)]
        assert after == [200] * (2 * WORKERS)
        server.check_alive()
    finally:
        server.stop()
    connection = databases.open_database(tmp_path / "data")
    try:
        if connection.engine == "sqlite":
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("SELECT count(*) FROM accounts").fetchone()[0] == BURST
        unsent = connection.execute("SELECT count(*) FROM mails WHERE sent_at IS NULL")
        assert unsent.fetchone()[0] == 0
    finally:
        connection.close()
