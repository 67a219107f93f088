"""The official PDF documents of a registration, in French: confirmation or récapitulatif
d'inscription, and the request for supporting documents (demande de pièces justificatives).

Pure functions over plain dataclasses: the callers gather the data, this module only lays it
out with fpdf2 on A4 portrait pages, in the DejaVu Sans fonts shipped in ``worker/fonts/``
(Unicode, so that any name prints: œ, ł, ñ, ß…). Every text handed in is data: it is
printed as it is, never read as markup, and page-number aliases are honoured only in the
footer. The same input gives the same bytes (the PDF creation date is ``edited_at``).

Dates and times are printed in Paris time; naive datetimes are taken as UTC.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from fpdf import FPDF, FontFace, XPos, YPos
from fpdf.enums import TableBordersLayout, TableCellFillMode, VAlign, WrapMode

from catalog.dates import format_day, to_paris

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu"

# Layout (millimetres, points for font sizes).
MARGIN = 15.0
TOP = 12.0
BOTTOM = 18.0  # room for the footer
LINE = 4.3  # line height of body text
BODY = 9.0
SMALL = 7.5
INK = (0, 0, 0)
GREY = (85, 85, 85)
RULE = (150, 150, 150)
BAND = (230, 230, 230)
STRIPE = (246, 246, 246)
RED = (190, 0, 0)

PAGE_ALIAS = "{nb}"

# Modes of the requested pieces, in the order their groups are printed.
ONLINE = "Dépôt en ligne"
POSTAL = "Envoi par voie postale"
OTHER = "Autre modalité"
_MODE_ORDER = {ONLINE: 0, POSTAL: 1, OTHER: 2}
_MODE_VERB = {
    ONLINE: "À déposer en ligne",
    POSTAL: "À envoyer par voie postale",
    OTHER: "À fournir selon une autre modalité",
}
# Other wordings of the same modes that callers may hand in (content codes, headings).
_MODE_ALIASES = {
    alias.casefold(): mode
    for mode, aliases in {
        ONLINE: ("en_ligne", "en ligne", "À déposer en ligne", "Dépôt dématérialisé"),
        POSTAL: ("voie_postale", "courrier", "voie postale", "À envoyer par voie postale"),
        OTHER: ("autre", "Autres modalités", "Autre", "À fournir selon une autre modalité"),
    }.items()
    for alias in (mode, *aliases)
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Office:
    """The académie's exam office: the header of every document, and the return address."""

    academy_name: str  # "ACADÉMIE DE RENNES"
    region: str  # "Bretagne" → printed "RÉGION ACADÉMIQUE BRETAGNE"
    name: str  # "Division des examens et concours (DEC)"
    address: tuple[str, ...]
    phone: str
    email: str
    ministry: tuple[str, ...] = ("MINISTÈRE DE L'ÉDUCATION NATIONALE",)


@dataclass(frozen=True)
class TestLine:
    """One test (épreuve) of the registration, as printed in the tests table."""

    __test__ = False  # not a pytest test class, whatever its name

    code: str
    name: str
    kind: str  # "Obligatoire" | "Facultative" | "À choix"
    status: str  # "Inscrit" | "Non inscrit" | "Bénéfice" | "Dispensé"
    mode: str = ""  # "Ponctuel", "CCF"…
    option: str = ""  # "Allemand"
    mark: str = ""  # "14,5" (out of 20) for a Bénéfice
    year: str = ""  # "2025"


@dataclass(frozen=True)
class Registration:
    """A confirmation (G01, BTS, CAP…) or récapitulatif (G02) d'inscription."""

    title: str  # "CONFIRMATION D'INSCRIPTION" or "RÉCAPITULATIF D'INSCRIPTION"
    exam_name: str
    session_label: str
    version: int
    version_at: datetime  # printed in Paris time: "Version : 2 du 14/11/2026 à 09:05"
    candidate_number: str
    application_number: str
    civility: str  # "MADAME" / "MONSIEUR"
    last_name: str
    first_names: str
    usual_name: str
    birth_date: date
    birth_place: str  # "RENNES - 035" or a country
    nationality: str
    address: tuple[str, ...]
    phone: str
    email: str
    category: str = ""  # "INDIVIDUEL"
    establishment: str = ""  # "LYCEE … - RENNES (0350029P)"
    speciality: str = ""
    sitting_form: str = ""  # "GLOBALE"…
    diploma: str = ""
    accommodation: str = ""  # "OUI" / "NON" / "": aménagement d'épreuves (handicap)
    consent_press: str = ""  # "OUI" / "NON" / "": printed only when not empty
    consent_authorities: str = ""
    return_by: date | None = None  # None: no return deadline and no signature block
    tests: tuple[TestLine, ...] = ()
    answers: tuple[tuple[str, str], ...] = ()  # (question, answer): other answers
    office: Office = field(kw_only=True)  # required, by keyword
    edited_at: datetime = field(kw_only=True)  # footer « Édité le … » and PDF creation date


@dataclass(frozen=True)
class RequestedPiece:
    """One supporting document asked of the candidate."""

    label: str
    mode: str  # "Dépôt en ligne" | "Envoi par voie postale" | "Autre modalité"
    deadline: datetime | None
    hint: str = ""


@dataclass(frozen=True)
class PiecesRequest:
    """The « Demande de pièces justificatives » of one registration."""

    exam_name: str
    session_label: str
    candidate_number: str
    application_number: str
    civility: str
    last_name: str
    first_names: str
    pieces: tuple[RequestedPiece, ...]
    office: Office
    edited_at: datetime


# --------------------------------------------------------------------------- formatting


def clean(text: object) -> str:
    """Printable text: NFC (so that combining accents print as one glyph), no control
    characters, line breaks kept as "\\n"."""
    value = unicodedata.normalize("NFC", str(text or ""))
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", value)


def one_line(text: object) -> str:
    """``clean`` text on a single line (names, labels, table cells)."""
    return " ".join(clean(text).split())


def _paris(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return to_paris(moment)


def format_stamp(moment: datetime) -> str:
    """« 14/11/2026 à 09:05 », Paris time."""
    return _paris(moment).strftime("%d/%m/%Y à %H:%M")


def format_deadline(moment: datetime) -> str:
    """« lundi 7 décembre 2026 à 23:59 (heure de Paris) »."""
    local = _paris(moment)
    return f"{format_day(local.date())} à {local:%H:%M} (heure de Paris)"


def test_label(test: TestLine) -> str:
    """« EF1 - Langue vivante 2 (Allemand) »."""
    label = " - ".join(part for part in (one_line(test.code), one_line(test.name)) if part)
    if test.option.strip():
        label += f" ({one_line(test.option)})"
    return label


def test_position(test: TestLine) -> str:
    """« Inscrit », « Bénéfice 14,5/20 (2025) »…"""
    position = one_line(test.status)
    mark = one_line(test.mark)
    if mark:
        position += f" {mark}" if "/" in mark else f" {mark}/20"
    if test.year.strip():
        position += f" ({one_line(test.year)})"
    return position


def full_name(civility: str, last_name: str, first_names: str) -> str:
    """« MADAME LŒVENBRÜCK Anaïs Éloïse »: the last name in capitals, as on official forms."""
    return " ".join(
        part
        for part in (one_line(civility), one_line(last_name).upper(), one_line(first_names))
        if part
    )


# --------------------------------------------------------------------------- page


class _Document(FPDF):
    """A4 portrait page with the fonts, a running header after page 1 and a footer."""

    def __init__(
        self, *, office: Office, title: str, running: str, footer_left: str, edited_at: datetime
    ) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.office = office
        self.doc_title = title
        self.running = running
        self.footer_left = footer_left
        self.edited_at = edited_at
        self.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_margins(MARGIN, TOP, MARGIN)
        self.set_auto_page_break(True, margin=BOTTOM)
        self.c_margin = 1.0
        self.alias_nb_pages(None)  # on only from the footer's page number: data is never read
        self.set_creation_date(edited_at if edited_at.tzinfo else edited_at.replace(tzinfo=UTC))
        self.set_lang("fr-FR")
        self.set_title(f"{title} - {running}")
        self.set_author(one_line(office.academy_name))
        self.set_creator("portail-candidat")
        self.set_display_mode("fullwidth")

    # fpdf2 hooks -----------------------------------------------------------------

    def header(self) -> None:
        self.alias_nb_pages(None)  # the footer of the previous page turned it on
        if self.page_no() == 1:
            return
        self.use_font(SMALL, color=GREY)
        self.set_xy(MARGIN, 8)
        half = self.epw / 2
        self.cell(
            half, 4, self.fit(f"{one_line(self.office.academy_name)} — {self.doc_title}", half)
        )
        self.cell(half, 4, self.fit(self.running, half), align="R")
        self.rule(12.5)
        self.set_y(TOP + 4)

    def footer(self) -> None:
        self.rule(self.h - 13)
        self.use_font(SMALL, color=GREY)
        self.set_xy(MARGIN, self.h - 12)
        left = self.epw * 0.62
        self.cell(left, 4, self.fit(self.footer_left, left), align="L")
        # The total number of pages is substituted when the document is closed: the alias
        # is on from here (no data is drawn after this) until the next page's header.
        self.alias_nb_pages(PAGE_ALIAS)
        self.cell(
            self.epw - left,
            4,
            f"Édité le {format_stamp(self.edited_at)} — page {self.page_no()}/{PAGE_ALIAS}",
            align="R",
        )

    # helpers ---------------------------------------------------------------------

    def use_font(
        self, size: float = BODY, *, bold: bool = False, color: tuple[int, int, int] = INK
    ) -> None:
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(*color)

    def rule(self, y: float, x1: float = MARGIN, x2: float | None = None) -> None:
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(x1, y, self.w - MARGIN if x2 is None else x2, y)

    def para(
        self,
        text: str,
        *,
        size: float = BODY,
        bold: bool = False,
        color: tuple[int, int, int] = INK,
        align: str = "L",
        h: float | None = None,
        x: float | None = None,
        w: float | None = None,
    ) -> None:
        """A wrapped paragraph; page breaks as needed."""
        self.use_font(size, bold=bold, color=color)
        self.set_x(MARGIN if x is None else x)
        self.multi_cell(
            w or self.epw - ((x or MARGIN) - MARGIN),
            h or size * 0.48,
            clean(text),
            align=align,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
            wrapmode=WrapMode.WORD,
        )

    def inline(
        self,
        parts: Iterable[tuple[str, bool]],
        *,
        size: float = BODY,
        h: float = LINE,
        color: tuple[int, int, int] = INK,
    ) -> None:
        """A paragraph of runs (text, bold) flowing on, wrapped at the margins."""
        self.set_x(MARGIN)
        for text, bold in parts:
            self.use_font(size, bold=bold, color=color)
            self.write(h, clean(text))
        self.ln(h)

    def band(self, text: str) -> None:
        """A section heading: a grey band across the page, kept with what follows."""
        self.keep(2.5 + 6 + 3 * LINE)
        self.ln(2.5)
        self.use_font(BODY, bold=True)
        self.set_fill_color(*BAND)
        self.set_x(MARGIN)
        self.multi_cell(
            self.epw,
            5.5,
            one_line(text),
            fill=True,
            align="L",
            padding=(0.3, 1.5),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.ln(1.5)

    def fit(self, text: str, width: float) -> str:
        """``text`` on one line of ``width`` mm in the current font, cut with « … » if need be."""
        text = one_line(text)
        room = width - 2 * self.c_margin
        if self.get_string_width(text) <= room:
            return text
        while text and self.get_string_width(text + "…") > room:
            text = text[:-1]
        return text.rstrip() + "…"

    def fields(
        self,
        rows: Sequence[tuple[str, str]],
        *,
        x: float,
        w: float,
        label_w: float,
        y: float,
        size: float = BODY,
    ) -> float:
        """Label/value pairs stacked from ``y`` in a column; returns the bottom."""
        for label, value in rows:
            self.set_xy(x, y)
            self.use_font(size, color=GREY)
            self.cell(label_w, LINE, f"{label} :" if label else "")
            self.use_font(size, bold=True)
            self.multi_cell(
                w - label_w,
                LINE,
                one_line(value) or "—",
                align="L",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
            y = self.get_y()
        return y

    def grid(self, pairs: Sequence[tuple[str, str]], *, label_w: float = 27) -> None:
        """Label/value pairs in two columns, one row at a time."""
        half = self.epw / 2
        for i in range(0, len(pairs), 2):
            row = pairs[i : i + 2]
            if self.will_page_break(LINE * 2):
                self.add_page()
            top = self.get_y()
            bottom = top
            for j, pair in enumerate(row):
                bottom = max(
                    bottom,
                    self.fields([pair], x=MARGIN + j * half, w=half - 2, label_w=label_w, y=top),
                )
            self.set_xy(MARGIN, bottom)

    def office_block(self, *, x: float, y: float, w: float) -> float:
        """Académie, région, ministry, then the exam office's address; returns the bottom."""
        office = self.office
        self.set_xy(x, y)
        self.use_font(13, bold=True)
        self.multi_cell(
            w,
            5.6,
            one_line(office.academy_name).upper(),
            align="L",
            new_x=XPos.LEFT,
            new_y=YPos.NEXT,
        )
        if office.region.strip():
            self.use_font(8, bold=True)
            self.multi_cell(
                w,
                3.8,
                f"RÉGION ACADÉMIQUE {one_line(office.region).upper()}",
                align="L",
                new_x=XPos.LEFT,
                new_y=YPos.NEXT,
            )
        self.use_font(6.8, color=GREY)
        for line in office.ministry:
            self.multi_cell(w, 3.1, one_line(line), align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.ln(3)
        self.set_x(x)
        self.use_font(8.5, bold=True)
        self.multi_cell(w, 3.9, one_line(office.name), align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.use_font(8.5)
        lines = [one_line(line) for line in office.address]
        if office.phone.strip():
            lines.append(f"Tél : {one_line(office.phone)}")
        if office.email.strip():
            lines.append(f"Mél : {one_line(office.email)}")
        for line in lines:
            self.multi_cell(w, 3.9, line, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
        return self.get_y()

    def title_box(
        self,
        *,
        x: float,
        y: float,
        w: float,
        title: str,
        subtitle: Sequence[str],
        numbers: Sequence[tuple[str, str]],
    ) -> float:
        """The boxed title at the top right: document, exam, version, numbers."""
        pad = 3.0
        self.set_xy(x + pad, y + pad)
        self.use_font(12.5, bold=True)
        self.multi_cell(
            w - 2 * pad, 5.6, one_line(title), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT
        )
        self.use_font(10, bold=True)
        self.multi_cell(
            w - 2 * pad,
            4.6,
            one_line(subtitle[0]).upper(),
            align="C",
            new_x=XPos.LEFT,
            new_y=YPos.NEXT,
        )
        self.use_font(8.5)
        for line in subtitle[1:]:
            self.multi_cell(w - 2 * pad, 4.2, line, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        sep = self.get_y() + 1.5
        self.rule(sep, x + pad, x + w - pad)
        bottom = self.fields(numbers, x=x + pad, w=w - 2 * pad, label_w=29, y=sep + 1.5)
        bottom += pad - 1
        self.set_draw_color(*INK)
        self.set_line_width(0.4)
        self.rect(x, y, w, bottom - y)
        return bottom

    def heading(
        self,
        *,
        title: str,
        subtitle: list[str],
        numbers: list[tuple[str, str]],
        name: str,
        address: tuple[str, ...] = (),
    ) -> float:
        """Académie and exam office on the left; title box and addressee on the right.
        Returns where the body starts."""
        left_w, right_x = 84.0, MARGIN + 92.0
        right_w = self.w - MARGIN - right_x
        left_bottom = self.office_block(x=MARGIN, y=TOP, w=left_w)
        box_bottom = self.title_box(
            x=right_x, y=TOP, w=right_w, title=title, subtitle=subtitle, numbers=numbers
        )
        right_bottom = self.addressee(
            x=right_x + 3, y=box_bottom + 5, w=right_w - 3, name=name, address=address
        )
        return max(left_bottom, right_bottom)

    def addressee(
        self, *, x: float, y: float, w: float, name: str, address: Sequence[str]
    ) -> float:
        """The candidate's name and address, where a window envelope shows it."""
        self.set_xy(x, y)
        self.use_font(10, bold=True)
        self.multi_cell(w, 4.8, name, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.use_font(9.5)
        for line in address:
            if line.strip():
                self.multi_cell(w, 4.5, one_line(line), align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
        return self.get_y()

    def keep(self, height: float) -> None:
        """Start a new page unless ``height`` millimetres still fit on this one."""
        if self.will_page_break(height):
            self.add_page()

    def to_bytes(self) -> bytes:
        return bytes(self.output())


# --------------------------------------------------------------------------- registration


def open_document(
    doc, *, title: str, subtitle: list[str], address: tuple[str, ...] = ()
) -> tuple[_Document, float]:
    """A new document of an application, its first page headed; returns where the body
    starts. ``doc`` has the application's fields (office, exam_name, civility, last_name,
    first_names, candidate_number, application_number, session_label, edited_at)."""
    name = full_name(doc.civility, doc.last_name, doc.first_names)
    numbers = (
        f"N° candidat {one_line(doc.candidate_number)} — Inscription n° "
        f"{one_line(doc.application_number)}"
    )
    document = _Document(
        office=doc.office, title=title, running=name, footer_left=numbers, edited_at=doc.edited_at
    )
    document.set_subject(one_line(doc.exam_name))
    document.add_page()
    top = document.heading(
        title=title,
        subtitle=subtitle,
        name=name,
        address=address,
        numbers=[
            ("N° candidat", doc.candidate_number),
            ("Inscription n°", doc.application_number),
            ("Session", doc.session_label),
        ],
    )
    return document, top


def registration_pdf(doc: Registration) -> bytes:
    """The confirmation or récapitulatif d'inscription, as PDF bytes.

    With ``return_by`` set it is a confirmation to return signed by that day: the
    deadline line and the signature block are printed; without, a plain récapitulatif.
    """
    title = one_line(doc.title) or "CONFIRMATION D'INSCRIPTION"
    pdf, body_top = open_document(
        doc,
        title=title,
        subtitle=[doc.exam_name, f"Version : {doc.version} du {format_stamp(doc.version_at)}"],
        address=doc.address,
    )
    pdf.set_xy(MARGIN, body_top + 4)

    if doc.return_by is not None:
        pdf.set_draw_color(*INK)
        pdf.set_line_width(0.5)
        pdf.use_font(10.5, bold=True)
        pdf.set_x(MARGIN)
        pdf.cell(
            pdf.epw,
            7.5,
            f"A RENVOYER IMPERATIVEMENT POUR LE {format_day(doc.return_by).upper()}",
            border=1,
            align="C",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.ln(1)
        pdf.para(
            "Vérifiez ce document, datez-le, signez-le et retournez-le au service des "
            "examens dont l'adresse figure en haut à gauche, avant cette date.",
            size=8,
            color=GREY,
            align="C",
        )

    pdf.band("CANDIDAT")
    pdf.grid(
        [
            ("Nom", doc.last_name.upper()),
            ("Prénom(s)", doc.first_names),
            ("Nom d'usage", doc.usual_name.upper()),
            ("Nationalité", doc.nationality),
            ("Né(e) le", doc.birth_date.strftime("%d/%m/%Y")),
            ("À", doc.birth_place),
            ("Tél", doc.phone),
            ("Mél", doc.email),
        ]
    )

    application = [
        (label, value)
        for label, value in (
            ("Examen", doc.exam_name),
            ("Spécialité", doc.speciality),
            ("Établissement", doc.establishment),
            ("Catégorie du candidat", doc.category),
            ("Forme de passage", doc.sitting_form),
            ("Diplôme possédé", doc.diploma),
            ("Aménagement d'épreuves demandé au titre du handicap", doc.accommodation),
        )
        if value.strip()
    ]
    pdf.band("CANDIDATURE")
    for label, value in application:
        pdf.keep(LINE)
        pdf.inline([(f"{label} : ", False), (one_line(value), True)])

    if doc.tests:
        pdf.band("ÉPREUVES")
        _tests_table(pdf, doc.tests)

    if doc.answers:
        pdf.band("RENSEIGNEMENTS COMPLÉMENTAIRES")
        for question, answer in doc.answers:
            pdf.keep(3 * LINE)
            pdf.para(question, size=8.5, color=GREY)
            pdf.para(answer.strip() or "—", x=MARGIN + 4)
            pdf.ln(1.2)

    consents = [
        (
            "J'accepte que mes résultats d'examen soient communiqués en vue de leur "
            "publication par la presse ou sur les sites internet de sociétés de droit privé",
            doc.consent_press,
        ),
        (
            "J'accepte que mes résultats, mon nom et mon adresse soient communiqués aux "
            "collectivités territoriales en vue d'éventuelles félicitations",
            doc.consent_authorities,
        ),
    ]
    consents = [(text, one_line(answer).upper()) for text, answer in consents if answer.strip()]
    if consents:
        pdf.band("DIFFUSION DES RÉSULTATS")
        for text, answer in consents:
            pdf.keep(3 * LINE)
            pdf.inline(
                [
                    ("Vérifiez bien votre choix : ", True),
                    (f"{text} (OUI ou NON) : ", False),
                    (answer, True),
                ]
            )
            pdf.ln(1)

    pdf.ln(2)
    pdf.keep(4 * 3.4)
    pdf.inline(
        [
            ("Protection des données personnelles : ", True),
            (
                "les informations de ce document sont enregistrées dans un traitement "
                "informatique destiné à l'organisation de l'examen. En application du "
                "règlement général sur la protection des données (RGPD) et de la loi "
                "n° 78-17 du 6 janvier 1978 modifiée (« informatique et libertés »), vous "
                "disposez d'un droit d'accès aux données qui vous concernent et d'un droit de "
                "les faire rectifier ; vous pouvez aussi, pour des motifs légitimes, vous "
                "opposer à leur traitement. Pour exercer ces droits, adressez-vous au service "
                "des examens de l'académie où vous êtes inscrit(e) (coordonnées en haut de ce "
                "document).",
                False,
            ),
        ],
        size=SMALL,
        h=3.4,
        color=GREY,
    )
    pdf.ln(3)

    if doc.return_by is not None:
        _signature_block(pdf)
    else:
        pdf.keep(4 * LINE)
        pdf.para(
            "Ce récapitulatif atteste de votre inscription à l'examen. Conservez-le : "
            "vous n'avez pas à le retourner.",
            bold=True,
        )
        pdf.ln(1)
        pdf.para(
            "Si un renseignement est inexact ou incomplet, signalez-le au service des "
            "examens (coordonnées en haut de ce document)."
        )
    pdf.ln(1.5)
    pdf.para(
        "Le jour de l'examen, munissez-vous d'une pièce d'identité officielle avec "
        "photographie : elle vous sera demandée.",
        bold=True,
    )
    return pdf.to_bytes()


def _tests_table(pdf: _Document, tests: Sequence[TestLine]) -> None:
    heading = FontFace(family=FAMILY, emphasis="BOLD", size_pt=8.5, fill_color=BAND)
    pdf.use_font(8.5)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    with pdf.table(
        col_widths=(0.50, 0.14, 0.22, 0.14),
        headings_style=heading,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        cell_fill_color=STRIPE,
        cell_fill_mode=TableCellFillMode.EVEN_ROWS,
        line_height=4.0,
        padding=(1.1, 1.5),
        text_align="LEFT",
        v_align=VAlign.M,
        width=pdf.epw,
        repeat_headings=1,
    ) as table:
        row = table.row()
        for text in ("Épreuve", "Type", "Position", "Mode"):
            row.cell(text)
        for test in tests:
            row = table.row()
            row.cell(test_label(test))
            row.cell(one_line(test.kind))
            row.cell(test_position(test))
            row.cell(one_line(test.mode))
    pdf.ln(1)


def _signature_block(pdf: _Document) -> None:
    pdf.keep(60)
    pdf.para(
        "Ce document vaut inscription définitive à l'examen. Une fois signé, il ne "
        "peut plus être modifié.",
        bold=True,
    )
    pdf.ln(3)
    top = pdf.get_y()
    pdf.para("CERTIFIÉ EXACT,", bold=True, w=88)
    pdf.ln(3)
    pdf.para("À ____________________________ , le ______________", w=88)
    pdf.ln(3)
    pdf.para(
        "Signature du candidat, et de son représentant légal si le candidat est mineur :",
        size=8.5,
        color=GREY,
        w=88,
    )
    box_x = MARGIN + 96
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.3)
    pdf.rect(box_x, top, pdf.w - MARGIN - box_x, 30)
    pdf.use_font(7, color=GREY)
    pdf.set_xy(box_x + 1.5, top + 1.5)
    pdf.cell(40, 3, "Signature(s)")
    pdf.set_xy(MARGIN, max(pdf.get_y(), top + 30) + 4)
    pdf.inline(
        [
            (
                "Si un renseignement de ce document est inexact ou incomplet, corrigez-le à "
                "l'encre ",
                False,
            ),
            ("ROUGE", True),
            (" avant de le renvoyer.", False),
        ],
        color=RED,
    )


# --------------------------------------------------------------------------- pieces


def piece_mode(mode: str) -> str:
    """The canonical mode (ONLINE, POSTAL, OTHER) of a piece, whatever its wording; any
    unknown wording is kept as it is."""
    mode = one_line(mode)
    return _MODE_ALIASES.get(mode.casefold(), mode)


def _piece_groups(
    pieces: Sequence[RequestedPiece],
) -> list[tuple[str, datetime | None, list[RequestedPiece]]]:
    """Pieces grouped by mode (online, postal, other, then any other wording) and deadline
    (earliest first, none last), keeping the given order within a group."""
    groups: dict[tuple[str, datetime | None], list[RequestedPiece]] = {}
    for piece in pieces:
        deadline = _paris(piece.deadline) if piece.deadline is not None else None
        groups.setdefault((piece_mode(piece.mode), deadline), []).append(piece)

    def order(key: tuple[str, datetime | None]) -> tuple:
        mode, deadline = key
        return (
            _MODE_ORDER.get(mode, len(_MODE_ORDER)),
            mode,
            deadline is None,
            deadline or datetime.min.replace(tzinfo=UTC),
        )

    return [
        (mode, deadline, groups[(mode, deadline)]) for mode, deadline in sorted(groups, key=order)
    ]


def group_heading(mode: str, deadline: datetime | None) -> str:
    """« À déposer en ligne au plus tard le lundi 7 décembre 2026 à 23:59 (heure de Paris) »."""
    verb = _MODE_VERB.get(mode) or (f"À fournir ({mode})" if mode else "À fournir")
    if deadline is None:
        return f"{verb} (sans date limite indiquée)"
    return f"{verb} au plus tard le {format_deadline(deadline)}"


def pieces_request_pdf(doc: PiecesRequest) -> bytes:
    """The « Demande de pièces justificatives », as PDF bytes."""
    title = "DEMANDE DE PIÈCES JUSTIFICATIVES"
    pdf, body_top = open_document(doc, title=title, subtitle=[doc.exam_name])
    pdf.set_xy(MARGIN, body_top + 5)

    pdf.para(
        "Pour que votre inscription puisse être contrôlée, vous devez fournir les pièces "
        "justificatives ci-dessous, selon la modalité et avant la date indiquées pour "
        "chacune. Tant qu'une pièce manque, votre dossier reste incomplet."
    )

    groups = _piece_groups(doc.pieces)
    if not groups:
        pdf.ln(3)
        pdf.para("Aucune pièce justificative ne vous est demandée.", bold=True)
    for index, (mode, deadline, pieces) in enumerate(groups):
        pdf.band(group_heading(mode, deadline))
        for piece in pieces:
            pdf.keep(2 * LINE)
            pdf.use_font(BODY, bold=True)
            pdf.set_x(MARGIN + 2)
            pdf.cell(4, LINE, "•")
            pdf.multi_cell(
                pdf.epw - 6,
                LINE,
                one_line(piece.label),
                align="L",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
            if piece.hint.strip():
                pdf.para(piece.hint, size=8.5, color=GREY, x=MARGIN + 6, h=3.9)
            pdf.ln(1)
        if index + 1 < len(groups) and groups[index + 1][0] == mode:
            continue  # the advice of a mode follows its last group
        pdf.ln(1)
        if mode == ONLINE:
            pdf.para(
                "Déposez ces pièces depuis votre espace candidat, rubrique « Mes justificatifs » "
                "(un fichier lisible par pièce), puis cliquez sur « J'ai fourni toutes mes "
                "pièces » : elles ne peuvent plus être modifiées ensuite, et le service des "
                "examens peut les contrôler.",
                size=8.5,
                color=GREY,
            )
        elif mode == POSTAL:
            pdf.para(
                "Adressez les pièces à envoyer par voie postale, avec vos nom, prénom et numéro "
                "de candidat, à :",
                size=8.5,
                color=GREY,
            )
            _postal_address(pdf, doc.office)
        elif mode == OTHER:
            pdf.para(
                "Suivez les indications données pour chaque pièce ; en cas de doute, "
                "contactez le service des examens.",
                size=8.5,
                color=GREY,
            )

    pdf.band("CONSEILS")
    advice = [
        "Fournissez des copies lisibles et complètes ; n'envoyez jamais d'originaux.",
        "Indiquez sur chaque document votre nom et votre numéro de candidat "
        f"({one_line(doc.candidate_number)}).",
        "Respectez les dates limites : elles s'entendent à l'heure de Paris.",
        "Gardez une copie de tout ce que vous envoyez.",
        "Vous suivez le contrôle de vos pièces dans votre espace candidat, rubrique « Mes "
        "justificatifs ». Pour toute question, contactez le service des examens"
        + (f" au {one_line(doc.office.phone)}" if doc.office.phone.strip() else "")
        + (f" ou à {one_line(doc.office.email)}" if doc.office.email.strip() else "")
        + ".",
    ]
    for line in advice:
        pdf.keep(2 * LINE)
        pdf.use_font(BODY)
        pdf.set_x(MARGIN + 2)
        pdf.cell(4, LINE, "–")
        pdf.multi_cell(pdf.epw - 6, LINE, line, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return pdf.to_bytes()


def _postal_address(pdf: _Document, office: Office) -> None:
    lines = [one_line(office.academy_name), one_line(office.name)]
    lines += [one_line(line) for line in office.address if line.strip()]
    height = len(lines) * 4.4 + 4
    pdf.keep(height + 2)
    pdf.ln(1)
    top = pdf.get_y()
    x = MARGIN + 6
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.3)
    pdf.rect(x, top, 100, height)
    pdf.set_xy(x + 3, top + 2)
    for i, line in enumerate(lines):
        pdf.use_font(9.5, bold=i < 2)
        pdf.set_x(x + 3)
        pdf.cell(94, 4.4, pdf.fit(line, 94), new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_xy(MARGIN, top + height + 2)
