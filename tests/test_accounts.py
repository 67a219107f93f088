"""The rules of candidate accounts, through the worker's HTTP interface and real SMTP."""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.forms import TOKEN, errors, text, title
from tests.mailbox import link_in
from worker.rules import passwords, tokens
from worker.store import accounts, db

SIGNUP = "/espace-candidat/creer-un-compte"
LOGIN = "/espace-candidat/connexion"
FORGOTTEN = "/espace-candidat/mot-de-passe-oublie"
PASSWORD = "Examen!2027"


def identity(**changes) -> dict:
    address = f"candidat.{uuid.uuid4().hex[:10]}@example.fr"
    data = {
        "civility": "M",
        "last_name": "Dubois",
        "last_name_confirm": "Dubois",
        "usual_name": "",
        "first_names": "Pierre Jean",
        "birth_date": "01/01/2002",
        "birth_date_confirm": "01/01/2002",
        "birth_country": "FR",
        "birth_departement": "10",
        "birth_commune": "Troyes",
        "email": address,
        "email_confirm": address,
        "password": PASSWORD,
        "password_confirm": PASSWORD,
    }
    data.update(changes)
    return data


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def sign_up(client, mailbox, **changes) -> tuple[dict, str]:
    """Create an account; returns the form data and the activation link's path."""
    data = identity(**changes)
    before = mailbox.count()
    response = client.submit(SIGNUP, data)
    assert response.status_code == 303, errors(client.http.post(SIGNUP, data=data))
    mail = mailbox.last_to(data["email"], "Activer mon compte", after=before)
    return data, path_of(link_in(mail))


def activate(client, link: str) -> str:
    response = client.submit(link)
    assert response.status_code == 200
    return re.search(r"\b(0\d{10})\b", text(response)).group(1)


def active_account(client, mailbox, **changes) -> tuple[dict, str]:
    data, link = sign_up(client, mailbox, **changes)
    return data, activate(client, link)


def log_in(client, login: str, password: str = PASSWORD):
    return client.submit(LOGIN, {"login": login, "password": password})


# -- password rule -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password, lacking",
    [
        ("Abcdef!", "entre 8 et 20 caractères"),  # 7 characters
        ("Abcdefg!", None),  # 8: the shortest accepted
        ("Abcdefghijklmnopqr!", None),  # 19
        ("Abcdefghijklmnopqrs!", None),  # 20: the longest accepted
        ("Abcdefghijklmnopqrst!", "entre 8 et 20 caractères"),  # 21
        ("abcdefg!", "une majuscule"),
        ("ABCDEFG!", "une minuscule"),
        ("Abcdefgh", "un caractère spécial"),
        ("Abcdefg1", "un caractère spécial"),  # a digit is not a special character
        ("Abcdéfg€", None),
        ("", "entre 8 et 20 caractères"),
    ],
)
def test_password_rule_boundaries(password, lacking):
    found = passwords.problems(password)
    assert (lacking in found) if lacking else found == []


def test_signup_refuses_a_weak_password_with_the_rule(client):
    response = client.submit(SIGNUP, identity(password="abc", password_confirm="abc"))
    assert response.status_code == 400
    message = next(e for e in errors(response) if "mot de passe" in e)
    assert "entre 8 et 20 caractères" in message and "une majuscule" in message
    assert 'value="abc"' not in response.get_data(as_text=True)  # never sent back


# -- creation ------------------------------------------------------------------------------


def test_signup_rules_each_confirmation_must_match(client):
    response = client.submit(
        SIGNUP,
        identity(
            last_name_confirm="Durand",
            birth_date_confirm="02/01/2002",
            email_confirm="autre@example.fr",
            password_confirm="Autre!2027",
        ),
    )
    assert response.status_code == 400
    assert errors(response) == [
        "Les deux noms de famille saisis sont différents.",
        "Les deux dates de naissance saisies sont différentes.",
        "Les deux adresses électroniques saisies sont différentes.",
        "Les deux mots de passe saisis sont différents.",
    ]
    assert title(response).startswith("Erreur : Créer mon compte candidat")
    assert 'value="Dubois"' in response.get_data(as_text=True)  # what was typed is kept


@pytest.mark.parametrize("typed", ["1/1/2002", "2002-01-01", "31/02/2002", "01/13/2002", "demain"])
def test_birth_date_is_parsed_strictly(client, typed):
    response = client.submit(SIGNUP, identity(birth_date=typed, birth_date_confirm=typed))
    assert response.status_code == 400
    assert "Saisissez la date de naissance au format JJ/MM/AAAA" in " ".join(errors(response))


def test_commune_must_belong_to_the_departement(client):
    response = client.submit(SIGNUP, identity(birth_departement="35", birth_commune="Troyes"))
    assert response.status_code == 400
    assert any("Aucune commune « Troyes » dans ce département" in e for e in errors(response))


def test_born_abroad_needs_no_departement(client, mailbox, app):
    data, _link = sign_up(
        client, mailbox, birth_country="MA", birth_departement="", birth_commune="Casablanca"
    )
    with app.app_context():
        account = accounts.by_email(db.get(), data["email"])
    assert (account.birth_country, account.birth_departement, account.birth_commune) == (
        "MA",
        "",
        "",
    )
    assert account.birth_commune_name == "Casablanca"


def test_signup_page_then_activation_mail(client, mailbox, app):
    data = identity()
    before = mailbox.count()
    response = client.submit(SIGNUP, data)
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert "Votre compte est en cours de création" in text(page)
    assert data["email"] in text(page)
    mail = mailbox.last_to(data["email"], "[Portail candidat] Activer mon compte", after=before)
    assert link_in(mail).startswith("http://localhost/espace-candidat/activer/")
    with app.app_context():
        account = accounts.by_email(db.get(), data["email"])
    assert account.status == "pending" and account.candidate_number is None
    assert account.password_hash.startswith("$argon2id$")


@pytest.mark.parametrize(
    "path, tokens",
    [
        (
            SIGNUP,
            {"last_name": "family-name", "first_names": "given-name", "birth_date": "bday",
             "email": "email", "password": "new-password", "password_confirm": "new-password"},
        ),
        (LOGIN, {"login": "username", "password": "current-password"}),
        (FORGOTTEN, {"login": "username"}),
    ],
    ids=["creer-un-compte", "connexion", "mot-de-passe-oublie"],
)  # fmt: skip
def test_account_forms_say_the_purpose_of_the_candidates_own_data(client, path, tokens):
    """WCAG 1.3.5: the browser and password managers know what each field is for."""
    page = client.get(path).get_data(as_text=True)
    for name, token in tokens.items():
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
        assert f'autocomplete="{token}"' in tag, tag


@pytest.mark.parametrize("variant", [str.upper, str.title, lambda s: "  " + s + " "])
def test_one_account_per_address_whatever_its_case(client, mailbox, app, variant):
    data, _ = active_account(client, mailbox)
    other = variant(data["email"])
    before = mailbox.count()
    again = client.submit(SIGNUP, identity(email=other, email_confirm=other))
    assert again.status_code == 303  # the same answer as a new address…
    notice = mailbox.last_to(data["email"], "Tentative de création de compte", after=before)
    assert "aucun nouveau compte" in notice.get_content()  # …and the owner is told by mail
    with app.app_context():
        count = db.get().execute("SELECT count(*) FROM accounts").fetchone()[0]
    assert count == 1


def test_signup_answers_the_same_for_known_and_unknown_addresses(client, mailbox, monkeypatch):
    known, _ = active_account(client, mailbox)
    hashes = []  # the costly work of each path, counted rather than timed
    real = passwords.hash_password
    monkeypatch.setattr(passwords, "hash_password", lambda p: hashes.append(p) or real(p))

    def answer(email: str) -> tuple[int, str, int]:
        before = len(hashes)
        response = client.submit(SIGNUP, identity(email=email, email_confirm=email))
        page = text(client.get(response.headers["Location"])).replace(email, "ADRESSE")
        return response.status_code, page, len(hashes) - before

    status_known, page_known, work_known = answer(known["email"])
    status_new, page_new, work_new = answer(f"nouveau.{uuid.uuid4().hex[:8]}@example.fr")
    assert (status_known, page_known) == (status_new, page_new)
    # Both paths hash the password (argon2): neither answers measurably faster.
    assert work_known == work_new == 1


# -- activation ----------------------------------------------------------------------------


def test_activation_gives_a_candidate_number_once(client, mailbox, app):
    _data, link = sign_up(client, mailbox)
    page = client.get(link)
    assert page.status_code == 200 and "Activer mon compte" in text(page)  # GET changes nothing
    number = activate(client, link)
    year = datetime.now(UTC).strftime("%y")
    assert re.fullmatch(rf"0{year}\d{{8}}", number)
    reused = client.get(link)
    assert "Votre compte est déjà activé" in text(reused)
    assert 'name="csrf_token"' not in reused.get_data(as_text=True)  # nothing left to submit


def test_activation_link_expires_after_48_hours(client, mailbox, app):
    _data, link = sign_up(client, mailbox)
    later = datetime.now(UTC) + timedelta(hours=48, minutes=1)
    real_time = time.time
    try:
        time.time = lambda: later.timestamp()  # itsdangerous reads time.time()
        page = client.get(link)
    finally:
        time.time = real_time
    assert page.status_code == 410
    assert "Créez de nouveau votre compte" in text(page)


def test_tampered_and_cross_purpose_links_are_refused(client, mailbox, app):
    data, link = sign_up(client, mailbox)
    token = link.rsplit("/", 1)[1]
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert client.get(f"/espace-candidat/activer/{tampered}").status_code == 400
    with app.test_request_context():
        account = accounts.by_email(db.get(), data["email"])
        as_reset = tokens.make(tokens.Purpose.RESET, account.id, tokens.activation_state(account))
    assert client.get(f"/espace-candidat/activer/{as_reset}").status_code == 400
    assert client.get(f"/espace-candidat/nouveau-mot-de-passe/{token}").status_code == 400


def created_hours_ago(app, hours: int, *emails: str) -> None:
    """Date the accounts of these addresses back, as if created ``hours`` ago."""
    created = (datetime.now(UTC) - timedelta(hours=hours)).isoformat(timespec="seconds")
    with app.app_context():
        database = db.get()
        with db.transaction(database):
            for email in emails:
                database.execute(
                    "UPDATE accounts SET created_at = ? WHERE email_key = ?",
                    [created, email.casefold()],
                )


def test_purge_deletes_only_late_unactivated_accounts(client, mailbox, app):
    late, _ = sign_up(client, mailbox)
    fresh, _ = sign_up(client, mailbox)
    active, _ = active_account(client, mailbox)
    created_hours_ago(app, 49, late["email"], active["email"])
    output = app.test_cli_runner().invoke(args=["accounts", "purge"]).output
    assert "1 compte(s) non activé(s) supprimé(s)." in output
    with app.app_context():
        left = {r["email_key"] for r in db.get().query("SELECT email_key FROM accounts")}
    assert left == {fresh["email"].casefold(), active["email"].casefold()}


def test_purge_spares_an_account_whose_activation_link_still_works(client, mailbox, app):
    app.config["TOKEN_MAX_AGE"] = 72 * 3600  # links valid three days
    waiting, _ = sign_up(client, mailbox)
    created_hours_ago(app, 60, waiting["email"])
    output = app.test_cli_runner().invoke(args=["accounts", "purge"]).output
    assert "0 compte(s) non activé(s) supprimé(s)." in output
    explicit = app.test_cli_runner().invoke(args=["accounts", "purge", "--hours", "48"]).output
    assert "1 compte(s) non activé(s) supprimé(s)." in explicit


@pytest.mark.parametrize("hours", ["0", "-5"])
def test_purge_refuses_a_delay_that_would_delete_accounts_just_created(client, mailbox, app, hours):
    fresh, _ = sign_up(client, mailbox)
    refused = app.test_cli_runner().invoke(args=["accounts", "purge", "--hours", hours])
    assert refused.exit_code == 2 and "Invalid value for '--hours'" in refused.output
    with app.app_context():
        assert accounts.by_email(db.get(), fresh["email"]) is not None


# -- login ---------------------------------------------------------------------------------


def test_login_with_email_in_any_case_or_candidate_number(client, mailbox):
    data, number = active_account(client, mailbox)
    for login in (data["email"].upper(), number):
        response = log_in(client, login)
        assert response.status_code == 303 and response.headers["Location"] == "/espace-candidat/"
        home = text(client.get("/espace-candidat/"))
        assert f"N°Candidat : {number} DUBOIS Pierre Jean Né le 01/01/2002" in home
        assert "Vous n'avez aucune candidature active." in home
        logout = client.http.post(
            "/espace-candidat/deconnexion", data={"csrf_token": client.token("/espace-candidat/")}
        )
        assert logout.status_code == 303
        assert client.get("/espace-candidat/").status_code == 302  # signed out


def test_login_failure_says_nothing_about_which_part_was_wrong(client, mailbox):
    data, _ = active_account(client, mailbox)
    wrong_password = log_in(client, data["email"], "Mauvais!2027")
    unknown_user = log_in(client, "personne@example.fr", "Mauvais!2027")
    assert wrong_password.status_code == unknown_user.status_code == 400
    assert errors(wrong_password) == errors(unknown_user)
    assert "Identifiant ou mot de passe incorrect" in errors(unknown_user)[0]


def test_unactivated_account_cannot_log_in(client, mailbox):
    data, _ = sign_up(client, mailbox)
    response = log_in(client, data["email"])
    assert response.status_code == 400
    assert "pas encore activé" in errors(response)[0]


def test_login_rotates_the_session_and_redirects_only_locally(client, mailbox, app):
    data, _ = active_account(client, mailbox)
    client.get(LOGIN)
    before = client.http.get_cookie("portail_session").value
    response = client.submit(
        f"{LOGIN}?next=//evil.example/x", {"login": data["email"], "password": PASSWORD}
    )
    assert response.headers["Location"] == "/espace-candidat/"
    assert client.http.get_cookie("portail_session").value != before
    again = client.submit(
        f"{LOGIN}?next=/espace-candidat/messages", {"login": data["email"], "password": PASSWORD}
    )
    assert again.headers["Location"] == "/espace-candidat/messages"


def test_throttling_after_repeated_failures_then_forgiven(client, mailbox, app):
    data, _ = active_account(client, mailbox)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert log_in(client, data["email"], "Mauvais!2027").status_code == 400
    blocked = log_in(client, data["email"])  # even the right password waits
    assert blocked.status_code == 429
    assert "Trop de tentatives" in text(blocked)
    assert 0 < int(blocked.headers["Retry-After"]) <= 15 * 60
    assert log_in(client, "autre@example.fr", "Mauvais!2027").status_code == 400  # others not
    app.config["NOW"] = lambda: datetime.now(UTC) + timedelta(minutes=16)
    assert log_in(client, data["email"]).status_code == 303  # never a permanent lock-out


# -- password reset ------------------------------------------------------------------------


def test_reset_page_names_every_identifier_and_leaves_franceconnect_to_its_services(client):
    """The BTS guide: the pupil's login is accepted too, and this page does not change the
    password of FranceConnect's services."""
    page = text(client.get(FORGOTTEN))
    assert "numéro de candidat à 11 chiffres, ou l'identifiant de votre papillon" in page
    assert "ne change pas le mot de passe de FranceConnect" in page


def test_reset_answers_the_same_for_known_and_unknown_identifiers(client, mailbox):
    data, number = active_account(client, mailbox)
    pages = []
    for login in (number, "09999999999"):
        response = client.submit(FORGOTTEN, {"login": login})
        assert response.status_code == 303
        pages.append(text(client.get(response.headers["Location"])))
    assert pages[0] == pages[1]
    email_page = text(
        client.get(client.submit(FORGOTTEN, {"login": data["email"]}).headers["Location"])
    )
    assert re.search(r"à l'adresse c•+@e•+\.fr", email_page)


def test_reset_link_is_single_use_and_ends_other_sessions(client, mailbox, app):
    data, _ = active_account(client, mailbox)
    other_device = type(client)(app.test_client())
    log_in(other_device, data["email"])
    assert other_device.get("/espace-candidat/").status_code == 200
    before = mailbox.count()
    client.submit(FORGOTTEN, {"login": data["email"]})
    first = path_of(link_in(mailbox.last_to(data["email"], "nouveau mot de passe", after=before)))
    between = mailbox.count()  # not before + 1: another test's late mail may come in between
    client.submit(FORGOTTEN, {"login": data["email"]})
    second = path_of(link_in(mailbox.last_to(data["email"], "nouveau mot de passe", after=between)))
    new = "Nouveau!2028"
    assert client.get(first).status_code == 410  # the newer link of the same purpose killed it
    done = client.submit(second, {"password": new, "password_confirm": new})
    assert done.status_code == 303
    mailbox.last_to(data["email"], "Votre mot de passe a été modifié", after=before)
    assert client.get(second).status_code == 410  # used
    assert other_device.get("/espace-candidat/").status_code == 302  # other session ended
    assert log_in(client, data["email"], PASSWORD).status_code == 400
    assert log_in(client, data["email"], new).status_code == 303


# -- editing and deleting ------------------------------------------------------------------


def add_application(app, email: str, status: str = "withdrawn") -> None:
    with app.app_context():
        database = db.get()
        account = accounts.by_email(database, email)
        with db.transaction(database):
            database.execute(
                "INSERT INTO applications (account_id, academy, exam, session, number, status,"
                " created_at) VALUES (?, 'rennes', 'bts', '2027', '001', ?, ?)",
                [account.id, status, datetime.now(UTC).isoformat()],
            )


def test_identity_editable_until_an_application_exists(client, mailbox, app):
    data, _ = active_account(client, mailbox)
    log_in(client, data["email"])
    changed = {k: v for k, v in identity().items() if not k.startswith(("email", "password"))}
    changed.update(first_names="Paul", birth_departement="35", birth_commune="rennes")
    assert client.submit("/espace-candidat/compte/identite", changed).status_code == 303
    overview = text(client.get("/espace-candidat/compte"))
    assert "Paul" in overview and "Rennes (35)" in overview
    add_application(app, data["email"])  # even a withdrawn one locks the identity
    overview = text(client.get("/espace-candidat/compte"))
    assert "seuls votre adresse électronique et votre mot de passe restent modifiables" in overview
    assert "dec@ac-rennes.fr" in overview  # whom to contact
    page = client.get("/espace-candidat/compte/identite")
    assert page.status_code == 303
    forged = client.http.post(
        "/espace-candidat/compte/identite", data={**changed, "first_names": "Jacques"}
    )
    assert forged.status_code == 303
    with app.app_context():
        assert accounts.by_email(db.get(), data["email"]).first_names == "Paul"


def test_email_change_is_verified_before_it_becomes_the_identifier(client, mailbox, app):
    data, _ = active_account(client, mailbox)
    log_in(client, data["email"])
    new = f"nouvelle.{uuid.uuid4().hex[:8]}@example.fr"
    before = mailbox.count()
    response = client.submit(
        "/espace-candidat/compte/adresse",
        {"email": new, "email_confirm": new.upper(), "current_password": PASSWORD},
    )
    assert response.status_code == 200 and "Confirmez votre nouvelle adresse" in text(response)
    link = path_of(link_in(mailbox.last_to(new, "Confirmer votre nouvelle adresse", after=before)))
    assert log_in(type(client)(app.test_client()), new).status_code == 400  # not yet
    assert client.submit(link).status_code == 200
    mailbox.last_to(data["email"], "adresse électronique a été modifiée", after=before)
    assert log_in(type(client)(app.test_client()), new).status_code == 303
    assert client.get(link).status_code == 410  # single use


def test_password_change_needs_the_current_one_and_ends_other_sessions(client, mailbox, app):
    data, _ = active_account(client, mailbox)
    other_device = type(client)(app.test_client())
    log_in(other_device, data["email"])
    log_in(client, data["email"])
    url = "/espace-candidat/compte/mot-de-passe"
    new = "Autre!Mot2028"
    wrong = client.submit(
        url, {"current_password": "Faux!2027x", "password": new, "password_confirm": new}
    )
    assert wrong.status_code == 400 and "Mot de passe actuel incorrect." in errors(wrong)
    assert (
        client.submit(
            url, {"current_password": PASSWORD, "password": new, "password_confirm": new}
        ).status_code
        == 303
    )
    assert client.get("/espace-candidat/").status_code == 200  # this session goes on
    assert other_device.get("/espace-candidat/").status_code == 302


def test_delete_refused_with_an_application_then_allowed_without(client, mailbox, app):
    data, _ = active_account(client, mailbox)
    log_in(client, data["email"])
    page = client.get("/espace-candidat/compte/supprimer")
    assert "La suppression est définitive" in text(page)
    assert client.submit("/espace-candidat/compte/supprimer").status_code == 200
    assert log_in(client, data["email"]).status_code == 400
    other, _ = active_account(client, mailbox)
    add_application(app, other["email"])
    log_in(client, other["email"])
    refused = client.get("/espace-candidat/compte/supprimer")
    assert refused.status_code == 409
    assert "rattaché à au moins une candidature" in text(refused)


def test_messages_list_every_mail_of_the_account(client, mailbox):
    data, number = active_account(client, mailbox)
    log_in(client, data["email"])
    page = text(client.get("/espace-candidat/messages"))
    assert "[Portail candidat] Activer mon compte" in page
    assert "[Portail candidat] Votre compte est activé" in page
    assert f"Votre numéro de candidat : {number}" in page  # the full text


# -- headers and forms ---------------------------------------------------------------------


def test_security_headers_and_cookie(client, mailbox):
    data, _ = active_account(client, mailbox)
    response = log_in(client, data["email"])
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/espace-candidat/")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "same-origin"


def test_posts_without_a_csrf_token_change_nothing(client, mailbox, app):
    data = identity()
    response = client.http.post(SIGNUP, data=data)
    assert response.status_code == 400
    assert "Le formulaire a expiré" in " ".join(errors(response))
    with app.app_context():
        assert accounts.by_email(db.get(), data["email"]) is None


def test_get_never_changes_state(client, mailbox, app):
    _data, link = sign_up(client, mailbox)
    for _ in range(3):
        client.get(link)
    with app.app_context():
        assert (
            db.get().execute("SELECT count(*) FROM accounts WHERE status = 'active'").fetchone()[0]
            == 0
        )


def test_mail_links_use_the_configured_address_not_the_host_header(client, mailbox):
    data = identity()
    before = mailbox.count()
    foreign = "http://attacker.example"
    page = client.http.get(SIGNUP, base_url=foreign).get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    response = client.http.post(SIGNUP, base_url=foreign, data={"csrf_token": token, **data})
    assert response.status_code == 303
    link = link_in(mailbox.last_to(data["email"], "Activer mon compte", after=before))
    assert link.startswith("http://localhost/")


def test_email_and_candidate_number_share_one_failure_budget(client, mailbox, app):
    data, number = active_account(client, mailbox)
    limit = app.config["LOGIN_MAX_FAILURES"]
    for attempt in range(limit):
        login = data["email"] if attempt % 2 else number
        assert log_in(client, login, "Mauvais!2027").status_code == 400
    assert log_in(client, number).status_code == 429
    assert log_in(client, data["email"]).status_code == 429


def test_one_account_per_mailbox_whatever_the_domain_spelling(client, mailbox, app):
    """SECURITY.md, input: emails compared case-insensitively, domains folded with IDNA."""
    unicode_form = f"claire.{uuid.uuid4().hex[:8]}@Exämple.fr"
    punycode_form = unicode_form.split("@")[0] + "@xn--exmple-cua.FR"
    sign_up(client, mailbox, email=unicode_form, email_confirm=unicode_form)
    before = mailbox.count()
    client.submit(SIGNUP, identity(email=punycode_form, email_confirm=punycode_form))
    warned = mailbox.last_to(unicode_form, "Portail candidat", after=before)
    assert "Activer mon compte" not in warned["Subject"]  # the owner is told, no new account
    with app.app_context():
        from worker.store import db

        keys = db.get().execute(
            "SELECT email_key FROM accounts WHERE email_key LIKE ?", [unicode_form[:14] + "%"]
        )
        assert [k for (k,) in keys] == [punycode_form.casefold()]


def test_a_password_too_long_is_refused_with_the_rule_not_cut_by_the_browser(client):
    """With maxlength=20 the browser kept the first 20 characters of 21 without a word, and
    the candidate could not sign in with what they typed: the server says why instead."""
    page = client.get(SIGNUP).get_data(as_text=True)
    fields = re.findall(r'<input[^>]*name="password(?:_confirm)?"[^>]*>', page)
    assert len(fields) == 2 and not any("maxlength" in f for f in fields)
    long = "Examen!2027-Candidat1"  # 21 characters
    refused = client.submit(SIGNUP, identity(password=long, password_confirm=long))
    assert refused.status_code == 400
    assert any("entre 8 et 20 caractères" in e for e in errors(refused))
