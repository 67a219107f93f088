"""« Journal des actions »: who, when, what, before and after, only the académie's own
entries; filters by staff member, candidate and action; pages; CSV export (audited,
formulas neutralised)."""

from __future__ import annotations

import csv
import io
import json

from tests.forms import text
from tests.test_office_actions import OTHER, audits, member, pinned, registered  # noqa: F401
from tests.test_office_actions import rows as rows_of
from tests.test_office_queue import decide, deposit
from tests.test_registration import open_academy
from worker.rules.spreadsheet import paris_time
from worker.store import audit, db, staff
from worker.store import audit_log as stored_audit


def staff_id(app, email: str) -> int:
    with app.app_context():
        return staff.by_email(db.get(), email).id


def test_the_journal_shows_the_academies_entries_filtered_paged_and_exported(pinned):  # noqa: F811
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    candidate, application_id = registered(app, academy)
    elsewhere_candidate, other_id = registered(app, OTHER)
    deposit(candidate)
    deposit(elsewhere_candidate)
    office = member(app, academy)
    other = member(app, OTHER)
    assert decide(office, application_id, "non_conforme", "=HYPERLINK(1)").status_code == 303
    assert decide(other, other_id, "conforme").status_code == 303

    page = office.get("/gestion/journal")
    assert page.status_code == 200
    shown = text(page)
    assert "Statut d'une pièce justificative" in shown and "Gestion " + academy in shown
    # Before and after in words: French keys, the piece's and the status's labels.
    assert "statut : Non conforme" in shown and "Gestion " + OTHER not in shown
    assert "pièce : Pièce d'identité" in shown and "commentaire : =HYPERLINK(1)" in shown
    assert "non_conforme" not in shown and "identite" not in shown
    assert "statut : Conforme" not in shown  # the other académie's decision
    # The application's own history reads the same words.
    history = text(office.get(f"/gestion/candidatures/{application_id}")).split(
        "Historique des actions"
    )[1]
    assert "Statut d'une pièce justificative" in history and "piece.status" not in history
    assert "après : pièce : Pièce d'identité" in history and "statut : Non conforme" in history

    # Filters: action, staff member, candidate.
    logins = text(office.get("/gestion/journal?action=staff.login"))
    assert "1 action – page 1 sur 1." in logins and "Connexion" in logins
    mine = staff_id(app, f"gestion.{academy}@ac-test.fr")
    assert "2 actions –" in text(office.get(f"/gestion/journal?staff={mine}"))
    theirs = staff_id(app, f"gestion.{OTHER}@ac-test.fr")
    assert "0 action –" in text(office.get(f"/gestion/journal?staff={theirs}"))
    assert "1 action –" in text(office.get("/gestion/journal?candidate=Martin"))
    assert office.get("/gestion/journal?staff=abc").status_code == 400

    # Pages of 50, newest first.
    with app.app_context():
        database = db.get()
        with db.transaction(database):
            for i in range(60):
                audit.audit(database, None, "message.send", academy=academy, after={"n": i})
    first = text(office.get("/gestion/journal?action=message.send"))
    assert "60 actions – page 1 sur 2." in first and "n : 59" in first and "n : 9 " not in first
    second = office.get("/gestion/journal?action=message.send&page=2")
    assert "n : 9" in text(second) and "Page précédente" in text(second)
    assert office.get("/gestion/journal?page=99999999999999999999999").status_code == 400

    # Beyond what is counted (a busy académie's journal): « plus de », pages still follow.
    kept = stored_audit.COUNTED
    stored_audit.COUNTED = 55
    try:
        first = text(office.get("/gestion/journal?action=message.send"))
        assert "Plus de 55 actions – page 1." in first and "Page suivante" in first
        second = text(office.get("/gestion/journal?action=message.send&page=2"))
        assert "n : 9" in second and "n : 0" in second and "Page suivante" not in second
    finally:
        stored_audit.COUNTED = kept

    # CSV: the filtered selection, formulas neutralised, the export audited.
    exported = office.get("/gestion/journal/export.csv?action=piece.status")
    assert exported.headers["Content-Disposition"].startswith("attachment")
    rows = list(
        csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert rows[0][:3] == ["date", "gestionnaire", "action"]
    # The application's number has the applications' export's column name (not
    # « candidature », which reads as the application itself).
    assert rows[0][4] == "numero_inscription"
    assert len(rows) == 2 and rows[1][2] == "Statut d'une pièce justificative"
    # as the screen shows it: the académie's name, the application's number, Paris time
    catalog = app.extensions["catalog"]()
    (stamp,) = rows_of(app, "SELECT at FROM audit WHERE action = 'piece.status'")[0]
    assert rows[1][0] == paris_time(stamp) and rows[1][0] != stamp[:16].replace("T", " ")
    assert rows[1][3] == catalog.academies[academy].name and rows[1][4] == "001"
    assert "=HYPERLINK(1)" in rows[1][8] and not any(c.startswith("=") for c in rows[1])
    assert audits(app, "audit.export")[0][1]["filters"]["action"] == "piece.status"
    # The export's own entry reads as the choices made, not as the filters' record.
    journal = text(office.get("/gestion/journal?action=audit.export"))
    assert "filtres : action « Statut d'une pièce justificative »" in journal
    assert "staff_id" not in journal and "{" not in journal
    assert candidate.get("/gestion/journal").headers["Location"].startswith("/gestion/connexion")


def test_before_and_after_read_in_words(app):
    from worker.office.actions.audit_log import ACTION_LABELS
    from worker.office.actions.audit_words import Words

    catalog = app.extensions["catalog"]()
    words = Words(catalog, {7: "Claire Martin (DEC)"}, ACTION_LABELS)
    academy = open_academy(app, "cfg", "juin-2027")
    name = catalog.academies[academy].name
    exam = catalog.exams["cfg"]
    session = exam.session("juin-2027").label
    dashboard = json.dumps({"list": "sans-depot", "session": f"{academy}|cfg|juin-2027"})
    assert words(dashboard) == (
        f"liste : candidats sans aucun fichier ; session : {name} – {exam.short_name} – {session}"
    )
    relance = json.dumps({"deadline": "2027-03-01", "issued": 12, "academies": [academy, "xyz"]})
    assert words(relance) == f"date limite : 01/03/2027 ; relances : 12 ; académies : {name}, xyz"
    export = json.dumps({"filters": {"staff_id": 7, "candidate": "", "action": "staff.login"}})
    assert words(export) == "filtres : gestionnaire « Claire Martin (DEC) », action « Connexion »"
    assert words(json.dumps({"filters": {"staff_id": None, "query": ""}})) == "filtres : aucun"
    assert words(json.dumps({"status": "withdrawn", "flag": True, "n": None})) == (
        "statut : Désinscrit par le candidat ; flag : oui ; n : —"
    )
    assert words("") == "" and words("pas du JSON") == "pas du JSON"


def test_a_filter_outside_the_choices_is_shown_as_chosen(pinned):  # noqa: F811
    """An old link's action or staff member no longer among the choices still filters
    the journal (« 0 action »): the form says so, as « Candidatures » does for a session,
    rather than showing « Toutes » or « Tous » above an empty list."""
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    office = member(app, academy)
    html = office.get("/gestion/journal?action=ancienne.action&staff=99999").get_data(as_text=True)
    assert '<option value="ancienne.action" selected>ancienne.action</option>' in html
    assert '<option value="99999" selected>Gestionnaire n° 99999</option>' in html
    assert '<option value="" selected>' not in html
    plain = office.get("/gestion/journal?action=staff.login").get_data(as_text=True)
    assert plain.count(" selected>") == 1 and "ancienne.action" not in plain
