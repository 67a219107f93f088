"""The login slips (papillons de connexion) of enrolled pupils, as one PDF.

Three slips per A4 page, separated by cutting lines; each gives the académie, the
establishment, the pupil, their candidate and application numbers, the portal's address,
the login and the one-time password, with the advice of the guides. A pure function over
plain dataclasses, on the shared page of ``layout`` (fonts, metadata: every text is data,
no page-number alias); the fixed texts are in ``templates/documents/slips.toml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from fpdf import XPos, YPos

from worker.documents.formatting import format_stamp, one_line
from worker.documents.layout import GREY, INK, Page
from worker.documents.texts import text
from worker.rules import passwords

PER_PAGE = 3
MARGIN = 12.0
SLIP_H = 297.0 / PER_PAGE
PAD = 7.0


@dataclass(frozen=True)
class Slip:
    academy_name: str  # "ACADÉMIE DE RENNES"
    establishment: str  # "LYCEE EMILE ZOLA"
    establishment_town: str
    uai: str
    last_name: str
    first_names: str
    birth_date: date
    candidate_number: str
    application_number: str
    exam: str  # "BTS SERVICES INFORMATIQUES AUX ORGANISATIONS - session BTS 2027"
    portal: str  # BASE_URL + "/espace-candidat/connexion"
    login: str
    password: str


class _Slips(Page):
    def __init__(self, edited_at: datetime, title: str) -> None:
        super().__init__(
            title=one_line(title), edited_at=edited_at, margin=MARGIN, top=MARGIN, c_margin=0.5
        )
        self.set_auto_page_break(False)

    def line_at(self, x: float, y: float, w: float, text: str, size: float, **kw) -> float:
        """One line of text cut to the width; returns the next y."""
        self.use_font(size, **kw)
        self.set_xy(x, y)
        self.cell(w, size * 0.45, self.fit(text, w, mark=""))
        return y + size * 0.45

    def para_at(self, x: float, y: float, w: float, text: str, size: float, **kw) -> float:
        self.use_font(size, **kw)
        self.set_xy(x, y)
        self.multi_cell(w, size * 0.42, one_line(text), align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
        return self.get_y()

    def cut_line(self, y: float) -> None:
        self.set_dash_pattern(dash=2, gap=1.5)
        self.rule(y, 5, self.w - 5)
        self.set_dash_pattern()


def _text(name: str, **values: object) -> str:
    return text("slips", name).format(**values)


def slips_pdf(slips: Sequence[Slip], edited_at: datetime) -> bytes:
    """All the slips, three per page, as PDF bytes."""
    pdf = _Slips(edited_at, "Papillons de connexion")
    for index, slip in enumerate(slips):
        position = index % PER_PAGE
        if position == 0:
            pdf.add_page()
        top = position * SLIP_H
        if position:
            pdf.cut_line(top)
        _slip(pdf, slip, top, edited_at)
    if not slips:
        pdf.add_page()
    return pdf.to_bytes()


def _slip(pdf: _Slips, slip: Slip, top: float, edited_at: datetime) -> None:
    """One slip from ``top``: who it is for, then the account and the advice."""
    x = MARGIN
    width = pdf.w - 2 * MARGIN
    left_w = 88.0
    y = top + PAD
    left = _establishment(pdf, slip, x, y, left_w)
    right = _pupil(pdf, slip, x + left_w + 4, y, width - left_w - 4)
    y = _account(pdf, slip, x, max(left, right) + 3.5, width)
    y = pdf.para_at(x, y, width, _text("advice"), 8)
    y = pdf.para_at(x, y + 0.6, width, _text("keep_them"), 8)
    y = pdf.para_at(x, y + 0.6, width, _text("note", rule=passwords.RULE), 7, color=GREY)
    pdf.line_at(x, y + 1.5, width / 2, _text("keep_slip"), 9, bold=True)
    pdf.use_font(6.5, color=GREY)
    pdf.set_xy(x + width / 2, y + 1.8)
    pdf.cell(width / 2, 3, f"Édité le {format_stamp(edited_at)}", align="R")


def _establishment(pdf: _Slips, slip: Slip, x: float, y: float, w: float) -> float:
    """Académie and establishment, as the guide's example; returns the bottom."""
    y = pdf.line_at(x, y, w, slip.academy_name.upper(), 12, bold=True)
    y = pdf.line_at(x, y + 1, w, _text("service"), 8.5)
    y = pdf.para_at(x, y + 2.5, w, slip.establishment, 9, bold=True)
    if slip.establishment_town.strip():
        y = pdf.line_at(x, y + 0.8, w, slip.establishment_town, 8.5)
    return pdf.line_at(x, y + 0.8, w, f"UAI {slip.uai}", 8, color=GREY)


def _pupil(pdf: _Slips, slip: Slip, x: float, y: float, w: float) -> float:
    """The pupil and their numbers; returns the bottom."""
    name = f"{one_line(slip.last_name).upper()} {one_line(slip.first_names)}"
    y = pdf.para_at(x, y, w, f"Élève : {name}", 10, bold=True)
    y = pdf.line_at(x, y + 1, w, f"Né(e) le {slip.birth_date.strftime('%d/%m/%Y')}", 8.5)
    numbers = f"N° candidat : {slip.candidate_number} - Inscription n° : {slip.application_number}"
    y = pdf.line_at(x, y + 1.2, w, numbers, 9, bold=True)
    return pdf.para_at(x, y + 1, w, slip.exam, 7.5, color=GREY)


def _account(pdf: _Slips, slip: Slip, x: float, y: float, w: float) -> float:
    """The portal's address, then the login and password in a box; returns the bottom."""
    y = pdf.line_at(x, y, w, slip.portal, 9.5, bold=True)
    y = pdf.line_at(x, y + 2, w, _text("sign_in"), 9)
    box_top = y + 1.5
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.3)
    pdf.rect(x, box_top, w, 12.5)
    y = pdf.line_at(x + 3, box_top + 2, w - 6, _text("login", login=slip.login), 10.5, bold=True)
    password = _text("password", password=slip.password)
    pdf.line_at(x + 3, y + 1.2, w - 6, password, 10.5, bold=True)
    return box_top + 12.5 + 2
