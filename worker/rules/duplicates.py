"""Duplicates: the same person registered twice to one exam session from two accounts.

A person is their normalised name (accents, case, hyphens, apostrophes and spaces
folded), birth date and birth place (country, then commune code or name). The save use
case calls ``flag_duplicates`` in its transaction, right after recording the
application; what it returns lets the candidate be told (their other account is not
named).
"""

from __future__ import annotations

import re
import unicodedata

from worker.store import duplicates as store
from worker.store.accounts import Account
from worker.store.applications import Application
from worker.store.db import Database


def normalised(text: str) -> str:
    """« Le Bihan-Guérin » and « LE BIHAN GUERIN » are one name."""
    folded = unicodedata.normalize("NFKD", text or "").casefold()
    letters = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(re.split(r"[\s\-'’.]+", letters)).strip()


def person_key(account: Account) -> str:
    """Name, birth date and birth place of the account's person, as one comparable text."""
    place = account.birth_commune or normalised(account.birth_commune_name)
    return "|".join(
        (
            normalised(account.last_name),
            normalised(account.first_names),
            account.birth_date,
            account.birth_country or "",
            place or "",
        )
    )


def flag_duplicates(db: Database, account: Account, application: Application) -> list[int]:
    """Flag the application against every live application of the same person to the same
    exam and session from another account (inside the caller's transaction); returns
    those applications' ids (empty: no duplicate)."""
    key = person_key(account)
    others = [
        other_id
        for other_id, other in store.live_same_session(db, application, account.birth_date)
        if person_key(other) == key
    ]
    for other_id in others:
        store.flag(db, application.id, other_id, key)
    return others
