"""Table rows formatted from a pattern (web.rows): every value escaped as Jinja escapes it,
each field printed where the pattern names it, a pattern's mistake refused."""

from __future__ import annotations

from typing import NamedTuple

import pytest
from flask import Flask, render_template_string
from markupsafe import Markup

from worker.web import rows


class Person(NamedTuple):
    id: int
    name: str
    city: str


PEOPLE = [
    Person(1, "D'ARTAGNAN Charles", "Lupiac"),
    Person(2, '<script>alert("x")</script> & co', "Lupiac"),
    Person(3, "Nom\x00avec un nul", "Paris"),  # the separator itself: escaped one by one
    Person(4, Markup("<b>gras</b>"), "Paris"),  # Markup is text here too
]


@pytest.fixture
def templates(tmp_path):
    (tmp_path / "row.html").write_text(
        '<tr><td><a href="{link}">{name}</a></td><td>{city}</td><td>{name}</td></tr>\n',
        encoding="utf-8",
    )
    (tmp_path / "wrong.html").write_text("<tr><td>{age}</td></tr>\n", encoding="utf-8")
    (tmp_path / "braces.html").write_text(
        '<tr><td style="width: 10%">{{{id}}} %s %(x)s</td></tr>\n', encoding="utf-8"
    )
    app = Flask(__name__, template_folder=str(tmp_path))
    with app.test_request_context("/"):
        yield app


def jinja_row(person: Person, link: str) -> str:
    """The same row as Jinja's autoescape writes it."""
    return render_template_string(
        '\n<tr><td><a href="{{ link }}">{{ p.name|string }}</a></td><td>{{ p.city }}</td>'
        "<td>{{ p.name|string }}</td></tr>",
        p=person._replace(name=str(person.name)),
        link=link,
    )


def test_rows_are_what_jinja_would_write(templates):
    printed = rows.render("row.html", PEOPLE, link=lambda p: f"/fiche/{p.id}?a=1&b=2")
    assert isinstance(printed, Markup)
    expected = "".join(jinja_row(p, f"/fiche/{p.id}?a=1&b=2") for p in PEOPLE)
    assert printed == expected
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co" in printed
    assert "D&#39;ARTAGNAN" in printed and "&lt;b&gt;gras&lt;/b&gt;" in printed
    assert 'href="/fiche/2?a=1&amp;b=2"' in printed
    assert printed.count("<tr>") == 4


def test_no_rows_print_nothing_and_braces_and_percents_stay_as_written(templates):
    assert rows.render("row.html", [], link=str) == ""
    two = rows.render("braces.html", PEOPLE[:2])
    cell = '<td style="width: 10%">{N} %s %(x)s</td>'
    assert two == "".join(f"\n<tr>{cell.replace('N', n)}</tr>" for n in "12")


def test_a_slot_naming_no_field_is_refused(templates):
    with pytest.raises(ValueError, match=r"wrong.html: \{age\} is none of id, name, city"):
        rows.render("wrong.html", PEOPLE)
    with pytest.raises(ValueError, match="link"):
        rows.render("row.html", PEOPLE)  # {link} given by nothing
