"""CPU time per confirmation d'inscription (with its verification code and QR code) and
documents per second in bulk, against issue 14's and the performance issue's target: at
most 0.15 s of CPU per confirmation, at least 10 documents/s on a 2-core machine.
Run: .venv/bin/python bench/pdf_bench.py (results: bench/pdf_results.txt)."""

from __future__ import annotations

import dataclasses
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_pdf import bts_registration
from worker.documents import verification
from worker.documents.confirmation import render


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # every thread of the process
    return usage.ru_utime + usage.ru_stime


def main(count: int = 50) -> None:
    render(bts_registration())  # the first one loads the fonts and sources
    records = [bts_registration(application_number=f"{n:03d}") for n in range(count)]
    start_cpu, start = cpu(), time.perf_counter()
    for number, record in enumerate(records, start=1):
        render(dataclasses.replace(record), verification.block(number, "clé", "https://x.fr"))
    spent_cpu, spent = cpu() - start_cpu, time.perf_counter() - start
    print(f"{count} confirmations: {spent_cpu / count:.4f} s CPU each, {count / spent:.1f}/s")


if __name__ == "__main__":
    main()
