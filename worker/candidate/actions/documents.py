"""« Mes documents » and the files of « Mes justificatifs », opened by their owner."""

from __future__ import annotations

from worker.store import db
from worker.store import documents as issued
from worker.store import pieces as stored_pieces
from worker.store.applications import Application
from worker.store.db import Database
from worker.store.documents import Document
from worker.store.pieces import StoredFile


def open_document(
    database: Database, application: Application, document_id: int
) -> Document | None:
    """« Visualiser/imprimer »: the document, marked as seen; None if not the application's.

    Only the latest version of each kind is available to the candidate (the office keeps
    the others): for an earlier one, the current version of its kind, not marked."""
    document = issued.one(database, application.id, document_id)
    if document is None:
        return None
    current = issued.latest_of(database, application.id, document.kind)
    if current.id != document.id:
        return current
    with db.transaction(database):
        issued.mark_viewed(database, document)
    return document


def uploaded_file(database: Database, application: Application, file_id: int) -> StoredFile | None:
    """A file the candidate uploaded and has not removed."""
    stored = stored_pieces.file_of_application(database, application.id, file_id)
    return None if stored is None or stored.removed_at else stored
