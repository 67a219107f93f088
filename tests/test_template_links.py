"""Links without arguments in templates are built once (web.templating.template_url_for),
and stay those url_for builds: under another script root, relative to the blueprint, with
arguments."""

from __future__ import annotations

from flask import url_for

from worker.web.templating import template_url_for

CASES = [
    ("/espace-candidat/", "account.overview", {}),
    ("/gestion/relance", ".session", {}),  # office_relance's own
    ("/espace-candidat/", "registration.step", {"draft_id": 7, "code": "identification"}),
]


def test_template_links_are_those_of_url_for(app):
    for root in ("http://localhost/", "http://localhost/portail/"):
        for path, endpoint, values in CASES:
            with app.test_request_context(path, base_url=root):
                for _ in range(2):  # built, then remembered
                    assert template_url_for(endpoint, **values) == url_for(endpoint, **values)
    with app.test_request_context("/", base_url="http://localhost/portail/"):
        assert template_url_for("account.overview") == "/portail/espace-candidat/compte"
