"""The login slips (papillons de connexion) of enrolled pupils, as one PDF.

Three slips per A4 page, separated by cutting lines; each gives the académie, the
establishment, the pupil, their candidate and application numbers, the portal's address,
the login and the one-time password, with the advice of the guides. A pure function over
plain dataclasses, in the DejaVu fonts of ``worker/fonts/`` like ``pdf.py``; every text is
data (printed as it is, no page-number alias).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from fpdf import FPDF, XPos, YPos

from worker.documents.layout import FAMILY, FONTS, GREY, INK, RULE, format_stamp, one_line
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


ADVICE = (
    "Il est vivement conseillé de vous connecter dès réception de ce document : à la "
    "première connexion, vous indiquerez votre adresse électronique, saisirez à nouveau ce "
    "mot de passe puis en choisirez un nouveau (*)."
)
KEEP = (
    "Ensuite, conservez bien vos identifiants jusqu'à la fin de la session : ils vous "
    "permettront d'accéder à vos documents et à vos résultats."
)
NOTE = (
    "(*) Ce mot de passe ne sert qu'à la première connexion. Votre nouveau mot de passe "
    f"comportera {passwords.RULE}."
)


class _Slips(FPDF):
    def __init__(self, edited_at: datetime, title: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(False)
        self.c_margin = 0.5
        self.alias_nb_pages(None)  # names are data: "{nb}" in one is printed as it is
        self.set_creation_date(edited_at if edited_at.tzinfo else edited_at.replace(tzinfo=UTC))
        self.set_lang("fr-FR")
        self.set_title(one_line(title))
        self.set_creator("portail-candidat")

    def use(self, size: float, *, bold: bool = False, color=INK) -> None:
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(*color)

    def line_at(self, x: float, y: float, w: float, text: str, size: float, **kw) -> float:
        """One line of text cut to the width; returns the next y."""
        self.use(size, **kw)
        text = one_line(text)
        while text and self.get_string_width(text) > w - 1:
            text = text[:-1]
        self.set_xy(x, y)
        self.cell(w, size * 0.45, text)
        return y + size * 0.45

    def para_at(self, x: float, y: float, w: float, text: str, size: float, **kw) -> float:
        self.use(size, **kw)
        self.set_xy(x, y)
        self.multi_cell(w, size * 0.42, one_line(text), align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
        return self.get_y()

    def cut_line(self, y: float) -> None:
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.set_dash_pattern(dash=2, gap=1.5)
        self.line(5, y, self.w - 5, y)
        self.set_dash_pattern()


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
    return bytes(pdf.output())


def _slip(pdf: _Slips, slip: Slip, top: float, edited_at: datetime) -> None:
    x = MARGIN
    width = pdf.w - 2 * MARGIN
    left_w = 88.0
    right_x = x + left_w + 4
    right_w = width - left_w - 4
    y = top + PAD

    # Left: académie and establishment, as the guide's example.
    left = pdf.line_at(x, y, left_w, slip.academy_name.upper(), 12, bold=True)
    left = pdf.line_at(x, left + 1, left_w, "Accès au service en ligne des examens", 8.5)
    left = pdf.para_at(x, left + 2.5, left_w, slip.establishment, 9, bold=True)
    if slip.establishment_town.strip():
        left = pdf.line_at(x, left + 0.8, left_w, slip.establishment_town, 8.5)
    left = pdf.line_at(x, left + 0.8, left_w, f"UAI {slip.uai}", 8, color=GREY)

    # Right: the pupil and their numbers.
    name = f"{one_line(slip.last_name).upper()} {one_line(slip.first_names)}"
    right = pdf.para_at(right_x, y, right_w, f"Élève : {name}", 10, bold=True)
    right = pdf.line_at(
        right_x, right + 1, right_w, f"Né(e) le {slip.birth_date.strftime('%d/%m/%Y')}", 8.5
    )
    right = pdf.line_at(
        right_x,
        right + 1.2,
        right_w,
        f"N° candidat : {slip.candidate_number} - Inscription n° : {slip.application_number}",
        9,
        bold=True,
    )
    right = pdf.para_at(right_x, right + 1, right_w, slip.exam, 7.5, color=GREY)

    y = max(left, right) + 3.5
    y = pdf.line_at(x, y, width, slip.portal, 9.5, bold=True)
    y = pdf.line_at(x, y + 2, width, "Identifiez-vous avec le compte qui vous a été attribué :", 9)
    box_top = y + 1.5
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.3)
    pdf.rect(x, box_top, width, 12.5)
    y = pdf.line_at(
        x + 3,
        box_top + 2,
        width - 6,
        f"Votre identifiant de connexion : {slip.login}",
        10.5,
        bold=True,
    )
    pdf.line_at(
        x + 3, y + 1.2, width - 6, f"Votre mot de passe (*) : {slip.password}", 10.5, bold=True
    )
    y = box_top + 12.5 + 2
    y = pdf.para_at(x, y, width, ADVICE, 8)
    y = pdf.para_at(x, y + 0.6, width, KEEP, 8)
    y = pdf.para_at(x, y + 0.6, width, NOTE, 7, color=GREY)
    pdf.line_at(x, y + 1.5, width / 2, "DOCUMENT À CONSERVER", 9, bold=True)
    pdf.use(6.5, color=GREY)
    pdf.set_xy(x + width / 2, y + 1.8)
    pdf.cell(width / 2, 3, f"Édité le {format_stamp(edited_at)}", align="R")
