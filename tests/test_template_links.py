"""Links in templates and table rows are built once per shape (web.templating's
template_url_for and row_links), and stay those url_for builds: under another script root,
relative to the blueprint, with arguments."""

from __future__ import annotations

from typing import NamedTuple

from flask import url_for

from worker.web.templating import row_links, template_url_for

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


SHAPES = [
    ("office.application", {"application_id": 12}),
    ("office_queue.piece", {"application_id": 3, "code": "identite"}),
    ("office.applications", {"status": "registered", "page": 2}),  # query string
    ("office.applications", {"session": "creteil|bts|2027", "page": 2}),  # quoted: url_for's
    ("office.applications", {"query": "", "page": 1}),  # an empty value: url_for's
    ("registration.step", {"draft_id": 7, "code": "identification", "_anchor": "x"}),
]


def test_links_with_values_are_formatted_from_one_built_link_and_match_url_for(app):
    with app.test_request_context("/gestion/", base_url="http://localhost/portail/"):
        for endpoint, values in SHAPES:
            first = template_url_for(endpoint, **values)
            assert first == url_for(endpoint, **values)
            other = {k: v + 1 if type(v) is int else v for k, v in values.items()}
            assert template_url_for(endpoint, **other) == url_for(endpoint, **other)
        patterns = app.extensions["template_links"]
        kept = {key[0]: pattern for key, pattern in patterns.items() if pattern}
        assert kept["office.application"] == "/portail/gestion/candidatures/{0}"
        assert "{1}" in kept["office_queue.piece"]
        assert template_url_for("office.application", application_id=99) == (
            "/portail/gestion/candidatures/99"
        )


class Row(NamedTuple):
    application_id: int
    code: str


def test_row_links_give_each_row_the_link_url_for_builds(app):
    rows = [Row(3, "identite"), Row(41, "photo"), Row(5, "pièce jointe"), Row(6, "")]
    with app.test_request_context("/gestion/a-traiter", base_url="http://localhost/portail/"):
        link = row_links("office_queue.piece", application_id="application_id", code="code")
        for row in rows * 2:  # the first pass finds the shape, the second reuses it
            assert link(row) == url_for(
                "office_queue.piece", application_id=row.application_id, code=row.code
            )
        assert link(rows[1]) == "/portail/gestion/a-traiter/41/photo"
        one = row_links("office.application", application_id="application_id")
        assert one(rows[0]) == "/portail/gestion/candidatures/3"


class Listed(NamedTuple):
    id: int
    status: str
    name: str


def test_a_table_writes_its_row_link_into_the_row_pattern_and_prints_url_for_links(app, tmp_path):
    """web.rows writes a link whose values go in it as they are into the row's pattern
    (its text escaped once, a query string's « & » included); rows with a value url_for
    must quote are linked one by one: either way, each row has the link url_for builds."""
    from markupsafe import escape

    from worker.web import rows as table_rows

    (tmp_path / "row.html").write_text('<tr><td><a href="{link}">{name}</a></td></tr>\n', "utf-8")
    app.jinja_loader.searchpath.insert(0, str(tmp_path))
    plain = [Listed(3, "registered", "<DUPONT> Jeanne"), Listed(41, "withdrawn", "MARTIN Léa")]
    quoted = [*plain, Listed(5, "en attente", "DURAND Paul")]  # a space: url_for quotes it
    with app.test_request_context("/gestion/", base_url="http://localhost/portail/"):
        for found in (plain, quoted):
            link = row_links("office.applications", page="id", status="status")
            printed = table_rows.render("row.html", found, link=link)
            hrefs = [url_for("office.applications", page=r.id, status=r.status) for r in found]
            expected = "".join(
                f'\n<tr><td><a href="{escape(href)}">{escape(r.name)}</a></td></tr>'
                for href, r in zip(hrefs, found, strict=True)
            )
            assert printed == expected
        assert "page=41&amp;status=withdrawn" in printed and "en+attente" in printed
        kept = {key[2] for key in app.extensions["row_patterns"] if key[0] == "row.html"}
        link_pattern = "/portail/gestion/candidatures?page={id}&status={status}"
        assert kept == {(("link", link_pattern),), ()}  # inlined for `plain`, not for `quoted`
