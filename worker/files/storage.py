"""Files kept under FILES_DIR (uploads, generated documents): names, durable writes, sweep.

A file is written by ``diskio`` (temporary name, fsync, rename); only then does the
database row that points to it commit. If the process dies in between, the file has no
row: ``sweep`` removes such orphans, and half-written ``.…part`` files
(``flask --app worker files sweep``, from cron).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from diskio import write_atomically

CHUNK = 64 * 1024


def root(data_dir: str | Path, area: str) -> Path:
    return Path(data_dir) / area


def new_name() -> str:
    """A generated name: nothing of the candidate's file name reaches the disk."""
    return secrets.token_hex(16)


def path_of(data_dir: str | Path, area: str, name: str) -> Path:
    if not name.isalnum():  # generated names only: never a path
        raise ValueError("nom de fichier stocké invalide")
    return root(data_dir, area) / name[:2] / name


def write_stream(target: Path, chunks: Iterable[bytes]) -> int:
    """Write chunks to target durably (temporary file, fsync, rename); returns the size."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return write_atomically(target, chunks)


def write_bytes(target: Path, data: bytes) -> int:
    return write_stream(target, [data])


def copy_stream(source: BinaryIO, target: Path) -> int:
    source.seek(0)
    return write_stream(target, iter(lambda: source.read(CHUNK), b""))


def chunks_of(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as source:
        yield from iter(lambda: source.read(CHUNK), b"")


def sweep(data_dir: str | Path, area: str, known: set[str], older_than: float = 3600) -> int:
    """Delete files of `area` that no row knows (and half-written ones), if old enough."""
    removed = 0
    limit = time.time() - older_than
    base = root(data_dir, area)
    if not base.exists():
        return 0
    for path in base.glob("*/*"):  # half-written ".…part" files included
        try:
            old = path.stat().st_mtime < limit
        except FileNotFoundError:  # renamed meanwhile by an upload in progress
            continue
        if path.name not in known and old:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
