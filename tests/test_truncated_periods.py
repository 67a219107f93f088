"""A periods.csv that still parses but holds far fewer rows than the published site (a
spreadsheet export cut short) never reaches the site by mistake: `build.py --check` and
`build.py` report it unless `--force`, and the back office refuses to publish from it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from sitebuild.engine import build
from tests.forms import text
from tests.test_republish import NOW, edit_url, form_of, member, row
from tests.test_republish import office as office

ROOT = Path(__file__).resolve().parent.parent
TRUNCATED = "le fichier semble tronqué"


def truncate(content: Path, keep: int = 3) -> None:
    """Keep the header and the first rows, as an interrupted export would."""
    path = content / "periods.csv"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[: 1 + keep]))


def run_build(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True
    )


def test_check_and_build_refuse_a_truncated_periods_file_unless_forced(tmp_path):
    content, site = tmp_path / "content", tmp_path / "site"
    shutil.copytree(ROOT / "content", content)
    build(content, site, now=NOW, base_url="http://localhost")
    published = (site / "donnees" / "periodes.json").read_bytes()
    truncate(content)
    where = ("--content", str(content), "--out", str(site), "--quiet")

    checked = run_build("--check", *where)
    assert checked.returncode == 1
    assert "content/periods.csv:1: 3 période(s) alors que le site en publie" in checked.stdout
    assert TRUNCATED in checked.stdout

    refused = run_build(*where)
    assert refused.returncode == 1 and TRUNCATED in refused.stderr
    assert (site / "donnees" / "periodes.json").read_bytes() == published  # site untouched

    assert run_build("--check", "--force", *where).returncode == 0
    assert run_build("--force", *where).returncode == 0
    assert (site / "donnees" / "periodes.json").read_bytes() != published


def test_the_back_office_refuses_to_publish_from_a_truncated_file(office):
    app, content = office.app, office.content
    gestion = member(app, "rennes")
    bts = row(content, "rennes", "bts", "2027")
    path = content / "periods.csv"  # the header and the row being edited: the rest is gone
    path.write_bytes(path.read_bytes().splitlines(keepends=True)[0] + bts.raw.encode())
    before = (content / "periods.csv").read_bytes()
    response = gestion.submit(edit_url("rennes", bts), form_of(bts, fermeture="20/12/2026 17:00"))
    assert response.status_code in (400, 409, 422)
    assert TRUNCATED in text(response)
    assert (content / "periods.csv").read_bytes() == before  # nothing written
