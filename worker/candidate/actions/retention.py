"""The retention run: once a session ended more than its exam's ``retention_months`` ago,
its applications, their documents, supporting documents, results and versions are
deleted, each one recorded in the audit log (``retention.purge``). Accounts stay (the
candidate may delete theirs; unactivated ones are purged hourly)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from catalog import Catalog
from worker.files import storage
from worker.store import db, personal
from worker.store.audit import audit
from worker.store.db import Database


@dataclass(frozen=True)
class Expired:
    exam: str
    session: str
    ended: datetime
    applications: int


@dataclass
class Purged:
    """What the run found (dry run) or deleted."""

    sessions: list[Expired] = field(default_factory=list)
    files: int = 0


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    total = moment.month - 1 + months
    year, month = moment.year + total // 12, total % 12 + 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def expired_sessions(catalog: Catalog, now: datetime) -> list[tuple[str, str, datetime]]:
    """(exam, session, end) of the sessions whose retention period is over."""
    found = []
    for exam in catalog.exams.values():
        if exam.retention_months <= 0:
            continue
        for session in exam.sessions:
            if session.end and add_months(session.end, exam.retention_months) < now:
                found.append((exam.code, session.code, session.end))
    return found


def purge(
    database: Database, catalog: Catalog, data_dir: str | Path, now: datetime, dry_run: bool
) -> Purged:
    """Deletes (or, dry run, counts) the expired sessions' data, one application at a time:
    rows and audit entry in one transaction, then its files."""
    report = Purged()
    for exam, session, ended in expired_sessions(catalog, now):
        rows = personal.of_session(database, exam, session)
        report.sessions.append(Expired(exam, session, ended, len(rows)))
        for application_id, account_id, academy, number in rows:
            if dry_run:
                report.files += len(personal.documents_of(database, application_id))
                report.files += len(personal.uploads_of(database, application_id))
                continue
            with db.transaction(database):
                files = personal.delete_application(database, application_id)
                audit(database, None, "retention.purge", academy=academy,
                      application_id=application_id, account_id=account_id,
                      before={"exam": exam, "session": session, "number": number,
                              "files": len(files)})  # fmt: skip
            report.files += _remove(data_dir, files)
    return report


def _remove(data_dir: str | Path, files: list[personal.StoredRef]) -> int:
    removed = 0
    for ref in files:
        path = storage.path_of(data_dir, ref.area, ref.stored_name)
        if path.exists():
            path.unlink()
            removed += 1
    return removed
