"""Writing a file so that no reader, and no crash, ever meets half of it.

The one atomic writer of the project, shared by the static build (``sitebuild``) and the
worker (uploads, documents, content/ edited from the back office, the local secret key).
It sits in a package of its own, outside ``worker`` and ``catalog``, because the build
must not import the worker and writing bytes to disk is not part of the catalogue.

A file is written under a temporary name beside its target (or in ``staging``), synced,
then renamed over the target; the folders are synced too, so that the rename survives a
power cut. On any error the temporary file is removed and the target left as it was.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path


def write_atomically(
    target: Path,
    chunks: Iterable[bytes],
    *,
    mode: int | None = None,
    staging: Path | None = None,
    sync: bool = True,
) -> int:
    """Write chunks to target; returns the number of bytes written.

    mode: the file's permissions (by default those of a new file, under the umask).
    staging: the folder of the temporary file, on target's filesystem (default: target's).
    sync: False skips the fsyncs, for files that can be made again (the static site).
    """
    folder = target.parent if staging is None else staging
    temporary = folder / f".{target.name}.{secrets.token_hex(4)}.part"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    size = 0
    try:
        descriptor = os.open(temporary, flags, 0o600 if mode is not None else 0o666)
        with open(descriptor, "wb") as out:
            if mode is not None:
                os.fchmod(out.fileno(), mode)
            for chunk in chunks:
                out.write(chunk)
                size += len(chunk)
            out.flush()
            if sync:
                os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)  # a full disk leaves no half-written file
        raise
    if sync:
        for changed in {folder, target.parent}:
            _sync_folder(changed)
    return size


def _sync_folder(folder: Path) -> None:
    """Make the creation, renaming or removal of the folder's entries durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
