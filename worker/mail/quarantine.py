"""Files kept in quarantine (clamd was unreachable at upload) scanned again.

``flask --app worker files rescan`` and the mail delivery thread (about once a minute)
call ``rescan``: a clean file becomes downloadable by the exam office; an infected one is
deleted, its row marked, and the candidate told by mail; while clamd stays unreachable
nothing changes (the next run tries again).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask

from worker import mail
from worker.files import antivirus, storage
from worker.store import db as database
from worker.store import pieces

log = logging.getLogger(__name__)
UPLOADS = "uploads"


@dataclass(frozen=True)
class Rescanned:
    clean: int = 0
    infected: int = 0
    pending: int = 0  # still waiting: clamd unreachable


def rescan(app: Flask) -> Rescanned:
    """Scan every quarantined file again with the worker's clamd settings."""
    scanner = antivirus.Scanner.from_config(app.config)
    if not scanner.enabled:
        return Rescanned()
    db = database.open_for(app)
    try:
        # A request context: mail templates are rendered like the pages' (layout context).
        with app.test_request_context("/", base_url=app.config["BASE_URL"]):
            return _rescan(app, db, scanner)
    finally:
        db.close()


def _rescan(app: Flask, db, scanner: antivirus.Scanner) -> Rescanned:
    clean = infected = 0
    waiting = pieces.pending_scans(db)
    for index, pending in enumerate(waiting):
        path = storage.path_of(app.config["FILES_DIR"], UPLOADS, pending.stored_name)
        verdict = scanner.scan(path)
        if isinstance(verdict, antivirus.Unavailable):
            log.warning("rescan stopped, clamd unavailable: %s", verdict.reason)
            return Rescanned(clean, infected, len(waiting) - index)
        with database.transaction(db):
            if isinstance(verdict, antivirus.Infected):
                pieces.set_scan_state(db, pending.id, "infected")
                _tell(db, pending, verdict.name)
            else:
                pieces.set_scan_state(db, pending.id, "clean")
        if isinstance(verdict, antivirus.Infected):
            path.unlink(missing_ok=True)
            log.warning("file %s infected (%s): deleted", pending.id, verdict.name)
            infected += 1
        else:
            clean += 1
    return Rescanned(clean, infected, 0)


def _tell(db, pending: pieces.PendingScan, signature: str) -> None:
    if not pending.email:  # a pupil who never gave an address: their school will see it
        return
    mail.queue(
        db,
        "fichier_infecte",
        pending.email,
        pending.account_id,
        first_names=pending.first_names,
        last_name=pending.last_name,
        original_name=pending.original_name,
        number=pending.number,
        signature=signature,
    )
