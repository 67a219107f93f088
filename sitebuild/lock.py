"""One writer of site/ at a time: the nightly ``build.py`` and the back office's
republications take the same lock, so that they never write the site together.

The lock is a file, ``republish.lock`` in the worker's FILES_DIR (a folder every worker
process and host sees), held with ``flock`` for the whole of a build. Each entry point
takes it exactly once: ``build.py`` around its build, the back office's republication
(``worker.content.republish.save``) around its edit, check, write and rebuild, which calls
``engine.build`` under its own hold. ``engine.build`` never takes it.

flock locks belong to an open file description: a second ``open`` and ``flock`` of the
same file in the same process waits for the first forever. Taking it again in the thread
that holds it is therefore refused with an error rather than left to hang.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

LOCK = "republish.lock"

_POLL_SECONDS = 0.2  # how often a bounded wait tries the lock again
_held = threading.local()  # the lock files this thread holds


class LockTimeout(Exception):
    """The lock was still held by another process when the wait ran out."""


def lock_file(files_dir: Path | str) -> Path:
    """The lock of the site's writers, in the worker's FILES_DIR."""
    return Path(files_dir) / LOCK


@contextlib.contextmanager
def held(
    path: Path,
    *,
    wait: float | None = None,
    on_wait: Callable[[], None] | None = None,
) -> Iterator[None]:
    """Hold the lock file at path (created if missing, its folder must exist).

    wait: None waits as long as it takes; otherwise at most that many seconds, then
    LockTimeout. on_wait: called once, when the lock is found taken, before waiting.
    """
    key = str(Path(path).resolve())
    mine = _mine()
    if key in mine:
        raise RuntimeError(f"{path} is already held by this thread: taking it again would hang")
    with open(path, "a+b") as handle:
        _acquire(handle, wait, on_wait)
        mine.add(key)
        owner = os.getpid()
        try:
            yield
        finally:
            mine.discard(key)
            if os.getpid() == owner:  # a forked child leaves its parent's lock alone
                fcntl.flock(handle, fcntl.LOCK_UN)


def _mine() -> set[str]:
    if not hasattr(_held, "paths"):
        _held.paths = set()
    return _held.paths


def _acquire(handle, wait: float | None, on_wait: Callable[[], None] | None) -> None:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    if on_wait is not None:
        on_wait()
    if wait is None:
        fcntl.flock(handle, fcntl.LOCK_EX)
        return
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            left = deadline - time.monotonic()
            if left <= 0:
                raise LockTimeout(str(handle.name)) from None
            time.sleep(min(_POLL_SECONDS, left))
