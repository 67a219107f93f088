"""Administrators: the staff accounts of the exam offices."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("office_admin", __name__, url_prefix="/gestion")
