"""Documents published for an application: one row per version of each kind."""

from __future__ import annotations

from dataclasses import dataclass

from worker import clock
from worker.store.db import Database


@dataclass(frozen=True)
class Document:
    id: int
    application_id: int
    kind: str
    title: str
    version: int
    stored_name: str
    created_at: str
    viewed_at: str | None


def latest(db: Database, application_id: int) -> list[Document]:
    """« Mes documents »: the latest version of each kind of document."""
    rows = db.execute(
        "SELECT id, application_id, kind, title, version, stored_name, created_at, viewed_at"
        " FROM documents d WHERE application_id = ? AND version = (SELECT max(version)"
        " FROM documents WHERE application_id = d.application_id AND kind = d.kind)"
        " ORDER BY created_at, id",
        [application_id],
    )
    return [Document(*row) for row in rows]


def one(db: Database, application_id: int, document_id: int) -> Document | None:
    row = db.execute(
        "SELECT id, application_id, kind, title, version, stored_name, created_at, viewed_at"
        " FROM documents WHERE id = ? AND application_id = ?",
        [document_id, application_id],
    ).fetchone()
    return Document(*row) if row else None


def mark_viewed(db: Database, document: Document) -> None:
    if document.viewed_at is None:
        db.execute("UPDATE documents SET viewed_at = ? WHERE id = ?", [clock.stamp(), document.id])


def latest_of(db: Database, application_id: int, kind: str) -> Document:
    return next(d for d in latest(db, application_id) if d.kind == kind)


def known_files(db: Database) -> set[str]:
    return {r[0] for r in db.execute("SELECT stored_name FROM documents")}


def next_version(db: Database, application_id: int, kind: str) -> int:
    (current,) = db.execute(
        "SELECT coalesce(max(version), 0) FROM documents WHERE application_id = ? AND kind = ?",
        [application_id, kind],
    ).fetchone()
    return current + 1


def insert(
    db: Database,
    application_id: int,
    kind: str,
    title: str,
    version: int,
    stored_name: str,
    at: str | None = None,
) -> Document:
    """The row of a document whose file is already written; ``at``: the time it prints."""
    db.execute(
        "INSERT INTO documents (application_id, kind, title, version, stored_name, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [application_id, kind, title, version, stored_name, at or clock.stamp()],
    )
    return latest_of(db, application_id, kind)


@dataclass(frozen=True)
class Version:
    """One version of a document as the back office lists them."""

    id: int
    kind: str
    title: str
    version: int
    created_at: str
    viewed_at: str | None


def all_versions(db: Database, application_id: int) -> list[Version]:
    """Every version of every document of the application, by kind, newest first."""
    rows = db.execute(
        "SELECT id, kind, title, version, created_at, viewed_at FROM documents"
        " WHERE application_id = ? ORDER BY kind, version DESC",
        [application_id],
    )
    return [Version(*row) for row in rows]


# -- Verification (issue 14): what a document's printed code proves ----------------------


@dataclass(frozen=True)
class Checked:
    """An issued document as the public verification page shows it, with the version that
    is current for its application and kind."""

    document: Document
    code: str
    sha256: str
    last_name: str
    first_names: str
    exam: str
    session: str
    academy: str
    current_version: int


class CodeTaken(Exception):
    """Another document prints this verification code (two random keys drawn alike at
    the same time): the caller's transaction must roll back and the document be redone."""


def code_taken(db: Database, code: str) -> bool:
    """Whether an issued document already prints ``code``."""
    found = db.execute("SELECT 1 FROM document_checks WHERE code = ?", [code]).fetchone()
    return found is not None


def record_check(db: Database, document_id: int, code: str, sha256: str) -> None:
    """The printed code and the digest of the file, in the caller's transaction."""
    stored = db.execute(
        "INSERT INTO document_checks (document_id, code, sha256) VALUES (?, ?, ?)"
        " ON CONFLICT (code) DO NOTHING RETURNING document_id",
        [document_id, code, sha256],
    ).fetchone()
    if stored is None:
        raise CodeTaken(code)


def checked(db: Database, code: str) -> Checked | None:
    """The document that prints ``code`` (grouped, as printed), with its check."""
    row = db.execute(
        "SELECT d.id, d.application_id, d.kind, d.title, d.version, d.stored_name,"
        " d.created_at, d.viewed_at, c.code, c.sha256, a.last_name, a.first_names,"
        " p.exam, p.session, p.academy, (SELECT max(version) FROM documents"
        " WHERE application_id = d.application_id AND kind = d.kind)"
        " FROM document_checks c JOIN documents d ON d.id = c.document_id"
        " JOIN applications p ON p.id = d.application_id JOIN accounts a ON a.id = p.account_id"
        " WHERE c.code = ?",
        [code],
    ).fetchone()
    if row is None:
        return None
    return Checked(Document(*row[:8]), *row[8:])
