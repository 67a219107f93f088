"""INSEE country codes (« 99109 ») → the ISO 3166-1 alpha-2 codes the accounts store.

FranceConnect gives the country of birth as its code in INSEE's Code officiel
géographique (« 99100 » for France, « 99xxx » elsewhere), while the account form and the
documents use ISO codes (``pays.csv``). ``pays_insee.csv`` (``insee;code``) holds the
correspondence. It is maintained by hand, not by ``refdata refresh`` (the packages it
reads have no INSEE country codes), and lists the countries checked so far: a code
missing from it is answered with None, and the caller asks the candidate to use the
account form instead of guessing.
"""

from __future__ import annotations

from functools import cache

from worker import refdata

FILE = "pays_insee.csv"
FRANCE_INSEE = "99100"


@cache
def _table() -> dict[str, str]:
    rows = refdata._read_csv(FILE, ("insee", "code"))
    known = dict(refdata.countries())
    return {insee: code for insee, code in rows if code in known}


def country_by_insee(insee: str) -> str | None:
    """The ISO code of the country with this INSEE code; None when it is not known."""
    return _table().get((insee or "").strip())
