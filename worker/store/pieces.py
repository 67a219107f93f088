"""Supporting documents' state: one row per requested piece, and the files of each round.

Which pieces an application needs is a rule of the catalogue (``worker.rules.pieces``);
this module only keeps what happened to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from worker import clock
from worker.store import piece_counts
from worker.store.db import Database


@dataclass(frozen=True)
class StoredFile:
    id: int
    round: int
    stored_name: str
    original_name: str
    size: int
    content_type: str
    uploaded_at: str
    removed_at: str | None
    scan_state: str = "clean"  # clean | pending (quarantined) | infected (deleted)


@dataclass(frozen=True)
class PendingScan:
    """A quarantined file, with whom to tell should a rescan find it infected."""

    id: int
    stored_name: str
    original_name: str
    account_id: int
    email: str
    first_names: str
    last_name: str
    number: str


@dataclass(frozen=True)
class PieceRow:
    id: int
    code: str
    status: str
    status_at: str | None
    received_on: str | None
    comment: str
    round: int
    validated_at: str | None
    granted_until: str | None = None  # a later deadline the office granted (a relance)


FILE_COLUMNS = "f.id, f.round, f.stored_name, f.original_name, f.size, f.content_type," + (
    " f.uploaded_at, f.removed_at, f.scan_state"
)


def rows_of(db: Database, application_id: int) -> dict[str, PieceRow]:
    """The application's piece rows by piece code (a piece has a row once touched)."""
    rows = db.execute(
        "SELECT id, code, status, status_at, received_on, comment, round, validated_at,"
        " granted_until FROM pieces WHERE application_id = ?",
        [application_id],
    )
    return {row[1]: PieceRow(*row) for row in rows}


def files_by_piece(db: Database, application_id: int) -> dict[int, list[StoredFile]]:
    """The files of the application's pieces by piece id, oldest first (one query for the
    whole application, not one per piece)."""
    rows = db.execute(
        f"SELECT f.piece_id, {FILE_COLUMNS} FROM piece_files f JOIN pieces p ON p.id = f.piece_id"
        " WHERE p.application_id = ? ORDER BY f.id",
        [application_id],
    )
    found: dict[int, list[StoredFile]] = {}
    for piece_id, *row in rows:
        found.setdefault(piece_id, []).append(StoredFile(*row))
    return found


# A piece's exam session while its application is registered (migration 0013).
GROUP_KEY_SQL = (
    "CASE WHEN ap.status = 'registered' THEN ap.academy || '|' || ap.exam || '|' || ap.session END"
)
# Whether a piece of the application holds a file that was not removed (migration 0013).
HAS_FILE_SQL = (
    "CASE WHEN EXISTS (SELECT 1 FROM pieces p JOIN piece_files f ON f.piece_id = p.id"
    " WHERE p.application_id = applications.id AND f.removed_at IS NULL) THEN 1 ELSE 0 END"
)


def ensure_row(db: Database, application_id: int, code: str) -> int:
    """The id of the piece's row, created on first use."""
    created = db.execute(
        f"INSERT INTO pieces (application_id, code, group_key) SELECT ap.id, ?, {GROUP_KEY_SQL}"
        " FROM applications ap WHERE ap.id = ? ON CONFLICT (application_id, code) DO NOTHING",
        [code, application_id],
    )
    if created.rowcount:
        piece_counts.count(db, "p.application_id = ? AND p.code = ?", [application_id, code], 1)
    return db.execute(
        "SELECT id FROM pieces WHERE application_id = ? AND code = ?", [application_id, code]
    ).fetchone()[0]


def add_file(
    db: Database,
    piece_id: int,
    round_: int,
    stored_name: str,
    original_name: str,
    size: int,
    content_type: str,
    scan_state: str = "clean",
) -> int:
    new_id = db.execute(
        "INSERT INTO piece_files (piece_id, round, stored_name, original_name, size,"
        " content_type, uploaded_at, scan_state) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [
            piece_id, round_, stored_name, original_name, size, content_type, clock.stamp(),
            scan_state,
        ],
)  # fmt: skip
    db.execute(
        "UPDATE applications SET has_file = 1"
        " WHERE id = (SELECT application_id FROM pieces WHERE id = ?)",
        [piece_id],
    )
    return new_id


def _file_gone(db: Database, file_id: int) -> None:
    """A file was removed or found infected: does its application still hold one?"""
    db.execute(
        f"UPDATE applications SET has_file = {HAS_FILE_SQL} WHERE id = (SELECT p.application_id"
        " FROM pieces p JOIN piece_files f ON f.piece_id = p.id WHERE f.id = ?)",
        [file_id],
    )


def derive_for_applications(db: Database, first_id: int, last_id: int) -> None:
    """What migration 0013 derives, for applications and pieces written in bulk."""
    db.execute(
        f"UPDATE pieces SET group_key = (SELECT {GROUP_KEY_SQL} FROM applications ap"
        " WHERE ap.id = pieces.application_id) WHERE application_id >= ? AND application_id <= ?",
        [first_id, last_id],
    )
    piece_counts.count(
        db, "p.application_id >= ? AND p.application_id <= ?", [first_id, last_id], 1
    )
    db.execute(
        f"UPDATE applications SET has_file = {HAS_FILE_SQL} WHERE id >= ? AND id <= ?",
        [first_id, last_id],
    )


def pending_scans(db: Database, limit: int = 100) -> list[PendingScan]:
    """Quarantined files, oldest first (a partial index keeps this cheap when none)."""
    rows = db.execute(
        "SELECT f.id, f.stored_name, f.original_name, c.id, c.email, c.first_names,"
        " c.last_name, a.number FROM piece_files f JOIN pieces p ON p.id = f.piece_id"
        " JOIN applications a ON a.id = p.application_id JOIN accounts c ON c.id = a.account_id"
        " WHERE f.scan_state = 'pending' ORDER BY f.id LIMIT ?",
        [limit],
    )
    return [PendingScan(*row) for row in rows]


def set_scan_state(db: Database, file_id: int, state: str) -> None:
    """The verdict of a rescan; an infected file counts as removed (its file is deleted)."""
    db.execute(
        "UPDATE piece_files SET scan_state = ?, removed_at = CASE WHEN ? = 'infected'"
        " THEN coalesce(removed_at, ?) ELSE removed_at END WHERE id = ?",
        [state, state, clock.stamp(), file_id],
    )
    if state == "infected":
        _file_gone(db, file_id)


def usage(db: Database, application_id: int) -> tuple[int, int]:
    """(files, bytes) stored for the application: every round, removed files included."""
    count, total = db.execute(
        "SELECT count(*), coalesce(sum(f.size), 0) FROM piece_files f"
        " JOIN pieces p ON p.id = f.piece_id WHERE p.application_id = ?",
        [application_id],
    ).fetchone()
    return count, total


def mark_removed(db: Database, file_id: int) -> None:
    db.execute("UPDATE piece_files SET removed_at = ? WHERE id = ?", [clock.stamp(), file_id])
    _file_gone(db, file_id)


def grant_until(db: Database, application_id: int, code: str, deadline: str) -> None:
    """The piece may be provided until ``deadline`` (ISO UTC), if later than it could."""
    piece_id = ensure_row(db, application_id, code)
    db.execute(
        "UPDATE pieces SET granted_until = ? WHERE id = ?"
        " AND (granted_until IS NULL OR granted_until < ?)",
        [deadline, piece_id, deadline],
    )


def mark_validated(db: Database, piece_id: int) -> None:
    with piece_counts.changing(db, "p.id = ?", [piece_id]):
        db.execute("UPDATE pieces SET validated_at = ? WHERE id = ?", [clock.stamp(), piece_id])


def set_status(
    db: Database, piece_id: int, status: str, comment: str, received_on: date | None, reopen: bool
) -> None:
    """Record the office's decision; ``reopen`` starts a new round and unlocks the piece."""
    with piece_counts.changing(db, "p.id = ?", [piece_id]):
        db.execute(
            "UPDATE pieces SET status = ?, status_at = ?, comment = ?, received_on = ?,"
            " round = round + ?, validated_at = CASE WHEN ? = 1 THEN NULL ELSE validated_at END"
            " WHERE id = ?",
            [
                status,
                clock.stamp(),
                comment,
                received_on.isoformat() if received_on else None,
                1 if reopen else 0,
                1 if reopen else 0,
                piece_id,
            ],
        )


def file_of_application(db: Database, application_id: int, file_id: int) -> StoredFile | None:
    """A file, only if it belongs to this application (the owner check of downloads)."""
    row = db.execute(
        f"SELECT {FILE_COLUMNS} FROM piece_files f JOIN pieces p ON p.id = f.piece_id"
        " WHERE f.id = ? AND p.application_id = ?",
        [file_id, application_id],
    ).fetchone()
    return StoredFile(*row) if row else None


def known_files(db: Database) -> set[str]:
    return {r[0] for r in db.execute("SELECT stored_name FROM piece_files")}
