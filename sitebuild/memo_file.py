"""The catalogue readers' memo (``catalog/memo.py``), kept in site/.build-cache/.

Stored with pickle, next to the Jinja bytecode that the same folder already holds: whoever
may write into site/ could already change what the build runs, so this adds no new trust.
The memo is tied to the code's fingerprint: a change to the readers or the records starts
a new one.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from catalog.memo import ReadMemo
from diskio import write_atomically

FILENAME = "catalog.pickle"


def load_memo(cache_dir: Path, code: str) -> ReadMemo:
    """The memo of the last build made by this code, or an empty one."""
    try:
        saved_code, entries = pickle.loads((cache_dir / FILENAME).read_bytes())
    except Exception:  # absent, cut short or foreign: a cache is only ever an optimisation
        return ReadMemo()
    return ReadMemo(entries if saved_code == code else None)


def save_memo(cache_dir: Path, code: str, memo: ReadMemo) -> None:
    """Keep what this build read, when it differs from what was kept."""
    if memo.misses or memo.current.keys() != memo.previous.keys():
        cache_dir.mkdir(parents=True, exist_ok=True)
        data = pickle.dumps((code, memo.current), protocol=pickle.HIGHEST_PROTOCOL)
        write_atomically(cache_dir / FILENAME, [data], sync=False)
