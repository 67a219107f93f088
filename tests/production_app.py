"""The application gunicorn loads for the candidate journey of tests/test_production.py.

It is ``worker.create_app()`` as shipped, with only its clock pinned to the instant in
``PORTAIL_TEST_NOW`` (ISO 8601), so that the registration periods of content/ are open
whatever day the tests run. Everything else (gunicorn settings, nginx) is deploy/ as is.
"""

from __future__ import annotations

import os
from datetime import datetime

from flask import Flask

from worker import create_app as create_worker


def create_app() -> Flask:
    app = create_worker()
    moment = datetime.fromisoformat(os.environ["PORTAIL_TEST_NOW"])
    app.config["NOW"] = lambda: moment
    return app
