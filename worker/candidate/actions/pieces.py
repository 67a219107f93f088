"""« Mes justificatifs »: uploading a file, removing one, « J'ai fourni toutes mes pièces »."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import BinaryIO

from catalog import Catalog
from worker import clock
from worker.candidate.actions.outcomes import Refused
from worker.files import antivirus, storage
from worker.files import checks as uploads
from worker.files.refusals import megabytes
from worker.rules import pieces as supporting
from worker.store import applications, db
from worker.store import pieces as piece_store
from worker.store.applications import Application
from worker.store.db import Database

UPLOADS = "uploads"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Quota:
    """What one application may store: files and bytes, earlier versions and removed
    files included (they are kept for the exam office)."""

    files: int
    bytes: int


class _OverQuota(Exception):
    def __init__(self, refused: Refused):
        super().__init__(refused.message)
        self.refused = refused


@dataclass(frozen=True)
class NoSuchPiece:
    """The application asks for no piece (or group) with this code (or key)."""


@dataclass(frozen=True)
class Uploaded:
    name: str  # the file's cleaned name
    label: str  # the piece's
    quarantined: bool = False  # clamd unreachable: kept, « en cours d'analyse »


@dataclass(frozen=True)
class Removed:
    pass


@dataclass(frozen=True)
class Locked:
    pass


@dataclass(frozen=True)
class GroupRefused:
    """« J'ai fourni toutes mes pièces » refused; ``first_code``: the group's first piece."""

    message: str
    first_code: str


def overview(database: Database, catalog: Catalog, application: Application) -> dict:
    """The pieces of the application by group, and how many are « Conforme »."""
    groups = supporting.groups(database, catalog, application)
    conformes, total = supporting.counter([p for g in groups for p in g.pieces])
    return {"groups": groups, "conformes": conformes, "total": total}


def _find(
    database: Database, catalog: Catalog, application: Application, code: str
) -> tuple[supporting.Group, supporting.PieceState] | None:
    for group in supporting.groups(database, catalog, application):
        for state in group.pieces:
            if state.piece.code == code:
                return group, state
    return None


def upload(
    database: Database,
    catalog: Catalog,
    application: Application,
    code: str,
    sent: tuple[BinaryIO, str] | None,
    max_bytes: int,
    data_dir: str,
    quota: Quota | None = None,
    scanner: antivirus.Scanner | None = None,
) -> Uploaded | Refused | NoSuchPiece:
    """« Ajouter »: ``sent`` (stream, name) checked by content and, when ``scanner`` is
    enabled, by clamd (infected: refused; clamd unreachable: kept in quarantine), then
    stored under a new name."""
    found = _find(database, catalog, application, code)
    if found is None:
        return NoSuchPiece()
    group, state = found
    if not supporting.can_upload(state, group, clock.now()):
        return Refused(
            409,
            "Le dépôt de cette pièce n'est pas possible "
            "en ce moment (pièce validée ou hors période de dépôt).",
        )
    if sent is None:
        return Refused(400, "Choisissez un fichier à déposer.")
    stream, filename = sent
    try:
        checked = uploads.check(stream, filename, max_bytes)
    except uploads.Refused as refusal:
        return Refused(refusal.status, str(refusal))
    over = _over_quota(database, application, checked, quota)
    if over is not None:  # asked again under the write lock in _store
        return over
    scan_state = _scan(stream, checked, scanner)
    if isinstance(scan_state, Refused):
        return scan_state
    try:
        _store(database, application, state, stream, checked, data_dir, quota, scan_state)
    except _OverQuota as reached:
        return reached.refused
    return Uploaded(checked.name, state.piece.label, scan_state == "pending")


def _scan(
    stream: BinaryIO, checked: uploads.Checked, scanner: antivirus.Scanner | None
) -> str | Refused:
    """'clean' (or scanning off), 'pending' (clamd unreachable), or Refused (infected)."""
    if scanner is None or not scanner.enabled:
        return "clean"
    match scanner.scan(stream):
        case antivirus.Infected(signature):
            return Refused(
                422,
                f"Le fichier « {checked.name} » contient un virus (signature {signature}) : "
                "il n'a pas été enregistré.",
            )
        case antivirus.Unavailable(reason):
            log.warning("upload %s quarantined, clamd unavailable: %s", checked.name, reason)
            return "pending"
    return "clean"


def _over_quota(
    database: Database, application: Application, checked: uploads.Checked, quota: Quota | None
) -> Refused | None:
    """Refused (409: too many files, 413: too many bytes) when this file would pass the
    application's quota; None otherwise."""
    if quota is None:
        return None
    files, size = piece_store.usage(database, application.id)
    lost = f"le fichier « {checked.name} » n'a pas été enregistré"
    if files + 1 > quota.files:
        return Refused(
            409,
            f"Ce dossier compte déjà {files} fichiers déposés, le maximum autorisé "
            f"({quota.files}, anciennes versions et fichiers supprimés compris) : {lost}. "
            "Contactez votre service des examens si vous devez en déposer d'autres.",
        )
    if size + checked.size > quota.bytes:
        return Refused(
            413,
            f"Les fichiers de ce dossier dépasseraient la taille totale autorisée "
            f"({megabytes(quota.bytes)}, anciennes versions et fichiers supprimés compris) : "
            f"{lost}. Contactez votre service des examens si vous devez en déposer d'autres.",
        )
    return None


def _store(
    database: Database,
    application: Application,
    state: supporting.PieceState,
    stream: BinaryIO,
    checked: uploads.Checked,
    data_dir: str,
    quota: Quota | None = None,
    scan_state: str = "clean",
) -> None:
    """The file durable first, then its row; no orphan file when the row fails (or the
    quota was reached meanwhile: _OverQuota)."""
    name = storage.new_name()
    path = storage.path_of(data_dir, UPLOADS, name)
    storage.copy_stream(stream, path)
    try:
        with db.transaction(database):
            applications.lock(database, application.id)  # the quota, asked on any host
            over = _over_quota(database, application, checked, quota)
            if over is not None:
                raise _OverQuota(over)
            supporting.add_file(
                database, application, state, name, checked.name, checked.size,
                checked.content_type, scan_state,
            )  # fmt: skip
    except Exception:
        path.unlink(missing_ok=True)
        raise


def remove(
    database: Database, catalog: Catalog, application: Application, code: str, file_id: int
) -> Removed | Refused | NoSuchPiece:
    """A file removed before validation: hidden, but kept for the exam office."""
    try:
        with db.transaction(database):
            applications.lock(database, application.id)  # the piece's state stays as read
            found = _find(database, catalog, application, code)
            if found is None:
                return NoSuchPiece()
            group, state = found
            supporting.remove_file(database, state, group, file_id, clock.now())
    except supporting.NotAllowed as refusal:
        return Refused(409, str(refusal))
    return Removed()


def lock(
    database: Database, catalog: Catalog, application: Application, key: str
) -> Locked | GroupRefused | NoSuchPiece:
    """« J'ai fourni toutes mes pièces » for one group of pieces to upload: the group is
    read and locked in one transaction, so a decision or an upload meanwhile waits."""
    with db.transaction(database):
        applications.lock(database, application.id)
        groups = supporting.groups(database, catalog, application)
        group = next((g for g in groups if g.key == key), None)
        if group is None or not group.online:
            return NoSuchPiece()
        try:
            supporting.lock(database, application, group, clock.now())
        except supporting.NotAllowed as refusal:
            return GroupRefused(str(refusal), group.pieces[0].piece.code)
    return Locked()
