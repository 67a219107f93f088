"""Issuing a document: the PDF written durably under DATA_DIR, then its row.

The confirmation (or, for the G02 model, the récapitulatif) and the request for
supporting documents are produced at every save of the application; an exam office
publishes the others (convocation, relevé de notes, notifications).
"""

from __future__ import annotations

from sqlite_utils import Database

from catalog import Catalog
from worker import clock
from worker.documents import confirmation, pieces_request
from worker.files import storage
from worker.rules import pieces as supporting
from worker.store import documents
from worker.store.accounts import Account
from worker.store.applications import Application

AREA = "documents"


TITLES = {
    "confirmation": "Confirmation d'inscription",
    "recapitulatif": "Récapitulatif d'inscription",
    "demande_pj": "Demande de pièces justificatives",
}


def publish(
    db: Database,
    data_dir: str,
    application_id: int,
    kind: str,
    version: int,
    content: bytes,
    title: str | None = None,
) -> documents.Document:
    """The file first (written and synced), then its row in the caller's transaction."""
    name = storage.new_name()
    storage.write_bytes(storage.path_of(data_dir, AREA, name), content)
    return documents.insert(
        db, application_id, kind, title or TITLES.get(kind, kind), version, name
    )


def publish_registration(
    db: Database, data_dir: str, catalog: Catalog, account: Account, application: Application
) -> None:
    """The application's official documents for its current version."""
    exam = catalog.exams[application.exam]
    now = clock.now()
    content = confirmation.render(confirmation.build(catalog, account, application, now))
    publish(db, data_dir, application.id, exam.document, application.version, content)
    pieces = supporting.requested(exam, application)
    if pieces:
        request = pieces_request.build(catalog, account, application, now)
        publish(
            db,
            data_dir,
            application.id,
            "demande_pj",
            application.version,
            pieces_request.render(request),
        )


def publish_document(
    db: Database, data_dir: str, application_id: int, kind: str, content: bytes, title: str
) -> documents.Document:
    """A new version of this kind of document in the candidate's « Mes documents »."""
    version = documents.next_version(db, application_id, kind)
    return publish(db, data_dir, application_id, kind, version, content, title)
