"""What the build keeps between runs never shows in the site: after each kind of edit, an
incremental build gives the very bytes of a build from nothing; the parallel build gives
the bytes of the single-process one."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from catalog import guides as guide_text
from catalog import load
from catalog.memo import ReadMemo
from catalog.tables import read_periods
from sitebuild import batches, manifest, memo_file, render
from sitebuild.engine import build

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
BASE = "https://portail.example.fr"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return Path(shutil.copytree(ROOT / "content", tmp_path / "content"))


def site_files(out: Path) -> dict[str, bytes]:
    """Every file of the site with its bytes, the build's own state left out."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and not p.relative_to(out).parts[0].startswith(".build-")
    }


def assert_same_as_clean_build(content: Path, out: Path, tmp_path: Path) -> None:
    """out/, brought up to date incrementally, holds what a build from nothing writes."""
    clean = tmp_path / f"clean-{len(list(tmp_path.glob('clean-*')))}"
    build(content, clean, now=NOW, base_url=BASE)
    incremental, expected = site_files(out), site_files(clean)
    assert incremental.keys() == expected.keys()
    differing = [name for name in expected if incremental[name] != expected[name]]
    assert differing == []


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_editing_periods_csv_is_never_hidden_by_the_cache(content, tmp_path):
    out = tmp_path / "site"
    build(content, out, now=NOW, base_url=BASE)
    assert (out / ".build-cache" / "catalog.pickle").is_file()
    periods = content / "periods.csv"
    old = "rennes;bts;2027;;12/10/2026 14:00;"
    text = periods.read_text(encoding="utf-8")
    assert old in text
    periods.write_text(text.replace(old, "rennes;bts;2027;;13/10/2026 14:00;"), "utf-8")
    report = build(content, out, now=NOW, base_url=BASE)
    assert report.written > 0
    assert "mardi 13 octobre 2026 14:00" in (out / "academies/rennes/index.html").read_text()
    assert_same_as_clean_build(content, out, tmp_path)


def test_editing_a_guide_then_an_override_is_never_hidden_by_the_cache(content, tmp_path):
    out = tmp_path / "site"
    build(content, out, now=NOW, base_url=BASE)
    append(content / "guides" / "bts.md", "\nUne phrase nouvelle.\n")
    build(content, out, now=NOW, base_url=BASE)
    assert_same_as_clean_build(content, out, tmp_path)
    append(content / "guides" / "rennes" / "bts.md", "\nPrécision rennaise.\n")
    build(content, out, now=NOW, base_url=BASE)
    assert "Précision rennaise." in (out / "academies/rennes/guides/bts/index.html").read_text()
    assert_same_as_clean_build(content, out, tmp_path)


def test_deleting_a_page_removes_it_and_the_links_to_it(content, tmp_path):
    out = tmp_path / "site"
    page = content / "pages" / "essai.md"
    page.write_text('+++\ntitle = "Page d\'essai"\n+++\n\nUn texte.\n', encoding="utf-8")
    build(content, out, now=NOW, base_url=BASE)
    assert "/essai/" in (out / "plan-du-site" / "index.html").read_text()
    page.unlink()
    report = build(content, out, now=NOW, base_url=BASE)
    assert report.removed == 1
    assert not (out / "essai").exists()
    assert "/essai/" not in (out / "plan-du-site" / "index.html").read_text()
    assert "/essai/" not in (out / "sitemap.xml").read_text()
    assert_same_as_clean_build(content, out, tmp_path)


def test_editing_a_template_rebuilds_what_uses_it(content, tmp_path, monkeypatch):
    """On a copy of the project's templates (the other code folders linked as they are)."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "templates", project / "templates")
    for name in ("static", "catalog", "sitebuild", "build.py"):
        (project / name).symlink_to(ROOT / name)
    monkeypatch.setattr(manifest, "PROJECT", project)
    monkeypatch.setattr(render, "TEMPLATES", project / "templates")
    out = tmp_path / "site"
    build(content, out, now=NOW, base_url=BASE)
    template = project / "templates" / "site" / "guide.html"
    text = template.read_text(encoding="utf-8")
    assert "</main>" not in text and "{% block content %}" in text
    template.write_text(
        text.replace("{% block content %}", "{% block content %}<p>Gabarit modifié</p>", 1),
        encoding="utf-8",
    )
    build(content, out, now=NOW, base_url=BASE)
    assert "Gabarit modifié" in (out / "academies/lyon/guides/cfg/index.html").read_text()
    assert "Gabarit modifié" not in (out / "academies/lyon/index.html").read_text()
    assert_same_as_clean_build(content, out, tmp_path)


def test_a_file_rewritten_in_the_same_instant_with_the_same_size_is_read_again(content):
    """The memo goes by bytes, not by dates: same size, same mtime, other dates."""
    periods = content / "periods.csv"
    memo = ReadMemo()
    before = memo.read(read_periods, periods, "content/periods.csv", [])
    stat = periods.stat()
    text = periods.read_text(encoding="utf-8")
    periods.write_text(text.replace("12/10/2026 14:00", "13/10/2026 14:00", 1), "utf-8")
    os.utime(periods, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert periods.stat().st_size == stat.st_size
    after = ReadMemo(memo.current).read(read_periods, periods, "content/periods.csv", [])
    assert after != before
    assert after == read_periods(periods, "content/periods.csv", [])


def test_problems_found_in_a_file_come_back_with_its_memo(content):
    append(content / "periods.csv", "rennes;bts;2027;;32/01/2027 08:00;01/02/2027 18:00\n")
    first = ReadMemo()
    _, problems = load(content, first)
    again = ReadMemo(first.current)
    _, problems_again = load(content, again)
    assert again.misses == 0
    assert problems_again == problems and any("32/01/2027" in str(p) for p in problems)


def test_one_markdown_converter_gives_what_a_fresh_one_gives(content):
    """The converter kept per thread carries nothing from one text to the next."""
    catalog, _ = load(content)
    texts = [
        *(catalog.guide_body(a, slug) for a in catalog.academies for slug in catalog.guides),
        *(page.body for page in catalog.pages.values()),
    ]
    convert = guide_text.render_markdown.__wrapped__  # past the cache by text
    forwards = [convert(text) for text in texts]
    backwards = [convert(text) for text in reversed(texts)][::-1]
    assert forwards == backwards


def test_parallel_build_writes_the_bytes_of_the_single_process_build(
    content, tmp_path, monkeypatch
):
    rendered_by = tmp_path / "pids"
    batch = batches._batch

    def recording(job, bounds):  # inherited by the pool's processes through the fork
        with rendered_by.open("a") as log:
            log.write(f"{os.getpid()}\n")
        return batch(job, bounds)

    single, parallel = tmp_path / "single", tmp_path / "parallel"
    report = build(content, single, now=NOW, base_url=BASE, jobs=1)
    assert report.written >= batches.PARALLEL_FROM  # enough outputs for the pool
    rendered_by.unlink(missing_ok=True)
    monkeypatch.setattr(batches, "_batch", recording)
    assert build(content, parallel, now=NOW, base_url=BASE, jobs=2).written == report.written
    assert str(os.getpid()) not in rendered_by.read_text().split()
    assert site_files(parallel) == site_files(single)


def test_a_memo_made_by_other_code_is_not_used(content, tmp_path):
    memo = ReadMemo()
    load(content, memo)
    memo_file.save_memo(tmp_path, "code-a", memo)
    assert len(memo_file.load_memo(tmp_path, "code-a").previous) == len(memo.current) > 50
    assert len(memo_file.load_memo(tmp_path, "code-b").previous) == 0
    (tmp_path / memo_file.FILENAME).write_bytes(b"cut short")
    assert len(memo_file.load_memo(tmp_path, "code-a").previous) == 0
