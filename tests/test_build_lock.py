"""The nightly build.py and the back office's republications never write site/ together:
both hold the one lock of ``sitebuild.lock``, in the worker's FILES_DIR.

build.py runs here as the timer runs it, a process of its own, against a real
republication (``republish.save``) or the lock held from the test; every wait is on
something the other side does (a line printed, an event set), never on the clock.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

import build
from sitebuild.engine import build as run_build
from sitebuild.lock import LockTimeout, held, lock_file
from tests.conftest import ROOT
from worker import create_app
from worker.config import DEFAULTS
from worker.content import republish

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
BASE = "http://localhost"
WAITING = "Une republication depuis la gestion, ou une autre construction, est en cours"
BOUND = 120  # seconds: only reached if the code under test is broken
BTS_PAGE = "ouverture-des-services/examen/bts/2027/rennes/index.html"


@pytest.fixture
def portal(tmp_path: Path):
    """A copy of content/, its site built, and the worker's files folder."""
    content = Path(shutil.copytree(ROOT / "content", tmp_path / "content"))
    site = tmp_path / "site"
    run_build(content, site, now=NOW, base_url=BASE)
    files = tmp_path / "files"
    files.mkdir()
    return content, site, files


class BuildProcess:
    """``python build.py`` as the timer starts it, its error output read line by line."""

    def __init__(self, content: Path, site: Path, files: Path | None, *args: str) -> None:
        environment = {
            k: v
            for k, v in os.environ.items()
            if k not in ("PORTAIL_FILES_DIR", "PORTAIL_DATA_DIR")
        }
        environment.update(PORTAIL_CONTENT_DIR=str(content), PORTAIL_SITE_DIR=str(site))
        if files is not None:
            environment["PORTAIL_FILES_DIR"] = str(files)
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "--base-url", BASE, "--jobs", "1", *args],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.put(line)
        self.lines.put("")  # end of output

    def next_line(self) -> str:
        return self.lines.get(timeout=BOUND)

    def finish(self) -> tuple[int, str, str]:
        """Exit status, standard output, and the error lines not read yet."""
        out = self.process.stdout.read()
        code = self.process.wait(timeout=BOUND)
        self.reader.join(timeout=BOUND)
        rest = []
        while not self.lines.empty():
            rest.append(self.lines.get())
        return code, out, "".join(rest)


def test_the_build_waits_for_a_republication_in_progress_then_proceeds(portal):
    content, site, files = portal
    lock = lock_file(files)
    editing, release = threading.Event(), threading.Event()
    bts = next(
        r
        for r in republish.read_periods(content).periods_of("rennes")
        if (r.values["examen"], r.values["session"], r.values["specialite"]) == ("bts", "2027", "")
    )
    edit = republish.edit_period("rennes", bts.id, {**bts.values, "fermeture": "20/11/2026 17:00"})

    def slow_edit(data: bytes):
        """The republication, holding the lock, waits here until the test lets it go."""
        editing.set()
        assert release.wait(timeout=BOUND)
        return edit(data)

    outcome: list = []

    def republication() -> None:
        try:
            outcome.append(
                republish.save(
                    content,
                    site,
                    republish.PERIODS,
                    slow_edit,
                    lock_path=lock,
                    now=NOW,
                    base_url=BASE,
                )
            )
        except Exception as exc:  # reported by the assertion below
            outcome.append(exc)

    worker = threading.Thread(target=republication)
    worker.start()
    try:
        assert editing.wait(timeout=BOUND), "the republication never started"
        manifest = (site / ".build-manifest.json").read_bytes()
        nightly = BuildProcess(content, site, files)
        said = nightly.next_line()
        assert said.startswith(WAITING) and str(lock) in said and "au plus 10 min" in said
        assert nightly.process.poll() is None  # waiting, not finished
        assert (site / ".build-manifest.json").read_bytes() == manifest
    finally:
        release.set()
        worker.join(timeout=BOUND)
    assert len(outcome) == 1 and isinstance(outcome[0], republish.Saved), outcome
    assert outcome[0].report is not None  # the republication rebuilt the site itself
    code, out, errors = nightly.finish()
    assert code == 0, out + errors
    assert "Verrou libéré : la construction reprend." in errors
    # The republication's edit is published, and the nightly build left it so.
    shown = (site / BTS_PAGE).read_text(encoding="utf-8")
    assert "vendredi 20 novembre 2026 17:00" in shown
    assert "lundi 30 novembre 2026" not in shown


def test_the_build_gives_up_with_a_clear_message_when_the_lock_stays_held(portal, tmp_path):
    content, _, files = portal
    out = tmp_path / "nightly-site"
    with held(lock_file(files)):
        nightly = BuildProcess(content, out, files, "--lock-wait", "0.5")
        code, _, errors = nightly.finish()
    assert code == build.EXIT_LOCKED == 75
    assert errors.startswith(WAITING) and "au plus 0.5 s" in errors
    assert "toujours tenu après 0.5 s : construction abandonnée" in errors
    assert "Traceback" not in errors
    assert not out.exists()  # nothing was written while the lock was someone else's


def test_a_lock_that_cannot_be_opened_stops_the_build_with_what_to_do(portal, tmp_path):
    """Never a build without the lock when the worker's folder is there: a unit that may
    not write it, or a user who cannot, is told so (here the lock's name is a folder,
    which no user, root included, can open as a file)."""
    content, _, files = portal
    lock_file(files).mkdir()
    out = tmp_path / "nightly-site"
    code, _, errors = BuildProcess(content, out, files).finish()
    assert code == 1
    assert errors.startswith(f"Impossible d'ouvrir le verrou des republications {lock_file(files)}")
    assert "sudo -u portail" in errors and "PORTAIL_FILES_DIR" in errors
    assert "Traceback" not in errors
    assert not out.exists()


def test_without_a_worker_folder_the_build_needs_no_lock(portal, tmp_path, monkeypatch):
    """An académie running build.py alone: no data/ folder, nothing to wait for, and
    none is created."""
    content, _, _ = portal
    nowhere = tmp_path / "no-worker-here"
    out = tmp_path / "laptop-site"
    monkeypatch.setenv("PORTAIL_FILES_DIR", str(nowhere))
    arguments = ["--content", str(content), "--out", str(out), "--base-url", BASE]
    assert build.main([*arguments, "--jobs", "1", "--quiet"]) == 0
    assert (out / "index.html").is_file()
    assert not nowhere.exists()


def test_the_build_finds_the_lock_the_worker_uses(tmp_path, monkeypatch):
    """FILES_DIR as the worker resolves it, from the same environment."""
    for variable in ("PORTAIL_FILES_DIR", "PORTAIL_DATA_DIR"):
        monkeypatch.delenv(variable, raising=False)
    assert build.lock_folder() == Path(DEFAULTS["DATA_DIR"])

    monkeypatch.setenv("PORTAIL_DATA_DIR", str(tmp_path / "data"))
    app = create_app({"TESTING": True})
    assert build.lock_folder() == Path(app.config["FILES_DIR"]) == tmp_path / "data"

    monkeypatch.setenv("PORTAIL_FILES_DIR", str(tmp_path / "shared"))
    app = create_app({"TESTING": True})
    assert build.lock_folder() == Path(app.config["FILES_DIR"]) == tmp_path / "shared"
    assert lock_file(build.lock_folder()).name == republish.LOCK


def test_the_build_reads_the_workers_instance_file_too(tmp_path, monkeypatch):
    """Folders written in the worker's instance file rather than the env file: the build
    writes the site the worker serves and waits on the lock it takes."""
    for variable in ("FILES_DIR", "DATA_DIR", "SITE_DIR", "CONTENT_DIR", "BASE_URL"):
        monkeypatch.delenv(f"PORTAIL_{variable}", raising=False)
    instance = tmp_path / "portail.cfg"
    instance.write_text(
        f"DATA_DIR = {str(tmp_path / 'data')!r}\nSITE_DIR = {str(tmp_path / 'public')!r}\n"
        f"CONTENT_DIR = {str(ROOT / 'content')!r}\nBASE_URL = 'https://candidat.example.fr'\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PORTAIL_CONFIG_FILE", str(instance))
    app = create_app({"TESTING": True})
    assert build.lock_folder() == Path(app.config["FILES_DIR"]) == tmp_path / "data"
    assert build.main(["--jobs", "1", "--quiet"]) == 0
    assert Path(app.config["SITE_DIR"]) == tmp_path / "public"
    sitemap = (tmp_path / "public" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://candidat.example.fr/" in sitemap
    monkeypatch.setenv("PORTAIL_DATA_DIR", str(tmp_path / "other"))  # the variable wins
    assert build.lock_folder() == Path(create_app({"TESTING": True}).config["FILES_DIR"])
    assert build.lock_folder() == tmp_path / "other"


def test_taking_the_lock_again_in_its_thread_is_an_error_not_a_hang(tmp_path):
    path = lock_file(tmp_path)
    with held(path):
        with pytest.raises(RuntimeError, match="already held by this thread"), held(path):
            pass
        # Another thread is refused while it is held, and waits no longer than asked.
        refused: list = []

        def other() -> None:
            try:
                with held(path, wait=0):
                    refused.append(False)
            except LockTimeout:
                refused.append(True)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(timeout=BOUND)
        assert refused == [True]
    with held(path, wait=0):  # released on leaving: free at once
        pass
