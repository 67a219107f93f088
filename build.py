"""Build the public static site from content/ into site/.

    python build.py            # incremental: rewrites only what changed
    python build.py --check    # validate content/ only; lists problems as file:line: message
    python build.py --force    # rebuild everything
    python build.py --jobs 1   # render in one process (default: one per available core)

The base URL (for sitemap.xml, robots.txt and calendars) comes from --base-url, the content
and output folders from --content and --out, or else from the worker's settings BASE_URL,
CONTENT_DIR and SITE_DIR, read as the worker reads them (PORTAIL_ variables, then its
instance file).

A build takes the lock of the back office's republications (``sitebuild.lock``: the file
``republish.lock`` in the worker's FILES_DIR, found as ``lock_folder`` says), so that the
two never write site/ together; while a republication holds it, the build waits, at most
--lock-wait seconds. Without that folder (no worker here) there is nobody to wait for.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
LOCK_WAIT_SECONDS = 600  # a republication takes seconds: ten minutes means it is stuck
EXIT_LOCKED = 75  # EX_TEMPFAIL: try again later (as « files rescan » without clamd)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Construit le site public (site/) depuis content/."
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="vérifier content/ sans construire ; code de sortie 1 si problème",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="tout reconstruire, même depuis un periods.csv bien plus court que le site publié",
    )
    parser.add_argument(
        "--content",
        type=Path,
        default=Path(_setting("CONTENT_DIR", HERE / "content")),
        help="dossier content/ (défaut : PORTAIL_CONTENT_DIR ou %(default)s)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(_setting("SITE_DIR", HERE / "site")),
        help="dossier de sortie (défaut : PORTAIL_SITE_DIR ou %(default)s)",
    )
    parser.add_argument(
        "--base-url",
        default=str(_setting("BASE_URL", DEFAULT_BASE_URL)),
        help="adresse publique du portail (défaut : PORTAIL_BASE_URL ou %(default)s)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=len(os.sched_getaffinity(0)),
        help="processus de rendu en parallèle (défaut : les %(default)s cœurs disponibles)",
    )
    parser.add_argument(
        "--lock-wait",
        type=_seconds,
        default=LOCK_WAIT_SECONDS,
        metavar="SECONDES",
        help="attente maximale d'une republication en cours depuis la gestion, en secondes "
        "(défaut : %(default)s)",
    )
    parser.add_argument("--quiet", action="store_true", help="n'afficher que le résumé")
    return parser.parse_args(argv)


def _setting(name: str, default):
    """The worker's setting of this name, read as the worker reads it (its PORTAIL_
    variable, else its instance file, else ``default``), so that the nightly build and the
    back office's rebuilds write the site the worker serves, under the lock it takes."""
    return os.environ.get(f"PORTAIL_{name}") or _instance().get(name) or default


def _instance() -> dict:
    """The worker's instance file (instance/portail.cfg, or PORTAIL_CONFIG_FILE)."""
    return _instance_at(HERE / "instance" / os.environ.get("PORTAIL_CONFIG_FILE", "portail.cfg"))


@functools.cache
def _instance_at(path: Path) -> dict:
    """Python whose upper-case names are settings, as Flask's ``from_pyfile`` reads it
    (without importing Flask, which would cost the one-guide rebuild a tenth of a second);
    read once per run."""
    try:
        source = path.read_bytes()
    except FileNotFoundError:
        return {}
    namespace: dict = {"__file__": str(path)}
    exec(compile(source, str(path), "exec"), namespace)  # the operator's own file
    return {name: value for name, value in namespace.items() if name.isupper()}


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"un nombre de secondes positif ou nul (lu : {text!r})")
    return value


def lock_folder() -> Path:
    """Where the worker's republications take their lock: its FILES_DIR, which is
    FILES_DIR, else DATA_DIR, else data/ beside this script, as in worker/config.py."""
    return Path(_setting("FILES_DIR", "") or _setting("DATA_DIR", HERE / "data"))


def _duration(seconds: float) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"


def check(content: Path, out: Path, force: bool) -> int:
    from catalog import load
    from sitebuild.check import check_links
    from sitebuild.guard import shrink_problem

    catalog, problems = load(content)
    problems += check_links(catalog, datetime.now(UTC))
    if not force and (shrunk := shrink_problem(catalog, content, out)):
        problems.append(shrunk)
    problems = sorted(problems)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problème(s) dans {content}.", file=sys.stderr)
        return 1
    print(
        f"{content} : aucun problème ({len(catalog.academies)} académies, "
        f"{len(catalog.exams)} examens, {len(catalog.periods)} périodes, "
        f"{len(catalog.guides)} guides)."
    )
    return 0


def build(args: argparse.Namespace) -> int:
    """Build under the lock of the site's writers, taken once, here (never by the engine)."""
    from sitebuild.lock import LockTimeout, held, lock_file

    folder = lock_folder()
    if not folder.is_dir():  # no worker data here (an académie building alone): no one to wait
        return _build(args)
    path = lock_file(folder)
    waited = []

    def waiting() -> None:
        waited.append(True)
        print(
            f"Une republication depuis la gestion, ou une autre construction, est en cours "
            f"(verrou {path}) : la construction attend qu'elle se termine, au plus "
            f"{_duration(args.lock_wait)}.",
            file=sys.stderr,
            flush=True,
        )

    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(held(path, wait=args.lock_wait, on_wait=waiting))
        except LockTimeout:
            print(
                f"Le verrou {path} est toujours tenu après {_duration(args.lock_wait)} : "
                "construction abandonnée, le site n'a pas été modifié. Relancez build.py "
                f"plus tard ; si cela se répète, « fuser -v {path} » montre qui le tient.",
                file=sys.stderr,
            )
            return EXIT_LOCKED
        except OSError as exc:
            reason = exc.strerror or exc
            print(
                f"Impossible d'ouvrir le verrou des republications {path} ({reason}) : "
                "lancez build.py en tant qu'utilisateur du portail (sudo -u portail …), ou "
                "donnez dans PORTAIL_FILES_DIR le dossier de fichiers du worker.",
                file=sys.stderr,
            )
            return 1
        if waited:
            print("Verrou libéré : la construction reprend.", file=sys.stderr)
        return _build(args)


def _build(args: argparse.Namespace) -> int:
    from sitebuild.manifest import Manifest, input_stamp

    now = datetime.now(UTC)
    old = Manifest() if args.force else Manifest.load(args.out)
    stamp = input_stamp(args.content, args.base_url)
    if old.up_to_date(stamp, now):
        print("Rien à reconstruire : le site est à jour.")
        return 0

    from catalog import ContentError
    from sitebuild.engine import build as run

    show = sys.stderr.isatty() and not args.quiet

    def progress(done: int, total: int) -> None:
        if show:
            print(
                f"\r  {done}/{total} fichiers",
                end="" if done < total else "\n",
                file=sys.stderr,
                flush=True,
            )

    try:
        report = run(
            args.content,
            args.out,
            now=now,
            base_url=args.base_url,
            force=args.force,
            progress=progress,
            jobs=max(1, args.jobs),
            last=(old, stamp),
        )
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(
            f"Construction interrompue : {len(exc.problems)} problème(s) dans {args.content}.",
            file=sys.stderr,
        )
        return 1
    print(report.summary())
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return check(args.content, args.out, args.force) if args.check else build(args)


if __name__ == "__main__":
    # A build is a short-lived process that keeps thousands of records (the catalogue) to
    # the end and makes next to no reference cycles: the cyclic collector would only walk
    # the catalogue again and again (about a tenth of a one-guide edit's CPU). Peak memory
    # is the same without it (bench/build_bench.py prints it against its 300 MB target).
    gc.disable()
    sys.exit(main())
