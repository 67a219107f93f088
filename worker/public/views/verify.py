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
NO_FILE = "Aucun fichier reçu : choisissez le fichier PDF à comparer, puis « Comparer le fichier »."
EXPIRED = "Le formulaire a expiré : choisissez de nouveau le fichier à comparer."
TOO_LARGE = "Ce fichier est trop volumineux pour être un document délivré par le portail."


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
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    request.max_content_length = limit + 64 * 1024  # one file and the form around it
    problem = None
    try:
        button = ConfirmForm.from_request()
        sent = request.files.get("fichier")
    except RequestEntityTooLarge:
        problem = TOO_LARGE
    else:
        if not button.validate():
            problem = EXPIRED
        elif sent is None or not sent.filename:
            problem = NO_FILE
    args = (db.get(), current_catalog(), code, _keys(), auth.client_address(), _limits())
    if problem is not None:
        return _outcome(verify.look_up(*args), code, problem=problem)
    compared = verify.compare(*args, sent.stream.read())
    if isinstance(compared, verify.Compared):
        return _outcome(compared.document, code, identical=compared.identical)
    return _outcome(compared, code)


def _outcome(
    outcome: verify.Outcome, code: str, *, identical: bool | None = None, problem: str = ""
):
    """The page of an outcome: the document, « Document inconnu » (404) or « Trop de
    vérifications » (429)."""
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
        400 if problem else 200,
        title=f"{outcome.title} : document authentique",
        document=outcome,
        sha_groups=" ".join(outcome.sha256[i : i + 8] for i in range(0, 64, 8)),
        identical=identical,
        problem=problem,
        form=ConfirmForm.blank(),
    )


def _page(template: str, status: int, **context):
    response = current_app.make_response((render_template(template, **context), status))
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
