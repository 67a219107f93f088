"""« Mes notes »: the results an exam office published for an application."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("results", __name__, url_prefix="/espace-candidat/inscriptions")
