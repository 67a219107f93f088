"""Enrolled pupils: their imports, accounts, applications and login slip files.

An import belongs to one establishment, exam and session. Each pupil has an account of
kind "pupil" (a login, no address until the first login) and one registered application.
The slip files are PDFs under FILES_DIR/slips/; their rows stay, marked, once deleted.

Writes expect to run inside ``db.transaction()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from worker import clock
from worker.store import accounts, applications, sessions
from worker.store.accounts import Account, EmailTaken, normalize_email
from worker.store.applications import Application
from worker.store.db import Database


@dataclass(frozen=True)
class Import:
    id: int
    academy: str
    establishment: str
    exam: str
    session: str
    staff_id: int | None
    created_at: str


@dataclass(frozen=True)
class Pupil:
    account: Account
    application: Application


@dataclass(frozen=True)
class SlipFile:
    id: int
    import_id: int
    academy: str
    reason: str
    pupils: int
    stored_name: str
    staff_id: int | None
    created_at: str
    deleted_at: str | None


IMPORT_COLUMNS = "id, academy, establishment, exam, session, staff_id, created_at"
SLIP_COLUMNS = (
    "id, import_id, academy, reason, pupils, stored_name, staff_id, created_at, deleted_at"
)


# -- imports -------------------------------------------------------------------------------


def start_import(
    db: Database, academy: str, uai: str, exam: str, session: str, staff_id: int | None
) -> Import:
    new_id = db.execute(
        "INSERT INTO pupil_imports (academy, establishment, exam, session, staff_id, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        [academy, uai, exam, session, staff_id, clock.stamp()],
    ).fetchone()[0]
    return import_by_id(db, new_id)


def import_by_id(db: Database, import_id: int) -> Import | None:
    row = db.execute(
        f"SELECT {IMPORT_COLUMNS} FROM pupil_imports WHERE id = ?", [import_id]
    ).fetchone()
    return Import(*row) if row else None


def import_in_scope(db: Database, scope: tuple[str, ...], import_id: int) -> Import | None:
    found = import_by_id(db, import_id)
    return found if found is not None and found.academy in scope else None


def imports_in_scope(db: Database, scope: tuple[str, ...]) -> list[dict]:
    if not scope:
        return []
    return list(
        db.query(
            "SELECT i.id, i.academy, i.establishment, i.exam, i.session, i.created_at,"
            " s.name AS staff, (SELECT count(*) FROM pupils p WHERE p.import_id = i.id) AS count"
            f" FROM pupil_imports i LEFT JOIN staff s ON s.id = i.staff_id"
            f" WHERE i.academy IN ({', '.join('?' * len(scope))})"
            " ORDER BY i.created_at DESC, i.id DESC",
            list(scope),
        )
    )


def imported_login(
    db: Database,
    exam: str,
    session: str,
    uai: str,
    last_name: str,
    first_names: str,
    birth_date: date,
) -> str | None:
    """The login of this pupil if a live application of this establishment's imports has
    them already (names compared regardless of case)."""
    row = db.execute(
        "SELECT ac.login FROM pupils p JOIN accounts ac ON ac.id = p.account_id"
        " JOIN pupil_imports i ON i.id = p.import_id"
        " JOIN applications ap ON ap.id = p.application_id"
        " WHERE i.exam = ? AND i.session = ? AND i.establishment = ? AND ap.status = ?"
        " AND lower(ac.last_name) = lower(?) AND lower(ac.first_names) = lower(?)"
        " AND ac.birth_date = ?",
        [
            exam,
            session,
            uai,
            applications.REGISTERED,
            last_name,
            first_names,
            birth_date.isoformat(),
        ],
    ).fetchone()
    return row[0] if row else None


# -- pupils --------------------------------------------------------------------------------


def logins_starting(db: Database, base: str) -> set[str]:
    """The logins of every account that start with ``base``."""
    return {
        row[0]
        for row in db.execute(
            "SELECT login FROM accounts WHERE login LIKE ? ESCAPE '\\'", [base + "%"]
        )
    }


def create_account(
    db: Database,
    login: str,
    password_hash: str,
    civility: str,
    last_name: str,
    first_names: str,
    birth_date: date,
) -> Account:
    """The pupil's account, activated (a candidate number), to change its password first."""
    now = clock.stamp()
    new_id = db.execute(
        "INSERT INTO accounts (email, email_key, password_hash, status, civility, last_name,"
        " first_names, birth_date, birth_country, created_at, updated_at, kind, login,"
        " must_change_password) VALUES ('', ?, ?, 'pending', ?, ?, ?, ?, '', ?, ?, 'pupil', ?, 1)"
        " RETURNING id",
        [
            f"login:{login}",
            password_hash,
            civility,
            last_name,
            first_names,
            birth_date.isoformat(),
            now,
            now,
            login,
        ],
    ).fetchone()[0]
    return accounts.activate(db, accounts.by_id(db, new_id))


def add_pupil(db: Database, batch: Import, account_id: int, application_id: int, line: int) -> None:
    """The account and application of a pupil of this import (its line in the file)."""
    db.execute(
        "INSERT INTO pupils (account_id, import_id, application_id, line) VALUES (?, ?, ?, ?)",
        [account_id, batch.id, application_id, line],
    )


def pupils_of(db: Database, import_id: int) -> list[dict]:
    return list(
        db.query(
            "SELECT ac.id AS account_id, ac.last_name, ac.first_names, ac.birth_date,"
            " ac.civility, ac.login, ac.candidate_number, ac.email, ac.must_change_password,"
            " ap.id AS application_id, ap.number, ap.speciality, ap.status, p.line"
            " FROM pupils p JOIN accounts ac ON ac.id = p.account_id"
            " JOIN applications ap ON ap.id = p.application_id"
            " WHERE p.import_id = ? ORDER BY ac.last_name, ac.first_names, ac.id",
            [import_id],
        )
    )


def pupil_in_import(db: Database, batch: Import, account_id: int) -> Pupil | None:
    """The pupil of this import (None otherwise)."""
    row = db.execute(
        "SELECT application_id FROM pupils WHERE import_id = ? AND account_id = ?",
        [batch.id, account_id],
    ).fetchone()
    if row is None:
        return None
    return Pupil(accounts.by_id(db, account_id), applications.by_id(db, row[0]))


def renew_password(db: Database, account_id: int, password_hash: str) -> Account:
    """A new one-time password: to change again at next login; other sessions end."""
    db.execute(
        "UPDATE accounts SET password_hash = ?, must_change_password = 1, updated_at = ?"
        " WHERE id = ? AND kind = 'pupil'",
        [password_hash, clock.stamp(), account_id],
    )
    sessions.close_others(db, account_id)
    return accounts.by_id(db, account_id)


# -- the slip files ------------------------------------------------------------------------


def add_slips(
    db: Database, batch: Import, reason: str, count: int, stored_name: str, staff_id: int | None
) -> SlipFile:
    """The row of a slips file already written under ``stored_name``."""
    new_id = db.execute(
        "INSERT INTO pupil_slips (import_id, academy, reason, pupils, stored_name, staff_id,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [batch.id, batch.academy, reason, count, stored_name, staff_id, clock.stamp()],
    ).fetchone()[0]
    return slip_by_id(db, new_id)


def slip_by_id(db: Database, slip_id: int) -> SlipFile | None:
    row = db.execute(f"SELECT {SLIP_COLUMNS} FROM pupil_slips WHERE id = ?", [slip_id]).fetchone()
    return SlipFile(*row) if row else None


def slip_in_scope(db: Database, scope: tuple[str, ...], slip_id: int) -> SlipFile | None:
    found = slip_by_id(db, slip_id)
    return found if found is not None and found.academy in scope else None


def slips_of(db: Database, import_id: int) -> list[SlipFile]:
    rows = db.execute(
        f"SELECT {SLIP_COLUMNS} FROM pupil_slips WHERE import_id = ? ORDER BY id DESC",
        [import_id],
    )
    return [SlipFile(*row) for row in rows]


def mark_slips_deleted(db: Database, slip: SlipFile) -> None:
    """The row stays, marked, for the record; the caller removes the file once committed."""
    db.execute(
        "UPDATE pupil_slips SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
        [clock.stamp(), slip.id],
    )


def known_files(db: Database) -> set[str]:
    return {
        row[0] for row in db.execute("SELECT stored_name FROM pupil_slips WHERE deleted_at IS NULL")
    }


# -- first login of a pupil ----------------------------------------------------------------


def set_first_email(db: Database, account_id: int, email: str) -> Account:
    """The address the pupil gave becomes the account's (EmailTaken when used elsewhere)."""
    email, key = normalize_email(email)
    taken = db.execute(
        "SELECT 1 FROM accounts WHERE (email_key = ? OR pending_email = ?) AND id != ?",
        [key, key, account_id],
    ).fetchone()
    if taken:
        raise EmailTaken(email)
    db.execute(
        "UPDATE accounts SET email = ?, email_key = ?, pending_email = NULL, updated_at = ?"
        " WHERE id = ?",
        [email, key, clock.stamp(), account_id],
    )
    return accounts.by_id(db, account_id)


def finish_first_login(db: Database, account_id: int, password_hash: str) -> Account:
    db.execute(
        "UPDATE accounts SET password_hash = ?, must_change_password = 0, updated_at = ?"
        " WHERE id = ?",
        [password_hash, clock.stamp(), account_id],
    )
    return accounts.by_id(db, account_id)
