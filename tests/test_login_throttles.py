"""Login throttles (issue 16): the back office has its own per-client limit, and a
candidate's failures are counted per account whatever identifier is typed."""

from __future__ import annotations

import uuid

from tests.forms import FormClient, text
from tests.test_accounts import active_account, log_in
from worker.rules import passwords
from worker.store import db, staff

STAFF_LOGIN = "/gestion/connexion"
STAFF_PASSWORD = "Gestion!2027-Acces"


def staff_email(app) -> str:
    email = f"gestion.{uuid.uuid4().hex[:6]}@ac-test.fr"
    with app.app_context():
        database = db.get()
        with db.transaction(database):
            staff.create(
                database, email, "Gestion", passwords.hash_password(STAFF_PASSWORD),
                ["bordeaux"], "staff",
            )  # fmt: skip
    return email


def staff_login(app, email: str, password: str = STAFF_PASSWORD):
    client = FormClient(app.test_client())
    return client.submit(STAFF_LOGIN, {"login": email, "password": password})


def test_staff_sharing_one_address_are_not_held_by_the_per_account_limit(app):
    """SECURITY.md, accounts and tokens: logins throttled per account and per client; the
    back office's per-client limit is its own (one exam office shares one address)."""
    members = [staff_email(app) for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1)]
    for email in members[:-1]:  # each colleague mistypes once, from the same office
        assert staff_login(app, email, "Mauvais!2027").status_code == 400
    assert staff_login(app, members[-1]).status_code == 303


def test_staff_per_client_limit_is_its_setting(app):
    """SECURITY.md, accounts and tokens: login attempts throttled per client
    (PORTAIL_STAFF_LOGIN_MAX_FAILURES_PER_CLIENT), without permanent lock-out."""
    app.config["STAFF_LOGIN_MAX_FAILURES_PER_CLIENT"] = 3
    app.config["LOGIN_MAX_FAILURES"] = 2  # the candidates' per-client one stays far above
    members = [staff_email(app) for _ in range(4)]
    for email in members[:3]:
        assert staff_login(app, email, "Mauvais!2027").status_code == 400
    blocked = staff_login(app, members[3])
    assert blocked.status_code == 429 and "Trop de tentatives" in text(blocked)
    assert 0 < int(blocked.headers["Retry-After"]) <= 15 * 60


def test_a_candidate_budget_is_per_account_whatever_the_identifier(client, mailbox, app):
    """SECURITY.md, accounts and tokens: login attempts throttled per account: typing the
    address, its capitalised form or the candidate number in turn never adds guesses."""
    data, number = active_account(client, mailbox)
    spellings = [data["email"], number, f"  {data['email'].upper()} ", f" {number}"]
    for attempt in range(app.config["LOGIN_MAX_FAILURES"]):
        login = spellings[attempt % len(spellings)]
        assert log_in(client, login, "Mauvais!2027").status_code == 400
    for login in spellings:
        assert log_in(client, login).status_code == 429
