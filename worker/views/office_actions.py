"""Back-office actions on one application: documents, results, messages, corrections,
withdrawal and rejection."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("office_actions", __name__, url_prefix="/gestion")
