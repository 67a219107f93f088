"""The shared layout of the portal's PDF documents: fonts, page, header and footer, the
drawing helpers every document uses, and ``open_document`` for a document's first page.

fpdf2 on A4 portrait pages, in the DejaVu Sans fonts shipped in ``fonts/`` (Unicode, so
that any name prints: œ, ł, ñ, ß…). Every text handed in is data: it is printed as it is,
never read as markup, and page-number aliases are honoured only in the footer. The same
input gives the same bytes (the PDF creation date is ``edited_at``).

The fonts are parsed for each document: fpdf2 keeps per-document state in its font
objects (the glyph subset is cut from the parsed font when the PDF is written) and offers
no supported way to share them between documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from fpdf import FPDF, XPos, YPos
from fpdf.enums import WrapMode

from worker.documents.formatting import clean, format_stamp, full_name, one_line
from worker.documents.records import Office

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


# --------------------------------------------------------------------------- page


class Page(FPDF):
    """An A4 portrait PDF in the DejaVu fonts, its metadata set, never reading its texts
    as page-number aliases (a name with "{nb}" in it is printed as it is)."""

    def __init__(
        self, *, title: str, edited_at: datetime, margin: float, top: float, c_margin: float
    ) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_margins(margin, top, margin)
        self.c_margin = c_margin
        self.alias_nb_pages(None)
        self.set_creation_date(edited_at if edited_at.tzinfo else edited_at.replace(tzinfo=UTC))
        self.set_lang("fr-FR")
        self.set_title(title)
        self.set_creator("portail-candidat")

    def use_font(
        self, size: float = BODY, *, bold: bool = False, color: tuple[int, int, int] = INK
    ) -> None:
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(*color)

    def rule(self, y: float, x1: float | None = None, x2: float | None = None) -> None:
        """A thin grey line at ``y``, from margin to margin unless told."""
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(
            self.l_margin if x1 is None else x1, y, self.w - self.r_margin if x2 is None else x2, y
        )

    def fit(self, text: str, width: float, *, mark: str = "…") -> str:
        """``text`` on one line of ``width`` mm in the current font, cut (and ended with
        ``mark``) if need be."""
        text = one_line(text)
        room = width - 2 * self.c_margin
        if self.get_string_width(text) <= room:
            return text
        while text and self.get_string_width(text + mark) > room:
            text = text[:-1]
        return text.rstrip() + mark if mark else text

    def to_bytes(self) -> bytes:
        return bytes(self.output())


class Document(Page):
    """A document of an application: the exam office's heading on page 1, a running
    header after it and a footer with the numbers and the page."""

    def __init__(
        self, *, office: Office, title: str, running: str, footer_left: str, edited_at: datetime
    ) -> None:
        super().__init__(
            title=f"{title} - {running}", edited_at=edited_at, margin=MARGIN, top=TOP, c_margin=1.0
        )
        self.office = office
        self.doc_title = title
        self.running = running
        self.footer_left = footer_left
        self.edited_at = edited_at
        self.set_auto_page_break(True, margin=BOTTOM)
        self.set_author(one_line(office.academy_name))
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

    def labelled(self, rows: Iterable[tuple[str, str]]) -> None:
        """« Label : value » lines, the value in bold; rows without a value are left out."""
        for label, value in rows:
            if value.strip():
                self.keep(LINE)
                self.inline([(f"{label} : ", False), (one_line(value), True)])

    def bullet(self, mark: str, text: str, *, bold: bool = False) -> None:
        """An item of a list: ``mark`` in the margin, ``text`` wrapped beside it."""
        self.keep(2 * LINE)
        self.use_font(BODY, bold=bold)
        self.set_x(MARGIN + 2)
        self.cell(4, LINE, mark)
        self.multi_cell(self.epw - 6, LINE, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

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


def open_document(
    doc: Heading, *, title: str, subtitle: list[str], address: tuple[str, ...] = ()
) -> tuple[Document, float]:
    """A new document of an application, its first page headed; returns where the body
    starts."""
    name = full_name(doc.civility, doc.last_name, doc.first_names)
    numbers = (
        f"N° candidat {one_line(doc.candidate_number)} — Inscription n° "
        f"{one_line(doc.application_number)}"
    )
    document = Document(
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
