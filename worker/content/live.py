"""The catalog as the worker sees it: reloaded when content/ changes, without a restart."""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

from catalog import Catalog, ContentError, load_catalog

log = logging.getLogger(__name__)
CHECK_EVERY = 2.0  # seconds between two looks at content/


def _stamp(root: Path) -> tuple:
    entries = []
    for folder, _dirs, files in os.walk(root):
        for name in files:
            stat = os.stat(os.path.join(folder, name))
            entries.append((folder, name, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(entries))


class LiveCatalog:
    """Call it to get the current catalog. A broken edit keeps the last good catalog."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.lock = threading.Lock()
        self.stamp = _stamp(self.root)
        self.catalog = load_catalog(self.root)
        self.checked = time.monotonic()

    def __call__(self) -> Catalog:
        if time.monotonic() - self.checked >= CHECK_EVERY:
            self.refresh()
        return self.catalog

    def refresh(self) -> None:
        with self.lock:
            self.checked = time.monotonic()
            stamp = _stamp(self.root)
            if stamp == self.stamp:
                return
            try:
                self.catalog = load_catalog(self.root)
            except ContentError as exc:
                log.error("content/ has problems, keeping the previous catalog:\n%s", exc)
            self.stamp = stamp
