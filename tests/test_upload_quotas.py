"""A quota per application on stored supporting-document files (count and bytes, earlier
versions and removed files included), over HTTP: a clear French message on « Mes
justificatifs », 409 or 413, and nothing half-written."""

from __future__ import annotations

from tests.forms import errors
from tests.test_uploads import PIECE, pdf, registered


def test_the_file_count_quota_counts_removed_files_and_refuses_with_409(app):
    """SECURITY.md, input and files: a quota per application (count)."""
    app.config["UPLOAD_QUOTA_FILES"] = 2
    portal = registered(app)
    assert portal.upload("recto.pdf", pdf()).status_code == 303
    ((file_id, *_),) = portal.rows()
    removal = f"{portal.page}/{PIECE}/fichiers/{file_id}/supprimer"
    assert portal.client.submit(removal).status_code == 303  # hidden, but kept: it counts
    assert portal.upload("verso.pdf", pdf()).status_code == 303
    files, rows = portal.files(), portal.rows()
    response = portal.upload("troisieme.pdf", pdf())
    assert response.status_code == 409
    message = " ".join(errors(response))
    assert "le maximum autorisé (2, anciennes versions et fichiers supprimés compris)" in message
    assert "le fichier « troisieme.pdf » n'a pas été enregistré" in message
    assert portal.files() == files and portal.rows() == rows


def test_the_byte_quota_refuses_with_413_and_keeps_nothing(app):
    """SECURITY.md, input and files: a quota per application (bytes)."""
    app.config["UPLOAD_QUOTA_BYTES"] = 50_000
    portal = registered(app)
    assert portal.upload("recto.pdf", pdf(30_000)).status_code == 303
    files, rows = portal.files(), portal.rows()
    response = portal.upload("verso.pdf", pdf(30_000))
    assert response.status_code == 413
    message = " ".join(errors(response))
    assert "dépasseraient la taille totale autorisée" in message
    assert "le fichier « verso.pdf » n'a pas été enregistré" in message
    assert portal.files() == files and portal.rows() == rows
    assert portal.upload("petit.pdf", pdf(10_000)).status_code == 303  # what fits still does
