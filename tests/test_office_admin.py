"""Staff administration (/gestion/comptes): administrators only, passwords under the staff
rule (or generated and shown once), every creation audited."""

from __future__ import annotations

import json
import re

import pytest

from tests.forms import FormClient, errors, text, title
from tests.test_registration import signed_in
from worker.rules import passwords
from worker.store import db, staff

ADMIN_PASSWORD = "Admin!2027-Examens"
NEW = "/gestion/comptes/nouveau"


def member(app, role: str, academies=("rennes",)) -> FormClient:
    email = f"{role}.{'-'.join(academies)}@ac-test.fr"
    with app.app_context():
        database = db.get()
        with db.transaction(database):
            staff.create(
                database, email, f"{role} test", passwords.hash_password(ADMIN_PASSWORD),
                list(academies), role,
            )  # fmt: skip
    client = FormClient(app.test_client())
    response = client.submit("/gestion/connexion", {"login": email, "password": ADMIN_PASSWORD})
    assert response.status_code == 303, text(response)
    return client


def staff_login(app, email: str, password: str) -> int:
    client = FormClient(app.test_client())
    return client.submit("/gestion/connexion", {"login": email, "password": password}).status_code


def audits(app) -> list[tuple[int | None, dict]]:
    with app.app_context():
        rows = db.get().execute(
            "SELECT staff_id, after FROM audit WHERE action = 'staff.create' ORDER BY id"
        )
        return [(staff_id, json.loads(after)) for staff_id, after in rows]


def staff_count(app) -> int:
    with app.app_context():
        return db.get().execute("SELECT count(*) FROM staff").fetchone()[0]


def test_an_admin_creates_staff_with_a_strong_password_only(app):
    admin = member(app, "admin")
    listing = admin.get("/gestion/comptes")
    assert listing.status_code == 200 and "admin.rennes@ac-test.fr" in text(listing)
    form = admin.get(NEW)
    assert form.status_code == 200 and "au moins 12 caractères" in text(form)
    before = staff_count(app)
    data = {
        "email": "Claire.Martin@ac-nantes.fr",
        "name": "Claire Martin (DEC)",
        "academies": ["nantes", "siec"],  # any académie, not only the admin's own
        "role": "staff",
    }

    for weak in ("court!A1", "sanschiffre!ABCdef", "Examens2027Abc"):
        response = admin.submit(NEW, {**data, "password": weak, "password_confirm": weak})
        assert response.status_code == 400 and title(response).startswith("Erreur : ")
        assert any("Le mot de passe doit contenir" in e for e in errors(response))
        assert weak not in response.get_data(as_text=True)  # never echoed back
    mismatch = admin.submit(
        NEW, {**data, "password": "Claire!2027-DEC", "password_confirm": "Claire!2027-DEX"}
    )
    assert mismatch.status_code == 400
    nothing = admin.submit(NEW, {**data, "academies": [], "password": "Claire!2027-DEC",
                                 "password_confirm": "Claire!2027-DEC"})  # fmt: skip
    assert nothing.status_code == 400 and any("académie" in e for e in errors(nothing))
    unknown = admin.submit(NEW, {**data, "academies": ["atlantide"], "password": "Claire!2027-DEC",
                                 "password_confirm": "Claire!2027-DEC"})  # fmt: skip
    assert unknown.status_code == 400
    assert staff_count(app) == before and audits(app) == []

    strong = "Claire!2027-DEC"
    response = admin.submit(NEW, {**data, "password": strong, "password_confirm": strong})
    assert response.status_code == 303 and response.headers["Location"].endswith("/gestion/comptes")
    with app.app_context():
        created = staff.by_email(db.get(), "claire.martin@ac-nantes.fr")
    assert created.role == "staff" and created.name == "Claire Martin (DEC)"
    assert set(created.academies) == {"nantes", "siec", "paris", "creteil", "versailles"}
    assert staff_login(app, "claire.martin@ac-nantes.fr", strong) == 303
    assert "Claire Martin (DEC)" in text(admin.get("/gestion/comptes"))

    [(by, after)] = audits(app)
    with app.app_context():
        admin_id = staff.by_email(db.get(), "admin.rennes@ac-test.fr").id
    assert by == admin_id
    assert after["staff"] == "Claire.Martin@ac-nantes.fr" and after["role"] == "staff"
    assert strong not in json.dumps(after)

    again = admin.submit(NEW, {**data, "email": "claire.martin@AC-NANTES.fr", "password": strong,
                               "password_confirm": strong})  # fmt: skip
    assert again.status_code == 400 and any("existe déjà" in e for e in errors(again))
    assert len(audits(app)) == 1


def test_a_generated_password_is_shown_once_and_works(app):
    admin = member(app, "admin")
    response = admin.submit(
        NEW,
        {"email": "adjoint@ac-rennes.fr", "name": "Adjoint", "academies": ["rennes"],
         "role": "admin", "generate": "y"},
    )  # fmt: skip
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    shown = re.search(r"<code>([^<]+)</code>", response.get_data(as_text=True)).group(1)
    assert passwords.staff_problems(shown) == []
    assert staff_login(app, "adjoint@ac-rennes.fr", shown) == 303
    [(_by, after)] = audits(app)
    assert after["role"] == "admin" and after["password"] == "généré"
    assert shown not in json.dumps(after)
    both = admin.submit(
        NEW,
        {"email": "autre@ac-rennes.fr", "name": "Autre", "academies": ["rennes"],
         "role": "staff", "generate": "y", "password": "Autre!2027-Rennes"},
    )  # fmt: skip
    assert both.status_code == 400


def test_only_admins_reach_staff_administration(app):
    admin = member(app, "admin")
    token_page = admin.get(NEW)
    assert token_page.status_code == 200
    non_admin = member(app, "staff")
    anonymous = FormClient(app.test_client())
    candidate = signed_in(app)
    before = staff_count(app)
    for client in (non_admin, anonymous, candidate):
        # A staff member who is not an administrator is refused; anybody else is first
        # sent to the staff login page.
        expected = 403 if client is non_admin else 303
        assert client.get("/gestion/comptes").status_code == expected
        assert client.get(NEW).status_code == expected
        posted = client.http.post(
            NEW,
            data={"email": "pirate@example.fr", "name": "Pirate", "academies": ["rennes"],
                  "role": "admin", "password": "Pirate!2027-Admin",
                  "password_confirm": "Pirate!2027-Admin"},
        )  # fmt: skip
        assert posted.status_code == 403
    assert staff_count(app) == before and audits(app) == []


def test_an_anonymous_visitor_signs_in_and_lands_on_the_page_asked_for(app):
    member(app, "staff")  # creates the account (its own client is not used)
    visitor = FormClient(app.test_client())
    asked = "/gestion/candidatures?query=dubois"
    sent = visitor.get(asked)
    assert sent.status_code == 303
    login_page = sent.headers["Location"]
    assert login_page.startswith("/gestion/connexion?next=")
    signed = visitor.submit(
        login_page, {"login": "staff.rennes@ac-test.fr", "password": ADMIN_PASSWORD}
    )
    assert signed.status_code == 303 and signed.headers["Location"] == asked
    assert "Candidatures" in text(visitor.get(asked))


# -- flask --app worker staff create ----------------------------------------------------------


def create_by_command(app, email: str, name: str):
    return app.test_cli_runner().invoke(
        args=["staff", "create", "--email", email, "--name", name, "--academy", "rennes",
              "--password", ADMIN_PASSWORD],
    )  # fmt: skip


def test_the_command_creates_an_account_that_signs_in(app):
    made = create_by_command(app, " dec.rennes@ac-test.fr ", " Claire Martin (DEC) ")
    assert made.exit_code == 0, made.output
    assert "Compte gestionnaire créé : dec.rennes@ac-test.fr (rennes)." in made.output
    assert staff_login(app, "dec.rennes@ac-test.fr", ADMIN_PASSWORD) == 303
    with app.app_context():
        assert staff.by_email(db.get(), "dec.rennes@ac-test.fr").name == "Claire Martin (DEC)"


@pytest.mark.parametrize(
    ("email", "name", "said"),
    [
        ("claire.martin", "Claire Martin", "Invalid value for '--email': adresse invalide"),
        ("claire@ac-test.fr", "   ", "Invalid value for '--name': de 1 à 120 caractères"),
        ("claire@ac-test.fr", "C" * 121, "Invalid value for '--name': de 1 à 120 caractères"),
    ],
)
def test_the_command_refuses_what_the_form_refuses(app, email, name, said):
    before = staff_count(app)
    refused = create_by_command(app, email, name)
    assert refused.exit_code == 2 and said in refused.output
    assert staff_count(app) == before


def test_a_members_academies_read_by_their_names(app):
    """The signed-in member's académies in the header, the notice of a creation and the
    page of a generated password name them as the accounts' list does (« Créteil, Paris,
    SIEC, Versailles »), never by their codes (« CRETEIL, PARIS… »)."""
    admin = member(app, "admin", ("creteil", "la-reunion"))
    page = admin.get("/gestion/comptes").get_data(as_text=True)
    header = re.search(r'<p class="account-name">(.*?)</p>', page).group(1)
    assert header.endswith("admin test – Créteil, La Réunion"), header
    assert "CRETEIL" not in text(admin.get("/gestion/candidatures"))

    strong = "Claire!2027-DEC"
    made = admin.submit(
        NEW,
        {"email": "dec@ac-reunion.fr", "name": "DEC", "academies": ["la-reunion"],
         "role": "staff", "password": strong, "password_confirm": strong},
    )  # fmt: skip
    assert made.status_code == 303
    notice = text(admin.get(made.headers["Location"]))
    assert "Compte gestionnaire créé : dec@ac-reunion.fr (La Réunion)." in notice
    shown = admin.submit(
        NEW,
        {"email": "adjoint@ac-reunion.fr", "name": "Adjoint", "academies": ["la-reunion"],
         "role": "staff", "generate": "y"},
    )  # fmt: skip
    assert "est créé pour : La Réunion." in text(shown)


def test_the_staff_sign_in_speaks_to_staff_and_says_when_they_left(app):
    """The staff form asks for a professional address: its errors never mention the
    candidate number staff do not have; « Se déconnecter » says it was done, as the
    candidate space does."""
    anonymous = FormClient(app.test_client())
    empty = anonymous.submit("/gestion/connexion", {"login": "", "password": ""})
    assert empty.status_code == 400
    assert errors(empty)[0] == "Saisissez votre adresse électronique professionnelle."
    assert "numéro de candidat" not in text(empty)

    admin = member(app, "admin")
    page = "/gestion/candidatures"
    left = admin.http.post("/gestion/deconnexion", data={"csrf_token": admin.token(page)})
    assert left.status_code == 303 and left.headers["Location"].endswith("/gestion/connexion")
    assert "Vous êtes déconnecté." in text(admin.get(left.headers["Location"]))
    assert admin.get(page).status_code in (302, 303)  # signed out indeed
