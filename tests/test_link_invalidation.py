"""Pending reset and email-change links die on a later login, password change, email
change or newer link of the same purpose (issue 16), through HTTP and real SMTP."""

from __future__ import annotations

import uuid

from tests.mailbox import link_in
from tests.test_accounts import FORGOTTEN, PASSWORD, active_account, log_in, path_of

EMAIL_FORM = "/espace-candidat/compte/adresse"
PASSWORD_FORM = "/espace-candidat/compte/mot-de-passe"


def reset_link(client, mailbox, email: str) -> str:
    before = mailbox.count()
    client.submit(FORGOTTEN, {"login": email})
    return path_of(link_in(mailbox.last_to(email, "nouveau mot de passe", after=before)))


def email_link(client, mailbox, new: str | None = None) -> str:
    """An email-change link asked from the signed-in ``client``."""
    new = new or f"nouvelle.{uuid.uuid4().hex[:8]}@example.fr"
    before = mailbox.count()
    form = {"email": new, "email_confirm": new, "current_password": PASSWORD}
    assert client.submit(EMAIL_FORM, form).status_code == 200
    return path_of(link_in(mailbox.last_to(new, "Confirmer votre nouvelle adresse", after=before)))


def another(client, app):
    return type(client)(app.test_client())


def test_a_later_login_kills_a_pending_reset_link(client, mailbox, app):
    """SECURITY.md, accounts and tokens: a later login invalidates pending reset links."""
    data, _ = active_account(client, mailbox)
    link = reset_link(client, mailbox, data["email"])
    assert client.get(link).status_code == 200
    assert log_in(another(client, app), data["email"]).status_code == 303
    assert client.get(link).status_code == 410


def test_a_later_login_kills_a_pending_email_change_link(client, mailbox, app):
    """SECURITY.md, accounts and tokens: a later login invalidates pending email-change
    links."""
    data, _ = active_account(client, mailbox)
    log_in(client, data["email"])
    link = email_link(client, mailbox)
    assert log_in(another(client, app), data["email"]).status_code == 303
    assert client.get(link).status_code == 410


def test_a_password_change_kills_a_pending_email_change_link(client, mailbox, app):
    """SECURITY.md, accounts and tokens: a password change invalidates pending
    email-change (and reset) links."""
    data, _ = active_account(client, mailbox)
    log_in(client, data["email"])
    link = email_link(client, mailbox)
    new = "Autre!Mot2028"
    form = {"current_password": PASSWORD, "password": new, "password_confirm": new}
    assert client.submit(PASSWORD_FORM, form).status_code == 303
    assert client.get(link).status_code == 410


def test_an_email_change_kills_a_pending_reset_link(client, mailbox, app):
    """SECURITY.md, accounts and tokens: an email change invalidates pending reset links."""
    data, _ = active_account(client, mailbox)
    log_in(client, data["email"])
    elsewhere = another(client, app)
    link = reset_link(elsewhere, mailbox, data["email"])
    assert elsewhere.get(link).status_code == 200
    confirm = email_link(client, mailbox)
    assert another(client, app).submit(confirm).status_code == 200  # the address changed
    assert elsewhere.get(link).status_code == 410


def test_a_newer_reset_link_kills_the_older_one(client, mailbox, app):
    """SECURITY.md, accounts and tokens: only the newest reset link works (single use,
    one pending link per purpose)."""
    data, _ = active_account(client, mailbox)
    first = reset_link(client, mailbox, data["email"])
    second = reset_link(client, mailbox, data["email"])
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200
