"""The last guard before publishing: a periods.csv far shorter than the periods the site
publishes now is most likely a file cut short (a spreadsheet export interrupted, a bad
copy), not a decision; it parses, so no other check sees it.

``build.py --check`` and ``build.py`` report it unless ``--force`` is given; the back
office refuses to publish from such a file (it has no way to force).
"""

from __future__ import annotations

import json
from pathlib import Path

from catalog import Catalog, Problem
from catalog.memo import ReadMemo, read_directly

from .urls import OPEN_DATA_JSON

SHRINK_RATIO = 0.5  # fewer than half the published periods: refused
MIN_PUBLISHED = 10  # below this, a small site may legitimately shrink


def published_periods(site_dir: Path, memo: ReadMemo | None = None) -> int | None:
    """How many periods the built site publishes (its open data), None without a site.

    memo: the build's, which spares parsing the open data again while its bytes are those
    the last build wrote.
    """
    path = Path(site_dir) / OPEN_DATA_JSON.lstrip("/")
    try:
        return (memo.read if memo else read_directly)(_count_periods, path, OPEN_DATA_JSON, [])
    except OSError:
        return None


def _count_periods(path: Path, label: str, problems: list[Problem]) -> int | None:
    try:
        return len(json.loads(path.read_bytes())["periodes"])
    except (ValueError, KeyError, TypeError):
        return None


def shrink_problem(
    catalog: Catalog, content_dir: Path, site_dir: Path, memo: ReadMemo | None = None
) -> Problem | None:
    published = published_periods(site_dir, memo)
    count = len(catalog.periods)
    if published is None or published < MIN_PUBLISHED or count >= published * SHRINK_RATIO:
        return None
    return Problem(
        f"{Path(content_dir).name}/periods.csv",
        1,
        f"{count} période(s) alors que le site en publie {published} : le fichier semble "
        "tronqué (export interrompu ?) ; vérifiez-le, ou relancez avec --force si la "
        "suppression est voulue",
    )
