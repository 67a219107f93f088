"""Archives inspected by streaming (SECURITY.md, « Input and files »): nested archives,
links, path entries and encrypted entries refused; decompressed bytes counted as they
stream, whatever the headers say; DOCX treated as the ZIP it is. Each hostile archive is
built here, byte by byte where zipfile would not write it, and sent both to the check
and through the real upload endpoint."""

from __future__ import annotations

import functools
import gzip
import io
import random
import stat
import struct
import tarfile
import zipfile
import zlib
from dataclasses import dataclass

import pytest

from tests.forms import errors, title
from tests.test_uploads import LIMIT, archive, docx, png, shared  # noqa: F401 (fixture)
from worker.files import archives
from worker.files import checks as uploads

MiB = 1024 * 1024

# -- hostile archives ------------------------------------------------------------------------


def lie_about(zipped: bytes, name: str, declared: int) -> bytes:
    """The entry `name` with its local and central headers both claiming `declared` bytes,
    and the checksum of those first bytes: ZipFile.open reads exactly that, finds no fault."""
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive_file:
        info = archive_file.getinfo(name)
        crc = zlib.crc32(archive_file.read(name)[:declared])
    out = bytearray(zipped)
    central = out.index(b"PK\x01\x02")
    while out[central + 46 : central + 46 + len(name)] != name.encode():
        central = out.index(b"PK\x01\x02", central + 46)
    for crc_at, size_at in ((info.header_offset + 14, info.header_offset + 22),
                            (central + 16, central + 24)):  # fmt: skip
        struct.pack_into("<I", out, crc_at, crc)
        struct.pack_into("<I", out, size_at, declared)
    return bytes(out)


def lying_sizes(data: bytes, declared: int) -> bytes:
    return lie_about(archive([("donnees.bin", data)]), "donnees.bin", declared)


@functools.cache
def lying_60_mb() -> bytes:
    """60 Mo of zeros (60 Ko zipped) that the headers call 1 000 bytes."""
    return lying_sizes(bytes(60 * MiB), 1000)


@functools.cache
def text_2_mb() -> bytes:
    """2 Mo that compress about 2:1 (no ratio alarm): letters drawn from a small alphabet."""
    return bytes(random.Random(16).choices(b"abcdefgh \n", k=2 * MiB))


def lying_2_mb() -> bytes:
    return lying_sizes(text_2_mb(), 1000)


def symlink(parts=(), name: str = "photo.png") -> bytes:
    """A Unix symbolic link entry (mode bits in external_attr), pointing out of the tree."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zipped:
        for part, data in parts:
            zipped.writestr(part, data)
        link = zipfile.ZipInfo(name)
        link.create_system = 3  # Unix
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zipped.writestr(link, "/etc/passwd")
    return out.getvalue()


def tar_bytes() -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        info = tarfile.TarInfo("notes.txt")
        info.size = 5
        tar.addfile(info, io.BytesIO(b"notes"))
    return out.getvalue()


def inner_zip() -> bytes:
    return archive([("bulletin.txt", b"Bulletin de notes\n")])


def docx_parts() -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(docx())) as base:
        return [(i.filename, base.read(i)) for i in base.infolist()]


def docx_with(name: str, data: bytes) -> bytes:
    return archive([*docx_parts(), (name, data)])


@functools.cache
def lying_docx() -> bytes:
    zeros = "word/media/image1.emf"
    return lie_about(docx_with(zeros, bytes(60 * MiB)), zeros, 1000)


# ZipCrypto, the « traditional PKWARE encryption » of APPNOTE 6.1 (zipfile only decrypts).
CRC_TABLE = [
    functools.reduce(lambda c, _: (c >> 1) ^ (0xEDB88320 * (c & 1)), range(8), n)
    for n in range(256)
]


def zipcrypto(plain: bytes, password: bytes, check_byte: int) -> bytes:
    keys = [0x12345678, 0x23456789, 0x34567890]

    def crc(value: int, byte: int) -> int:
        return (value >> 8) ^ CRC_TABLE[(value ^ byte) & 0xFF]

    def update(byte: int) -> None:
        keys[0] = crc(keys[0], byte)
        keys[1] = ((keys[1] + (keys[0] & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        keys[2] = crc(keys[2], keys[1] >> 24)

    for byte in password:
        update(byte)
    out = bytearray()
    for byte in bytes(11) + bytes([check_byte]) + plain:
        temp = keys[2] | 2
        out.append(byte ^ (((temp * (temp ^ 1)) >> 8) & 0xFF))
        update(byte)
    return bytes(out)


def encrypted() -> bytes:
    """A really encrypted entry (password « secret »), written by hand."""
    plain = "Relevé de notes confidentiel\n".encode()
    crc = zlib.crc32(plain)
    data = zipcrypto(plain, b"secret", crc >> 24)
    name = b"releve.txt"
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 1, 0, 0, 0x21, crc, len(data),
                        len(plain), len(name), 0)  # fmt: skip
    central = struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 1, 0, 0, 0x21, crc,
                          len(data), len(plain), len(name), 0, 0, 0, 0, 0, 0)  # fmt: skip
    directory_at = len(local) + len(name) + len(data)
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(central) + len(name),
                      directory_at, 0)  # fmt: skip
    return local + name + data + central + name + end


def renamed_entry() -> bytes:
    """The local header names « ../evil.sh », the directory « notes.txt »: unzip tools
    that read local headers would write elsewhere than the directory says."""
    zipped = bytearray(archive([("notes.txt", b"x")]))
    zipped[30:39] = b"../evil.s"
    return bytes(zipped)


def truncated() -> bytes:
    """The file ends in the middle of the deflate stream (the directory kept, and moved)."""
    zipped = archive([("notes.txt", random.Random(3).randbytes(4000))])
    central, end = zipped.index(b"PK\x01\x02"), zipped.index(b"PK\x05\x06")
    cut = central - 2000
    tail = bytearray(zipped[central:])
    struct.pack_into("<I", tail, end - central + 16, cut)  # where the directory now starts
    return zipped[:cut] + bytes(tail)


def garbage_stream() -> bytes:
    """Bytes that are no deflate stream at all where the entry's data should be."""
    zipped = bytearray(archive([("notes.txt", b"notes " * 1000)]))
    zipped[39:45] = b"\xff" * 6
    return bytes(zipped)


def listing(lines: int = 32_000) -> bytes:
    """2 Mio of a realistic export (about 25:1 deflated: no ratio alarm)."""
    row = b"candidat %08d ; admis ; session juin 2027 ; academie de Bordeaux\n"
    return b"".join(row % i for i in range(lines))[: 2 * MiB]


def split(zipped: bytes) -> tuple[bytes, bytes, bytearray]:
    """(local entries, central directory, end record) of an archive without comment."""
    central, end = zipped.index(b"PK\x01\x02"), zipped.rindex(b"PK\x05\x06")
    return zipped[:central], zipped[central:end], bytearray(zipped[end:])


def hidden_entry() -> bytes:
    """A second local entry that the central directory does not list: invisible to the
    count and the caps of a reader of the directory, extracted by a reader of headers."""
    entries, directory, end = split(archive([("notes.txt", b"notes")]))
    hidden, _, _ = split(archive([("cache.bin", bytes(10 * MiB))]))
    struct.pack_into("<I", end, 16, len(entries) + len(hidden))  # the directory's offset
    return entries + hidden + directory + bytes(end)


def overlapping(times: int) -> bytes:
    """The directory lists the same local entry `times` times (a « non-recursive » bomb)."""
    entries, directory, end = split(archive([("notes.txt", listing())]))
    struct.pack_into("<HHI", end, 8, times, times, times * len(directory))
    return entries + directory * times + bytes(end)


def overlapping_entries() -> bytes:
    return overlapping(100)


def bzip2_entry() -> bytes:
    return archive([("notes.txt", b"notes " * 100)], zipfile.ZIP_BZIP2)


@dataclass(frozen=True)
class Case:
    id: str
    name: str
    build: object
    message: str
    status: int


NESTED = "contient une autre archive"
DANGEROUS = "contient un chemin de fichier dangereux"
CASES = [
    Case("lying-60-mb", "mensonge.zip", lying_60_mb,
         "« mensonge.zip » est trop volumineuse une fois décompressée (50 Mo au plus)", 413),
    Case("lying-2-mb", "mensonge.zip", lying_2_mb,
         "« mensonge.zip » est incohérente (les tailles", 400),
    Case("nested-zip", "dossier.zip", lambda: archive([("interne.zip", inner_zip())]),
         f"« dossier.zip » {NESTED} (« interne.zip »)", 415),
    Case("nested-zip-renamed", "dossier.zip", lambda: archive([("photo.png", inner_zip())]),
         f"{NESTED} (« photo.png »)", 415),
    Case("nested-zip-stored", "dossier.zip",
         lambda: archive([("notes.txt", inner_zip())], zipfile.ZIP_STORED),
         f"{NESTED} (« notes.txt »)", 415),
    Case("nested-docx", "dossier.zip", lambda: archive([("lettre.docx", docx())]), NESTED, 415),
    Case("nested-jar", "dossier.zip", lambda: archive([("jeu.jar", b"x")]), NESTED, 415),
    Case("nested-7z", "dossier.zip",
         lambda: archive([("a.dat", b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(100))]), NESTED, 415),
    Case("nested-rar", "dossier.zip",
         lambda: archive([("a.dat", b"Rar!\x1a\x07\x01\x00" + bytes(100))]), NESTED, 415),
    Case("nested-gzip", "dossier.zip",
         lambda: archive([("a.dat", gzip.compress(b"notes"))]), NESTED, 415),
    Case("nested-tar", "dossier.zip", lambda: archive([("a.dat", tar_bytes())]), NESTED, 415),
    Case("symlink", "lien.zip", symlink,
         "« lien.zip » contient un lien symbolique ou un fichier spécial (« photo.png »)", 400),
    Case("dot-dot", "a.zip", lambda: archive([("../x", b"x")]), DANGEROUS, 400),
    Case("absolute", "b.zip", lambda: archive([("/etc/x", b"x")]), DANGEROUS, 400),
    Case("encrypted", "secret.zip", encrypted,
         "« secret.zip » est protégée par un mot de passe (« releve.txt ») : son contenu ne "
         "peut pas être vérifié. Déposez-la sans mot de passe.", 415),
    Case("101-entries", "beaucoup.zip", lambda: archive([(f"f{i}", b"x") for i in range(101)]),
         "contient trop de fichiers (100 au plus)", 413),
    Case("hidden-entry", "cache.zip", hidden_entry, "« cache.zip » est incohérente", 400),
    Case("overlapping-entries", "x.zip", overlapping_entries,
         "« x.zip » est trop volumineuse une fois décompressée", 413),
    Case("overlapping-entries-few", "x.zip",
         lambda: overlapping(3), "« x.zip » est incohérente", 400),
    Case("bzip2", "b.zip", bzip2_entry, "méthode de compression non prise en charge", 415),
    Case("local-name-differs", "c.zip", renamed_entry, "« c.zip » est endommagée", 400),
    Case("truncated", "c.zip", truncated, "« c.zip » est endommagée ou illisible", 400),
    Case("not-deflate", "c.zip", garbage_stream, "« c.zip » est endommagée ou illisible", 400),
    Case("docx-with-zip", "lettre.docx", lambda: docx_with("word/embeddings/a.zip", inner_zip()),
         f"Le document « lettre.docx » {NESTED} (« word/embeddings/a.zip »)", 415),
    Case("docx-with-hidden-zip", "lettre.docx",
         lambda: docx_with("word/media/image1.png", inner_zip()),
         f"Le document « lettre.docx » {NESTED} (« word/media/image1.png »)", 415),
    Case("docx-lying", "lettre.docx", lying_docx,
         "Le document « lettre.docx » est trop volumineux une fois décompressé (50 Mo", 413),
    Case("docx-symlink", "lettre.docx", lambda: symlink(docx_parts(), "word/document2.xml"),
         "Le document « lettre.docx » contient un lien symbolique", 400),
    Case("docx-dot-dot", "lettre.docx", lambda: docx_with("../word/x.xml", b"<x/>"),
         "Le document « lettre.docx » contient un chemin de fichier dangereux", 400),
]  # fmt: skip


def test_the_hostile_archives_are_what_they_claim():
    """ZipFile.open trusts the header: the lying archive reads as 1 000 clean bytes."""
    with zipfile.ZipFile(io.BytesIO(lying_60_mb())) as zipped:
        assert zipped.testzip() is None
        assert len(zipped.open("donnees.bin").read()) == 1000
        assert zipped.infolist()[0].compress_size < MiB
    with zipfile.ZipFile(io.BytesIO(encrypted())) as zipped:
        assert zipped.read("releve.txt", pwd=b"secret").startswith("Relevé".encode())
        with pytest.raises(RuntimeError, match="encrypted"):
            zipped.read("releve.txt")
    with zipfile.ZipFile(io.BytesIO(symlink())) as zipped:
        assert stat.S_ISLNK(zipped.infolist()[0].external_attr >> 16)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_check_refuses_hostile_archives(case):
    stream = io.BytesIO(case.build())
    with pytest.raises(uploads.Refused) as refused:
        uploads.check(stream, case.name, LIMIT)
    assert case.message in str(refused.value)
    assert refused.value.status == case.status
    assert stream.tell() == 0


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_hostile_archives_are_refused_over_http(shared, case):  # noqa: F811
    files, rows = shared.files(), shared.rows()
    response = shared.upload(case.name, case.build())
    assert response.status_code == case.status
    assert title(response).startswith("Erreur : Mes justificatifs")
    assert case.message in " ".join(errors(response))
    assert shared.files() == files and shared.rows() == rows


# -- what stays accepted ---------------------------------------------------------------------


def streamed_zip() -> bytes:
    """Written to a pipe-like stream: sizes in data descriptors after each entry, as
    macOS and many phone apps write them."""

    class Unseekable(io.RawIOBase):
        def __init__(self):
            self.data = bytearray()

        def writable(self):
            return True

        def write(self, b):
            self.data += b
            return len(b)

    sink = Unseekable()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, data in (("scan/page1.png", png()), ("notes.txt", text_2_mb())):
            with zipped.open(name, "w") as entry:
                entry.write(data)
    return bytes(sink.data)


def with_folders() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.mkdir("scans")
        zipped.writestr("scans/recto.png", png())
        zipped.writestr("scans/vide.txt", b"")
        zipped.writestr("stocke.txt", b"x" * 100_000, compress_type=zipfile.ZIP_STORED)
    return out.getvalue()


GOOD = [
    ("data-descriptors", "dossier.zip", streamed_zip),
    ("folders-and-stored", "dossier.zip", with_folders),
    ("100-entries", "cent.zip", lambda: archive([(f"f{i}.txt", b"x") for i in range(100)])),
    ("48-mb-unpacked", "gros.zip", lambda: archive([(f"p{i}.csv", listing()) for i in range(24)])),
    ("docx-with-media", "lettre.docx", lambda: docx_with("word/media/image1.png", png())),
]


@pytest.mark.parametrize("name, build", [g[1:] for g in GOOD], ids=[g[0] for g in GOOD])
def test_honest_archives_are_accepted(name, build):
    data = build()
    assert len(data) <= LIMIT
    assert uploads.check(io.BytesIO(data), name, LIMIT).size == len(data)


def test_reading_stops_as_soon_as_the_cap_is_crossed(monkeypatch):
    """The 60 Mo are never all inflated: reading ends at the first chunk over 50 Mo."""
    produced = []
    original = archives._Entry.__next__

    def counting(self):
        chunk = original(self)
        produced.append(len(chunk))
        return chunk

    monkeypatch.setattr(archives._Entry, "__next__", counting)
    with pytest.raises(uploads.Refused, match="trop volumineuse"):
        uploads.check(io.BytesIO(lying_60_mb()), "mensonge.zip", LIMIT)
    assert archives.MAX_UNPACKED < sum(produced) <= archives.MAX_UNPACKED + archives.CHUNK
    assert max(produced) <= archives.CHUNK
