"""« Ouverture des services », académie level: the académies that have a period for the
session, sorted by short name, each with its dates; the others in one line; and no
verdict (open, closed) baked into the static HTML, where it would go stale."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

from catalog import load_catalog
from sitebuild.engine import build

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
PAGE = "ouverture-des-services/examen/bts/2027/index.html"


def test_the_academy_choice_lists_periods_with_their_dates(tmp_path):
    build(ROOT / "content", tmp_path, now=NOW, base_url="http://localhost")
    html = (tmp_path / PAGE).read_text(encoding="utf-8")
    catalog = load_catalog(ROOT / "content")
    with_period = {p.academy for p in catalog.periods_for(exam="bts", session="2027")}
    academies = catalog.academies.values()

    listed = re.findall(
        r'<li data-opens="[^"]+" data-closes="[^"]+"><a href="[^"]+">([^<]+)</a>', html
    )
    expected = sorted((a for a in academies if a.code in with_period), key=lambda a: a.short_name)
    assert [unescape(name) for name in listed] == [f"{a.name} - (BTS 2027)" for a in expected]
    assert "(heure de Paris)" in html and "inscriptions du " in html

    others = re.search(r'<p class="other-academies">(.*?)</p>', html, re.S).group(1)
    missing = sorted(
        (a for a in academies if a.code not in with_period), key=lambda a: a.short_name
    )
    assert [unescape(n) for n in re.findall(r">([^<]+)</a>", others)] == [
        a.short_name for a in missing
    ]
    for verdict in (
        "ouvert maintenant",
        "à venir",
        "inscriptions ouvertes",
        "inscriptions fermées",
    ):
        assert verdict not in html
