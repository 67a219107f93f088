"""Small helpers shared by the ratio benchmarks of bench/: results file, load, spreads.

Every benchmark runs the product and its anchor in the same run, in interleaved rounds,
and reports product/anchor ratios: on a shared 2-core machine absolute figures drift with
the neighbours' load, ratios of interleaved rounds much less.
"""

from __future__ import annotations

import os
import platform
import shlex
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"


class Tee:
    """Writes to the terminal and to the results file at once."""

    def __init__(self, *streams: TextIO) -> None:
        self.streams = streams

    def write(self, text: str) -> int:
        for stream in self.streams:
            stream.write(text)
            stream.flush()
        return len(text)

    def flush(self) -> None:
        for stream in self.streams:
            stream.flush()


def open_results(name: str, argv: Sequence[str]) -> TextIO:
    """bench/<name>_results.txt, headed by the command that reproduces it; stdout tees into it."""
    path = BENCH / f"{name}_results.txt"
    results = path.open("w", encoding="utf-8")
    script = Path(sys.argv[0]).resolve().relative_to(ROOT)
    command = " ".join(shlex.quote(a) for a in [".venv/bin/python", str(script), *argv])
    results.write(f"$ {command}\n")
    sys.stdout = Tee(sys.__stdout__, results)  # type: ignore[assignment]
    stamp = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    print(
        f"# {stamp} — {platform.system()} {platform.release()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    return results


def installed() -> dict[str, str]:
    """The environment of a build.py process that runs as an installed project does.

    An installed package has its modules compiled to bytecode once, where a shell with
    PYTHONDONTWRITEBYTECODE (set on this workplace's machines) would compile build.py's
    thirty modules again in every run, about 20 ms of each rebuild.
    """
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def load() -> str:
    """The machine's load average (1, 5, 15 min), as printed in every results file."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def spread(values: Sequence[float]) -> tuple[float, float, float, float, float]:
    """(median, first quartile, third quartile, min, max) of the rounds' values."""
    ordered = sorted(values)
    if len(ordered) >= 2:
        q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    else:
        q1 = q3 = ordered[0]
    return statistics.median(ordered), q1, q3, ordered[0], ordered[-1]


def describe(values: Sequence[float], digits: int = 2, unit: str = "") -> str:
    """'median (IQR q1–q3, min–max lo–hi)' of the rounds' values."""
    median, q1, q3, lo, hi = spread(values)
    f = f"{{:.{digits}f}}"
    u = unit
    return (
        f"{f.format(median)}{u} (IQR {f.format(q1)}–{f.format(q3)}{u}, "
        f"min–max {f.format(lo)}–{f.format(hi)}{u}, {len(values)} rounds)"
    )


def ratios(product: Sequence[float], anchor: Sequence[float]) -> list[float]:
    """Round by round product/anchor ratios (rounds are paired: A then B in each)."""
    return [p / a for p, a in zip(product, anchor, strict=True)]
