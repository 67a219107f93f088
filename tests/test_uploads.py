"""Uploads of supporting documents: hostile files refused with a clear French message and
nothing kept, good files kept durably under a generated name and served to their owner
only, as attachments; no orphan file when the database row cannot be written."""

from __future__ import annotations

import functools
import io
import os
import random
import re
import struct
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

import diskio
from tests.conftest import make_app, stop_mail
from tests.forms import FormClient, errors, text, title
from tests.test_registration import NOW, register_cfg, signed_in
from worker.config import DEFAULTS
from worker.files import checks as uploads
from worker.files import storage
from worker.rules import pieces as supporting
from worker.store import db
from worker.store import pieces as stored_pieces

LIMIT = DEFAULTS["UPLOAD_MAX_BYTES"]  # 5 Mio, « 5 Mo » for the candidate
PIECE = "identite"  # en_ligne, asked for every CFG application
PAGE = "/espace-candidat/inscriptions/{number}/justificatifs"
STORED = re.compile(r"[0-9a-f]{32}")

# -- files, built in memory ----------------------------------------------------------------

PDF_BODY = (
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
)
PDF_END = b"trailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(size: int | None = None) -> bytes:
    """A minimal valid PDF; with `size`, padded by a comment to exactly that many bytes."""
    head = b"%PDF-1.4\n" + PDF_BODY
    if size is None:
        return head + PDF_END
    padding = size - len(head) - len(PDF_END) - 2
    assert padding >= 0
    data = head + b"%" + b"x" * padding + b"\n" + PDF_END
    assert len(data) == size
    return data


def png(width: int = 4, height: int = 3) -> bytes:
    """A real PNG written by hand: signature, IHDR, IDAT (zlib), IEND."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + bytes((200, 30, 30)) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(out, "JPEG")
    return out.getvalue()


def archive(entries, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A ZIP of (name, bytes) entries; names are written as given (../, leading /)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zipped:
        for name, data in entries:
            zipped.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return out.getvalue()


def docx() -> bytes:
    return archive(
        [
            ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
            ("_rels/.rels", b'<?xml version="1.0"?><Relationships/>'),
            ("word/document.xml", b'<?xml version="1.0"?><w:document/>'),
        ]
    )


def doc() -> bytes:
    """Word 97-2003: an OLE2 compound file header, then padding."""
    return uploads.OLE2 + bytes(4096 - len(uploads.OLE2))


def plain_zip() -> bytes:
    return archive([("notes/bulletin.txt", b"Bulletin de notes\n" * 50), ("photo.png", png())])


@functools.cache
def zip_bomb() -> bytes:
    """One entry that unpacks to 100 MB of zeros, written in 1 MB chunks (~100 KB zipped)."""
    out = io.BytesIO()
    megabyte = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped,
        zipped.open("zeros.bin", "w") as entry,
    ):
        for _ in range(100):
            entry.write(megabyte)
    return out.getvalue()


def wide_zip() -> bytes:
    """60 entries of 1 MB of zeros: each under the per-entry ratio rule, 60 MB in all."""
    return archive([(f"part{i:02}.bin", bytes(1024 * 1024)) for i in range(60)])


def random_bytes() -> bytes:
    return random.Random(7).randbytes(4096)


ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + bytes(4072)
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(44) + b"\x80\0\0\0"
PE += bytes(0x80 - len(PE)) + b"PE\x00\x00\x4c\x01" + bytes(2048)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>\n"


@dataclass(frozen=True)
class Hostile:
    id: str
    name: str
    data: object  # bytes, or a function building them
    message: str  # a fragment of the French refusal
    over_http: str | None = None  # when the refusal differs once sent by a browser

    def content(self) -> bytes:
        return self.data() if callable(self.data) else self.data


MISMATCH = "ne correspond pas à un fichier"
CONTROL = "caractères invisibles ou de contrôle"
DANGEROUS = "contient un chemin de fichier dangereux"

HOSTILE = [
    Hostile("random-bytes-pdf", "releve.pdf", random_bytes, f"« releve.pdf » {MISMATCH} PDF"),
    Hostile("elf-as-pdf", "programme.pdf", ELF, f"{MISMATCH} PDF"),
    Hostile("pe-as-pdf", "setup.pdf", PE, f"{MISMATCH} PDF"),
    Hostile("html-as-png", "photo.png", HTML, f"{MISMATCH} PNG"),
    Hostile("png-as-jpg", "photo.jpg", png, f"{MISMATCH} JPG"),
    # A DOCX is a ZIP, but the type is decided by content: a DOCX named .zip is refused.
    Hostile("docx-as-zip", "lettre.zip", docx, f"{MISMATCH} ZIP"),
    Hostile("zip-as-docx", "lettre.docx", plain_zip, f"{MISMATCH} DOCX"),
    Hostile("pdf-as-doc", "lettre.doc", pdf, f"{MISMATCH} DOC"),
    Hostile("exe-extension", "setup.exe", PE, "n'est pas d'un format accepté (PDF, PNG"),
    Hostile("svg-extension", "dessin.svg", b"<svg/>", "n'est pas d'un format accepté"),
    Hostile("no-extension", "identite", pdf, "n'est pas d'un format accepté"),
    Hostile("over-limit", "gros.pdf", lambda: pdf(LIMIT + 1), "dépasse la taille autorisée"),
    Hostile("empty", "vide.pdf", b"", "« vide.pdf » est vide"),
    Hostile("zip-bomb", "bombe.zip", zip_bomb, "se décompresse en un volume anormal"),
    Hostile("zip-60-mb", "gros.zip", wide_zip, "trop volumineuse une fois décompressée (50 Mo"),
    Hostile("zip-slip", "a.zip", lambda: archive([("../evil.txt", b"x")]), DANGEROUS),
    Hostile("zip-absolute", "b.zip", lambda: archive([("/etc/x", b"x")]), DANGEROUS),
    Hostile("zip-drive", "c.zip", lambda: archive([("C:/Windows/x.ini", b"x")]), DANGEROUS),
    Hostile(
        "zip-500-entries",
        "beaucoup.zip",
        lambda: archive([(f"f{i}.txt", b"x") for i in range(500)]),
        "contient trop de fichiers (100 au plus)",
    ),
    Hostile("zip-damaged", "casse.zip", b"PK\x03\x04" + bytes(200), "endommagée ou illisible"),
    Hostile("name-nul", "a\x00b.pdf", pdf, CONTROL),
    Hostile("name-rtl-override", "rapport\u202e.pdf", pdf, CONTROL),
    Hostile("name-rtl-exe", "facture\u202efdp.exe", pdf, CONTROL),
    # A raw line feed cannot travel inside a part header: the server sees no file name.
    Hostile("name-newline", "x\n.pdf", pdf, CONTROL, over_http="Choisissez un fichier"),
    Hostile("name-300", "n" * 296 + ".pdf", pdf, "trop long (300 caractères, 200 au plus)"),
]

ACCEPTED = [
    # (name, data, kind, content type)
    ("attestation.pdf", pdf, "pdf", "application/pdf"),
    ("exactement-5-Mo.pdf", lambda: pdf(LIMIT), "pdf", "application/pdf"),
    ("photo.png", png, "png", "image/png"),
    ("PHOTO.PNG", png, "png", "image/png"),
    ("photo.jpg", jpeg, "jpg", "image/jpeg"),
    ("photo.jpeg", jpeg, "jpg", "image/jpeg"),
    (
        "lettre.docx",
        docx,
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("lettre.doc", doc, "doc", "application/msword"),
    ("dossier.zip", plain_zip, "zip", "application/zip"),
    ("relevé de notes – 2026.pdf", pdf, "pdf", "application/pdf"),
]


# -- 1a. uploads.check ----------------------------------------------------------------------


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda h: h.id)
def test_check_refuses_hostile_files_with_a_clear_message(hostile):
    with pytest.raises(uploads.Refused) as refused:
        uploads.check(io.BytesIO(hostile.content()), hostile.name, LIMIT)
    assert hostile.message in str(refused.value)


@pytest.mark.parametrize("name, build, kind, content_type", ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_check_accepts_real_files(name, build, kind, content_type):
    data = build()
    checked = uploads.check(io.BytesIO(data), name, LIMIT)
    assert (checked.name, checked.kind, checked.content_type) == (name, kind, content_type)
    assert checked.size == len(data)


def test_the_corpus_is_what_it_claims_to_be():
    """The « good » files are real ones, and the bomb is small but unpacks to 100 MB."""
    Image.open(io.BytesIO(png())).verify()
    assert Image.open(io.BytesIO(jpeg())).format == "JPEG"
    bomb = zip_bomb()
    assert len(bomb) < 1024 * 1024
    with zipfile.ZipFile(io.BytesIO(bomb)) as zipped:
        assert zipped.infolist()[0].file_size == 100 * 1024 * 1024
    assert len(pdf(LIMIT + 1)) == LIMIT + 1


def test_size_limit_is_exact():
    assert uploads.check(io.BytesIO(pdf(LIMIT)), "a.pdf", LIMIT).size == LIMIT
    with pytest.raises(uploads.Refused, match=r"dépasse la taille autorisée \(5 Mo au plus"):
        uploads.check(io.BytesIO(pdf(LIMIT + 1)), "a.pdf", LIMIT)


def test_check_leaves_the_stream_at_its_start():
    """The view copies the same stream to disk right after checking it."""
    for name, build, *_ in ACCEPTED:
        stream = io.BytesIO(build())
        uploads.check(stream, name, LIMIT)
        assert stream.tell() == 0, name


def test_a_browser_path_is_reduced_to_the_file_name():
    data = pdf()
    for sent in ("C:\\fakepath\\attestation.pdf", "/home/lea/attestation.pdf"):
        assert uploads.check(io.BytesIO(data), sent, LIMIT).name == "attestation.pdf"
    for nothing in ("", "   ", "/", None):
        with pytest.raises(uploads.Refused, match="n'a pas de nom"):
            uploads.check(io.BytesIO(data), nothing, LIMIT)


# -- 1b. over HTTP ---------------------------------------------------------------------------


@dataclass
class Portal:
    app: object
    client: FormClient
    number: str

    @property
    def data_dir(self) -> Path:
        return Path(self.app.config["DATA_DIR"])

    @property
    def page(self) -> str:
        return PAGE.format(number=self.number)

    def upload(self, name: str, data: bytes, csrf: str | None = "page", code: str = PIECE):
        form = {"fichier": (io.BytesIO(data), name)}
        if csrf == "page":
            form["csrf_token"] = self.client.token(self.page)
        elif csrf is not None:
            form["csrf_token"] = csrf
        return self.client.http.post(
            f"{self.page}/{code}", data=form, content_type="multipart/form-data"
        )

    def files(self) -> list[Path]:
        return sorted(p for p in (self.data_dir / "uploads").rglob("*") if p.is_file())

    def rows(self) -> list[tuple]:
        with self.app.app_context():
            return [
                tuple(r)
                for r in db.get().execute(
                    "SELECT id, stored_name, original_name, size, content_type FROM piece_files"
                )
            ]


def registered(app) -> Portal:
    """A signed-in candidate with a CFG application, the clock inside the upload window."""
    app.config["NOW"] = lambda: NOW
    client = signed_in(app)
    saved = register_cfg(client, app)
    number = re.search(r"/inscriptions/(\d+)/", saved).group(1)
    return Portal(app, client, number)


@pytest.fixture(scope="module")
def shared(tmp_path_factory, site_dir, mailbox):
    """One portal and one candidate for the whole corpus (registering takes a while)."""
    app = make_app(tmp_path_factory.mktemp("uploads-data"), site_dir, mailbox)
    yield registered(app)
    stop_mail(app)


@pytest.fixture
def portal(app) -> Portal:
    return registered(app)


def test_a_good_pdf_is_kept_under_a_generated_name(portal):
    data = pdf()
    name = "Carte d'identité recto-verso.pdf"
    before = portal.files()
    response = portal.upload(name, data)
    assert response.status_code == 303, errors(response)
    # The page opens on the result, inside the piece, and the piece reads « Déposée ».
    assert response.headers["Location"].endswith(f"{portal.page}#resultat-{PIECE}")
    page = portal.client.get(portal.page)
    shown = text(page)
    assert name in shown and "Déposé le" in shown
    assert f"Le fichier « {name} » est déposé" in shown
    html = page.get_data(as_text=True)
    result = html.index(f'id="resultat-{PIECE}"')
    assert (
        html.index(f'id="piece-{PIECE}"') < result < html.index("Déposée – en attente de contrôle")
    )

    (stored,) = set(portal.files()) - set(before)
    assert STORED.fullmatch(stored.name)
    assert stored.parent.name == stored.name[:2]
    assert stored.parent.parent == portal.data_dir / "uploads"
    assert stored.read_bytes() == data
    everything = [p.name for p in portal.data_dir.rglob("*")]
    assert not any("identit" in n or n.endswith(".pdf") for n in everything)
    assert not [n for n in everything if n.endswith(".part")]
    ((_, stored_name, original, size, content_type),) = portal.rows()
    assert (stored_name, original, size, content_type) == (
        stored.name,
        name,
        len(data),
        "application/pdf",
    )


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda h: h.id)
def test_hostile_files_are_refused_over_http_and_nothing_is_kept(shared, hostile):
    files, rows = shared.files(), shared.rows()
    response = shared.upload(hostile.name, hostile.content())
    assert 400 <= response.status_code < 500, response.status_code
    assert title(response).startswith("Erreur : Mes justificatifs")
    summary = " ".join(errors(response))
    assert (hostile.over_http or hostile.message) in summary, summary
    assert shared.files() == files
    assert shared.rows() == rows


def test_one_byte_over_the_limit_is_refused_with_the_size_message(shared):
    files = shared.files()
    response = shared.upload("scan.pdf", pdf(LIMIT + 1))
    assert response.status_code == 413  # too large: the size answer
    assert errors(response) == [
        "Le fichier « scan.pdf » dépasse la taille autorisée (5 Mo au plus par fichier)."
    ]
    assert shared.files() == files


def test_a_body_far_over_the_cap_is_a_413_in_french(shared):
    files, rows = shared.files(), shared.rows()
    response = shared.upload("enorme.pdf", pdf(8 * 1024 * 1024))
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    assert "dépasse la taille autorisée (5 Mo au plus par fichier)" in " ".join(errors(response))
    assert shared.files() == files and shared.rows() == rows


@pytest.mark.parametrize("csrf", [None, "faux-jeton"], ids=["missing", "forged"])
def test_a_post_without_a_valid_csrf_token_stores_nothing(shared, csrf):
    files, rows = shared.files(), shared.rows()
    response = shared.upload("attestation.pdf", pdf(), csrf=csrf)
    assert response.status_code == 400
    assert "Le formulaire a expiré" in " ".join(errors(response))
    assert shared.files() == files and shared.rows() == rows


def test_files_are_served_to_their_owner_only_as_attachments(portal):
    data = pdf(20_000)
    name = "passeport.pdf"
    assert portal.upload(name, data).status_code == 303
    html = portal.client.get(portal.page).get_data(as_text=True)
    url = re.search(rf'href="({re.escape(portal.page)}/fichiers/\d+)"', html).group(1)

    download = portal.client.get(url)
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert name in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.mimetype == "application/pdf"
    assert download.get_data() == data

    stranger = signed_in(portal.app)  # no application at all
    assert stranger.get(url).status_code == 404
    register_cfg(stranger, portal.app)  # now with an application under the same number
    assert stranger.get(url).status_code == 404
    assert "Page introuvable" in text(stranger.get(url))
    other = url.rsplit("/", 1)[0] + "/999"
    assert portal.client.get(other).status_code == 404


# -- 1c. durability --------------------------------------------------------------------------


def test_no_orphan_file_when_the_row_cannot_be_written(portal, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("simulated crash between the file write and the commit")

    monkeypatch.setattr(supporting, "add_file", crash)
    response = portal.upload("attestation.pdf", pdf())
    # The view removes the file it wrote, then lets the error reach the French 500 page.
    assert response.status_code == 500
    assert "Erreur du service" in text(response)
    assert portal.files() == []
    assert portal.rows() == []
    with portal.app.app_context():
        assert db.get().execute("SELECT count(*) FROM pieces").fetchone()[0] == 0


def test_no_half_written_file_when_the_disk_fails(portal, monkeypatch):
    def disk_full(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(diskio.os, "fsync", disk_full)
    response = portal.upload("attestation.pdf", pdf())
    monkeypatch.undo()
    assert response.status_code == 503  # a full disk: « réessayez dans un instant »
    assert "Service momentanément indisponible" in text(response)
    assert portal.rows() == []
    assert portal.files() == []


def test_sweep_removes_orphans_and_half_written_files_only(tmp_path):
    data_dir = tmp_path / "data"
    known = storage.new_name()
    orphan = storage.new_name()
    storage.write_bytes(storage.path_of(data_dir, "uploads", known), pdf())
    storage.write_bytes(storage.path_of(data_dir, "uploads", orphan), pdf())
    half = storage.path_of(data_dir, "uploads", orphan).with_name(f".{storage.new_name()}.part")
    half.write_bytes(b"%PDF-1.4\n")
    planted = [storage.path_of(data_dir, "uploads", n) for n in (known, orphan)] + [half]
    past = time.time() - 10
    for path in planted:
        os.utime(path, (past, past))

    fresh = storage.path_of(data_dir, "uploads", storage.new_name())
    storage.write_bytes(fresh, b"upload in progress")  # no row yet, but only just written
    assert storage.sweep(data_dir, "uploads", {known}) == 0  # default: an hour old at least

    assert storage.sweep(data_dir, "uploads", {known, fresh.name}, older_than=0) == 2
    remaining = sorted(p.name for p in (data_dir / "uploads").rglob("*") if p.is_file())
    assert remaining == sorted([known, fresh.name])
    assert storage.sweep(tmp_path / "nothing", "uploads", set(), older_than=0) == 0


def test_sweep_keeps_every_file_the_database_knows(portal):
    assert portal.upload("attestation.pdf", pdf()).status_code == 303
    with portal.app.app_context():
        known = stored_pieces.known_files(db.get())
    assert storage.sweep(portal.data_dir, "uploads", known, older_than=0) == 0
    assert [p.name for p in portal.files()] == sorted(known)
