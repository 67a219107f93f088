"""Issuing a document: the PDF rendered and written durably under FILES_DIR first, outside
any write transaction, then its row and its check recorded in a short one.

The confirmation (or, for the G02 model, the récapitulatif) and the request for
supporting documents are produced at every save of the application; an exam office
publishes the others (convocation, relevé de notes, notifications).

A document the portal renders carries a verification code made from a random document
key (``worker.rules.verification``), not from its row id, so it is rendered before its
row exists (``prepare``): rendering with Typst and fsyncing take tens of milliseconds, and
other requests' writes (sign-ins, sessions, uploads) must not queue behind them (issue
17). The caller then opens ``BEGIN IMMEDIATE``, re-checks what may have changed meanwhile
and ``record``s the rows; if it does not commit them, it ``discard``s the files. A crash
between the two leaves at most an orphan file, never a row without its file; ``files
sweep`` removes such orphans after an hour. A PDF the office uploads as it is (``content``
bytes) carries no code of ours and gets no check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from flask import current_app, has_app_context

from catalog import Catalog
from worker import clock
from worker.documents import confirmation, pieces_request, verification
from worker.files import storage
from worker.rules import pieces as supporting
from worker.rules import verification as codes
from worker.store import applications, documents
from worker.store.accounts import Account
from worker.store.applications import Application
from worker.store.db import Database

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


@dataclass(frozen=True)
class Prepared:
    """A document rendered and written durably whose row is not recorded yet."""

    kind: str
    title: str
    version: int
    stored_name: str
    at: str  # the time of issue it prints and its row keeps
    code: str | None  # its verification code; None for an uploaded PDF
    sha256: str | None


def _fresh_key(db: Database, signing_key: str) -> int:
    """A random document key whose code no issued document prints (a read: no lock)."""
    while True:
        key = codes.new_key()
        if not documents.code_taken(db, codes.make_code(key, signing_key)):
            return key


def prepare(
    db: Database,
    data_dir: str,
    kind: str,
    version: int,
    content: bytes | Renderer,
    title: str | None = None,
) -> Prepared:
    """The PDF rendered with a fresh verification code, written and synced, outside any
    write transaction; ``content`` is the PDF itself or a renderer taking the block."""
    signing = _signing()
    block = None
    if callable(content) and signing is not None:
        block = verification.block(_fresh_key(db, signing[0]), *signing)
    at = clock.stamp()
    data = content(block) if callable(content) else content
    name = storage.new_name()
    storage.write_bytes(storage.path_of(data_dir, AREA, name), data)
    return Prepared(
        kind=kind,
        title=title or TITLES.get(kind, kind),
        version=version,
        stored_name=name,
        at=at,
        code=block["code"] if block else None,
        sha256=codes.sha256(data) if block else None,
    )


def record(db: Database, application_id: int, prepared: Prepared) -> documents.Document:
    """The row and the check of a prepared document, in the caller's transaction
    (``documents.CodeTaken`` if its code was drawn twice at once)."""
    document = documents.insert(
        db,
        application_id,
        prepared.kind,
        prepared.title,
        prepared.version,
        prepared.stored_name,
        prepared.at,
    )
    if prepared.code is not None:
        documents.record_check(db, document.id, prepared.code, prepared.sha256)
    return document


def discard(data_dir: str, prepared: Iterable[Prepared]) -> None:
    """The files of documents whose transaction did not commit."""
    for document in prepared:
        storage.path_of(data_dir, AREA, document.stored_name).unlink(missing_ok=True)


def publish(
    db: Database,
    data_dir: str,
    application_id: int,
    kind: str,
    version: int,
    content: bytes | Renderer,
    title: str | None = None,
) -> documents.Document:
    """Prepared and recorded at once, in the caller's transaction: for an uploaded PDF,
    which costs no rendering (the file is removed if recording it fails)."""
    prepared = prepare(db, data_dir, kind, version, content, title)
    try:
        return record(db, application_id, prepared)
    except BaseException:
        discard(data_dir, [prepared])
        raise


def prepare_registration(
    db: Database, data_dir: str, catalog: Catalog, account: Account, application: Application
) -> list[Prepared]:
    """The application's official documents for its version, as it will be once saved
    (``application`` may not be recorded yet), rendered and written."""
    exam = catalog.exams[application.exam]
    now = clock.now()
    printed = confirmation.build(catalog, account, application, now)
    prepared = []
    try:
        prepared.append(
            prepare(
                db,
                data_dir,
                exam.document,
                application.version,
                lambda block: confirmation.render(printed, block),
            )
        )
        if supporting.requested(exam, application):
            request = pieces_request.build(catalog, account, application, now)
            prepared.append(
                prepare(
                    db,
                    data_dir,
                    "demande_pj",
                    application.version,
                    lambda block: pieces_request.render(request, block),
                )
            )
    except BaseException:
        discard(data_dir, prepared)
        raise
    return prepared


def record_all(
    db: Database, application_id: int, prepared: Iterable[Prepared]
) -> list[documents.Document]:
    """Every prepared document of one application, in the caller's transaction."""
    return [record(db, application_id, document) for document in prepared]


def prepare_document(
    db: Database,
    data_dir: str,
    application_id: int,
    kind: str,
    content: bytes | Renderer,
    title: str,
) -> Prepared:
    """The next version of this kind of document, rendered and written (no lock held);
    ``is_next`` re-checks its version under the lock."""
    version = documents.next_version(db, application_id, kind)
    return prepare(db, data_dir, kind, version, content, title)


def is_next(db: Database, application_id: int, prepared: Prepared) -> bool:
    """Whether no other version of its kind was published since it was prepared (and,
    in the caller's transaction, none can be until it ends)."""
    applications.lock(db, application_id)
    return documents.next_version(db, application_id, prepared.kind) == prepared.version


def publish_document(
    db: Database,
    data_dir: str,
    application_id: int,
    kind: str,
    content: bytes | Renderer,
    title: str,
) -> documents.Document:
    """A new version of this kind of document in the candidate's « Mes documents »."""
    applications.lock(db, application_id)
    version = documents.next_version(db, application_id, kind)
    return publish(db, data_dir, application_id, kind, version, content, title)
