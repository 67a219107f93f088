"""The shared layout of the portal's PDF documents, written by Typst.

Each document has its Typst source in ``typ/<document>.typ`` on the shared
``typ/layout.typ`` (A4 portrait, the DejaVu Sans fonts of ``fonts/``, the exam office's
heading, the running header and the footer). Its ``render`` hands the record's values
in as JSON (``sys.inputs``): Typst prints them as text and never reads them as markup, so
« {nb} », « ** » or « # » in a name print as they are.

Why Typst (bundled by the ``typst`` package, no system library): it writes tagged PDFs
(structure tree in reading order, headings, paragraphs, tables with header cells, lists,
page furniture as artifacts, ToUnicode maps) and checks PDF/UA-1 as it exports, refusing
a document that would break it; and a confirmation costs about 10 ms of CPU, where the
fpdf2 layout took 100-170 ms and had no structure tree.

The same input gives the same bytes: the PDF dates are the record's ``edited_at``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Protocol

import typst

from worker.documents.formatting import clean, format_stamp, full_name, one_line
from worker.documents.records import Office
from worker.rules import glyphs

HERE = Path(__file__).resolve().parent
FONTS = HERE / "fonts"
SOURCES = HERE / "typ"

# One compiler per process keeps the parsed fonts and sources between documents; it is
# not documented as safe for concurrent use, hence the lock (gunicorn workers are
# processes: each has its own).
_LOCK = threading.Lock()


@cache
def _compiler() -> typst.Compiler:
    fonts = typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(FONTS)]
    )
    return typst.Compiler(root=str(SOURCES), font_paths=fonts, ignore_system_fonts=True)


def compile_pdf(source: str, data: Mapping[str, object], *, edited_at: datetime) -> bytes:
    """The PDF of ``typ/<source>.typ`` over ``data``, as PDF/UA-1 (tagged, titled, in
    French); dated ``edited_at``."""
    stamp = edited_at if edited_at.tzinfo else edited_at.replace(tzinfo=UTC)
    inputs = {"data": json.dumps(_printable(data), ensure_ascii=False)}
    with _LOCK:
        pdf = _compiler().compile(
            str(SOURCES / f"{source}.typ"),
            sys_inputs=inputs,
            pdf_standards=["ua-1"],
            timestamp=stamp.astimezone(UTC).replace(microsecond=0),
        )
    assert isinstance(pdf, bytes)
    return pdf


def _printable(value: object) -> object:
    """``value`` with every character the fonts lack replaced (PDF/UA-1 would refuse the
    document): the forms refuse such text, this keeps older data from breaking a document."""
    if isinstance(value, str):
        missing = glyphs.unprintable(value)
        for character in missing:
            value = value.replace(character, glyphs.REPLACEMENT)
        return value
    if isinstance(value, Mapping):
        return {key: _printable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_printable(item) for item in value]
    return value


def lines(values: Sequence[str]) -> list[str]:
    """Non-empty values, each on one line."""
    return [one_line(value) for value in values if value.strip()]


def pairs(rows: Sequence[tuple[str, str]]) -> list[list[str]]:
    """(label, value) rows as JSON lists, values on one line."""
    return [[one_line(label), one_line(value)] for label, value in rows]


class Heading(Protocol):
    """What the first page of a document says of its application (the records have it)."""

    office: Office
    exam_name: str
    session_label: str
    candidate_number: str
    application_number: str
    civility: str
    last_name: str
    first_names: str
    edited_at: datetime


def office_data(office: Office) -> dict[str, object]:
    """The exam office's heading: académie, région, ministry, address and contacts."""
    contacts = list(office.address)
    if office.phone.strip():
        contacts.append(f"Tél : {one_line(office.phone)}")
    if office.email.strip():
        contacts.append(f"Mél : {one_line(office.email)}")
    return {
        "academy": one_line(office.academy_name),
        "region": one_line(office.region),
        "ministry": lines(office.ministry),
        "office_name": one_line(office.name),
        "office_lines": lines(contacts),
    }


def heading_data(
    doc: Heading, *, title: str, subtitle: Sequence[str], address: Sequence[str] = ()
) -> dict[str, object]:
    """The values of ``layout.typ``'s heading, header, footer and metadata."""
    name = full_name(doc.civility, doc.last_name, doc.first_names)
    return {
        **office_data(doc.office),
        "title": one_line(title),
        "subtitle": [one_line(line) for line in subtitle],
        "numbers": pairs(
            [
                ("N° candidat", doc.candidate_number),
                ("Inscription n°", doc.application_number),
                ("Session", doc.session_label),
            ]
        ),
        "name": name,
        "address": lines(address),
        "footer_left": (
            f"N° candidat {one_line(doc.candidate_number)} — Inscription n° "
            f"{one_line(doc.application_number)}"
        ),
        "edited": format_stamp(doc.edited_at),
        "pdf_title": f"{one_line(title)} - {name}",
        "author": one_line(doc.office.academy_name),
        "subject": one_line(doc.exam_name),
    }


def paragraph(text: str) -> str:
    """A paragraph of data: printable, its line breaks kept."""
    return clean(text)
