"""A password hash made with other argon2 parameters than today's is replaced by one made
with today's at the next successful login, candidate or staff, and only then."""

from __future__ import annotations

from argon2 import PasswordHasher

from tests.forms import FormClient
from tests.test_accounts import PASSWORD, active_account, log_in
from worker.rules import passwords
from worker.store import db, staff

# Yesterday's parameters: argon2-cffi's defaults before the OWASP ones were chosen.
OLD = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4)
STAFF_EMAIL, STAFF_PASSWORD = "gestion.rennes@ac-test.fr", "Gestion!2027-Hachage"


def stored(app, sql: str, *params):
    with app.app_context():
        return db.get().execute(sql, params).fetchone()


def set_hash(app, table: str, key: str, value: str, new_hash: str) -> None:
    with app.app_context():
        database = db.get()
        with db.transaction(database):
            database.execute(
                f"UPDATE {table} SET password_hash = ? WHERE {key} = ?", [new_hash, value]
            )


def test_a_candidate_hash_with_old_parameters_is_upgraded_at_the_next_login(client, mailbox, app):
    data, number = active_account(client, mailbox)
    old = OLD.hash(PASSWORD)
    set_hash(app, "accounts", "candidate_number", number, old)
    assert passwords.needs_rehash(old) and passwords.verify(old, PASSWORD)

    # A wrong password changes nothing.
    assert log_in(FormClient(app.test_client()), number, "Mauvais!2027").status_code == 400
    hashed = "SELECT password_hash FROM accounts WHERE candidate_number = ?"
    assert stored(app, hashed, number) == (old,)

    # The right one signs in, and the hash is now today's, of the same password.
    assert log_in(FormClient(app.test_client()), data["email"]).status_code == 303
    (upgraded,) = stored(app, hashed, number)
    assert upgraded != old and not passwords.needs_rehash(upgraded)
    assert passwords.verify(upgraded, PASSWORD)
    assert "m=19456,t=2,p=1" in upgraded

    # A hash that is already today's is left as it is.
    assert log_in(FormClient(app.test_client()), number).status_code == 303
    assert stored(app, hashed, number) == (upgraded,)


def test_a_staff_hash_with_old_parameters_is_upgraded_at_the_next_sign_in(app):
    old = OLD.hash(STAFF_PASSWORD)
    with app.app_context():
        database = db.get()
        with db.transaction(database):
            staff.create(database, STAFF_EMAIL, "Gestion Rennes", old, ["rennes"])

    def sign_in(password: str) -> int:
        client = FormClient(app.test_client())
        login = {"login": STAFF_EMAIL, "password": password}
        return client.submit("/gestion/connexion", login).status_code

    hashed = "SELECT password_hash FROM staff WHERE email_key = ?"
    assert sign_in("Mauvais!2027-Hachage") == 400
    assert stored(app, hashed, STAFF_EMAIL) == (old,)
    assert sign_in(STAFF_PASSWORD) == 303
    (upgraded,) = stored(app, hashed, STAFF_EMAIL)
    assert upgraded != old and not passwords.needs_rehash(upgraded)
    assert passwords.verify(upgraded, STAFF_PASSWORD)
    assert sign_in(STAFF_PASSWORD) == 303
    assert stored(app, hashed, STAFF_EMAIL) == (upgraded,)
