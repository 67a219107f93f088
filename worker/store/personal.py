"""A candidate's personal data as a whole: what « Télécharger mon dossier » gathers, and
what the retention run deletes once a session's retention period is over."""

from __future__ import annotations

import json
from dataclasses import dataclass

from worker.store.db import Database


@dataclass(frozen=True)
class StoredRef:
    """A file under FILES_DIR: its area (documents, uploads) and generated name."""

    area: str
    stored_name: str
    name: str  # how the candidate knows it: a title, or the uploaded file's own name


def _dicts(cursor) -> list[dict]:
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def applications_of(db: Database, account_id: int) -> list[dict]:
    """Every application of the account, its answers decoded, with its versions."""
    rows = _dicts(
        db.execute(
            "SELECT id, number, academy, exam, session, status, created_at, updated_at, version,"
            " speciality, answers FROM applications WHERE account_id = ? ORDER BY number",
            [account_id],
        )
    )
    for row in rows:
        row["answers"] = json.loads(row["answers"] or "{}")
        row["results"] = _dicts(
            db.execute(
                "SELECT test_code, mark, published_at FROM results WHERE application_id = ?",
                [row["id"]],
            )
        )
    return rows


def documents_of(db: Database, application_id: int) -> list[StoredRef]:
    rows = db.execute(
        "SELECT stored_name, title, version FROM documents WHERE application_id = ? ORDER BY id",
        [application_id],
    )
    return [StoredRef("documents", name, f"{title} v{version}") for name, title, version in rows]


def uploads_of(db: Database, application_id: int) -> list[StoredRef]:
    rows = db.execute(
        "SELECT f.stored_name, p.code, f.original_name FROM piece_files f"
        " JOIN pieces p ON p.id = f.piece_id WHERE p.application_id = ? ORDER BY f.id",
        [application_id],
    )
    return [StoredRef("uploads", name, f"{code} - {original}") for name, code, original in rows]


def of_session(db: Database, exam: str, session: str) -> list[tuple[int, int, str, str]]:
    """(application id, account id, académie, number) of every application of a session."""
    return list(
        db.execute(
            "SELECT id, account_id, academy, number FROM applications WHERE exam = ?"
            " AND session = ? ORDER BY id",
            [exam, session],
        )
    )


PURGED_TABLES = (
    "DELETE FROM document_checks WHERE document_id IN"
    " (SELECT id FROM documents WHERE application_id = :id)",
    "DELETE FROM documents WHERE application_id = :id",
    "DELETE FROM piece_files WHERE piece_id IN (SELECT id FROM pieces WHERE application_id = :id)",
    "DELETE FROM pieces WHERE application_id = :id",
    "DELETE FROM results WHERE application_id = :id",
    "DELETE FROM publication_items WHERE application_id = :id",
    "DELETE FROM application_versions WHERE application_id = :id",
    "DELETE FROM drafts WHERE application_id = :id OR saved_as = :id",
    "DELETE FROM pupils WHERE application_id = :id",
    "DELETE FROM applications WHERE id = :id",
)


def delete_application(db: Database, application_id: int) -> list[StoredRef]:
    """Delete the application and every row hanging from it; returns its files, for the
    caller to delete once the transaction commits."""
    files = documents_of(db, application_id) + uploads_of(db, application_id)
    for statement in PURGED_TABLES:
        db.execute(statement, {"id": application_id})
    return files
