"""Doublons: the same person (normalised name, birth date, birth place) registered to one
exam session from two accounts is flagged by the rule the save use case calls; staff of
the académie see the pair side by side and reject one (audited); staff of another
académie see nothing of it."""

from __future__ import annotations

import re

from tests.forms import text
from tests.test_office_actions import OTHER, audits, member, pinned, registered  # noqa: F401
from tests.test_registration import open_academy
from worker.rules import duplicates
from worker.store import accounts, applications, db


def flag(app, application_id: int) -> list[int]:
    """What the save use case does right after recording the application."""
    with app.app_context():
        database = db.get()
        found = applications.by_id(database, application_id)
        with db.transaction(database):
            account = accounts.by_id(database, found.account_id)
            return duplicates.flag_duplicates(database, account, found)


def test_names_are_compared_without_accents_case_or_separators():
    assert duplicates.normalised("Le Bihan-Guérin") == duplicates.normalised("LE BIHAN GUERIN")
    assert duplicates.normalised("N'Diaye") == duplicates.normalised("n diaye")
    assert duplicates.normalised("Martin") != duplicates.normalised("Martine")


def test_a_second_account_of_the_same_person_is_flagged_and_one_is_rejected(pinned):  # noqa: F811
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    _, first_id = registered(app, academy)
    assert flag(app, first_id) == []
    _, second_id = registered(app, academy)  # the same identity, from another account
    assert flag(app, second_id) == [first_id]
    assert flag(app, second_id) == [first_id]  # flagged once
    with app.app_context():
        db.get().execute(
            "UPDATE accounts SET birth_date = '2004-05-31' WHERE id ="
            " (SELECT account_id FROM applications WHERE id = ?)",
            [first_id],
        )
    assert flag(app, second_id) == []  # another birth date: another person
    with app.app_context():
        db.get().execute("UPDATE accounts SET birth_date = '2004-05-30'")

    office = member(app, academy)
    listing = office.get("/gestion/doublons")
    assert "1 doublon possible à examiner." in text(listing)
    # Each pair named as the other pages name an exam session of an académie.
    name = app.extensions["catalog"]().academies[academy].name
    assert f"MARTIN Léa – {name} – CFG – JUIN 2027" in text(listing)
    url = re.search(r'href="(/gestion/doublons/\d+)"', listing.get_data(as_text=True)).group(1)
    pair = office.get(url)
    shown = text(pair)
    assert "Première candidature" in shown and "Seconde candidature" in shown
    assert shown.count("MARTIN Léa") >= 2
    assert shown.count("Lieu de naissance Rennes (35)") == 2  # in words, not « (FR) »
    html = pair.get_data(as_text=True)
    assert f"/gestion/candidatures/{second_id}/ecarter" in html
    assert f"/gestion/candidatures/{first_id}/ecarter" in html

    elsewhere = member(app, OTHER)
    assert "0 doublon possible" in text(elsewhere.get("/gestion/doublons"))
    assert elsewhere.get(url).status_code == 404

    rejected = office.submit(
        f"/gestion/candidatures/{second_id}/ecarter", {"reason": "Doublon d'une candidature."}
    )
    assert rejected.status_code == 303
    assert audits(app, "application.reject", second_id)[0][1]["status"] == "rejected"
    assert "0 doublon possible" in text(office.get("/gestion/doublons"))
    assert office.get(url).status_code == 404
