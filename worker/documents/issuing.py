"""Issuing a document: its row, the PDF written durably under DATA_DIR, then its check.

The confirmation (or, for the G02 model, the récapitulatif) and the request for
supporting documents are produced at every save of the application; an exam office
publishes the others (convocation, relevé de notes, notifications).

A document the portal renders carries a verification code made from its id, so the row
comes first: it is inserted in the caller's transaction (not yet committed), the PDF is
rendered with its code, written and synced, and its SHA-256 recorded beside the code; the
caller's commit then publishes all three at once. A crash before the commit leaves at
most an orphan file, never a row without its file. A PDF the office uploads as it is
(``content`` bytes) carries no code of ours and gets no check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import current_app, has_app_context
from sqlite_utils import Database

from catalog import Catalog
from worker import clock
from worker.documents import confirmation, pieces_request, verification
from worker.files import storage
from worker.rules import pieces as supporting
from worker.rules import verification as codes
from worker.store import documents
from worker.store.accounts import Account
from worker.store.applications import Application

AREA = "documents"


TITLES = {
    "confirmation": "Confirmation d'inscription",
    "recapitulatif": "Récapitulatif d'inscription",
    "demande_pj": "Demande de pièces justificatives",
}

# A document to render once its verification block is known (None: no block).
Renderer = Callable[[Mapping[str, str] | None], bytes]


def _signing() -> tuple[str, str] | None:
    """The verification key and the portal's address, from the application's settings
    (none outside an application, e.g. a script rendering a document)."""
    if not has_app_context():
        return None
    config = current_app.config
    return config["VERIFY_KEY"], config["BASE_URL"]


def publish(
    db: Database,
    data_dir: str,
    application_id: int,
    kind: str,
    version: int,
    content: bytes | Renderer,
    title: str | None = None,
) -> documents.Document:
    """The row (in the caller's transaction), then the file written and synced, then its
    check; ``content`` is the PDF itself or a renderer taking the verification block."""
    name = storage.new_name()
    document = documents.insert(
        db, application_id, kind, title or TITLES.get(kind, kind), version, name
    )
    signing = _signing()
    block = None
    if callable(content) and signing is not None:
        block = verification.block(document.id, *signing)
    data = content(block) if callable(content) else content
    storage.write_bytes(storage.path_of(data_dir, AREA, name), data)
    if block is not None:
        documents.record_check(db, document.id, block["code"], codes.sha256(data))
    return document


def publish_registration(
    db: Database, data_dir: str, catalog: Catalog, account: Account, application: Application
) -> None:
    """The application's official documents for its current version."""
    exam = catalog.exams[application.exam]
    now = clock.now()
    record = confirmation.build(catalog, account, application, now)
    publish(
        db,
        data_dir,
        application.id,
        exam.document,
        application.version,
        lambda block: confirmation.render(record, block),
    )
    if supporting.requested(exam, application):
        request = pieces_request.build(catalog, account, application, now)
        publish(
            db,
            data_dir,
            application.id,
            "demande_pj",
            application.version,
            lambda block: pieces_request.render(request, block),
        )


def publish_document(
    db: Database,
    data_dir: str,
    application_id: int,
    kind: str,
    content: bytes | Renderer,
    title: str,
) -> documents.Document:
    """A new version of this kind of document in the candidate's « Mes documents »."""
    version = documents.next_version(db, application_id, kind)
    return publish(db, data_dir, application_id, kind, version, content, title)
