"""A content/ file that is not UTF-8 (a CSV saved by a spreadsheet in Windows-1252) is a
problem at its file and line for `build.py --check`, never a traceback, and the worker
keeps serving its last good catalogue (SECURITY.md: bad input, a clear message)."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import make_app, stop_mail

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def content(tmp_path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(ROOT / "content", copy)
    return copy


def as_windows_1252(path: Path) -> int:
    """Re-save the file as a spreadsheet would (an accent typed on its second line if it
    had none); returns the line of its first accent."""
    text = path.read_text(encoding="utf-8")
    if text.isascii():
        first, second, rest = text.split("\n", 2)
        text = f"{first}\n{second}é\n{rest}"
    path.write_bytes(text.encode("cp1252", errors="replace"))
    return next(n for n, line in enumerate(text.splitlines(), 1) if not line.isascii())


def check(content: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--check", "--content", str(content)],
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    "relative", ["periods.csv", "academies/rennes.toml", "guides/bts.md", "establishments.csv"]
)
def test_check_reports_the_file_and_line_of_a_byte_that_is_not_utf8(content, relative):
    line = as_windows_1252(content / relative)
    done = check(content)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"content/{relative}:{line}: octet 0x" in done.stdout
    assert "n'est pas en UTF-8" in done.stdout


def test_the_worker_keeps_its_last_good_catalogue(content, tmp_path, site_dir, mailbox, caplog):
    app = make_app(tmp_path / "data", site_dir, mailbox, CONTENT_DIR=str(content))
    live = app.extensions["catalog"]
    before = live().periods
    line = as_windows_1252(content / "periods.csv")
    with caplog.at_level(logging.ERROR):
        live.refresh()
    assert live().periods == before
    assert f"content/periods.csv:{line}: octet 0x" in caplog.text
    page = app.test_client().get("/espace-candidat/connexion")
    assert page.status_code == 200 and "Me connecter" in page.get_data(as_text=True)
    stop_mail(app)
