"""Memory of one worker process while candidates upload supporting documents at once.

    python bench/upload_bench.py [--concurrency 10] [--size-mb 5] [--rounds 3]

Starts ONE worker process the way a deployment runs it (create_app + werkzeug's threaded
server) on a temporary DATA_DIR, with the clock pinned inside the CFG upload window. Before
it starts, one account and one CFG application per upload are written straight into its
database (worker.accounts / worker.applications); each candidate then signs in over HTTP
(http.client) for a session cookie and a CSRF token. Each round sends `concurrency` uploads
of a valid PDF of `size-mb` MiB at the same moment (one thread per upload) while another
thread samples the worker's VmRSS and VmHWM (/proc/<pid>/status) every 20 ms. Printed per
round: baseline RSS, peak RSS, growth, bytes sent, wall time, throughput.
Target: growth < 20 MB with 10 concurrent uploads of 5 MiB.

    python bench/upload_bench.py --serve DATA_DIR NOW PORT_FILE

is the worker process itself (started by the benchmark, not by hand).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-22T10:00:00+00:00"  # inside the CFG juin-2027 upload window of content/
TARGET_MB = 20
PASSWORD = "Examen!2027"
PIECE = "identite"  # en_ligne, asked for every CFG application
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SECRET_KEY = "clé du banc d'essai des dépôts"
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
ANSWERS = {
    "adresse_pays": "FR",
    "adresse_ligne1": "3 rue de la Paix",
    "adresse_code_postal": "35000",
    "adresse_localite": "RENNES",
    "telephone_portable": "0612345678",
    "nationalite": "FR",
    "amenagement_duree": "non",
    "amenagement_handicap": "non",
    "diffusion_presse": "oui",
    "diffusion_collectivites": "non",
}
MB = 1024 * 1024


def settings(data_dir: str) -> dict:
    return {"DATA_DIR": data_dir, "SECRET_KEY": SECRET_KEY, "SMTP_HOST": ""}


# -- the worker process ----------------------------------------------------------------------


def serve(data_dir: str, now: str, port_file: str) -> None:
    """One worker: create_app and werkzeug's threaded server, the clock pinned to `now`."""
    from werkzeug.serving import make_server

    from worker import create_app

    app = create_app(settings(data_dir))
    pinned = datetime.fromisoformat(now)
    app.config["NOW"] = lambda: pinned
    server = make_server("127.0.0.1", 0, app, threaded=True)
    temporary = f"{port_file}.tmp"
    Path(temporary).write_text(str(server.port), encoding="utf-8")
    os.replace(temporary, port_file)  # the benchmark polls for this file
    server.serve_forever()


# -- preparing candidates --------------------------------------------------------------------


def create_candidates(data_dir: str, count: int) -> list[str]:
    """`count` active accounts, each with a registered CFG application; their addresses."""
    from worker import create_app
    from worker.rules import passwords
    from worker.store import accounts, applications, db

    app = create_app(settings(data_dir))
    pinned = datetime.fromisoformat(NOW)
    app.config["NOW"] = lambda: pinned
    catalog = app.extensions["catalog"]()
    academy = next(
        p.academy
        for p in catalog.periods
        if p.exam == "cfg" and p.session == "juin-2027" and p.is_open(pinned)
    )
    password_hash = passwords.hash_password(PASSWORD)  # one hash: argon2 is slow on purpose
    emails = []
    with app.app_context():
        database = db.get()
        for _ in range(count):
            email = f"banc.{uuid.uuid4().hex[:12]}@example.fr"
            with db.transaction(database):
                account = accounts.create(database, email, password_hash, dict(IDENTITY))
                accounts.activate(database, account)
                draft = applications.start_draft(database, account.id, academy, "cfg", "juin-2027")
                applications.create(database, draft, dict(ANSWERS), "")
            emails.append(email)
        db.close()
    return emails


# -- HTTP, as a browser would ----------------------------------------------------------------


class Candidate:
    def __init__(self, port: int, email: str):
        self.port = port
        self.email = email
        self.cookie = ""
        self.page = "/espace-candidat/inscriptions/001/justificatifs"
        self.token = ""

    def request(self, method: str, url: str, body: bytes = b"", headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            headers = dict(headers or {})
            if self.cookie:
                headers["Cookie"] = self.cookie
            connection.request(method, url, body=body or None, headers=headers)
            response = connection.getresponse()
            data = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie" and value.startswith("portail_session="):
                    self.cookie = value.split(";", 1)[0]
            return response.status, response.getheader("Location"), data
        finally:
            connection.close()

    def token_of(self, url: str) -> str:
        status, _, page = self.request("GET", url)
        found = TOKEN.search(page.decode("utf-8"))
        if not found:
            raise RuntimeError(f"pas de formulaire sur {url} ({status})")
        return unescape(found.group(1))

    def sign_in(self) -> None:
        url = "/espace-candidat/connexion"
        form = {"csrf_token": self.token_of(url), "login": self.email, "password": PASSWORD}
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        status, _, _ = self.request("POST", url, urlencode(form).encode(), headers)
        if status != 303:
            raise RuntimeError(f"connexion refusée pour {self.email} ({status})")
        self.token = self.token_of(self.page)

    def upload(self, name: str, data: bytes) -> int:
        boundary = uuid.uuid4().hex
        body = b"".join(
            [
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
                f"{self.token}\r\n".encode(),
                f'--{boundary}\r\nContent-Disposition: form-data; name="fichier"; '
                f'filename="{name}"\r\nContent-Type: application/pdf\r\n\r\n'.encode(),
                data,
                f"\r\n--{boundary}--\r\n".encode(),
            ]
        )
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        status, location, _ = self.request("POST", f"{self.page}/{PIECE}", body, headers)
        if status != 303 or not location:
            raise RuntimeError(f"dépôt refusé pour {self.email} ({status})")
        return status


def pdf(size: int, seed: int) -> bytes:
    """A valid PDF of exactly `size` bytes (a comment pads it)."""
    head = (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
    )
    end = b"trailer << /Root 1 0 R >>\n%%EOF\n"
    unit = f"banc {seed} ".encode()
    filler = (unit * (size // len(unit) + 1))[: size - len(head) - len(end) - 2]
    data = head + b"%" + filler + b"\n" + end
    assert len(data) == size
    return data


# -- memory of the worker --------------------------------------------------------------------


def status_kb(pid: int) -> dict[str, int]:
    values = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":", 1)
                values[key] = int(value.split()[0])
    return values


def reset_peak(pid: int) -> bool:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0, same user); False when not allowed."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


class Sampler(threading.Thread):
    def __init__(self, pid: int, every: float = 0.02):
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.peak_kb = 0
        self.samples = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak_kb = max(self.peak_kb, status_kb(self.pid)["VmRSS"])
            self.samples += 1
            time.sleep(self.every)

    def stop(self) -> int:
        self.done.set()
        self.join()
        return self.peak_kb


# -- one round -------------------------------------------------------------------------------


def round_of(pid: int, candidates: list[Candidate], files: list[bytes]) -> dict:
    time.sleep(0.5)  # let the worker settle
    hwm_reset = reset_peak(pid)
    baseline = status_kb(pid)["VmRSS"]
    sampler = Sampler(pid)
    barrier = threading.Barrier(len(candidates) + 1)
    failures: list[str] = []

    def send(candidate: Candidate, data: bytes) -> None:
        barrier.wait()
        try:
            candidate.upload(f"justificatif-{candidate.email[5:13]}.pdf", data)
        except Exception as error:
            failures.append(str(error))

    threads = [
        threading.Thread(target=send, args=(c, d)) for c, d in zip(candidates, files, strict=True)
    ]
    sampler.start()
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    sampled_peak = sampler.stop()
    status = status_kb(pid)
    peak = max(sampled_peak, status["VmHWM"] if hwm_reset else 0)
    time.sleep(0.5)
    return {
        "baseline": baseline,
        "peak": peak,
        "sampled_peak": sampled_peak,
        "hwm": status["VmHWM"] if hwm_reset else None,
        "after": status_kb(pid)["VmRSS"],
        "growth": peak - baseline,
        "bytes": sum(len(d) for d in files),
        "wall": wall,
        "samples": sampler.samples,
        "failures": failures,
    }


def megabytes(kb: int) -> str:
    return f"{kb / 1024:.1f} MB"


def report(label: str, result: dict) -> None:
    hwm = megabytes(result["hwm"]) if result["hwm"] is not None else "n/a"
    print(
        f"{label}: baseline RSS {megabytes(result['baseline'])}, "
        f"peak RSS {megabytes(result['peak'])} (sampled {megabytes(result['sampled_peak'])}, "
        f"VmHWM {hwm}), growth {result['growth'] / 1024:.1f} MB, "
        f"after {megabytes(result['after'])}"
    )
    mb = result["bytes"] / MB
    print(
        f"    {result['bytes']} bytes ({mb:.0f} MiB) in {result['wall']:.2f} s, "
        f"{mb / result['wall']:.1f} MB/s, {result['samples']} samples, "
        f"{len(result['failures'])} failed"
    )
    for failure in result["failures"]:
        print(f"    ! {failure}")


# -- main ------------------------------------------------------------------------------------


def start_worker(data_dir: str, log: Path) -> tuple[subprocess.Popen, int]:
    port_file = Path(data_dir).parent / "port"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, __file__, "--serve", data_dir, NOW, str(port_file)],
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while not port_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("le worker n'a pas démarré:\n" + log.read_text(errors="replace"))
        time.sleep(0.05)
    return process, int(port_file.read_text(encoding="utf-8"))


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def bench(concurrency: int, size: int, rounds: int) -> int:
    with tempfile.TemporaryDirectory(prefix="upload-bench-") as temporary:
        data_dir = str(Path(temporary) / "data")
        started = time.perf_counter()
        emails = create_candidates(data_dir, concurrency * rounds + 1)
        elapsed = time.perf_counter() - started
        print(f"{len(emails)} candidates with a CFG application in {elapsed:.1f} s")
        process, port = start_worker(data_dir, Path(temporary) / "worker.log")
        try:
            print(f"worker pid {process.pid} on 127.0.0.1:{port}, clock pinned to {NOW}")
            print(f"started: RSS {megabytes(status_kb(process.pid)['VmRSS'])}")
            candidates = [Candidate(port, email) for email in emails]
            for candidate in candidates:
                candidate.sign_in()
            print(f"{len(candidates)} signed in: RSS {megabytes(status_kb(process.pid)['VmRSS'])}")
            warm = round_of(process.pid, candidates[:1], [pdf(size, 0)])
            report("warm-up (1 upload)", warm)
            growths = []
            failed = len(warm["failures"])
            for number in range(rounds):
                group = candidates[1 + number * concurrency : 1 + (number + 1) * concurrency]
                files = [pdf(size, 1 + number * concurrency + i) for i in range(concurrency)]
                result = round_of(process.pid, group, files)
                report(f"round {number + 1} ({concurrency} concurrent)", result)
                growths.append(result["growth"])
                failed += len(result["failures"])
            stored = [p for p in (Path(data_dir) / "uploads").rglob("*") if p.is_file()]
            kept = sum(p.stat().st_size for p in stored)
            print(f"stored files: {len(stored)} ({kept} bytes, expected {len(emails) * size})")
        finally:
            stop_worker(process)
        worst = max(growths) / 1024
        verdict = "ok" if worst < TARGET_MB and not failed else "OVER"
        print(f"max growth over {rounds} rounds: {worst:.1f} MB")
        print(
            f"target: growth < {TARGET_MB} MB with {concurrency} concurrent uploads "
            f"of {size / MB:g} MiB: {verdict}" + (f" ({failed} uploads failed)" if failed else "")
        )
        return 0 if verdict == "ok" else 1


def main() -> int:
    if sys.argv[1:2] == ["--serve"]:
        sys.path.insert(0, str(ROOT))
        serve(*sys.argv[2:5])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--size-mb", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    print(
        json.dumps({"python": sys.version.split()[0], "cpus": os.cpu_count()}, ensure_ascii=False)
    )
    return bench(options.concurrency, int(options.size_mb * MB), options.rounds)


if __name__ == "__main__":
    sys.exit(main())
