"""« Mes documents » and « Mes justificatifs » of an application: downloads and uploads.

Files are served only to the owner of the application, always as attachments.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import RequestEntityTooLarge

from worker import clock
from worker.candidate.views.registration import _own_application, catalog, describe
from worker.documents import issuing
from worker.files import checks as uploads
from worker.files import storage
from worker.forms.base import ConfirmForm
from worker.rules import pieces as supporting
from worker.store import db
from worker.store import documents as issued
from worker.store import pieces as stored_pieces
from worker.web import auth
from worker.web.pages import send_stored

blueprint = Blueprint("documents", __name__, url_prefix="/espace-candidat/inscriptions")
UPLOADS = "uploads"


# -- Mes documents -------------------------------------------------------------------------


@blueprint.get("/<number>/documents")
@auth.login_required
def documents(number: str):
    found = _own_application(number)
    return render_template("candidate/documents.html", title="Mes documents", **describe(found))


@blueprint.get("/<number>/documents/<int:document_id>")
@auth.login_required
def document(number: str, document_id: int):
    """« Visualiser/imprimer »: the PDF, to its owner only."""
    found = _own_application(number)
    database = db.get()
    doc = issued.one(database, found.id, document_id)
    if doc is None:
        abort(404)
    with db.transaction(database):
        issued.mark_viewed(database, doc)
    name = f"{doc.title} - {found.number} - version {doc.version}.pdf"
    return send_stored(issuing.AREA, doc.stored_name, name, "application/pdf")


# -- Mes justificatifs ---------------------------------------------------------------------


def _page(found, status: int = 200, errors=()):
    database = db.get()
    groups = supporting.groups(database, catalog(), found)
    pieces = [p for g in groups for p in g.pieces]
    conformes, total = supporting.counter(pieces)
    html = render_template(
        "candidate/pieces.html",
        title="Mes justificatifs",
        **describe(found),
        groups=groups,
        conformes=conformes,
        total=total,
        now=clock.now(),
        can_upload=supporting.can_upload,
        form=ConfirmForm.blank(),
        errors=errors,
        field_errors=dict(errors),
        shown_status=supporting.shown_status,
        max_size=uploads._megabytes(current_app.config["UPLOAD_MAX_BYTES"]),
        accepted=uploads.ACCEPTED,
        page_title=("Erreur : " if errors else "") + "Mes justificatifs",
    )
    return html, status


@blueprint.get("/<number>/justificatifs")
@auth.login_required
def pieces(number: str):
    return _page(_own_application(number))


def _find(found, code: str):
    for group in supporting.groups(db.get(), catalog(), found):
        for state in group.pieces:
            if state.piece.code == code:
                return group, state
    abort(404)


@blueprint.post("/<number>/justificatifs/<code>")
@auth.login_required
def upload(number: str, code: str):
    """« Ajouter »: a file checked by content, stored under a generated name."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    request.max_content_length = limit + 64 * 1024  # one file and the form around it
    found = _own_application(number)
    try:
        form = ConfirmForm.from_request()
        sent = request.files.get("fichier")
    except RequestEntityTooLarge:
        return _page(
            found,
            413,
            [
                (
                    "fichier-" + code,
                    f"Le fichier dépasse la taille autorisée "
                    f"({uploads._megabytes(limit)} au plus par fichier).",
                )
            ],
        )
    if not form.validate():
        return _page(
            found,
            400,
            [("fichier-" + code, "Le formulaire a expiré : déposez de nouveau votre fichier.")],
        )
    group, state = _find(found, code)
    if not supporting.can_upload(state, group, clock.now()):
        return _page(
            found,
            409,
            [
                (
                    "fichier-" + code,
                    "Le dépôt de cette pièce n'est pas possible "
                    "en ce moment (pièce validée ou hors période de dépôt).",
                )
            ],
        )
    if sent is None or not sent.filename:
        return _page(found, 400, [("fichier-" + code, "Choisissez un fichier à déposer.")])
    try:
        checked = uploads.check(sent.stream, sent.filename, limit)
    except uploads.Refused as refusal:
        return _page(found, refusal.status, [("fichier-" + code, str(refusal))])
    name = storage.new_name()
    path = storage.path_of(current_app.config["DATA_DIR"], UPLOADS, name)
    storage.copy_stream(sent.stream, path)  # durable before the row commits
    database = db.get()
    try:
        with db.transaction(database):
            supporting.add_file(
                database, found, state, name, checked.name, checked.size, checked.content_type
            )
    except Exception:
        path.unlink(missing_ok=True)  # no orphan file when the row could not be written
        raise
    flash(f"Le fichier « {checked.name} » est déposé pour « {state.piece.label} ».")
    return redirect(url_for("documents.pieces", number=number) + f"#piece-{code}", code=303)


@blueprint.post("/<number>/justificatifs/<code>/fichiers/<int:file_id>/supprimer")
@auth.login_required
def remove(number: str, code: str, file_id: int):
    found = _own_application(number)
    if not ConfirmForm.from_request().validate():
        abort(400)
    _group, state = _find(found, code)
    database = db.get()
    try:
        with db.transaction(database):
            supporting.remove_file(database, state, file_id)
    except supporting.NotAllowed as refusal:
        return _page(found, 409, [(f"piece-{code}", str(refusal))])
    flash("Le fichier est supprimé.")
    return redirect(url_for("documents.pieces", number=number) + f"#piece-{code}", code=303)


@blueprint.post("/<number>/justificatifs/valider")
@auth.login_required
def lock(number: str):
    """« J'ai fourni toutes mes pièces » for one group."""
    found = _own_application(number)
    if not ConfirmForm.from_request().validate():
        abort(400)
    key = request.form.get("groupe", "")
    database = db.get()
    group = next((g for g in supporting.groups(database, catalog(), found) if g.key == key), None)
    if group is None or not group.online:
        abort(404)
    try:
        with db.transaction(database):
            supporting.lock(database, found, group, clock.now())
    except supporting.NotAllowed as refusal:
        return _page(found, 409, [(f"groupe-{group.pieces[0].piece.code}", str(refusal))])
    flash("Vos pièces sont validées : le service des examens va les contrôler.")
    return redirect(url_for("documents.pieces", number=number), code=303)


@blueprint.get("/<number>/justificatifs/fichiers/<int:file_id>")
@auth.login_required
def uploaded(number: str, file_id: int):
    found = _own_application(number)
    stored = stored_pieces.file_of_application(db.get(), found.id, file_id)
    if stored is None or stored.removed_at:
        abort(404)
    return send_stored(UPLOADS, stored.stored_name, stored.original_name, stored.content_type)
