"""Inspecting an uploaded ZIP (or DOCX, which is one) without extracting it.

The central directory first, cheap and enough for honest archives: entry count, paths,
links, encryption, compression method and the sizes it declares. Then every entry is
decompressed as a stream, from its local header, and its real bytes counted as they come:
a header can lie about sizes (``ZipFile.open`` itself stops at the declared size, so it
cannot be used for this), a deflate stream cannot lie about where it ends. Reading stops
as soon as a cap is crossed; nothing is written anywhere, nothing is held whole in memory.
Last, the entries must lie end to end: no hidden entry, no two entries sharing bytes.
"""

from __future__ import annotations

import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

from worker.files.refusals import Refused, megabytes

MAX_ENTRIES = 100  # in an archive
MAX_UNPACKED = 50 * 1024 * 1024  # real uncompressed bytes of all the entries together
MAX_RATIO = 100  # uncompressed / compressed, per entry: above, a "zip bomb"
RATIO_FROM = 1024 * 1024  # small entries may compress very well (a blank page, a CSV)
CHUNK = 64 * 1024
HEAD = 512  # bytes of an entry looked at for an archive signature (tar's is at 257)

LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")  # APPNOTE 4.3.7, 30 bytes
LOCAL_SIGNATURE = b"PK\x03\x04"
STORED, DEFLATED = zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED
ENCRYPTED_FLAGS = 0x0001 | 0x0040  # traditional (ZipCrypto) or strong encryption
UTF8_FLAG = 0x0800
DESCRIPTOR_FLAG = 0x0008  # sizes and checksum in a data descriptor after the data
DESCRIPTOR_MAX = 24  # its largest form: signature, CRC and two 8-byte (Zip64) sizes
AES_METHOD = 99
# Unix file types in the high bits of external_attr that unzip recreates as such (other
# values are garbage some tools write, e.g. 0xFFFF on folders, and unzip ignores them).
SPECIAL_TYPES = frozenset(
    (stat.S_IFLNK, stat.S_IFCHR, stat.S_IFBLK, stat.S_IFIFO, stat.S_IFSOCK)
)  # WinZip AES: the method field says it, not the flags

# Signatures of archive formats (offset, bytes): an archive inside an archive escapes the
# caps above (and the antivirus' recursion limits), so it is refused by content, not name.
ARCHIVE_SIGNATURES = (
    (0, b"PK\x03\x04"),  # zip, jar, docx, xlsx, odt, apk…
    (0, b"PK\x05\x06"),  # empty zip
    (0, b"PK\x07\x08"),  # split zip
    (0, b"7z\xbc\xaf\x27\x1c"),
    (0, b"Rar!\x1a\x07"),
    (0, b"\x1f\x8b"),  # gzip
    (0, b"BZh"),
    (0, b"\xfd7zXZ\x00"),
    (0, b"\x28\xb5\x2f\xfd"),  # zstandard
    (0, b"MSCF"),  # cabinet
    (257, b"ustar"),  # tar
)
ARCHIVE_EXTENSIONS = frozenset(
    ("zip", "jar", "war", "apk", "docx", "docm", "xlsx", "xlsm", "pptx", "odt", "ods", "odp",
     "epub", "7z", "rar", "gz", "tgz", "tar", "bz2", "tbz2", "xz", "txz", "zst", "cab", "iso",
     "lz", "lzma", "z")
)  # fmt: skip


@dataclass(frozen=True)
class Subject:
    """How the file is named in messages: « L'archive » or « Le document » (a DOCX)."""

    name: str
    docx: bool

    def __str__(self) -> str:
        article = "Le document" if self.docx else "L'archive"
        return f"{article} « {self.name} »"

    def agree(self, feminine: str, masculine: str) -> str:
        return masculine if self.docx else feminine


def inspect(stream: BinaryIO, name: str, docx: bool = False) -> None:
    """Raise Refused unless the archive is safe to keep; the stream is left at its start."""
    subject = Subject(name, docx)
    try:
        entries, directory_start = _directory(stream, subject)
        for entry in entries:
            _check_entry(entry, subject)
        _check_declared_sizes(entries, subject)
        spans = _check_contents(stream, entries, subject)
        _check_layout(spans, directory_start, subject)
    finally:
        stream.seek(0)


def _directory(stream: BinaryIO, subject: Subject) -> tuple[list[zipfile.ZipInfo], int]:
    """The entries of the central directory, and where that directory starts."""
    try:
        with zipfile.ZipFile(stream) as archive:
            entries, directory_start = archive.infolist(), archive.start_dir
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        raise _damaged(subject) from None
    if len(entries) > MAX_ENTRIES:
        raise Refused(f"{subject} contient trop de fichiers ({MAX_ENTRIES} au plus).", 413)
    return entries, directory_start


def _check_entry(entry: zipfile.ZipInfo, subject: Subject) -> None:
    """What the directory says of one entry: its path, type, encryption and method."""
    shown = entry.filename[:60]
    path = entry.filename.replace("\\", "/")
    if path.startswith("/") or ".." in PurePosixPath(path).parts or ":" in path.split("/")[0]:
        raise Refused(
            f"{subject} contient un chemin de fichier dangereux (« {shown} ») : "
            f"{subject.agree('elle', 'il')} est refusé{subject.agree('e', '')}."
        )
    if stat.S_IFMT(entry.external_attr >> 16) in SPECIAL_TYPES:
        raise Refused(
            f"{subject} contient un lien symbolique ou un fichier spécial (« {shown} ») : "
            f"{subject.agree('elle', 'il')} est refusé{subject.agree('e', '')}."
        )
    if entry.flag_bits & ENCRYPTED_FLAGS or entry.compress_type == AES_METHOD:
        raise Refused(
            f"{subject} est protégé{subject.agree('e', '')} par un mot de passe "
            f"(« {shown} ») : son contenu ne peut pas être vérifié. Déposez-"
            f"{subject.agree('la', 'le')} sans mot de passe.",
            415,
        )
    if entry.compress_type not in (STORED, DEFLATED):
        raise Refused(
            f"{subject} utilise une méthode de compression non prise en charge (« {shown} ») : "
            f"recréez-{subject.agree('la', 'le')} au format standard avec votre appareil.",
            415,
        )
    extension = PurePosixPath(path).suffix.lower().lstrip(".")
    if extension in ARCHIVE_EXTENSIONS and not entry.is_dir():
        raise _nested(subject, shown)


def _check_declared_sizes(entries: list[zipfile.ZipInfo], subject: Subject) -> None:
    """The honest bombs are refused before anything is decompressed."""
    for entry in entries:
        _check_ratio(entry.file_size, entry.compress_size, subject)
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED:
        raise _too_large(subject)


def _check_contents(
    stream: BinaryIO, entries: list[zipfile.ZipInfo], subject: Subject
) -> list[tuple[int, int, bool]]:
    """Every entry decompressed as a stream: real bytes counted, archive signatures looked
    for, the directory's sizes and checksum compared with what the data really is.
    Returns where each entry really lies: (start, end, followed by a data descriptor)."""
    total = 0
    spans = []
    for entry in entries:
        head = b""
        size = 0
        crc = 0
        chunks = _Entry(stream, entry, subject)
        for chunk in chunks:
            size += len(chunk)
            total += len(chunk)
            if total > MAX_UNPACKED:
                raise _too_large(subject)
            if len(head) < HEAD:
                head += chunk[: HEAD - len(head)]
                if _is_archive(head):
                    raise _nested(subject, entry.filename[:60])
            crc = zlib.crc32(chunk, crc)
        _check_ratio(size, chunks.consumed, subject)
        if size != entry.file_size or crc != entry.CRC:
            raise _inconsistent(subject)
        spans.append((entry.header_offset, chunks.end, bool(entry.flag_bits & DESCRIPTOR_FLAG)))
    return spans


def _check_layout(
    spans: list[tuple[int, int, bool]], directory_start: int, subject: Subject
) -> None:
    """Entries end to end from the first byte to the directory: bytes that no entry of
    the directory accounts for could be entries of their own (hidden from the count, the
    caps and this check) for another unzip tool, or entries overlapping each other."""
    position, descriptor = 0, False
    for start, end, has_descriptor in [*sorted(spans), (directory_start, directory_start, False)]:
        gap = start - position
        if gap != 0 and not (descriptor and 0 < gap <= DESCRIPTOR_MAX):
            raise _inconsistent(subject)
        position, descriptor = end, has_descriptor


class _Entry(Iterator[bytes]):
    """The decompressed chunks of one entry, read from its local header on; ``consumed``
    counts the compressed bytes really read."""

    def __init__(self, stream: BinaryIO, entry: zipfile.ZipInfo, subject: Subject):
        self.stream, self.entry, self.subject = stream, entry, subject
        self.read_bytes = 0
        self.left = entry.compress_size  # stored entries only: deflate ends by itself
        self.inflater = zlib.decompressobj(-15) if entry.compress_type == DEFLATED else None
        if entry.compress_size == 0 and entry.file_size == 0:
            self.inflater = None  # no data at all (a folder, an empty file): nothing to inflate
        self.data_start = self._seek_to_data()

    def _seek_to_data(self) -> int:
        self.stream.seek(self.entry.header_offset)
        header = self.stream.read(LOCAL_HEADER.size)
        if len(header) != LOCAL_HEADER.size:
            raise _damaged(self.subject)
        signature, _, flags, method, *_, name_length, extra_length = LOCAL_HEADER.unpack(header)
        name = self.stream.read(name_length)
        encoding = "utf-8" if flags & UTF8_FLAG else "cp437"
        if (
            signature != LOCAL_SIGNATURE
            or method != self.entry.compress_type
            or flags & ENCRYPTED_FLAGS
            or name.decode(encoding, "replace") != self.entry.orig_filename
        ):
            # Another unzip tool would read the local header: it must say the same thing.
            raise _damaged(self.subject)
        return self.stream.seek(extra_length, 1)

    def __next__(self) -> bytes:
        if self.inflater is None:
            return self._stored()
        while not self.inflater.eof:
            data = self.inflater.unconsumed_tail or self._read(CHUNK)
            try:
                chunk = self.inflater.decompress(data, CHUNK) if data else self.inflater.flush()
            except zlib.error:
                raise _damaged(self.subject) from None
            if not data and not self.inflater.eof:
                raise _damaged(self.subject)  # the file ends inside the deflate stream
            if chunk:
                return chunk
        raise StopIteration

    def _stored(self) -> bytes:
        if self.left <= 0:
            raise StopIteration
        chunk = self._read(min(CHUNK, self.left))
        if not chunk:
            raise _damaged(self.subject)
        self.left -= len(chunk)
        return chunk

    def _read(self, size: int) -> bytes:
        data = self.stream.read(size)
        self.read_bytes += len(data)
        return data

    @property
    def consumed(self) -> int:
        """Compressed bytes of this entry: what was read, less what followed its end."""
        past_the_end = len(self.inflater.unused_data) if self.inflater else 0
        return self.read_bytes - past_the_end

    @property
    def end(self) -> int:
        return self.data_start + self.consumed


def _is_archive(head: bytes) -> bool:
    return any(head[offset : offset + len(magic)] == magic for offset, magic in ARCHIVE_SIGNATURES)


def _check_ratio(size: int, compressed: int, subject: Subject) -> None:
    if size > RATIO_FROM and size > MAX_RATIO * max(compressed, 1):
        raise Refused(
            f"{subject} se décompresse en un volume anormal : "
            f"{subject.agree('elle', 'il')} est refusé{subject.agree('e', '')}.",
            413,
        )


def _too_large(subject: Subject) -> Refused:
    return Refused(
        f"{subject} est trop {subject.agree('volumineuse', 'volumineux')} une fois "
        f"décompressé{subject.agree('e', '')} ({megabytes(MAX_UNPACKED)} au plus).",
        413,
    )


def _nested(subject: Subject, entry: str) -> Refused:
    return Refused(
        f"{subject} contient une autre archive (« {entry} ») : déposez les fichiers "
        "eux-mêmes, pas une archive dans une archive.",
        415,
    )


def _inconsistent(subject: Subject) -> Refused:
    return Refused(
        f"{subject} est incohérent{subject.agree('e', '')} (les tailles ou les sommes "
        "de contrôle annoncées ne correspondent pas au contenu) : "
        f"{subject.agree('elle', 'il')} est refusé{subject.agree('e', '')}."
    )


def _damaged(subject: Subject) -> Refused:
    return Refused(f"{subject} est endommagé{subject.agree('e', '')} ou illisible.")
