"""Fields rendered to HTML without WTForms' generic attribute builder: the same markup, faster.

WTForms' ``html_params`` formats every attribute through ``Markup.format`` (Python's
``string.Formatter``) and its widgets list a field's flags with ``dir()``; on a page of a
few fields that was the largest cost of a request (about a third of the login page's
time in the worker). ``render_field`` is ``PortailForm.Meta.render_field``: for the
widgets the portal uses (text, password, hidden, checkbox and radio inputs, selects) it
builds the very same HTML with plain string operations; any other widget is rendered
by WTForms itself. ``tests/test_form_rendering.py`` holds both renderings to equality.
"""

from __future__ import annotations

from markupsafe import Markup, escape
from wtforms.fields import Field
from wtforms.widgets import (
    CheckboxInput,
    HiddenInput,
    PasswordInput,
    RadioInput,
    Select,
    TextInput,
)
from wtforms.widgets.core import clean_key

INPUTS = (TextInput, PasswordInput, HiddenInput, CheckboxInput, RadioInput)


def attributes(params: dict) -> str:
    """``html_params(**params)``: sorted by name, ``True`` bare, ``False`` left out,
    values escaped (a double quote inside a given Markup value too)."""
    rendered = []
    for key in sorted(params):
        value = params[key]
        if value is False:
            continue
        name = escape(clean_key(key))
        if value is True:
            rendered.append(str(name))
        else:
            rendered.append(f'{name}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return " ".join(rendered)


def _flags(field: Field, allowed: list[str], params: dict) -> None:
    """The field's validation flags the widget turns into attributes (``required``…)."""
    flags = vars(field.flags)
    for name in allowed:
        if name in flags and name not in params:
            value = flags[name]
            params[name] = value() if callable(value) else value


def _checked(field: Field) -> bool:
    """A ticked box, a chosen radio button."""
    if isinstance(field.widget, CheckboxInput):
        return bool(getattr(field, "checked", field.data))
    return isinstance(field.widget, RadioInput) and bool(field.checked)


def _input(field: Field, params: dict) -> Markup:
    """``Input.__call__`` with its subclasses' own step (hidden password, checked box)."""
    widget = field.widget
    if isinstance(widget, PasswordInput) and widget.hide_value:
        params["value"] = ""
    if _checked(field):
        params.setdefault("checked", True)
    params.setdefault("id", field.id)
    params.setdefault("type", widget.input_type)
    if "value" not in params:
        params["value"] = field._value()
    datalist = getattr(field, "_datalist", None)
    if datalist is not None and "list" not in params:
        params["list"] = datalist if isinstance(datalist, str) else datalist.id
    _flags(field, widget.validation_attrs, params)
    return Markup(f"<input {attributes({'name': field.name, **params})}>")


def _option(choice) -> str:
    value = str(choice.value) if isinstance(choice.value, bool) else choice.value
    params = {"value": value, **(choice.render_kw or {})}
    if choice.selected:
        params["selected"] = True
    return f"<option {attributes(params)}>{escape(choice.label or choice.value)}</option>"


def _select(field: Field, params: dict) -> Markup:
    """``Select.__call__``: the select, its options (in their groups, if any)."""
    widget = field.widget
    params.setdefault("id", field.id)
    if widget.multiple:
        params["multiple"] = True
    _flags(field, widget.validation_attrs, params)
    html = [f"<select {attributes({'name': field.name, **params})}>"]
    if field.has_groups():
        for group, choices in field._iter_groups_normalized():
            if group is not None:
                html.append(f"<optgroup {attributes({'label': group})}>")
            html.extend(_option(choice) for choice in choices)
            if group is not None:
                html.append("</optgroup>")
    else:
        html.extend(_option(choice) for choice in field._iter_choices_normalized())
    html.append("</select>")
    return Markup("".join(html))


def render_field(field: Field, render_kw: dict) -> Markup:
    """``DefaultMeta.render_field``: the call's attributes over the field's ``render_kw``."""
    params = {clean_key(k): v for k, v in render_kw.items()}
    declared = getattr(field, "render_kw", None)
    if declared is not None:
        params = {**{clean_key(k): v for k, v in declared.items()}, **params}
    kind = type(field.widget)
    if kind in INPUTS:
        return _input(field, params)
    if kind is Select:
        return _select(field, params)
    return field.widget(field, **params)


def described_by(field: Field, hint: str) -> str | bool:
    """``aria-describedby`` of a field in the layout's macros: the ids of its hint and of
    its error message, or False (no attribute)."""
    ids = ([f"{field.id}-aide"] if hint else []) + ([f"{field.id}-erreur"] if field.errors else [])
    return " ".join(ids) or False
