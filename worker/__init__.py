"""The Flask worker: the candidate space, the exam offices' back office and the public
verification of documents, with the built static site served beside them in development.

    flask --app worker run --host 127.0.0.1 --port 8000

``create_app`` loads the settings (``config.py``: PORTAIL_* environment variables), opens
the store, and registers the blueprints of ``candidate``, ``office`` and ``public``; the
map of the packages is ARCHITECTURE.md.
"""

from __future__ import annotations

import re

from flask import Flask, get_flashed_messages
from jinja2 import StrictUndefined
from markupsafe import Markup, escape

from sitebuild import render
from worker import candidate, clock, config
from worker.cli import commands as cli
from worker.config import PROJECT
from worker.content.live import LiveCatalog
from worker.forms import rendering
from worker.forms.base import csrf_input
from worker.mail import delivery
from worker.office import BLUEPRINTS as OFFICE_BLUEPRINTS
from worker.public.views import verify as public_verify
from worker.rules import recap
from worker.rules.birthplace import birth_place
from worker.store import db
from worker.web import auth, cookies, errors, params, public_site, security
from worker.web.templating import WorkerFlask, template_url_for


def create_app(overrides: dict | None = None) -> Flask:
    app = WorkerFlask(
        __name__,
        static_folder=None,
        template_folder=str(PROJECT / "templates"),
        instance_path=str(PROJECT / "instance"),
        instance_relative_config=True,
    )
    config.load(app, overrides)
    render.configure(app.jinja_env)
    app.jinja_env.undefined = StrictUndefined
    app.jinja_env.filters.update(
        parse_stamp=clock.parse,
        linkify=linkify,
        markdown=markdown,
        birth_place=birth_place,
        version=recap.version_label,
    )
    app.jinja_env.globals.update(
        LAYOUT_DEFAULTS,
        csrf_input=csrf_input,
        described_by=rendering.described_by,
        url_for=template_url_for,
    )
    app.context_processor(layout_context)
    app.extensions["catalog"] = LiveCatalog(app.config["CONTENT_DIR"])
    db.init_app(app)
    security.init_app(app)
    cookies.init_app(app)
    errors.init_app(app)
    params.init_app(app)
    delivery.init_app(app)
    cli.init_app(app)
    for blueprint in (*candidate.BLUEPRINTS, *OFFICE_BLUEPRINTS):
        app.register_blueprint(blueprint)
    app.register_blueprint(public_verify.blueprint)
    app.register_blueprint(public_site.blueprint)  # last: it answers every other path
    if app.jinja_env.cache is not None:  # templates snapshot the globals, now complete
        app.jinja_env.cache.clear()
    return app


# What the shared layout reads when a page does not say: globals, cheaper than a context
# processor (a page's own values take precedence over them).
LAYOUT_DEFAULTS = {
    "description": "",
    "breadcrumb": (),
    "nav_current": "/espace-candidat/",
    "messages": (),
    "page_title": None,
}


def layout_context() -> dict:
    """What the shared layout expects on every worker page and depends on the request."""
    return {
        "current_account": auth.current_account(),
        "flashes": get_flashed_messages(with_categories=True),
    }


URL = re.compile(r"https?://[^\s<>\"]+")


def linkify(text: str) -> Markup:
    """Plain text (escaped) with its web addresses made clickable: mails shown in pages."""
    escaped = str(escape(text))
    return Markup(URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped))


def markdown(text: str) -> Markup:
    """Markdown written in content/ (step introductions), sanitised."""
    from catalog.guides import render_markdown

    return Markup(render_markdown(text).html)
