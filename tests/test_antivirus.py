"""Scanning with ClamAV (SECURITY.md, « Input and files »: scanned by ClamAV before
acceptance where configured, quarantine while the scanner is unreachable).

A real clamd is started on a temporary Unix socket (and a loopback TCP port) with its own
configuration and a one-signature database: the MD5 of the EICAR test file, the antivirus
industry's harmless test string. No network, no freshclam, no system service touched.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from tests.test_uploads import pdf, registered
from worker import config
from worker.files import antivirus
from worker.files.antivirus import Clean, Infected, Scanner, Unavailable

CLAMD = Path(os.environ.get("PORTAIL_CLAMD", "/usr/sbin/clamd"))
SIGNATURE = "Portail.Test.EICAR"
FOUND = f"{SIGNATURE}.UNOFFICIAL"  # clamd's name for a signature outside its official files
START_LIMIT = 120  # seconds: loading is quick with one signature, but CI machines are busy


def eicar() -> bytes:
    """The 68 characters of the EICAR test file, put together here so that no file of the
    repository is itself a « virus » for the scanners of those who clone it."""
    return b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def zipped(name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("lisez-moi.txt", b"Pieces justificatives\n")
        archive.writestr(name, data)
    return out.getvalue()


def require_clamd() -> None:
    """Skipped loudly without Debian's clamd, never in CI (like the browser tests)."""
    if not CLAMD.exists():
        message = f"clamd introuvable à {CLAMD} (apt-get install clamav-daemon) — tests ClamAV"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@dataclass
class Clamd:
    directory: Path
    process: subprocess.Popen
    port: int

    @property
    def socket(self) -> str:
        return str(self.directory / "clamd.sock")

    @property
    def log(self) -> str:
        path = self.directory / "clamd.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def scanner(self, **settings) -> Scanner:
        return Scanner(socket=self.socket, timeout=30, **settings)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_clamd() -> Clamd:
    """clamd in the foreground on a socket in a fresh short temporary directory (a Unix
    socket path must stay under 108 bytes), answering PING before this returns."""
    require_clamd()
    directory = Path(tempfile.mkdtemp(prefix="clamd-", dir="/tmp"))
    database = directory / "db"
    database.mkdir()
    signature = f"{hashlib.md5(eicar()).hexdigest()}:{len(eicar())}:{SIGNATURE}\n"
    (database / "portail-test.hdb").write_text(signature, encoding="ascii")
    port = free_port()
    settings = {
        "Foreground": "yes",
        "LocalSocket": directory / "clamd.sock",
        "TCPSocket": port,
        "TCPAddr": "127.0.0.1",
        "DatabaseDirectory": database,
        "TemporaryDirectory": directory,
        "LogFile": directory / "clamd.log",
        "ScanArchive": "yes",  # clamd's default, said here: EICAR inside a ZIP is found
        "Bytecode": "no",  # no bytecode.cvd in the test database
        "MaxThreads": 2,
        "SelfCheck": 0,
    }
    conf = directory / "clamd.conf"
    conf.write_text("".join(f"{k} {v}\n" for k, v in settings.items()), encoding="utf-8")
    process = subprocess.Popen(
        [str(CLAMD), "--config-file", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Clamd(directory, process, port)
    wait_until_ready(server)
    return server


def wait_until_ready(server: Clamd) -> None:
    """Poll PING until clamd answers; fail with its log if it exits or never answers."""
    deadline = time.monotonic() + START_LIMIT
    probe = Scanner(socket=server.socket, timeout=5)
    while not probe.ping():
        try:
            server.process.wait(timeout=0.05)  # the pause between polls, and an exit check
        except subprocess.TimeoutExpired:
            if time.monotonic() < deadline:
                continue
            server.stop()
            pytest.fail(f"clamd did not answer PING in {START_LIMIT} s:\n{server.log}")
        else:
            pytest.fail(f"clamd exited ({server.process.returncode}):\n{server.log}")


def stop_clamd(server: Clamd) -> None:
    server.stop()
    shutil.rmtree(server.directory, ignore_errors=True)


@pytest.fixture(scope="module")
def clamd_server() -> Iterator[Clamd]:
    server = start_clamd()
    yield server
    stop_clamd(server)


# -- verdicts from a real clamd --------------------------------------------------------------


@pytest.mark.clamav
def test_a_clean_file_is_clean(clamd_server, tmp_path):
    scanner = clamd_server.scanner()
    stream = io.BytesIO(pdf(200_000))
    assert scanner.scan(stream) == Clean()
    assert stream.tell() == 0  # put back: the upload copies the same stream afterwards
    path = tmp_path / "attestation.pdf"
    path.write_bytes(pdf())
    assert scanner.scan(path) == Clean()
    assert scanner.scan(str(path)) == Clean()


@pytest.mark.clamav
def test_eicar_is_infected(clamd_server, tmp_path):
    scanner = clamd_server.scanner()
    assert scanner.scan(io.BytesIO(eicar())) == Infected(FOUND)
    path = tmp_path / "eicar.txt"
    path.write_bytes(eicar())
    assert scanner.scan(path) == Infected(FOUND)


@pytest.mark.clamav
def test_eicar_inside_a_zip_is_infected(clamd_server):
    """ScanArchive: clamd looks inside the ZIP, where the hash signature matches the entry."""
    archive = zipped("scan/eicar.com", eicar())
    database = (clamd_server.directory / "db" / "portail-test.hdb").read_text()
    assert hashlib.md5(archive).hexdigest() not in database  # not the archive itself
    assert clamd_server.scanner().scan(io.BytesIO(archive)) == Infected(FOUND)


@pytest.mark.clamav
def test_scanning_over_tcp(clamd_server):
    scanner = Scanner(host="127.0.0.1", port=clamd_server.port, timeout=30)
    assert scanner.scan(io.BytesIO(eicar())) == Infected(FOUND)
    assert scanner.scan(io.BytesIO(b"Bulletin de notes\n")) == Clean()


@pytest.mark.clamav
def test_the_settings_come_from_the_environment(clamd_server, tmp_path, monkeypatch):
    """PORTAIL_CLAMD_SOCKET, read by config.load like every setting, drives scan()."""
    monkeypatch.setenv("PORTAIL_CLAMD_SOCKET", clamd_server.socket)
    app = Flask(__name__)
    config.load(app, {"DATA_DIR": str(tmp_path / "data")})
    assert antivirus.enabled(app.config)
    with app.app_context():  # current_app.config when no settings are given
        assert antivirus.scan(io.BytesIO(eicar())) == Infected(FOUND)
        assert antivirus.scan(io.BytesIO(pdf())) == Clean()


# -- the scanner down ------------------------------------------------------------------------


@pytest.mark.clamav
def test_a_stopped_clamd_is_unavailable():
    server = start_clamd()
    try:
        scanner = server.scanner()
        assert scanner.scan(io.BytesIO(pdf())) == Clean()
        server.stop()
        verdict = scanner.scan(io.BytesIO(eicar()))
        tcp = Scanner(host="127.0.0.1", port=server.port, timeout=5).scan(io.BytesIO(eicar()))
    finally:
        stop_clamd(server)
    assert isinstance(verdict, Unavailable) and "clamd did not answer" in verdict.reason
    assert isinstance(tcp, Unavailable)


def test_a_socket_that_does_not_exist_is_unavailable(tmp_path):
    scanner = Scanner(socket=str(tmp_path / "absent.sock"), timeout=5)
    verdict = scanner.scan(io.BytesIO(eicar()))
    assert isinstance(verdict, Unavailable) and "absent.sock" in verdict.reason
    assert not scanner.ping()


def test_a_scanner_that_never_answers_times_out():
    """A socket that accepts and stays silent: Unavailable after the timeout, not a hang."""
    directory = Path(tempfile.mkdtemp(prefix="silent-", dir="/tmp"))
    path = str(directory / "silent.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    accepted = []
    done = threading.Event()

    def accept_and_say_nothing() -> None:
        connection, _ = listener.accept()
        accepted.append(connection)
        done.wait(30)

    thread = threading.Thread(target=accept_and_say_nothing, daemon=True)
    thread.start()
    try:
        started = time.monotonic()
        verdict = Scanner(socket=path, timeout=0.5).scan(io.BytesIO(pdf()))
        elapsed = time.monotonic() - started
    finally:
        done.set()
        thread.join(5)
        for connection in accepted:
            connection.close()
        listener.close()
        shutil.rmtree(directory, ignore_errors=True)
    assert isinstance(verdict, Unavailable)
    assert 0.4 < elapsed < 10


def test_scanning_is_off_by_default(tmp_path):
    app = Flask(__name__)
    config.load(app, {"DATA_DIR": str(tmp_path / "data")})
    assert (app.config["CLAMD_SOCKET"], app.config["CLAMD_HOST"]) == ("", "")
    assert not antivirus.enabled(app.config)
    verdict = antivirus.scan(io.BytesIO(eicar()), app.config)
    assert isinstance(verdict, Unavailable) and "not configured" in verdict.reason


def test_an_unreadable_path_is_unavailable(tmp_path):
    verdict = Scanner(socket="/nonexistent.sock").scan(tmp_path / "missing.pdf")
    assert isinstance(verdict, Unavailable) and "cannot read" in verdict.reason


def test_the_rescan_timer_succeeds_with_scanning_off_unless_files_wait(app, tmp_path):
    """The default install enables portail-candidat-rescan.timer with scanning off: its
    run every 5 minutes must not fail, unless quarantined files would wait for ever."""
    rescan = ["files", "rescan"]
    idle = app.test_cli_runner().invoke(args=rescan)
    assert idle.exit_code == 0, idle.output
    assert "Analyse antivirus non configurée : aucun fichier en quarantaine." in idle.output
    app.config["CLAMD_SOCKET"] = str(tmp_path / "nobody.sock")  # clamd down at upload
    assert registered(app).upload("pieces.pdf", pdf(2_000)).status_code == 303
    app.config["CLAMD_SOCKET"] = ""  # scanning turned off since
    stuck = app.test_cli_runner().invoke(args=rescan)
    assert stuck.exit_code == 1 and "des fichiers attendent en quarantaine" in stuck.output
