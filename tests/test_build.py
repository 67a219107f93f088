"""build.py: what the site contains, and that rebuilds touch only what changed."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import build
from sitebuild.engine import build as run_build

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
BASE = "https://portail.example.fr"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A private copy of the shipped content, free to edit."""
    return Path(shutil.copytree(ROOT / "content", tmp_path / "content"))


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "site"


def make(content: Path, out: Path, now: datetime = NOW):
    return run_build(content, out, now=now, base_url=BASE)


def snapshot(out: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime) of every file of the site: a rewrite replaces the file, so its inode
    changes. The build's own state (manifest, caches) is left out."""
    return {
        p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in out.rglob("*")
        if p.is_file() and not p.relative_to(out).parts[0].startswith(".build-")
    }


def rewritten(before: dict, after: dict) -> set[str]:
    return {path for path, stamp in after.items() if before.get(path) != stamp}


def read(out: Path, relative: str) -> str:
    return (out / relative).read_text(encoding="utf-8")


def test_full_build_writes_every_kind_of_output(content, out):
    report = make(content, out)
    assert report.written == report.total > 600
    for relative in [
        "index.html",
        "404.html",
        "robots.txt",
        "sitemap.xml",
        "ouverture-des-services/index.html",
        "academies/rennes/index.html",
        "academies/rennes/guides/bts/index.html",
        "donnees/periodes.json",
        "donnees/periodes.csv",
        "calendriers/academies/rennes.ics",
        "calendriers/examens/bts.ics",
        "static/portail.css",
        "plan-du-site/index.html",
    ]:
        assert (out / relative).is_file(), relative


def test_rebuild_without_change_writes_nothing(content, out, capsys):
    make(content, out)
    before = snapshot(out)
    report = make(content, out)
    assert report.up_to_date
    assert snapshot(out) == before
    # The command line takes the same shortcut, without loading the catalog.
    assert build.main(["--content", str(content), "--out", str(out), "--base-url", BASE]) == 0
    assert "Rien à reconstruire" in capsys.readouterr().out
    assert snapshot(out) == before


def test_the_folders_default_to_the_workers_settings(content, out, monkeypatch, capsys):
    """The nightly timer runs a bare `build.py` with the env file of the worker: on several
    hosts PORTAIL_CONTENT_DIR and PORTAIL_SITE_DIR name the shared mount it must build."""
    monkeypatch.setenv("PORTAIL_CONTENT_DIR", str(content))
    monkeypatch.setenv("PORTAIL_SITE_DIR", str(out))
    assert build.main(["--base-url", BASE, "--jobs", "1", "--quiet"]) == 0
    assert (out / "academies" / "rennes" / "index.html").is_file()
    assert build.main(["--check"]) == 0
    assert f"{content} : aucun problème" in capsys.readouterr().out


def test_editing_one_guide_rewrites_only_its_pages(content, out):
    make(content, out)
    before = snapshot(out)
    guide = content / "guides" / "cfg.md"
    guide.write_text(
        guide.read_text(encoding="utf-8") + "\nUne phrase ajoutée.\n", encoding="utf-8"
    )
    report = make(content, out)
    academies = [p.stem for p in (content / "academies").glob("*.toml")]
    assert rewritten(before, snapshot(out)) == {
        f"academies/{code}/guides/cfg/index.html" for code in academies
    }
    assert report.written == len(academies)
    assert "Une phrase ajoutée." in read(out, "academies/lyon/guides/cfg/index.html")


def test_editing_an_academy_override_rewrites_only_that_page(content, out):
    make(content, out)
    before = snapshot(out)
    override = content / "guides" / "rennes" / "bts.md"
    override.write_text(
        override.read_text(encoding="utf-8") + "\nPrécision rennaise.\n", encoding="utf-8"
    )
    make(content, out)
    assert rewritten(before, snapshot(out)) == {"academies/rennes/guides/bts/index.html"}
    assert "Précision rennaise." in read(out, "academies/rennes/guides/bts/index.html")
    assert "Précision rennaise." not in read(out, "academies/lyon/guides/bts/index.html")


def test_changing_a_period_rewrites_the_pages_that_show_it(content, out):
    make(content, out)
    before = snapshot(out)
    periods = content / "periods.csv"
    text = periods.read_text(encoding="utf-8")
    old = "rennes;bts;2027;;12/10/2026 14:00;"
    assert old in text
    periods.write_text(
        re.sub(re.escape(old) + r"[^;]*;", old + "07/12/2026 18:00;", text), encoding="utf-8"
    )
    make(content, out)
    assert rewritten(before, snapshot(out)) == {
        "ouverture-des-services/examen/bts/2027/index.html",  # the académies with their dates
        "ouverture-des-services/examen/bts/2027/rennes/index.html",
        "academies/rennes/index.html",
        "calendriers/academies/rennes.ics",
        "calendriers/examens/bts.ics",
        "donnees/periodes.json",
        "donnees/periodes.csv",
    }
    page = read(out, "ouverture-des-services/examen/bts/2027/rennes/index.html")
    assert "au <strong>lundi 7 décembre 2026 18:00</strong> (heure de Paris)" in page


def test_removed_academy_disappears_from_the_site(content, out):
    make(content, out)
    (content / "academies" / "corse.toml").unlink()
    periods = content / "periods.csv"
    periods.write_text(
        "".join(
            line
            for line in periods.read_text(encoding="utf-8").splitlines(keepends=True)
            if not line.startswith("corse;")
        ),
        encoding="utf-8",
    )
    report = make(content, out)
    assert report.removed > 10
    assert not (out / "academies" / "corse").exists()
    assert "corse" not in read(out, "sitemap.xml")
    assert "ACADÉMIE DE CORSE" not in read(out, "academies/index.html")


def test_period_sentence_in_french_with_paris_time(content, out):
    make(content, out)
    page = read(out, "ouverture-des-services/examen/bts/2027/aix-marseille/index.html")
    text = re.sub(r"<[^>]+>", "", page)
    assert (
        "Les inscriptions sont ouvertes du lundi 12 octobre 2026 14:00 au "
        "vendredi 20 novembre 2026 17:00 (heure de Paris)."
    ) in text
    assert "au plus tard le vendredi 18 décembre 2026" in text
    assert (
        "<title>Examen – BREVET DE TECHNICIEN SUPERIEUR – BTS 2027 – ACADÉMIE D'AIX-MARSEILLE"
        in (page.replace("&#39;", "'"))
    )


def test_empty_state_when_no_period(content, out):
    make(content, out)
    text = read(out, "ouverture-des-services/examen/cfg/juin-2027/grenoble/index.html")
    assert "Aucun service d'inscription n'est ouvert pour ce choix." in text.replace("&#39;", "'")
    assert "Les inscriptions sont ouvertes" not in text


def test_calendar_feed_is_valid_icalendar_in_utc(content, out):
    make(content, out)
    raw = (out / "calendriers" / "academies" / "aix-marseille.ics").read_bytes()
    lines = raw.split(b"\r\n")
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-2] == b"END:VCALENDAR" and lines[-1] == b""
    assert all(len(line) <= 75 for line in lines)
    assert raw.count(b"BEGIN:VEVENT") == raw.count(b"END:VEVENT") > 0
    unfolded = raw.replace(b"\r\n ", b"").decode()
    # 12/10/2026 14:00 in Paris is summer time (UTC+2); 20/11/2026 17:00 is winter time (UTC+1).
    assert "DTSTART:20261012T120000Z\r\nDTEND:20261120T160000Z" in unfolded
    assert f"URL:{BASE}/ouverture-des-services/examen/bts/2027/aix-marseille/" in unfolded


def test_open_data_json_lists_every_period(content, out):
    make(content, out)
    data = json.loads(read(out, "donnees/periodes.json"))
    rows = [line for line in read(out, "donnees/periodes.csv").splitlines()[1:] if line]
    source = [line for line in (content / "periods.csv").read_text().splitlines()[1:] if line]
    assert len(data["periodes"]) == len(rows) == len(source)
    rennes = next(
        p
        for p in data["periodes"]
        if (p["academie"], p["examen"], p["session"]) == ("rennes", "bts", "2027")
    )
    assert rennes["ouverture"] == "2026-10-12T14:00:00+02:00"
    assert rennes["academie_nom"] == "ACADÉMIE DE RENNES"


def test_sitemap_and_robots_use_the_public_address(content, out):
    make(content, out)
    sitemap = read(out, "sitemap.xml")
    assert f"<loc>{BASE}/academies/rennes/guides/bts/</loc>" in sitemap
    assert ".ics" not in sitemap and "404" not in sitemap
    assert f"Sitemap: {BASE}/sitemap.xml" in read(out, "robots.txt")


def test_guide_markdown_is_sanitised(content, out):
    guide = content / "guides" / "cfg.md"
    guide.write_text(
        guide.read_text(encoding="utf-8")
        + (
            "\n<script>alert('x')</script>\n\n[piège](javascript:alert(1))\n\n"
            '<img src="x" onerror="alert(2)">\n'
        ),
        encoding="utf-8",
    )
    make(content, out)
    page = read(out, "academies/lyon/guides/cfg/index.html")
    assert "<script>alert" not in page
    assert "javascript:" not in page
    assert "onerror" not in page


def test_guide_variables_are_filled_per_academy(content, out):
    make(content, out)
    rennes = read(out, "academies/rennes/guides/bts/index.html")
    lyon = read(out, "academies/lyon/guides/bts/index.html")
    assert "dec@ac-rennes.fr" in rennes and "dec@ac-rennes.fr" not in lyon
    assert "zqvar" not in rennes + lyon and "{{" not in rennes + lyon
    assert 'class="admonition attention"' in rennes  # the guides' callouts are styled blocks


def test_home_message_follows_its_display_window(content, out):
    make(content, out)
    assert "Maintenance programmée" in read(out, "index.html")
    later = datetime(2026, 12, 12, 8, 0, tzinfo=UTC) + timedelta(minutes=1)  # 09:01 Paris
    report = make(content, out, now=later)
    assert not report.up_to_date  # the window's end forces a rebuild without any edit
    assert "Maintenance programmée" not in read(out, "index.html")


def test_bad_content_stops_the_build_with_file_and_line(content, out, capsys):
    periods = content / "periods.csv"
    periods.write_text(periods.read_text() + "rennes;bts;2027;;32/01/2027 08:00;01/02/2027 18:00\n")
    line = len(periods.read_text().splitlines())
    assert build.main(["--content", str(content), "--out", str(out)]) == 1
    assert f"content/periods.csv:{line}: ouverture" in capsys.readouterr().err
    assert not (out / "index.html").exists()


def test_residence_rule_follows_the_exam_as_well_as_the_academy(content, out):
    lyon = content / "academies" / "lyon.toml"
    lyon.write_text(lyon.read_text().replace("residence_rule = true", "residence_rule = false"))
    make(content, out)
    bia = read(out, "ouverture-des-services/autres-examens/bia/2027/lyon/index.html")
    bts = read(out, "ouverture-des-services/examen/bts/2027/lyon/index.html")
    rennes_bts = read(out, "ouverture-des-services/examen/bts/2027/rennes/index.html")
    # The BIA's own rule, checked by the wizard, is announced even where the académie
    # does not ask it of every exam; the académie's option alone says no more.
    assert "lieu de résidence" in bia and "le portail le vérifie" in bia
    assert "lieu de résidence" not in bts
    assert "lieu de résidence" in rennes_bts and "le portail le vérifie" not in rennes_bts


def test_generic_domains_name_what_they_offer(content, out):
    make(content, out)
    bia = read(out, "ouverture-des-services/autres-examens/bia/2027/lyon/index.html")
    cc1d = read(out, "ouverture-des-services/autres-certifications/cc1d/2027/rennes/index.html")
    assert "Examens proposés par" in bia and "Certifications proposées" not in bia
    assert "Certifications proposées par" in cc1d
