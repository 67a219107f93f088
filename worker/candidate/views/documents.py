"""« Mes documents » and « Mes justificatifs » of an application: downloads and uploads.

Files are served only to the owner of the application, always as attachments. The use
cases are in ``actions.pieces`` and ``actions.documents``.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from worker import clock
from worker.candidate.access import own_application
from worker.candidate.actions import documents as opening
from worker.candidate.actions import pieces as piece_actions
from worker.candidate.actions.outcomes import Refused
from worker.candidate.views import common
from worker.content import current_catalog as catalog
from worker.documents import issuing
from worker.files import antivirus
from worker.files import checks as uploads
from worker.forms.base import ConfirmForm
from worker.rules import pieces as supporting
from worker.store import db
from worker.store.applications import Application
from worker.web import auth
from worker.web.pages import form_expired, send_stored

blueprint = Blueprint("documents", __name__, url_prefix="/espace-candidat/inscriptions")
QUARANTINED = (
    " Il est en cours d'analyse antivirus : le service des examens pourra le consulter"
    " dès qu'elle sera terminée."
)


# -- Mes documents -------------------------------------------------------------------------


@blueprint.get("/<number>/documents")
@auth.login_required
def documents(number: str):
    found = own_application(number)
    return render_template("candidate/documents.html", title="Mes documents", **common.card(found))


@blueprint.get("/<number>/documents/<int:document_id>")
@auth.login_required
def document(number: str, document_id: int):
    """« Visualiser/imprimer »: the PDF, to its owner only."""
    found = own_application(number)
    doc = opening.open_document(db.get(), found, document_id)
    if doc is None:
        abort(404)
    if doc.id != document_id:  # an earlier version (an old link): the current one
        return redirect(url_for(".document", number=number, document_id=doc.id), code=303)
    name = f"{doc.title} - {found.number} - version {doc.version}.pdf"
    return send_stored(issuing.AREA, doc.stored_name, name, "application/pdf")


# -- Mes justificatifs ---------------------------------------------------------------------


def _page(found: Application, status: int = 200, errors=()):
    html = render_template(
        "candidate/pieces.html",
        title="Mes justificatifs",
        **common.card(found),
        **piece_actions.overview(db.get(), catalog(), found),
        now=clock.now(),
        can_upload=supporting.can_upload,
        form=ConfirmForm.blank(),
        errors=errors,
        field_errors=dict(errors),
        shown_status=supporting.shown_status,
        max_size=uploads._megabytes(current_app.config["UPLOAD_MAX_BYTES"]),
        max_bytes=current_app.config["UPLOAD_MAX_BYTES"],
        accepted=uploads.ACCEPTED,
        page_title=("Erreur : " if errors else "") + "Mes justificatifs",
    )
    return html, status


def _back_to(number: str, code: str):
    return redirect(url_for("documents.pieces", number=number) + f"#piece-{code}", code=303)


@blueprint.get("/<number>/justificatifs")
@auth.login_required
def pieces(number: str):
    return _page(own_application(number))


@blueprint.post("/<number>/justificatifs/<code>")
@auth.login_required
def upload(number: str, code: str):
    """« Ajouter »: a file checked by content, stored under a generated name."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    request.max_content_length = limit + 64 * 1024  # one file and the form around it
    found = own_application(number)
    field = "fichier-" + code
    try:
        form = ConfirmForm.from_request()
        sent = request.files.get("fichier")
    except RequestEntityTooLarge:
        message = (
            "Le fichier dépasse la taille autorisée "
            f"({uploads._megabytes(limit)} au plus par fichier)."
        )
        return _page(found, 413, [(field, message)])
    if not form.validate():
        expired = "Le formulaire a expiré : déposez de nouveau votre fichier."
        return _page(found, 400, [(field, expired)])
    chosen = (sent.stream, sent.filename) if sent is not None and sent.filename else None
    config = current_app.config
    quota = piece_actions.Quota(config["UPLOAD_QUOTA_FILES"], config["UPLOAD_QUOTA_BYTES"])
    scanner = antivirus.Scanner.from_config(config)
    outcome = piece_actions.upload(
        db.get(), catalog(), found, code, chosen, limit, config["FILES_DIR"], quota, scanner
    )
    match outcome:
        case piece_actions.NoSuchPiece():
            abort(404)
        case Refused(status, message):
            return _page(found, status, [(field, message)])
        case piece_actions.Uploaded(name, label, quarantined):
            message = f"Le fichier « {name} » est déposé pour « {label} »."
            flash(message + QUARANTINED * quarantined, f"piece-{code}")  # shown in the piece
            return redirect(
                url_for("documents.pieces", number=number) + f"#resultat-{code}", code=303
            )
    return _back_to(number, code)


@blueprint.post("/<number>/justificatifs/<code>/fichiers/<int:file_id>/supprimer")
@auth.login_required
def remove(number: str, code: str, file_id: int):
    found = own_application(number)
    if not ConfirmForm.from_request().validate():
        return form_expired(url_for("documents.pieces", number=number))
    match piece_actions.remove(db.get(), catalog(), found, code, file_id):
        case piece_actions.NoSuchPiece():
            abort(404)
        case Refused(status, message):
            return _page(found, status, [(f"piece-{code}", message)])
    flash("Le fichier est supprimé.")
    return _back_to(number, code)


@blueprint.post("/<number>/justificatifs/valider")
@auth.login_required
def lock(number: str):
    """« J'ai fourni toutes mes pièces » for one group."""
    found = own_application(number)
    if not ConfirmForm.from_request().validate():
        return form_expired(url_for("documents.pieces", number=number))
    match piece_actions.lock(db.get(), catalog(), found, request.form.get("groupe", "")):
        case piece_actions.NoSuchPiece():
            abort(404)
        case piece_actions.GroupRefused(message, first_code):
            return _page(found, 409, [(f"groupe-{first_code}", message)])
    flash("Vos pièces sont validées : le service des examens va les contrôler.")
    return redirect(url_for("documents.pieces", number=number), code=303)


@blueprint.get("/<number>/justificatifs/fichiers/<int:file_id>")
@auth.login_required
def uploaded(number: str, file_id: int):
    found = own_application(number)
    stored = opening.uploaded_file(db.get(), found, file_id)
    if stored is None:
        abort(404)
    return send_stored(
        piece_actions.UPLOADS, stored.stored_name, stored.original_name, stored.content_type
    )
