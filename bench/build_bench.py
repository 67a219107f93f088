"""Benchmark of build.py on a national-size content set (about 5,000 pages).

    python bench/build_bench.py [--exams 62] [--runs 5] [--scale 1,2,4]

Generates bench/out/content (the shipped académies and guides, plus generated exams with
a registration period in every académie), then measures, each as a separate process the
way an exam office runs it (python build.py):
  - a full build into an empty site/,
  - a rebuild with no change,
  - a rebuild after editing one shared guide,
and prints the median wall time, the median CPU time (the build's processes together: a
full build spreads over the cores) and the peak memory (max RSS) of each. With --scale it
also runs the linear-growth check of bench/build_vs_hugo.py (full builds of 1×, 2×, 4×…
the generated exams, interleaved, time per page against 1×).
Targets on the 2-core reference machine (issue 10): full ≤ 4 s, no change ≤ 0.1 s,
one-guide edit ≤ 0.3 s, peak memory ≤ 300 MB. These are absolute times: they hold only on a
quiet machine, so the load average is printed at start and end; bench/build_vs_hugo.py
gives the ratios. Output also goes to bench/build_results.txt (--no-results: not).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchlib import OUT, ROOT, installed, load, open_results

TARGETS = {"full": 4.0, "no change": 0.1, "one-guide edit": 0.3}


def generate(content: Path, exams: int) -> None:
    """The shipped content plus `exams` generated exams, each open in every académie."""
    if content.exists():
        shutil.rmtree(content)
    shutil.copytree(ROOT / "content", content)
    academies = sorted(p.stem for p in (content / "academies").glob("*.toml"))
    rows = []
    for n in range(exams):
        code = f"bench-{n:03d}"
        domain = ("examen", "concours", "autres-examens", "autres-certifications")[n % 4]
        (content / "exams" / f"{code}.toml").write_text(
            f'code = "{code}"\nname = "EXAMEN DE BANC D\'ESSAI N° {n}"\n'
            f'short_name = "BE{n}"\ndomain = "{domain}"\nmodel = "g01"\n\n'
            '[[sessions]]\ncode = "2027"\nlabel = "SESSION 2027"\n\n'
            '[[sessions]]\ncode = "2028"\nlabel = "SESSION 2028"\n',
            encoding="utf-8",
        )
        for i, academy in enumerate(academies):
            for year in (2027, 2028):
                day = 1 + (n + i) % 20
                rows.append(
                    f"{academy};{code};{year};;{day:02d}/10/{year - 1} 09:00;"
                    f"{day + 7:02d}/11/{year - 1} 17:00;15/12/{year - 1};"
                    f"{day:02d}/10/{year - 1} 09:00;15/12/{year - 1} 17:00\n"
                )
    with (content / "periods.csv").open("a", encoding="utf-8") as periods:
        periods.writelines(rows)


def timed_build(content: Path, site: Path) -> tuple[float, float, float, str]:
    """(seconds, CPU seconds of it and its children, peak RSS in MB, summary line) of one
    `python build.py` process."""
    command = [sys.executable, str(ROOT / "build.py"), "--quiet", "--content", str(content),
               "--out", str(site)]  # fmt: skip
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=installed()
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    output = process.stdout.read().decode().strip()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"build failed:\n{output}\n{process.stderr.read().decode()}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output


def measure(name: str, runs: int, prepare, content: Path, site: Path) -> dict:
    times, cpus, peaks = [], [], []
    for _ in range(runs):
        prepare()
        seconds, cpu, peak, summary = timed_build(content, site)
        times.append(seconds)
        cpus.append(cpu)
        peaks.append(peak)
    return {"name": name, "median": statistics.median(times), "min": min(times),
            "cpu": statistics.median(cpus), "peak": max(peaks), "summary": summary}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exams", type=int, default=62, help="generated exams (default 62)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measure (default 5)")
    parser.add_argument("--scale", default="", help="also build these multiples, e.g. 1,2,4")
    parser.add_argument("--no-results", action="store_true", help="do not write the results file")
    args = parser.parse_args()
    if not args.no_results:
        open_results("build", sys.argv[1:])
    print(f"load average at start: {load()}")
    content, site = OUT / "content", OUT / "site"
    generate(content, args.exams)
    guide = content / "guides" / "bts.md"
    original = guide.read_text(encoding="utf-8")
    edits = iter(range(1_000_000))

    trash = OUT / "trash"
    shutil.rmtree(trash, ignore_errors=True)
    trash.mkdir(parents=True)

    def wipe() -> None:
        # Set the old site aside instead of deleting it: on disks mounted with `discard`,
        # a mass deletion slows down the writes that follow and would blur the figure.
        if site.exists():
            site.rename(trash / str(next(edits)))

    def edit_guide() -> None:
        guide.write_text(original + f"\nModification n° {next(edits)}.\n", encoding="utf-8")

    results = [measure("full", args.runs, wipe, content, site)]
    pages = sum(1 for p in site.rglob("*") if p.is_file())
    results.append(measure("no change", args.runs, lambda: None, content, site))
    results.append(measure("one-guide edit", args.runs, edit_guide, content, site))
    guide.write_text(original, encoding="utf-8")
    shutil.rmtree(trash)

    print(f"content: {args.exams} generated exams + shipped content -> {pages} files in site/")
    print(f"{'measure':<16}{'median s':>10}{'min s':>9}{'CPU s':>9}{'target s':>10}{'peak MB':>9}")
    for r in results:
        ok = "ok" if r["median"] <= TARGETS[r["name"]] else "OVER"
        print(f"{r['name']:<16}{r['median']:>10.3f}{r['min']:>9.3f}{r['cpu']:>9.3f}"
              f"{TARGETS[r['name']]:>10.2f}"
              f"{r['peak']:>9.0f}  {ok}")  # fmt: skip
        print(f"{'':<16}{r['summary']}")
    peak = max(r["peak"] for r in results)
    print(f"peak memory over all runs: {peak:.0f} MB (target 300 MB)")
    if args.scale:
        from build_vs_hugo import scale_check  # it imports this module's generator

        scale_check(args.exams, [int(f) for f in args.scale.split(",")], max(3, args.runs // 2))
    print(f"load average at end: {load()}")


if __name__ == "__main__":
    main()
