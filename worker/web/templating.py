"""The worker's Flask application class, and the links of its templates.

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

from collections.abc import Callable, MutableMapping
from typing import Any

from flask import Flask, current_app, has_request_context, request, url_for
from flask.templating import Environment


class SnapshotGlobalsEnvironment(Environment):
    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


class WorkerFlask(Flask):
    jinja_environment = SnapshotGlobalsEnvironment

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """Flask asks ``inspect`` whether each view, hook and context processor is a
        coroutine at every call (a dozen times a request); the answer is kept per function."""
        known = self.__dict__.setdefault("_synchronous", {})
        if func not in known:
            known[func] = super().ensure_sync(func)
        return known[func]


def template_url_for(endpoint: str, **values: Any) -> str:
    """``url_for`` in templates; a link without arguments (the layout's « Modifier mon
    compte »…) is built once per endpoint: within a request, only the script root (the
    prefix the portal is served under) could change it."""
    if values or not has_request_context():
        return url_for(endpoint, **values)
    if endpoint.startswith("."):  # relative to the blueprint, as url_for resolves it
        endpoint = f"{request.blueprint}{endpoint}" if request.blueprint else endpoint[1:]
    links = current_app.extensions.setdefault("template_links", {})
    key = (endpoint, request.script_root)
    if key not in links:
        links[key] = url_for(endpoint)
    return links[key]
