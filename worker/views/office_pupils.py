"""Enrolled pupils: import from a CSV, accounts with a one-time password, login slips."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("office_pupils", __name__, url_prefix="/gestion")
