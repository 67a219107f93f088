"""« Vérifier un document »: the public page behind the code and QR code printed on every
document the portal issues (``/verifier/<code>``), the form to type a code, and the
comparison of a dropped PDF with the issued one. Rate-limited per client."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from worker.content import current_catalog
from worker.forms.base import ConfirmForm
from worker.public.actions import verify
from worker.rules import verification as codes
from worker.store import db
from worker.web import auth

blueprint = Blueprint("verify", __name__, url_prefix="/verifier")
TITLE = "Vérifier un document"
UNKNOWN = "Document inconnu"


def _keys() -> list[str]:
    config = current_app.config
    return [config["VERIFY_KEY"], *config["VERIFY_KEYS_OLD"]]


def _limits() -> verify.Limits:
    config = current_app.config
    return verify.Limits(config["VERIFY_MAX_PER_CLIENT"], config["VERIFY_WINDOW_MINUTES"])


@blueprint.get("/")
def form():
    """The form to type a code; a typed code goes to its own page."""
    typed = request.args.get("code", "")
    if typed:
        raw = codes.normalize(typed)
        if raw is not None:
            return redirect(url_for("verify.document", code=codes.grouped(raw)))
        return _page("public/verify_form.html", 400, title=TITLE, typed=typed, invalid=True)
    return _page("public/verify_form.html", 200, title=TITLE, typed="", invalid=False)


@blueprint.get("/<code>")
def document(code: str):
    outcome = verify.look_up(
        db.get(), current_catalog(), code, _keys(), auth.client_address(), _limits()
    )
    return _outcome(outcome, code)


@blueprint.post("/<code>")
def compare(code: str):
    """The visitor drops the PDF they hold: is it the issued one, byte for byte?"""
    request.max_content_length = current_app.config["UPLOAD_MAX_BYTES"] + 64 * 1024
    try:
        button = ConfirmForm.from_request()
        sent = request.files.get("fichier")
    except RequestEntityTooLarge:
        button, sent = None, None
    if button is None or not button.validate() or sent is None or not sent.filename:
        outcome = verify.look_up(
            db.get(), current_catalog(), code, _keys(), auth.client_address(), _limits()
        )
        return _outcome(outcome, code, missing_file=True)
    compared = verify.compare(
        db.get(),
        current_catalog(),
        code,
        _keys(),
        auth.client_address(),
        _limits(),
        sent.stream.read(),
    )
    if isinstance(compared, verify.Compared):
        return _outcome(compared.document, code, identical=compared.identical)
    return _outcome(compared, code)


def _outcome(outcome, code: str, *, identical: bool | None = None, missing_file=False):
    if isinstance(outcome, verify.Throttled):
        response = _page(
            "public/verify_throttled.html", 429, title="Trop de vérifications", wait=outcome
        )
        response.headers["Retry-After"] = str(outcome.seconds)
        return response
    if isinstance(outcome, verify.Unknown):
        return _page("public/verify_unknown.html", 404, title=UNKNOWN, code=code)
    return _page(
        "public/verify_document.html",
        200,
        title=f"{outcome.title} : document authentique",
        document=outcome,
        sha_groups=" ".join(outcome.sha256[i : i + 8] for i in range(0, 64, 8)),
        identical=identical,
        missing_file=missing_file,
        form=ConfirmForm.blank(),
    )


def _page(template: str, status: int, **context):
    response = current_app.make_response((render_template(template, **context), status))
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
