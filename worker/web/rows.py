"""Table rows formatted from a pattern: the long tables of the back office.

A back-office list prints up to fifty rows of five to eight cells. Through Jinja a row
cost 12 to 16 µs here (a loop step, then an attribute lookup and an escape per cell, and
a link); formatted from a pattern read once, about 4 µs. On a page of fifty rows that
difference is more than the whole rest of the page, and it is what made a list at 100,000
applications slower than the same list at 1,000 (more rows to show, not harder to find).

So such a table's row is written in ``templates/…/rows/<name>.html`` as a ``str.format``
pattern whose slots name the fields of the row (a ``NamedTuple``) or the extra values
given by name (a link, usually), and the page's template prints what ``render`` returns as
one piece. Every value is printed as text, escaped as Jinja's autoescape does (the same
five characters, the same entities), ``Markup`` included: markup belongs in the pattern.
A slot that names nothing the row has is an error at the first render.
"""

from __future__ import annotations

import operator
import string
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from flask import current_app
from markupsafe import Markup, escape

from worker.web.templating import RowLink


def render(name: str, rows: Sequence[NamedTuple], **extra: Callable[[Any], Any]) -> Markup:
    """The rows printed through the pattern ``name``, one after the other; each of
    ``extra`` gives the slot of its name a value computed from the row. A row link
    (``templating.row_links``) whose values go in it as they are is written into the
    pattern instead: its values are then the row's own, not one link built per row."""
    if not rows:
        return Markup("")
    fields = type(rows[0])._fields
    inlined = {
        slot: found
        for slot, make in extra.items()
        if isinstance(make, RowLink)
        and set(make.fields) <= set(fields)
        and (found := make.pattern(rows)) is not None
    }
    computed = {slot: make for slot, make in extra.items() if slot not in inlined}
    pattern, slots = _pattern(name, (*fields, *computed), tuple(inlined.items()))
    values: list[Any] = []
    if computed:
        makers = tuple(computed.values())
        for row in rows:
            values += slots(row + tuple([make(row) for make in makers]))
    else:
        for row in rows:
            values += slots(row)
    return Markup((pattern * len(rows)) % tuple(_escaped(values)))


SEPARATOR = "\x00"  # in no text a candidate can type (refused by forms and PostgreSQL)


def _escaped(values: list[Any]) -> list[str]:
    """Every value as escaped text, in one pass over all of them joined (hundreds of short
    texts escaped one by one cost more than the rest of the rows)."""
    texts = [value if type(value) is str else str(value) for value in values]
    joined = SEPARATOR.join(texts)
    if joined.count(SEPARATOR) != len(texts) - 1:  # a value holds the separator: one by one
        return [str(escape(text)) for text in texts]
    return str(escape(joined)).split(SEPARATOR)  # markupsafe's escape: Jinja's own, in C


def _pattern(
    name: str, fields: tuple[str, ...], inlined: tuple[tuple[str, str], ...] = ()
) -> tuple[str, Callable[[Any], tuple]]:
    """The pattern, its slots made positional (``inlined``: slots replaced by a pattern
    naming fields, as ``RowLink.pattern`` gives), and what takes their values from a row
    (its fields, then the extra values) in the order of the slots; read once per app
    (again when the template changed, where templates reload: in debug)."""
    env = current_app.jinja_env
    known = current_app.extensions.setdefault("row_patterns", {})
    key = (name, fields, inlined)
    found = known.get(key)
    if found is None or (env.auto_reload and found[2] is not None and not found[2]()):
        source, _, uptodate = env.loader.get_source(env, name)
        pattern, order = _positional(name, source.rstrip("\n"), fields, dict(inlined))
        found = known[key] = (pattern, _getter(order), uptodate)
    return found[0], found[1]


def _positional(
    name: str, source: str, fields: tuple[str, ...], inlined: dict[str, str]
) -> tuple[str, list[int]]:
    """The pattern with each named slot made a ``%s`` (printf-style formatting of fifty
    rows takes half the time of ``str.format``), and the positions in
    ``fields`` of the slots, in order (a field printed twice is there twice). An inlined
    slot's pattern is text of the page: its own text is escaped there, once."""
    parts, order = ["\n"], []
    for text, slot, spec, conversion in string.Formatter().parse(source):
        parts.append(_literal(text))
        if slot is None:
            continue
        if spec or conversion or (slot not in fields and slot not in inlined):
            raise ValueError(f"{name}: {{{slot}}} is none of {', '.join(fields)}")
        if slot not in inlined:
            parts.append("%s")
            order.append(fields.index(slot))
            continue
        for inner, field, _, _ in string.Formatter().parse(inlined[slot]):
            parts.append(_literal(str(escape(inner))))
            if field is not None:
                parts.append("%s")
                order.append(fields.index(field))
    return "".join(parts), order


def _literal(text: str) -> str:
    return text.replace("%", "%%")


def _getter(order: list[int]) -> Callable[[Any], tuple]:
    if len(order) == 1:
        (position,) = order
        return lambda row: (row[position],)
    return operator.itemgetter(*order)
