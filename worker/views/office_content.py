"""Republishing: an académie edits its periods and home messages, checked then rebuilt."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("office_content", __name__, url_prefix="/gestion")
