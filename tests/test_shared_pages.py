"""« Me connecter » is rendered once and shared by anonymous visitors (web.pages.SharedPages):
each visitor still gets the tokens of their own session, and whoever is signed in or has a
message waiting gets a page of their own."""

from __future__ import annotations

import re

import pytest
from flask import render_template

from tests.forms import TOKEN, FormClient, text
from tests.test_franceconnect import LOGIN, START, button_token, fc_app, provider  # noqa: F401
from tests.test_registration import PASSWORD, candidate, signed_in
from worker.forms.account import LoginForm
from worker.web.pages import SharedPages


def tokens(page) -> list[str]:
    return re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(True))


def test_each_visitor_gets_the_token_of_their_own_session(app):
    first, second = FormClient(app.test_client()), FormClient(app.test_client())
    first_token, second_token = first.token(LOGIN), second.token(LOGIN)
    assert first_token != second_token
    assert first.token(LOGIN) != second.token(LOGIN)  # the shared page, filled in again
    email = candidate(app)
    credentials = {"login": email, "password": PASSWORD}
    refused = second.http.post(LOGIN, data={**credentials, "csrf_token": first_token})
    assert refused.status_code == 400
    accepted = second.http.post(LOGIN, data={**credentials, "csrf_token": second_token})
    assert accepted.status_code == 303


def test_the_franceconnect_button_carries_the_visitors_own_token(fc_app):  # noqa: F811
    first, second = FormClient(fc_app.test_client()), FormClient(fc_app.test_client())
    first_token, second_token = button_token(first), button_token(second)
    assert first_token != second_token
    button, form = tokens(first.get(LOGIN))  # in the shared page, one token fills both
    assert button == form
    assert second.http.post(START, data={"csrf_token": first_token}).status_code == 400
    started = second.http.post(START, data={"csrf_token": second_token})
    assert started.status_code == 302 and "/auth?" in started.headers["Location"]


def test_a_signed_in_visitor_gets_a_page_of_their_own(app):
    FormClient(app.test_client()).get(LOGIN)  # the shared page is there
    client = signed_in(app)
    page = text(client.get(LOGIN))
    assert "Se déconnecter" in page and "MARTIN Léa" in page


def test_a_waiting_message_is_shown_then_the_page_is_shared_again(app):
    client = signed_in(app)
    token = client.token("/espace-candidat/")  # the logout button's
    client.http.post("/espace-candidat/deconnexion", data={"csrf_token": token})
    assert "Vous êtes déconnecté." in text(client.get(LOGIN))
    assert "Vous êtes déconnecté." not in text(client.get(LOGIN))


def test_a_page_holding_a_token_of_its_own_cannot_be_shared(app):
    """A page that renders another form (a token the slot does not replace) is refused."""
    with app.test_request_context(LOGIN):
        other = LoginForm.from_request()
        own = render_template("candidate/login.html", form=other, errors=[], title="x")
        assert TOKEN.search(own)
        context = {"paragraphs": (own,), "links": (), "button": None}
        with pytest.raises(RuntimeError, match="cannot be shared"):
            SharedPages().page("candidate/notice.html", LoginForm, "x", context)


def test_a_head_request_gets_the_page_headers(client):
    assert client.http.head(LOGIN).status_code == 200
