"""Start-up time of the production server: from launching gunicorn to the first answer.

    python bench/startup_bench.py [--runs 7]

Each run starts ``gunicorn --config deploy/gunicorn.conf.py`` with ONE worker on a free
loopback port and a fresh temporary PORTAIL_DATA_DIR (so migrations run, as on a first
start), then polls ``GET /espace-candidat/connexion`` every 10 ms until it answers 200.
The measure is the wall time from ``Popen`` to that first 200. Two variants are measured,
interleaved run by run so that a change of load on the shared machine weighs on both:
the default (the worker imports the application after the fork) and ``--preload`` (the
master imports it before forking). Printed: each run, then median/min/max per variant,
with the load average before and after. Target: median ≤ 2 s.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 2.0
TIMEOUT = 60.0
VARIANTS = {"default": [], "--preload": ["--preload"]}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/espace-candidat/connexion")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def one_run(extra: list[str], site_dir: Path) -> float:
    """Seconds from starting gunicorn to the first 200 of the login page."""
    data_dir = Path(tempfile.mkdtemp(prefix="startup-bench-"))
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PORTAIL_BIND": f"127.0.0.1:{port}",
        "PORTAIL_WORKERS": "1",
        "PORTAIL_DATA_DIR": str(data_dir),
        "PORTAIL_SITE_DIR": str(site_dir),
        "PORTAIL_SECRET_KEY": "clé du banc d'essai du démarrage",
    }
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]
    started = time.perf_counter()
    process = subprocess.Popen(
        [*command, *extra], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        while not answers(port):
            if process.poll() is not None:
                raise SystemExit(f"gunicorn exited: {process.stderr.read().decode()[-2000:]}")
            if time.perf_counter() - started > TIMEOUT:
                raise SystemExit(f"no answer after {TIMEOUT} s")
            time.sleep(0.01)
        return time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)


def build_site(folder: Path) -> Path:
    sys.path.insert(0, str(ROOT))
    from sitebuild.engine import build

    build(ROOT / "content", folder, now=datetime.now(UTC), base_url="http://127.0.0.1")
    return folder


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    import gunicorn

    print(
        f"# {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC — {platform.system()} "
        f"{platform.release()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"gunicorn {gunicorn.__version__}, 1 sync worker"
    )
    print(f"load average before: {load()}")
    times: dict[str, list[float]] = {name: [] for name in VARIANTS}
    with tempfile.TemporaryDirectory(prefix="startup-bench-site-") as folder:
        site_dir = build_site(Path(folder))
        one_run([], site_dir)  # warm-up: file cache, .pyc files
        for run in range(1, args.runs + 1):
            for name, extra in VARIANTS.items():
                seconds = one_run(extra, site_dir)
                times[name].append(seconds)
                print(f"run {run} {name:>9}: {seconds:.3f} s")
    print(f"load average after: {load()}")
    worst = 0.0
    for name, values in times.items():
        median = statistics.median(values)
        worst = max(worst, median)
        print(
            f"{name:>9}: median {median:.3f} s, min {min(values):.3f} s, "
            f"max {max(values):.3f} s over {len(values)} runs"
        )
    verdict = "ok" if worst <= TARGET_SECONDS else "OVER"
    print(f"target: median ≤ {TARGET_SECONDS:.0f} s: {verdict}")
    return 0 if verdict == "ok" else 1


if __name__ == "__main__":
    raise SystemExit(main())
