"""Serves site/ (the output of build.py) so that one local address shows the whole portal.

In production a static host or nginx serves site/ directly; this blueprint keeps the
development setup to a single process and mirrors what nginx does: directories map to
their index.html, unknown paths get the site's own 404 page.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, redirect, send_from_directory
from werkzeug.exceptions import NotFound

from sitebuild.urls import output_file

blueprint = Blueprint("public_site", __name__)


@blueprint.get("/", defaults={"path": ""})
@blueprint.get("/<path:path>")
def serve(path: str) -> Response:
    site = Path(current_app.config["SITE_DIR"])
    if any(part.startswith(".") for part in path.split("/")):
        abort(404)  # the build's manifest and cache, like nginx's `location ~ /\. { deny all; }`
    if path and not path.endswith("/") and (site / path).is_dir():
        return redirect(f"/{path}/", code=308)
    try:
        response = send_from_directory(site, output_file("/" + path))
    except NotFound:
        abort(404)
    if path.endswith(".ics"):
        response.mimetype = "text/calendar"
    return response


def site_404() -> tuple[Response, int]:
    """The static site's own 404 page (the candidate space has its own error page)."""
    page = Path(current_app.config["SITE_DIR"]) / "404.html"
    if page.exists():
        return send_from_directory(page.parent, page.name), 404
    return Response("Page introuvable", mimetype="text/plain"), 404
