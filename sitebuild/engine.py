"""The incremental build: render only the outputs whose inputs changed.

Each output's key (the records it shows) is fingerprinted together with the code and
templates; the manifest remembers the fingerprints of the last build. An output is
rendered when its fingerprint is new (``batches``: over several processes when there are
many), and written only when its bytes differ from what is on disk. Outputs that no longer
exist are removed.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, is_dataclass
from datetime import datetime
from pathlib import Path

from catalog import Catalog, ContentError, load_catalog

from . import batches
from . import manifest as manifest_mod
from .context import Group, Output
from .guard import shrink_problem
from .manifest import Manifest
from .memo_file import load_memo, save_memo
from .pages import groups
from .render import environment
from .urls import output_file

STATIC = manifest_mod.PROJECT / "static"
FAR_FUTURE = "9999-12-31T00:00:00+00:00"
CACHE = ".build-cache"  # compiled templates, inside site/ so that deleting site/ resets all


@dataclass
class Report:
    total: int = 0
    written: int = 0
    unchanged: int = 0  # rendered again but identical to the file on disk
    skipped: int = 0  # inputs unchanged: not even rendered
    removed: int = 0
    seconds: float = 0.0
    up_to_date: bool = False

    def summary(self) -> str:
        if self.up_to_date:
            return f"Rien à reconstruire : le site est à jour ({self.seconds:.2f} s)."
        return (
            f"{self.total} fichiers : {self.written} écrits, {self.skipped} inchangés non "
            f"recalculés, {self.unchanged} recalculés identiques, {self.removed} supprimés "
            f"en {self.seconds:.2f} s."
        )


Progress = Callable[[int, int], None]


def static_group() -> Group:
    """The stylesheet, scripts and images, copied as they are under /static/."""
    files = sorted(p for p in STATIC.rglob("*") if p.is_file())
    stamps = tuple(
        (p.relative_to(STATIC).as_posix(), p.stat().st_size, p.stat().st_mtime_ns) for p in files
    )

    def outputs() -> list[Output]:
        return [
            Output(
                f"/static/{name}",
                ("static", name, size, mtime),
                (STATIC / name).read_bytes,
                in_sitemap=False,
            )
            for name, size, mtime in stamps
        ]

    return Group("static", stamps, outputs)


def next_change(catalog: Catalog, now: datetime) -> str:
    """When a home-page message next appears or disappears: the build must run again then."""
    moments = [m for msg in catalog.messages for m in (msg.show_from, msg.show_until) if m > now]
    return min(moments).isoformat() if moments else FAR_FUTURE


def _guarded_catalog(content_dir: Path, out_dir: Path, force: bool, code: str) -> Catalog:
    """The catalogue, unless its periods.csv looks cut short next to the site (guard.py).

    The files unchanged since the last build are not parsed again (memo_file.py).
    """
    memo = load_memo(out_dir / CACHE, code)
    catalog = load_catalog(content_dir, memo)
    if not force and (shrunk := shrink_problem(catalog, content_dir, out_dir, memo)):
        raise ContentError([shrunk])
    save_memo(out_dir / CACHE, code, memo)
    return catalog


def build(
    content_dir: Path,
    out_dir: Path,
    *,
    now: datetime,
    base_url: str,
    force: bool = False,
    progress: Progress | None = None,
    jobs: int = 1,
    last: tuple[Manifest, str] | None = None,
) -> Report:
    """Bring out_dir up to date with content_dir. Raises ContentError on bad content.

    Takes no lock: its callers hold the one of ``lock`` (build.py, the republications).

    jobs: how many processes may render (batches.py); the worker keeps the default, one.
    last: out_dir's manifest and the inputs' stamp, when the caller has just read them.
    """
    started = time.perf_counter()
    old, stamp = last or (
        Manifest() if force else Manifest.load(out_dir),
        manifest_mod.input_stamp(content_dir, base_url),
    )
    if old.up_to_date(stamp, now):
        return Report(up_to_date=True, seconds=time.perf_counter() - started)

    code = manifest_mod.code_hash()
    catalog = _guarded_catalog(content_dir, out_dir, force, code)
    new = Manifest(stamp=stamp, valid_until=next_change(catalog, now))
    report = Report()
    env = environment(out_dir / CACHE)
    todo = _plan([*groups(catalog, env, now, base_url), static_group()], old, new, code, report)

    known = old.output_prints()
    fresh = new.output_prints()
    pending = [
        output
        for output in todo
        if known.get(output.url) != fresh[output.url]
        or not (out_dir / output_file(output.url)).exists()
    ]
    report.skipped += len(todo) - len(pending)
    done = len(todo) - len(pending)

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress(done, len(todo))

    report.written, report.unchanged = batches.run(batches.Job(pending, out_dir), jobs, advance)
    for url in known.keys() - fresh.keys():
        report.removed += _remove(out_dir, output_file(url))
    new.save(out_dir)
    report.total = len(fresh)
    report.seconds = time.perf_counter() - started
    return report


def _plan(
    found: list[Group], old: Manifest, new: Manifest, code: str, report: Report
) -> list[Output]:
    """The outputs of every group whose key changed; new's groups filled, unchanged ones
    counted as skipped."""
    memo: dict[int, str] = {}

    def fingerprint(key: tuple) -> str:
        text = code + _describe(key, memo)
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()

    todo: list[Output] = []
    for group in found:
        group_print = fingerprint(group.key)
        previous = old.groups.get(group.name)
        if previous and previous["fingerprint"] == group_print:
            new.groups[group.name] = previous
            report.skipped += len(previous["outputs"])
            continue
        outputs = list(group.outputs())
        new.groups[group.name] = {
            "fingerprint": group_print,
            "outputs": {o.url: fingerprint(o.key) for o in outputs},
        }
        todo += outputs
    return todo


def _describe(key: tuple, memo: dict[int, str]) -> str:
    """repr() of a key, each record's repr computed once per build (records are shared).

    Every key stays alive until the build ends, so an id() cannot be reused meanwhile.
    """
    parts = []
    for part in key:
        kind = type(part)
        if kind is tuple:
            parts.append(_describe(part, memo))
        elif kind in _RECORD_TYPES or (is_dataclass(kind) and not _RECORD_TYPES.add(kind)):
            text = memo.get(id(part))
            if text is None:
                text = memo[id(part)] = repr(part)
            parts.append(text)
        else:
            parts.append(repr(part))
    return "(" + ", ".join(parts) + ")"


_RECORD_TYPES: set[type] = set()


def _remove(out_dir: Path, relative: str) -> int:
    target = out_dir / relative
    if not target.exists():
        return 0
    target.unlink()
    parent = target.parent
    while parent != out_dir and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent
    return 1


__all__ = ["Report", "build"]
