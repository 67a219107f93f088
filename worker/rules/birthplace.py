"""Where a candidate was born, in words: the commune and its département for France,
the town typed and the country's name for anyone born abroad."""

from __future__ import annotations

from worker import refdata
from worker.store.accounts import Account


def country_name(code: str) -> str:
    """« MAROC » for ``MA``; the code itself when the list does not know it."""
    return dict(refdata.countries()).get(code, code)


def born_abroad(account: Account) -> bool:
    return not refdata.is_france(account.birth_country)


def birth_place(account: Account) -> str:
    """« Rennes (35) » in France, « Casablanca (MAROC) » abroad, the country alone when
    no town was recorded (accounts created before the town was kept)."""
    return place_in_words(
        account.birth_country, account.birth_departement, account.birth_commune_name
    )


def place_in_words(country: str, departement: str, town: str) -> str:
    """The same, from the three columns (the back office's lists and exports)."""
    if refdata.is_france(country):
        return f"{town} ({departement})" if town else country_name("FR")
    return f"{town} ({country_name(country)})" if town else country_name(country)
