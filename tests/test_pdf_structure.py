"""Every kind of document the portal issues is a tagged PDF (PDF/UA-1), read back with
pikepdf: marked, in French, titled (and shown by its title), identified as PDF/UA-1 in
its XMP, with a structure tree whose walk in order gives the headings, the tables with
header cells, the lists and the paragraphs in reading order, and with real Unicode text.
"""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import UTC, date, datetime

import pikepdf
import pytest
import typst
from pypdf import PdfReader

from tests.test_pdf import OFFICE, bts_registration, pieces_request
from worker.documents import confirmation, layout, notice, slips
from worker.documents import pieces_request as pieces
from worker.rules import glyphs

EDITED = datetime(2026, 11, 14, 8, 6, tzinfo=UTC)


def walk(pdf: pikepdf.Pdf) -> list[tuple[int, str]]:
    """The structure elements (depth, role) in document order."""
    out: list[tuple[int, str]] = []

    def visit(element: pikepdf.Object, depth: int) -> None:
        if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
            return
        out.append((depth, str(element.S)))
        kids = element.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            visit(kid, depth + 1)

    root = pdf.Root.StructTreeRoot
    kids = root.K
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        visit(kid, 0)
    return out


def roles(pdf: pikepdf.Pdf) -> list[str]:
    return [role for _, role in walk(pdf)]


def check_tagged(data: bytes, title: str) -> pikepdf.Pdf:
    """What every document must be, whatever its kind."""
    pdf = pikepdf.open(io.BytesIO(data))
    root = pdf.Root
    assert root.MarkInfo.Marked is True
    assert str(root.Lang) == "fr-FR"
    assert root.ViewerPreferences.DisplayDocTitle is True
    assert str(pdf.docinfo.Title) == title
    meta = pdf.open_metadata()
    assert meta.get("pdfuaid:part") == "1"
    assert "/StructTreeRoot" in root
    for page in pdf.pages:  # every font embedded, with its ToUnicode map
        for font in page.Resources.Font.values():
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            assert "/FontFile2" in descendant.FontDescriptor or (
                "/FontFile3" in descendant.FontDescriptor
            )
            assert "/ToUnicode" in font
    return pdf


def in_order(sequence: list[str], expected: list[str]) -> bool:
    """Whether ``expected`` appears in ``sequence`` in this order (not necessarily
    adjacent)."""
    position = 0
    for item in sequence:
        if position < len(expected) and item == expected[position]:
            position += 1
    return position == len(expected)


def headings(pdf: pikepdf.Pdf) -> list[str]:
    return [role for role in roles(pdf) if role in ("/H1", "/H2", "/H3")]


def test_confirmation_is_tagged_with_headings_table_and_paragraphs():
    data = confirmation.render(bts_registration())
    title = "CONFIRMATION D'INSCRIPTION - MADAME LŒVENBRÜCK-ŻÓŁKIEWSKA Anaïs Éloïse"
    pdf = check_tagged(data, title)
    found = roles(pdf)
    assert headings(pdf) == ["/H1"] + ["/H2"] * 5
    assert in_order(found, ["/H1", "/H2", "/H2", "/P", "/H2", "/Table", "/H2", "/P", "/H2"])
    tree = walk(pdf)
    table = next(i for i, (_, role) in enumerate(tree) if role == "/Table")
    cells = [role for _, role in tree[table:] if role in ("/TH", "/TD")]
    assert cells[:5] == ["/TH"] * 5  # Épreuve, Unité, Type, Position, Mode
    assert cells[5:].count("/TD") == 5 * len(bts_registration().tests)
    assert found.count("/P") >= 10
    # Real Unicode: the accents copy out right.
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "À RENVOYER IMPÉRATIVEMENT" in text and "LŒVENBRÜCK-ŻÓŁKIEWSKA" in text


def test_recapitulatif_is_tagged():
    recap = bts_registration(title="RÉCAPITULATIF D'INSCRIPTION", return_by=None)
    pdf = check_tagged(
        confirmation.render(recap),
        "RÉCAPITULATIF D'INSCRIPTION - MADAME LŒVENBRÜCK-ŻÓŁKIEWSKA Anaïs Éloïse",
    )
    assert headings(pdf)[0] == "/H1"
    assert "/Table" in roles(pdf) and "/TH" in roles(pdf)


def test_pieces_request_is_tagged_with_a_heading_and_a_list_per_group():
    pdf = check_tagged(
        pieces.render(pieces_request()),
        "DEMANDE DE PIÈCES JUSTIFICATIVES - MADAME LŒVENBRÜCK Anaïs",
    )
    found = roles(pdf)
    assert headings(pdf) == ["/H1"] + ["/H2"] * 5  # four groups, then CONSEILS
    assert in_order(found, ["/H1", "/P", "/H2", "/L", "/LI", "/H2", "/L", "/H2", "/L"])
    assert found.count("/LI") == 5 + 5  # the pieces, then the advice


def notice_record(**changes) -> notice.Notice:
    record = notice.Notice(
        title="Convocation aux épreuves écrites",
        body="Vous êtes convoqué(e) le lundi 10 mai 2027 à 8 h.\n\nSalle 12.",
        exam_name="BREVET DE TECHNICIEN SUPÉRIEUR",
        speciality="",
        speciality_label="Spécialité",
        session_label="2027",
        academy_name="ACADÉMIE DE RENNES",
        candidate_number="02741027040",
        application_number="003",
        civility="MADAME",
        last_name="Lœvenbrück",
        first_names="Anaïs",
        usual_name="",
        birth_date=date(2004, 2, 29),
        birth_place="RENNES - 035",
        address=("3 rue de l'Œuvre", "35000 RENNES"),
        convocation=True,
        office=OFFICE,
        edited_at=EDITED,
    )
    return dataclasses.replace(record, **changes)


@pytest.mark.parametrize("convocation", [True, False])
def test_convocation_and_notification_are_tagged(convocation):
    record = notice_record(
        convocation=convocation,
        title="Convocation aux épreuves" if convocation else "Notification de mesures",
    )
    title = f"{record.title.upper()} - MADAME LŒVENBRÜCK Anaïs"
    pdf = check_tagged(notice.render(record), title)
    found = roles(pdf)
    assert headings(pdf) == ["/H1", "/H2", "/H2", "/H2"]
    assert in_order(found, ["/H1", "/H2", "/H2", "/P", "/H2", "/P", "/P"])


def test_characters_the_fonts_lack_print_as_a_question_mark():
    """Text stored before the forms refused them (a body with an emoji, a name in Chinese
    characters) still gives a tagged PDF: each such character prints as « ? »."""
    record = notice_record(body="Salle 12 🙂, bâtiment 中.", first_names="Anaïs 李")
    data = notice.render(record)  # PDF/UA-1: Typst refuses a character without a glyph
    content = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Salle 12 ?, bâtiment ?." in content and "Anaïs ?" in content


def test_the_documents_fonts_map_is_typsts():
    """What glyphs.printable says the fonts print is what Typst prints under PDF/UA-1:
    a sample of the map renders, characters outside it are refused by Typst itself."""
    inside = sorted(glyphs.printable())[::97]  # about sixty, across every block
    sample = "".join(chr(c) for c in inside if not chr(c).isspace())
    layout.compile_pdf("notice", _notice_data(sample), edited_at=EDITED)  # no error
    for outside in ("🙂", "中", "\u0e01"):  # an emoji, a CJK ideograph, a Thai letter
        assert glyphs.unprintable(outside) == [outside]
        with pytest.raises(typst.TypstError):
            _compile_raw(_notice_data(outside))


def _notice_data(body: str) -> dict:
    record = notice_record()
    return {**layout.heading_data(record, title="T", subtitle=["S"], address=record.address),
            "candidate": [], "exam": [], "body": body, "present_yourself": "", "contact": "",
            "verify": None}  # fmt: skip


def _compile_raw(data: dict) -> bytes:
    """``layout.compile_pdf`` without its replacement of the characters the fonts lack."""
    with layout._LOCK:
        return layout._compiler().compile(
            str(layout.SOURCES / "notice.typ"),
            sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
            pdf_standards=["ua-1"],
        )


def test_login_slips_are_tagged_one_heading_per_pupil():
    pupils = [
        slips.Slip(
            academy_name="ACADÉMIE DE RENNES",
            establishment="LYCÉE ÉMILE ZOLA",
            establishment_town="RENNES",
            uai="0350029P",
            last_name=f"Lœvenbrück{n}",
            first_names="Zoë",
            birth_date=date(2008, 5, 1),
            candidate_number=f"0274100000{n}",
            application_number="001",
            exam="BTS SIO - session 2027",
            portal="http://127.0.0.1:8000/espace-candidat/connexion",
            login=f"loevenbruck.zoe{n}",
            password="Abc-123-xyz",
        )
        for n in range(4)
    ]
    data = slips.slips_pdf(pupils, EDITED)
    pdf = check_tagged(data, "Papillons de connexion")
    assert len(pdf.pages) == 2
    found = roles(pdf)
    assert headings(pdf) == ["/H1"] * 4
    assert in_order(found, ["/H1", "/P", "/P", "/P", "/H1"])
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Élève : LŒVENBRÜCK0 Zoë" in text
    assert "Votre identifiant de connexion : loevenbruck.zoe3" in text


def test_the_verification_block_keeps_the_document_pdf_ua():
    """The QR code is a figure with its text alternative; the code is real text."""
    from worker.documents import verification

    block = verification.block(42, "clé", "https://portail.example")
    data = confirmation.render(bts_registration(), block)
    pdf = check_tagged(
        data, "CONFIRMATION D'INSCRIPTION - MADAME LŒVENBRÜCK-ŻÓŁKIEWSKA Anaïs Éloïse"
    )
    figures = []

    def visit(element):
        if isinstance(element, pikepdf.Dictionary) and "/S" in element:
            if element.S == "/Figure":
                figures.append(str(element.get("/Alt", "")))
            kids = element.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                visit(kid)

    top = pdf.Root.StructTreeRoot.K
    for kid in top if isinstance(top, pikepdf.Array) else [top]:
        visit(kid)
    assert figures == [f"QR code de vérification du document : adresse {block['url']}"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert block["code"] in text and block["url"] in text
