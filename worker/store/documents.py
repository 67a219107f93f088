"""Documents published for an application: one row per version of each kind."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from worker import clock


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


def unviewed(db: Database, application_id: int) -> bool:
    return any(d.viewed_at is None for d in latest(db, application_id))


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
    db: Database, application_id: int, kind: str, title: str, version: int, stored_name: str
) -> Document:
    db.execute(
        "INSERT INTO documents (application_id, kind, title, version, stored_name, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [application_id, kind, title, version, stored_name, clock.stamp()],
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
