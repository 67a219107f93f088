"""Backup and restore of PORTAIL_DATA_DIR: one archive, verified before anything is restored.

An archive (``portail-AAAAMMJJ-HHMMSS.tar.gz``) holds:

- ``portail.db``: a consistent copy taken with SQLite's online backup API while the
  portal runs (in WAL mode, the copy reads one snapshot and never blocks writers);
- the ``documents/``, ``uploads/`` and ``slips/`` folders, copied *after* the database:
  a file is written and renamed before the row that points to it commits, so every file
  the copied database references already exists when the folders are read (files added
  later are orphans that ``files sweep`` removes);
- ``secret_key`` when the portal created one (no PORTAIL_SECRET_KEY), and likewise
  ``verify_key`` (no PORTAIL_VERIFY_KEY);
- ``manifest.json``, last: the SHA-256 and size of every other member and the schema
  version (``PRAGMA user_version``).

Restoring checks the archive's members (regular files with plain relative names only),
the checksums and the manifest while extracting into a temporary folder beside the
target, and renames that folder into place only when everything matched.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from worker.store.db import MIGRATIONS

DATABASE = "portail.db"
FOLDERS = ("documents", "uploads", "slips")
SECRET = "secret_key"
VERIFY_KEY = "verify_key"  # signs the documents' verification codes: lost, they all fail
KEY_FILES = (SECRET, VERIFY_KEY)
MANIFEST = "manifest.json"
FORMAT = 1
CHUNK = 1024 * 1024
MANIFEST_MAX = 64 * 1024 * 1024  # far above any real manifest; bounds memory


class BackupError(Exception):
    """A backup that cannot be made or an archive that is refused; the message (French)
    is meant for the operator."""


@dataclass(frozen=True)
class Restored:
    data_dir: Path
    files: int
    schema_version: int


# -- creating -------------------------------------------------------------------------------


def create(data_dir: Path, target_dir: Path, now: datetime | None = None) -> Path:
    """Write one archive of data_dir into target_dir; returns its path.

    The archive is written under a temporary name, synced, then renamed, so a crash never
    leaves a truncated file under an archive's name.
    """
    data_dir, target_dir = Path(data_dir), Path(target_dir)
    if not (data_dir / DATABASE).is_file():
        raise BackupError(f"aucune base à sauvegarder : {data_dir / DATABASE} n'existe pas")
    target_dir.mkdir(parents=True, exist_ok=True)
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    final = _free_name(target_dir, f"portail-{moment:%Y%m%d-%H%M%S}")
    temporary = target_dir / f".{final.name}.part"
    try:
        with tempfile.TemporaryDirectory(prefix=".backup-", dir=target_dir) as staging:
            snapshot = Path(staging) / DATABASE
            version = snapshot_database(data_dir / DATABASE, snapshot)
            with open(temporary, "wb") as raw:
                with tarfile.open(fileobj=raw, mode="w:gz") as archive:
                    files = {DATABASE: _add(archive, DATABASE, snapshot)}
                    for name, path in _data_files(data_dir):
                        files[name] = _add(archive, name, path)
                    manifest = {
                        "format": FORMAT,
                        "created_at": moment.isoformat(timespec="seconds"),
                        "schema_version": version,
                        "files": files,
                    }
                    _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=1).encode())
                raw.flush()
                os.fsync(raw.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, final)
        _fsync_dir(target_dir)
    finally:
        temporary.unlink(missing_ok=True)
    return final


def snapshot_database(source: Path, target: Path) -> int:
    """Copy the live database with sqlite3's backup API; returns its schema version.

    One step (``pages=-1``) copies a single read snapshot: under WAL, writers go on
    meanwhile and the copy is exactly the database as of one commit.
    """
    origin = sqlite3.connect(source, timeout=30)
    copy = sqlite3.connect(target)
    try:
        origin.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        checked = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if checked != "ok":
            raise BackupError(f"la copie de la base est incohérente : {checked}")
        return copy.execute("PRAGMA user_version").fetchone()[0]
    finally:
        copy.close()
        origin.close()


def _data_files(data_dir: Path) -> Iterator[tuple[str, Path]]:
    """(name in the archive, path) of the kept files, in a stable order.

    Dot-files are the temporary names of writes in progress (storage.py): never kept.
    """
    for name in KEY_FILES:
        if (data_dir / name).is_file():
            yield name, data_dir / name
    for folder in FOLDERS:
        root = data_dir / folder
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(data_dir)
            if path.is_symlink() or not path.is_file():
                continue
            if any(part.startswith(".") for part in relative.parts):
                continue
            yield relative.as_posix(), path


def _add(archive: tarfile.TarFile, name: str, path: Path) -> dict:
    """Add one file, hashing it as it is copied; returns its manifest entry."""
    with open(path, "rb") as source:
        size = os.fstat(source.fileno()).st_size
        reader = _Hashing(source)
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = size, 0o600, int(os.path.getmtime(path))
        archive.addfile(info, reader)
    if reader.size != size:
        raise BackupError(f"{name} a changé pendant la sauvegarde")
    return {"sha256": reader.digest.hexdigest(), "size": size}


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


class _Hashing:
    """A file reader that hashes and counts what goes through it."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk


def _free_name(folder: Path, stem: str) -> Path:
    candidate, number = folder / f"{stem}.tar.gz", 1
    while candidate.exists():
        number += 1
        candidate = folder / f"{stem}-{number}.tar.gz"
    return candidate


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# -- restoring ------------------------------------------------------------------------------


def restore(archive_path: Path, data_dir: Path) -> Restored:
    """Verify archive_path entirely, then make data_dir from it (absent or empty only)."""
    archive_path, data_dir = Path(archive_path), Path(data_dir)
    if data_dir.exists() and (not data_dir.is_dir() or any(data_dir.iterdir())):
        raise BackupError(
            f"le dossier {data_dir} n'est pas vide : restaurez dans un dossier neuf, puis, "
            "le portail arrêté, mettez-le à la place de PORTAIL_DATA_DIR"
        )
    if not archive_path.is_file():
        raise BackupError(f"archive introuvable : {archive_path}")
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{data_dir.name}-restore-", dir=data_dir.parent))
    try:
        found, manifest = _extract_checked(archive_path, staging)
        version = _verify(found, manifest, staging)
        if data_dir.exists():
            data_dir.rmdir()  # empty, checked above
        staging.chmod(0o700)  # as the README installs data/: the portal user alone
        os.replace(staging, data_dir)
        _fsync_dir(data_dir.parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Restored(data_dir, len(found), version)


def _extract_checked(archive_path: Path, staging: Path) -> tuple[dict[str, dict], dict]:
    """Extract every member into staging, refusing unsafe ones; returns what was found
    (name → sha256 and size) and the manifest."""
    found: dict[str, dict] = {}
    manifest: dict | None = None
    try:
        with tarfile.open(archive_path, mode="r:*") as archive:
            for member in archive:
                name = _safe_name(member)
                if name in found or (name == MANIFEST and manifest is not None):
                    raise BackupError(f"archive refusée : « {name} » y figure deux fois")
                stream = archive.extractfile(member)
                if name == MANIFEST:
                    manifest = _read_manifest(stream.read(MANIFEST_MAX))
                    continue
                found[name] = _write_member(stream, staging / name)
            # tarfile stops quietly at a damaged header: reading on to the end makes gzip
            # check its CRC, so damage after the last member read is still noticed.
            while archive.fileobj.read(CHUNK):
                pass
    except (tarfile.TarError, zlib.error, gzip.BadGzipFile, EOFError) as exc:
        raise BackupError(f"archive illisible ou altérée ({archive_path.name}) : {exc}") from None
    if manifest is None:
        raise BackupError(
            f"archive refusée : {MANIFEST} manquant (archive altérée, tronquée, "
            "ou qui n'est pas une sauvegarde du portail)"
        )
    return found, manifest


def _safe_name(member: tarfile.TarInfo) -> str:
    """The member's name if it is a regular file under a plain relative path."""
    if not member.isreg():
        kind = "lien" if member.issym() or member.islnk() else "élément non ordinaire"
        raise BackupError(f"archive refusée : « {member.name} » est un {kind}")
    path = PurePosixPath(member.name)
    if path.is_absolute() or member.name.startswith("/") or "\\" in member.name:
        raise BackupError(f"archive refusée : chemin absolu « {member.name} »")
    if any(part in ("..", "") for part in member.name.split("/")) or ".." in path.parts:
        raise BackupError(f"archive refusée : chemin « {member.name} » hors du dossier")
    top = path.parts[0]
    if not (
        member.name in (DATABASE, MANIFEST, *KEY_FILES) or (top in FOLDERS and len(path.parts) > 1)
    ):
        raise BackupError(f"archive refusée : « {member.name} » n'appartient pas à une sauvegarde")
    return member.name


def _read_manifest(data: bytes) -> dict:
    try:
        manifest = json.loads(data)
        files = manifest["files"]
        version = manifest["schema_version"]
        if manifest.get("format") != FORMAT or not isinstance(files, dict):
            raise ValueError("format inconnu")
        if not isinstance(version, int):
            raise ValueError("version de schéma absente")
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"archive refusée : {MANIFEST} illisible ({exc})") from None
    return manifest


def _write_member(stream: BinaryIO, target: Path) -> dict:
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    digest, size = hashlib.sha256(), 0
    with open(target, "xb") as out:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    target.chmod(0o600 if target.name in (DATABASE, *KEY_FILES) else 0o640)
    return {"sha256": digest.hexdigest(), "size": size}


def _verify(found: dict[str, dict], manifest: dict, staging: Path) -> int:
    """Compare what was extracted with the manifest; returns the schema version."""
    expected: dict = manifest["files"]
    missing = sorted(set(expected) - set(found))
    unexpected = sorted(set(found) - set(expected))
    if missing or unexpected:
        raise BackupError(
            "archive refusée : elle ne correspond pas à son manifeste"
            + (f" (manquants : {', '.join(missing)})" if missing else "")
            + (f" (en trop : {', '.join(unexpected)})" if unexpected else "")
        )
    for name, entry in sorted(found.items()):
        wanted = expected[name]
        if entry != {"sha256": wanted.get("sha256"), "size": wanted.get("size")}:
            raise BackupError(
                f"archive refusée : somme de contrôle différente pour « {name} » "
                "(archive altérée ou incomplète)"
            )
    if DATABASE not in found:
        raise BackupError(f"archive refusée : {DATABASE} manquant")
    version = _check_database(staging / DATABASE)
    if version != manifest["schema_version"]:
        raise BackupError(
            f"archive refusée : la base est au schéma {version}, "
            f"le manifeste annonce {manifest['schema_version']}"
        )
    newest = max(int(f.name.split("_", 1)[0]) for f in MIGRATIONS.glob("*.sql"))
    if version > newest:
        raise BackupError(
            f"archive refusée : schéma {version} plus récent que cette version du portail "
            f"({newest}) ; installez d'abord la version qui l'a produite"
        )
    return version


def _check_database(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        checked = connection.execute("PRAGMA integrity_check").fetchone()[0]
        if checked != "ok":
            raise BackupError(f"archive refusée : base incohérente ({checked})")
        return connection.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(
            f"archive refusée : {DATABASE} n'est pas une base lisible ({exc})"
        ) from None
    finally:
        connection.close()
