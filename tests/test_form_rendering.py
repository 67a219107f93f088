"""The portal's own field rendering (forms.rendering) gives WTForms' HTML, byte for byte.

Every field of every form class of worker.forms that can be built blank, then bound to
hostile values and validated (errors, values to escape), and a set of fields built here
for the cases the classes may not show (render_kw, groups, boolean values, flags), is
rendered twice: by WTForms' own widgets and by the portal's renderer.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    Form,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.meta import DefaultMeta
from wtforms.validators import InputRequired, Length
from wtforms.widgets import PasswordInput

from catalog import autofill
from worker.forms import account, base, franceconnect, office, periods, rendering

HOSTILE = '<b>"l\'été" & co</b>'
CALLS = [
    {},
    {"required": True, "aria_describedby": "x-aide x-erreur", "aria_invalid": "true"},
    {"required": False, "aria_describedby": False, "class_": "large", "data_role": HOSTILE},
    {"autocomplete": "username", "spellcheck": "false", "value": HOSTILE, "id": "autre"},
]
REFERENCE = DefaultMeta()


def rendered_both_ways(field) -> list[tuple[str, str]]:
    """(WTForms, ours) for the field, and for each option of a radio group."""
    fields = [field, *(field if isinstance(field, RadioField) else ())]
    return [
        (str(REFERENCE.render_field(one, call)), rendering.render_field(one, call))
        for one in fields
        for call in CALLS
    ]


def form_classes() -> list[type]:
    found = []
    for module in (account, base, franceconnect, office, periods):
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, base.PortailForm) and value not in found:
                found.append(value)
    return found


def test_every_form_class_renders_as_wtforms_does(app):
    checked = 0
    with app.test_request_context("/"):
        for form_class in form_classes():
            try:
                blank = form_class.blank()
            except TypeError:  # needs arguments (the catalogue…): built by its views
                continue
            hostile = MultiDict({field.name: HOSTILE for field in blank})
            posted = form_class(formdata=hostile, meta={"csrf": False})
            posted.validate()
            for form in (blank, posted):
                for field in form:
                    for wtforms_html, ours in rendered_both_ways(field):
                        assert ours == wtforms_html, (form_class.__name__, field.name)
                        checked += 1
    assert checked > 300


def choices(*pairs, **render_kw) -> list[SelectChoice]:
    return [SelectChoice(value, label, render_kw or None) for value, label in pairs]


class Sample(Form):
    text = StringField("Nom", [InputRequired(), Length(min=2, max=30)], render_kw={"class": "x"})
    secret = PasswordField("Mot de passe", [InputRequired()])
    shown = PasswordField("Affiché", widget=PasswordInput(hide_value=False))
    hidden = HiddenField()
    box = BooleanField("Oui", [InputRequired()])
    notes = TextAreaField("Notes", [Length(max=10)])
    radio = RadioField("Choix", choices=choices(("a", "A <1>"), ("b", 'B "2"')))
    plain = SelectField("Liste", choices=choices(("", "Sélectionnez"), ("1", "Un"), ("2", "2 & 3")))
    flags = SelectField("Vrai ?", choices=choices((True, "Vrai"), (False, "Faux")), coerce=bool)
    grouped = SelectField(
        "Groupes",
        choices=[
            SelectChoice("59", "Nord", optgroup="Nord"),
            SelectChoice("13", "Bouches", {"lang": "oc"}, optgroup="Sud <2>"),
            SelectChoice("", "Aucun"),
        ],
    )
    many = SelectMultipleField("Plusieurs", choices=choices(("x", "X"), ("y", "Y")))
    rich = SelectField("Options", choices=choices(("", "Aucune"), disabled=True))


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"text": HOSTILE, "secret": "s3cret", "shown": HOSTILE, "hidden": HOSTILE, "box": "y",
         "notes": HOSTILE, "radio": "b", "plain": "2", "flags": "", "grouped": "13",
         "many": ["x", "y"], "rich": ""},
    ],
)  # fmt: skip
def test_each_widget_kind_renders_as_wtforms_does(data):
    form = Sample(formdata=MultiDict(data) if data else None)
    if data:
        form.validate()
    for field in form:
        for wtforms_html, ours in rendered_both_ways(field):
            assert ours == wtforms_html, field.name


def test_attributes_are_sorted_escaped_and_boolean():
    assert rendering.attributes({"b": True, "a": 'x"<', "c": False, "data_x_y": 1}) == (
        'a="x&#34;&lt;" b data-x-y="1"'
    )


def test_every_autocomplete_of_the_templates_is_a_token_of_the_html_standard():
    """The account forms' tokens (family-name, bday, current-password…) are checked by the
    same list as those of wizard.toml."""
    templates = Path(__file__).resolve().parent.parent / "templates"
    written = {
        token
        for path in templates.rglob("*.html")
        for token in re.findall(  # also a default: autocomplete=x|default("bday")
            r'autocomplete=(?:\w+\|default\()?"([^"]*)"', path.read_text(encoding="utf-8")
        )
    }
    assert {"family-name", "given-name", "bday", "email", "current-password"} <= written
    assert [token for token in written if not autofill.is_valid(token)] == []
