"""The Flask worker: serves the built static site and (later) the candidate space.

    flask --app worker run --host 127.0.0.1 --port 8000

Configuration comes from PORTAIL_* environment variables (see config.py and the README).
"""

from __future__ import annotations

from flask import Flask

from . import config, public_site


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, static_folder=None)
    config.load(app, overrides)
    app.register_blueprint(public_site.blueprint)
    return app
