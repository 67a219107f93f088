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

from .urls import OPEN_DATA_JSON

SHRINK_RATIO = 0.5  # fewer than half the published periods: refused
MIN_PUBLISHED = 10  # below this, a small site may legitimately shrink


def published_periods(site_dir: Path) -> int | None:
    """How many periods the built site publishes (its open data), None without a site."""
    try:
        data = json.loads((Path(site_dir) / OPEN_DATA_JSON.lstrip("/")).read_bytes())
        return len(data["periodes"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def shrink_problem(catalog: Catalog, content_dir: Path, site_dir: Path) -> Problem | None:
    published = published_periods(site_dir)
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
