"""Checking an uploaded file before it is kept: name, size, type by content, archives.

The type is decided by the file's first bytes (the filetype library), never by what the
browser says, and must match the extension. Archives (ZIP, and DOCX which is one) are
inspected without extracting anything (archives.py). Each refusal carries a message for
the candidate.
"""

from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

import filetype

from worker.files import archives
from worker.files.archives import MAX_ENTRIES, MAX_RATIO, MAX_UNPACKED
from worker.files.refusals import Refused, megabytes

__all__ = ["MAX_ENTRIES", "MAX_RATIO", "MAX_UNPACKED", "Checked", "Refused", "check"]

# extension → (detected type, what the candidate is told)
ALLOWED = {
    "pdf": ("pdf", "PDF"),
    "png": ("png", "PNG"),
    "jpg": ("jpg", "JPG"),
    "jpeg": ("jpg", "JPG"),
    "doc": ("doc", "DOC"),
    "docx": ("docx", "DOCX"),
    "zip": ("zip", "ZIP"),
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "doc": "application/msword",
    "zip": "application/zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
ACCEPTED = "PDF, PNG, JPG, DOC, DOCX ou ZIP"
OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")
MAX_NAME = 200


@dataclass(frozen=True)
class Checked:
    name: str  # cleaned original name, for display and download only
    kind: str  # pdf | png | jpg | doc | docx | zip
    content_type: str
    size: int


def clean_name(name: str | None) -> str:
    """The file name as shown back to people: refused if it could mislead or break things."""
    name = unicodedata.normalize("NFC", (name or "").strip())
    name = PurePosixPath(name.replace("\\", "/")).name  # a browser may send a full path
    if not name:
        raise Refused("Le fichier n'a pas de nom : choisissez un fichier sur votre appareil.")
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise Refused(
            "Le nom du fichier contient des caractères invisibles ou de contrôle : "
            "renommez-le (lettres, chiffres, tirets) puis déposez-le de nouveau."
        )
    if len(name) > MAX_NAME:
        raise Refused(
            f"Le nom du fichier est trop long ({len(name)} caractères, {MAX_NAME} au "
            "plus) : renommez-le puis déposez-le de nouveau."
        )
    return name


def check(stream: BinaryIO, name: str | None, max_bytes: int) -> Checked:
    """Everything about one upload; raises Refused with the reason."""
    clean = clean_name(name)
    extension = clean.rsplit(".", 1)[-1].lower() if "." in clean else ""
    if extension not in ALLOWED:
        raise Refused(f"Le fichier « {clean} » n'est pas d'un format accepté ({ACCEPTED}).", 415)
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise Refused(f"Le fichier « {clean} » est vide.")
    if size > max_bytes:
        raise Refused(
            f"Le fichier « {clean} » dépasse la taille autorisée "
            f"({_megabytes(max_bytes)} au plus par fichier).",
            413,
        )
    expected, label = ALLOWED[extension]
    detected = _detect(stream)
    if detected != expected:
        raise Refused(
            f"Le contenu du fichier « {clean} » ne correspond pas à un fichier {label} : "
            "il est peut-être endommagé ou mal nommé.",
            415,
        )
    if detected in ("zip", "docx"):
        archives.inspect(stream, clean, docx=detected == "docx")
    return Checked(clean, detected, CONTENT_TYPES[detected], size)


def _detect(stream: BinaryIO) -> str | None:
    stream.seek(0)
    head = stream.read(8192)
    stream.seek(0)
    kind = filetype.guess(head)
    if kind is None:
        # Word 97-2003 files are OLE2 containers; filetype only knows some of them.
        return "doc" if head.startswith(OLE2) else None
    if kind.extension == "zip" or kind.extension == "docx":
        return "docx" if _is_docx(stream) else "zip"
    return {"jpg": "jpg", "png": "png", "pdf": "pdf", "doc": "doc"}.get(kind.extension)


def _is_docx(stream: BinaryIO) -> bool:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        stream.seek(0)
    return "[Content_Types].xml" in names and any(n.startswith("word/") for n in names)


def _megabytes(size: int) -> str:
    return megabytes(size)
