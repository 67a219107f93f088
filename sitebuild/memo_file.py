"""The catalogue readers' memo (``catalog/memo.py``), kept in site/.build-cache/.

One file holds every entry pickled on its own: a build unpickles the entries it uses and
pickles only the new ones, so editing one guide does not pickle periods.csv's periods
again. Stored with pickle, next to the Jinja bytecode that the same folder already holds:
whoever may write into site/ could already change what the build runs, so this adds no
new trust. The memo is tied to the code's fingerprint and to what else shapes the
records: the Python version and the Paris time-zone rules that turn the content's dates
into UTC. A change to any of them starts a new memo.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
import zoneinfo
from collections.abc import Iterator, Mapping
from pathlib import Path

from catalog.memo import ReadMemo
from diskio import write_atomically

FILENAME = "catalog.pickle"


class Pickled(Mapping[tuple, tuple]):
    """The entries of the last build, each unpickled when asked for."""

    def __init__(self, blobs: dict[tuple, bytes]) -> None:
        self.blobs = blobs

    def __getitem__(self, key: tuple) -> tuple:
        return pickle.loads(self.blobs[key])

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.blobs)

    def __len__(self) -> int:
        return len(self.blobs)


def _made_by(code: str) -> str:
    """What the memo's records depend on besides the content files themselves."""
    paths = (Path(root, "Europe", "Paris") for root in zoneinfo.TZPATH)
    rules = next((path for path in paths if path.is_file()), None)  # as zoneinfo looks
    zone = rules.read_bytes() if rules else b""
    return f"{code} {sys.version} {hashlib.blake2b(zone, digest_size=8).hexdigest()}"


def load_memo(cache_dir: Path, code: str) -> ReadMemo:
    """The memo of the last build made by this code, or an empty one."""
    try:
        made_by, blobs = pickle.loads((cache_dir / FILENAME).read_bytes())
    except Exception:  # absent, cut short or foreign: a cache is only ever an optimisation
        return ReadMemo()
    return ReadMemo(Pickled(blobs) if made_by == _made_by(code) else None)


def save_memo(cache_dir: Path, code: str, memo: ReadMemo) -> None:
    """Keep what this build read, when it differs from what was kept."""
    if not memo.misses and memo.current.keys() == memo.previous.keys():
        return
    kept = memo.previous.blobs if isinstance(memo.previous, Pickled) else {}
    blobs = {
        key: kept.get(key) or pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
        for key, entry in memo.current.items()
    }
    cache_dir.mkdir(parents=True, exist_ok=True)
    data = pickle.dumps((_made_by(code), blobs), protocol=pickle.HIGHEST_PROTOCOL)
    write_atomically(cache_dir / FILENAME, [data], sync=False)
