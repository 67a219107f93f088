"""The normalised keys the back office finds and orders applications by (migration 0013).

Every application has its search terms (``search_terms``: the words of the candidate's
names, joined and one by one, the email address, the candidate number, the application's
number; lower case, accents stripped) and its ``sort_key`` (« family name, given names »).
They derive from the application and its account, so the store writes them whenever
either changes: ``for_application`` after a save, ``for_account`` after an identity, email
or candidate-number change, ``for_range`` for rows written in bulk (demo data, the
migration's backfill). A search word matches a term it begins (``bounds``), read as a
range of a plain B-tree index.
"""

from __future__ import annotations

import re
import unicodedata

from worker.store.db import Database

SEPARATOR = "\t"  # between family and given names in sort_key: before any letter
BATCH = 5000  # applications per statement when filling keys in bulk
_NOT_WORD = re.compile(r"[^a-z0-9@._+]+")
_FOLDED = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ı": "i"})


def fold(text: str) -> str:
    """Lower case without accents: « Lætitia ÉLOÏSE » → « laetitia eloise »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLDED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The folded words of a name or a search: « N'Diaye-Sy » → ['n', 'diaye', 'sy']."""
    return [w for w in _NOT_WORD.split(fold(text)) if w]


def query_words(query: str) -> list[str]:
    """The words a search must all begin: an address stays whole (« jean-luc@ex.fr »)."""
    found: list[str] = []
    for chunk in query.split():
        found += [fold(chunk)] if "@" in chunk else words(chunk)
    return found


def bounds(prefix: str) -> tuple[str, str]:
    """The range of the terms beginning with ``prefix``: [prefix, next prefix)."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def terms(last: str, usual: str, first: str, email_key: str, *numbers: str | None) -> set[str]:
    """What one application is found by."""
    found = {n for n in numbers if n}
    if "@" in email_key:  # pupils without an address have a login placeholder instead
        found.add(email_key)
    for name in (last, usual, first):
        parts = words(name)
        found.update(parts)
        if len(parts) > 1:
            found.add("".join(parts))  # « Le Goff » is also found as « legoff »
    return found


def sort_key(last: str, first: str) -> str:
    return f"{' '.join(words(last))}{SEPARATOR}{' '.join(words(first))}"


_ROWS = (
    "SELECT ap.id, ap.academy, ap.number, ac.last_name, ac.usual_name, ac.first_names,"
    " ac.email_key, ac.candidate_number, ac.login FROM applications ap"
    " JOIN accounts ac ON ac.id = ap.account_id WHERE {where}"
)


def _refresh(db: Database, where: str, params: list) -> None:
    """Rewrite the keys of the applications ``where`` selects (a condition on ``ap``)."""
    rows = db.execute(_ROWS.format(where=where), params).fetchall()
    db.execute(
        f"DELETE FROM search_terms WHERE application_id IN"
        f" (SELECT ap.id FROM applications ap WHERE {where})",
        params,
    )
    db.executemany(
        "INSERT INTO search_terms (application_id, academy, term) VALUES (?, ?, ?)",
        [
            (id_, academy, term)
            for id_, academy, number, last, usual, first, email, candidate, login in rows
            for term in terms(last, usual, first, email, candidate, number, login)
        ],
    )
    db.executemany(
        "UPDATE applications SET sort_key = ? WHERE id = ?",
        [(sort_key(row[3], row[5]), row[0]) for row in rows],
    )


def for_application(db: Database, application_id: int) -> None:
    _refresh(db, "ap.id = ?", [application_id])


def for_account(db: Database, account_id: int) -> None:
    """After a change of the account's names, address or candidate number."""
    _refresh(db, "ap.account_id = ?", [account_id])


def for_range(db: Database, first_id: int, last_id: int) -> None:
    """The applications whose id is in [first_id, last_id], in batches."""
    for start in range(first_id, last_id + 1, BATCH):
        _refresh(db, "ap.id >= ? AND ap.id < ?", [start, min(start + BATCH, last_id + 1)])


def backfill(db: Database) -> None:
    """Migration 0013's step: the keys of every application already recorded."""
    (last,) = db.execute("SELECT coalesce(max(id), 0) FROM applications").fetchone()
    for_range(db, 1, last)
