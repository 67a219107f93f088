"""Login capacity: CPU cost of one password check with the portal's argon2id parameters
(worker/rules/passwords.py, OWASP's recommendation) against argon2-cffi's defaults, in
interleaved rounds, as logins per second per core.

    .venv/bin/python bench/login_bench.py [--rounds 5] [--checks 20]

Output: bench/login_results.txt (with this command and the load average).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from argon2 import PasswordHasher

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from worker.rules import passwords  # noqa: E402 (after the path is set)

PASSWORD = "Examen!2027x"


def cpu_per_check(hasher: PasswordHasher, checks: int) -> float:
    stored = hasher.hash(PASSWORD)
    started = time.process_time()
    for _ in range(checks):
        hasher.verify(stored, PASSWORD)
    return (time.process_time() - started) / checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--checks", type=int, default=20, help="password checks per round")
    args = parser.parse_args()
    portal = PasswordHasher(**passwords.ARGON2)
    default = PasswordHasher()
    load_before = os.getloadavg()
    ours, theirs = [], []
    for _ in range(args.rounds):  # interleaved: both see the same machine
        ours.append(cpu_per_check(portal, args.checks))
        theirs.append(cpu_per_check(default, args.checks))
    ratios = [o / t for o, t in zip(ours, theirs, strict=True)]
    lines = [
        f"command: .venv/bin/python bench/login_bench.py --rounds {args.rounds} "
        f"--checks {args.checks}",
        f"load average: {load_before[0]:.2f} at start, {os.getloadavg()[0]:.2f} at end",
        f"portal argon2id {passwords.ARGON2}: CPU per login median "
        f"{statistics.median(ours) * 1000:.1f} ms (min {min(ours) * 1000:.1f}, "
        f"max {max(ours) * 1000:.1f}) -> {1 / statistics.median(ours):.1f} logins/s per core",
        f"argon2-cffi defaults (t=3, 64 MiB, p=4): median {statistics.median(theirs) * 1000:.1f} ms"
        f" -> {1 / statistics.median(theirs):.1f} logins/s per core",
        f"ratio portal/defaults CPU: median {statistics.median(ratios):.2f} "
        f"(min {min(ratios):.2f}, max {max(ratios):.2f})",
    ]
    text = "\n".join(lines) + "\n"
    (HERE / "login_results.txt").write_text(text, encoding="utf-8")
    print(text, end="")


if __name__ == "__main__":
    main()
