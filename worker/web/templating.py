"""The worker's Flask application class, how its templates compile, and their links.

Its Jinja templates keep their globals in a dict. Jinja gives every template a ``ChainMap``
over the environment's globals and copies it into a new dict at each render, ``include``
and ``import``; copying a ``ChainMap`` goes through Python code key by key, and on a worker
page it cost more than the rest of the layout's rendering (a plain page: 13 µs against
1.5 µs with a dict). Here a template takes a dict snapshot of the globals when it is
loaded. That is the same thing as long as the globals are complete before the first
template is loaded: ``create_app`` sets them all (its own, those of ``sitebuild.render``
and of the blueprints) and ends by emptying the template cache.
"""

from __future__ import annotations

import functools
import operator
import re
import string
from collections.abc import Callable, MutableMapping, Sequence
from itertools import compress
from typing import Any

from flask import Flask, url_for
from flask.globals import request_ctx
from flask.templating import Environment
from jinja2.compiler import CodeGenerator
from werkzeug.routing import BuildError


class FlatCodeGenerator(CodeGenerator):
    """Compiles a block, a parent template or an import into one string handed up at once.

    Jinja renders ``{% block %}`` and ``{% extends %}`` as ``yield from`` the inner
    generator, so each piece of a page climbs every level between the block that writes
    it and ``render``: a row of a back-office table, four levels deep (page, office layout,
    candidate layout, base), paid that four times for each of its twenty pieces. Here the
    inner generator is joined where it is called, ``yield environment.concat(…)``: the same
    text, each piece handed up once. The worker never streams a template.
    """

    def writeline(self, x: str, node: Any = None, extra: int = 0) -> None:
        if x.startswith("yield from "):
            x = f"yield environment.concat({x.removeprefix('yield from ')})"
        super().writeline(x, node, extra)


class SnapshotGlobalsEnvironment(Environment):
    code_generator_class = FlatCodeGenerator

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


class WorkerFlask(Flask):
    jinja_environment = SnapshotGlobalsEnvironment

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.extensions["template_links"] = {}  # template_url_for's, per shape of link

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """Flask asks ``inspect`` whether each view, hook and context processor is a
        coroutine at every call (a dozen times a request); the answer is kept per function."""
        known = self.__dict__.setdefault("_synchronous", {})
        if func not in known:
            known[func] = super().ensure_sync(func)
        return known[func]


# A value put in a link as it is: digits, or a string werkzeug never quotes (a code, a slug).
PLAIN = re.compile(r"[A-Za-z0-9_.~-]+")
MARKER = "7391826450193"  # a value no link holds otherwise; the nth is MARKER + n


def template_url_for(endpoint: str, **values: Any) -> str:
    """``url_for`` in templates, built once per shape of link.

    A table's rows each link somewhere (« /gestion/candidatures/<id> »…), and building a
    link with werkzeug costs several microseconds, more than the rest of the row. So the
    first link of a shape (endpoint, argument names and types, script root) is built with
    markers in place of the values; that link, markers turned into slots, is kept, and the
    next ones are formatted from it. Only values that come out of ``url_for`` as they go
    in take that path (integers, strings of unreserved characters); anything else, and
    ``url_for``'s own options (``_external``…), is built by ``url_for`` itself. A shape
    whose first formatted link differs from ``url_for``'s never takes the path.
    """
    pattern = _shape(endpoint, values)
    return url_for(endpoint, **values) if pattern is None else pattern.format(*values.values())


class RowLink:
    """What gives each row of a table its link: ``template_url_for(endpoint, name=row.<field>…)``
    for each ``name=field`` of ``fields``, the shape looked up once for the table rather
    than once per row (about a third of what a row's link cost). ``web.rows`` goes further
    and writes the link's pattern into the row's (see ``pattern``)."""

    def __init__(self, endpoint: str, fields: dict[str, str]) -> None:
        self.endpoint, self.names, self.fields = endpoint, tuple(fields), tuple(fields.values())
        self.get = operator.attrgetter(*self.fields)
        # The pattern of each combination of value types seen, and which values are
        # strings: only those need a check (an integer goes in a link as it is).
        self.shapes: dict[tuple[type, ...], tuple[str, tuple[bool, ...]]] = {}

    def _values(self, row: Any) -> tuple:
        return (self.get(row),) if len(self.names) == 1 else self.get(row)

    def __call__(self, row: Any) -> str:
        values = self._values(row)
        kinds = tuple(map(type, values))
        shape = self.shapes.get(kinds)
        if shape is not None and all(map(_plain_text, compress(values, shape[1]))):
            return shape[0].format(*values)
        given = dict(zip(self.names, values, strict=True))
        pattern = _shape(self.endpoint, given)
        if pattern is None:
            return url_for(self.endpoint, **given)
        self.shapes[kinds] = (pattern, tuple(kind is str for kind in kinds))
        return pattern.format(*values)

    def pattern(self, rows: Sequence[Any]) -> str | None:
        """The rows' link as a pattern whose slots name the rows' fields (« /gestion/
        candidatures/{id} »), when every row's values go in it as they are (integers,
        plain codes) and it is the link ``__call__`` would give; None otherwise."""
        columns = list(zip(*map(self._values, rows), strict=True))
        for column in columns:
            kinds = set(map(type, column))
            if kinds != {int} and (kinds != {str} or not all(map(_plain_text, column))):
                return None
        pattern = _shape(self.endpoint, dict(zip(self.names, self._values(rows[0]), strict=True)))
        if pattern is None:
            return None
        parts = string.Formatter().parse(pattern)  # its slots number the values: {0}, {1}…
        return "".join(
            text.replace("{", "{{").replace("}", "}}")
            + ("" if slot is None else f"{{{self.fields[int(slot)]}}}")
            for text, slot, _, _ in parts
        )


def row_links(endpoint: str, **fields: str) -> RowLink:
    """The link of each row of a table, to ``endpoint`` with ``name=row.<field>…``."""
    return RowLink(endpoint, fields)


def _shape(endpoint: str, values: dict[str, Any]) -> str | None:
    """The pattern of the shape of this link, or None where ``url_for`` builds it: outside
    a request (a mail's text), with a value that is not plain or one of ``url_for``'s own
    options, or for a shape whose formatted link differs from ``url_for``'s."""
    try:
        ctx = request_ctx._get_current_object()  # one lookup for the request and the app
    except RuntimeError:
        return None
    req = ctx.request
    if endpoint.startswith("."):  # relative to the blueprint, as url_for resolves it
        endpoint = f"{req.blueprint}{endpoint}" if req.blueprint else endpoint[1:]
    for name, value in values.items():
        if not _plain(name, value):
            return None
    links = ctx.app.extensions["template_links"]
    key = (endpoint, req.script_root, *values, *map(type, values.values()))
    pattern = links.get(key)
    if pattern is None:
        pattern = links[key] = _pattern(endpoint, values)
    return pattern or None


def _plain(name: str, value: Any) -> bool:
    kind = type(value)
    return not name.startswith("_") and (kind is int or (kind is str and _plain_text(value)))


@functools.lru_cache(maxsize=4096)
def _plain_text(value: str) -> bool:
    """Kept: a table's rows repeat the same few codes (a piece's, a session's)."""
    return PLAIN.fullmatch(value) is not None


def _pattern(endpoint: str, values: dict[str, Any]) -> str | bool:
    """The link of ``values``' shape with a slot per value, or False when formatting it
    would not give what ``url_for`` gives."""
    markers = {
        name: int(f"{MARKER}{n}") if type(value) is int else f"x{MARKER}{n}"
        for n, (name, value) in enumerate(values.items())
    }
    try:
        built = url_for(endpoint, **markers).replace("{", "{{").replace("}", "}}")
    except (BuildError, ValueError):  # a converter that refuses the marker: url_for decides
        return False
    for n, marker in enumerate(markers.values()):
        if built.count(str(marker)) != 1:
            return False
        built = built.replace(str(marker), f"{{{n}}}")
    return built if built.format(*values.values()) == url_for(endpoint, **values) else False
