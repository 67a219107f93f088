"""What each reader made of each content file, reused while the file's bytes are the same.

The static build keeps one ``ReadMemo`` between builds (``sitebuild`` stores it beside its
manifest), so that editing one guide does not parse ``periods.csv`` and every TOML file
again. A result is looked up by the reader, the file's label, the reader's extra arguments
and a hash of the file's bytes: never by its date, so a file rewritten with other bytes in
the same instant is read again. The problems a reader found are kept with its result and
reported again each time it is reused. The cross-checks between files always run afresh.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .problems import Problem

Reader = Callable[..., Any]


class ReadMemo:
    def __init__(self, previous: Mapping[tuple, tuple] | None = None) -> None:
        self.previous: Mapping[tuple, tuple] = previous or {}
        self.current: dict[tuple, tuple] = {}  # what this load used: all the caller keeps
        self.misses = 0  # files actually parsed by this load (the tests count them)

    def read(self, reader: Reader, path: Path, label: str, problems: list[Problem], *args):
        """reader(path, label, problems, *args), or the result it gave for the same bytes."""
        data = path.read_bytes()
        key = (
            reader.__module__,
            reader.__qualname__,
            label,
            args,
            hashlib.blake2b(data, digest_size=16).digest(),
        )
        found = self.previous.get(key) or self.current.get(key)
        if found is None:
            self.misses += 1
            own: list[Problem] = []
            found = (reader(path, label, own, *args), tuple(own))
            if path.read_bytes() != data:  # rewritten while being read: not kept
                problems.extend(found[1])
                return found[0]
        self.current[key] = found
        problems.extend(found[1])
        return found[0]


def read_directly(reader: Reader, path: Path, label: str, problems: list[Problem], *args):
    """Without a memo: the reader as it is."""
    return reader(path, label, problems, *args)
