"""The PDF documents of a registration: what they say, on how many pages, how they look."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
from datetime import UTC, date, datetime

import pypdfium2 as pdfium
import pytest
from PIL import Image
from pypdf import PdfReader

from catalog.dates import format_day, parse_paris
from worker.documents import records
from worker.documents.confirmation import Registration, TestLine
from worker.documents.confirmation import render as registration_pdf
from worker.documents.pieces_request import ONLINE, OTHER, POSTAL, PiecesRequest, RequestedPiece
from worker.documents.pieces_request import render as pieces_request_pdf
from worker.documents.records import Office

PREVIEW = "/tmp/confirmation-p1.png"  # a copy for a person to look at

OFFICE = Office(
    academy_name="ACADÉMIE DE RENNES",
    region="Bretagne",
    name="Division des examens et concours (DEC)",
    address=("Rectorat de Rennes", "96 rue d'Antrain", "CS 10503", "35705 RENNES CEDEX 7"),
    phone="02 23 21 77 77",
    email="dec@ac-rennes.fr",
)

BTS_TESTS = (
    TestLine(
        "E1",
        "Culture générale et expression",
        "Obligatoire",
        "Bénéfice",
        mark="14,5",
        year="2025",
        unit="U1",
    ),
    TestLine(
        "E2",
        "Langue vivante étrangère 1",
        "Obligatoire",
        "Inscrit",
        "Ponctuel",
        option="Anglais",
        unit="U2",
    ),
    TestLine(
        "E3", "Mathématiques pour l'informatique", "Obligatoire", "Inscrit", "Ponctuel", unit="U3"
    ),
    TestLine(
        "E4", "Culture économique, juridique et managériale", "Obligatoire", "Inscrit", "Ponctuel"
    ),
    TestLine("E41", "Étude de cas", "Obligatoire", "Inscrit", "Ponctuel", unit="U41"),
    TestLine(
        "E42",
        "Analyse d'une situation professionnelle",
        "Obligatoire",
        "Inscrit",
        "Ponctuel",
        unit="U42",
    ),
    TestLine(
        "E5",
        "Conception et maintenance de solutions d'infrastructure et de réseaux d'entreprise",
        "Obligatoire",
        "Inscrit",
        "Ponctuel",
        unit="U5",
    ),
    TestLine(
        "E6", "Administration des systèmes et des réseaux", "À choix", "Inscrit", "CCF", unit="U6"
    ),
    TestLine(
        "E7", "Cybersécurité des services informatiques", "Obligatoire", "Dispensé", unit="U7"
    ),
    TestLine(
        "EF1",
        "Langue vivante 2",
        "Facultative",
        "Inscrit",
        "Ponctuel",
        option="Allemand",
        unit="UF1",
    ),
    TestLine("EF2", "Engagement étudiant", "Facultative", "Non inscrit", unit="UF2"),
    TestLine("EF3", "Mathématiques approfondies", "Facultative", "Inscrit", "Ponctuel", unit="UF3"),
)

# (code, printed « Épreuve », Unité, Type, Position) of every row, as the table must show
# them (E4 is a group of units: it has none of its own, as in the guide's example).
EXPECTED_ROWS = [
    ("E1", "E1 - Culture générale et expression", "U1", "Obligatoire", "Bénéfice 14,5/20 (2025)"),
    ("E2", "E2 - Langue vivante étrangère 1 (Anglais)", "U2", "Obligatoire", "Inscrit"),
    ("E3", "E3 - Mathématiques pour l'informatique", "U3", "Obligatoire", "Inscrit"),
    ("E4", "E4 - Culture économique, juridique et managériale", "", "Obligatoire", "Inscrit"),
    ("E41", "E41 - Étude de cas", "U41", "Obligatoire", "Inscrit"),
    ("E42", "E42 - Analyse d'une situation professionnelle", "U42", "Obligatoire", "Inscrit"),
    (
        "E5",
        "E5 - Conception et maintenance de solutions d'infrastructure et de réseaux d'entreprise",
        "U5",
        "Obligatoire",
        "Inscrit",
    ),
    ("E6", "E6 - Administration des systèmes et des réseaux", "U6", "À choix", "Inscrit"),
    ("E7", "E7 - Cybersécurité des services informatiques", "U7", "Obligatoire", "Dispensé"),
    ("EF1", "EF1 - Langue vivante 2 (Allemand)", "UF1", "Facultative", "Inscrit"),
    ("EF2", "EF2 - Engagement étudiant", "UF2", "Facultative", "Non inscrit"),
    ("EF3", "EF3 - Mathématiques approfondies", "UF3", "Facultative", "Inscrit"),
]

RETURN_BY = date(2026, 12, 18)


def bts_registration(**changes) -> Registration:
    registration = Registration(
        title="CONFIRMATION D'INSCRIPTION",
        exam_name="BREVET DE TECHNICIEN SUPÉRIEUR",
        session_label="2027",
        version=2,
        version_at=datetime(2026, 11, 14, 8, 5, tzinfo=UTC),  # 09:05 in Paris (CET)
        candidate_number="02741027040",
        application_number="003",
        civility="MADAME",
        last_name="Lœvenbrück-Żółkiewska",
        first_names="Anaïs Éloïse",
        usual_name="Muñoz",
        birth_date=date(2004, 2, 29),
        birth_place="RENNES - 035",
        nationality="Française",
        address=("Résidence Les Cœurs, appartement 12", "3 rue de l'Œuvre", "35000 RENNES"),
        phone="06 12 34 56 78",
        email="anais.loevenbruck@example.org",
        category="SCOLAIRE - ÉTABLISSEMENT PUBLIC",
        establishment="LYCEE CHATEAUBRIAND - RENNES (0350029P)",
        speciality="Services informatiques aux organisations, option A : solutions "
        "d'infrastructure, systèmes et réseaux",
        sitting_form="GLOBALE",
        diploma="BACCALAURÉAT GÉNÉRAL",
        accommodation="NON",
        consent_press="NON",
        consent_authorities="OUI",
        return_by=RETURN_BY,
        tests=BTS_TESTS,
        answers=(
            ("Avez-vous déjà présenté cet examen ?", "Oui, en 2025, dans l'académie de Rennes."),
        ),
        office=OFFICE,
        edited_at=datetime(2026, 11, 14, 8, 6, tzinfo=UTC),
    )
    return dataclasses.replace(registration, **changes)


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """Whitespace-insensitive text: wrapped cells and lines joined by single spaces."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def confirmation() -> bytes:
    return registration_pdf(bts_registration())


@pytest.fixture(scope="module")
def confirmation_text(confirmation) -> str:
    return flat(" ".join(pages_text(confirmation)))


def test_confirmation_numbers_version_and_deadline(confirmation_text):
    text = confirmation_text
    assert "CONFIRMATION D'INSCRIPTION" in text
    assert "BREVET DE TECHNICIEN SUPÉRIEUR" in text
    assert "N° candidat : 02741027040" in text
    assert "Inscription n° : 003" in text
    assert "Session : 2027" in text
    assert "Version : 02 du 14/11/2026 à 09:05" in text
    deadline = f"À RENVOYER IMPÉRATIVEMENT POUR LE {format_day(RETURN_BY).upper()}"
    assert deadline == "À RENVOYER IMPÉRATIVEMENT POUR LE VENDREDI 18 DÉCEMBRE 2026"
    assert deadline in text
    assert "Édité le 14/11/2026 à 09:06" in text


def test_confirmation_identity_in_any_alphabet(confirmation_text):
    text = confirmation_text
    assert "MADAME LŒVENBRÜCK-ŻÓŁKIEWSKA Anaïs Éloïse" in text
    assert "Nom d'usage : MUÑOZ" in text
    assert "Né(e) le : 29/02/2004" in text
    assert "À : RENNES - 035" in text
    assert "Résidence Les Cœurs, appartement 12 3 rue de l'Œuvre 35000 RENNES" in text
    assert "anais.loevenbruck@example.org" in text
    assert "Établissement : LYCEE CHATEAUBRIAND - RENNES (0350029P)" in text
    assert "Catégorie du candidat : SCOLAIRE - ÉTABLISSEMENT PUBLIC" in text
    assert "Spécialité : Services informatiques aux organisations, option A" in text
    assert "Forme de passage : GLOBALE" in text
    assert "Diplôme possédé : BACCALAURÉAT GÉNÉRAL" in text
    assert "Aménagement d'épreuves demandé au titre du handicap : NON" in text


def test_confirmation_header_is_the_academie_and_its_exam_office(confirmation_text):
    text = confirmation_text
    assert text.startswith("ACADÉMIE DE RENNES RÉGION ACADÉMIQUE BRETAGNE")
    assert (
        "Division des examens et concours (DEC) Rectorat de Rennes 96 rue d'Antrain CS 10503 "
        "35705 RENNES CEDEX 7 Tél : 02 23 21 77 77 Mél : dec@ac-rennes.fr" in text
    )


def test_confirmation_lists_every_test_with_its_unit_and_position(confirmation_text):
    text = confirmation_text
    assert "Épreuve Unité Type Position Mode" in text
    for code, label, unit, kind, position in EXPECTED_ROWS:
        cells = " ".join(cell for cell in (label, unit, kind, position) if cell)
        assert re.search(rf"(^| ){re.escape(cells)}", text), code
    assert "Bénéfice 14,5/20 (2025)" in text
    assert "EF1 - Langue vivante 2 (Allemand) UF1 Facultative Inscrit Ponctuel" in text


def test_tests_without_units_have_no_units_column():
    tests = tuple(dataclasses.replace(test, unit="") for test in BTS_TESTS)
    text = flat(" ".join(pages_text(registration_pdf(bts_registration(tests=tests)))))
    assert "Épreuve Type Position Mode" in text and "Unité" not in text
    assert "E1 - Culture générale et expression Obligatoire Bénéfice 14,5/20 (2025)" in text


def test_confirmation_consents_answers_and_signature(confirmation_text):
    text = confirmation_text
    assert "sociétés de droit privé (OUI ou NON) : NON" in text
    assert "en vue d'éventuelles félicitations (OUI ou NON) : OUI" in text
    assert "Avez-vous déjà présenté cet examen ? Oui, en 2025, dans l'académie de Rennes." in text
    assert "RGPD" in text and "droit d'accès" in text
    assert "Ce document vaut inscription définitive à l'examen." in text
    assert "CERTIFIÉ EXACT" in text
    assert "Signature du candidat" in text
    assert "corrigez-le à l'encre ROUGE" in text
    assert "pièce d'identité officielle avec photographie" in text


def test_consents_left_empty_are_not_printed():
    text = flat(
        " ".join(
            pages_text(registration_pdf(bts_registration(consent_press="", consent_authorities="")))
        )
    )
    assert "(OUI ou NON)" not in text
    assert "DIFFUSION DES RÉSULTATS" not in text


def test_g02_recapitulatif_has_no_return_deadline_nor_signature():
    recap = bts_registration(
        title="RÉCAPITULATIF D'INSCRIPTION",
        exam_name="CERTIFICAT DE SAUVETEUR SECOURISTE DU TRAVAIL",
        return_by=None,
        tests=BTS_TESTS[:2],
        speciality="",
    )
    text = flat(" ".join(pages_text(registration_pdf(recap))))
    assert "RÉCAPITULATIF D'INSCRIPTION" in text
    assert "CONFIRMATION" not in text
    assert "À RENVOYER" not in text
    assert "CERTIFIÉ EXACT" not in text
    assert "Signature" not in text
    assert "ROUGE" not in text
    assert "Ce récapitulatif atteste de votre inscription" in text
    assert "pièce d'identité officielle avec photographie" in text
    assert "N° candidat : 02741027040" in text


def test_page_one_renders_as_an_a4_page_with_ink(confirmation, tmp_path):
    path = tmp_path / "confirmation-p1.png"
    pdfium.PdfDocument(confirmation)[0].render(scale=1.5).to_pil().save(path)
    shutil.copyfile(path, PREVIEW)

    with Image.open(path) as image:
        width, height = image.size
        grey = image.convert("L")
        histogram = grey.histogram()
    assert (width, height) == pytest.approx((595 * 1.5, 842 * 1.5), abs=2)  # A4 in points
    assert height / width == pytest.approx(2**0.5, rel=0.01)
    dark = sum(histogram[:128])
    assert dark > 0.01 * width * height  # text, rules and boxes
    assert histogram[255] > 0.5 * width * height  # on a white page


def test_identical_input_gives_identical_bytes(confirmation):
    assert registration_pdf(bts_registration()) == confirmation
    reader = PdfReader(io.BytesIO(confirmation))
    assert reader.metadata.creation_date == datetime(2026, 11, 14, 8, 6, tzinfo=UTC)


def test_text_is_printed_as_it_is_never_interpreted():
    tricky = "{nb} pages, **pas de gras**, --pas-- de __markup__ <b>ni</b> de HTML"
    data = registration_pdf(
        bts_registration(
            answers=(("Remarque", tricky),),
            first_names="Zoë {nb}",
            establishment="LYCEE **DE** L'OUEST",
        )
    )
    text = flat(" ".join(pages_text(data)))
    assert tricky in text
    assert "Zoë {nb}" in text
    assert "LYCEE **DE** L'OUEST" in text


def test_long_answers_and_forty_tests_run_onto_numbered_pages():
    many = tuple(
        TestLine(
            f"U{n:02d}",
            f"Épreuve numéro {n} du référentiel de certification",
            "Obligatoire" if n % 3 else "Facultative",
            "Inscrit",
            "Ponctuel",
        )
        for n in range(1, 41)
    )
    long_answer = " ".join(f"phrase{n} d'une réponse très longue du candidat." for n in range(400))
    data = registration_pdf(
        bts_registration(
            tests=many,
            answers=(
                ("Décrivez votre parcours", long_answer + " FIN-DE-LA-REPONSE"),
                ("Autre question", "Réponse courte"),
            ),
        )
    )
    pages = [flat(text) for text in pages_text(data)]
    count = len(pages)
    assert count >= 3
    for number, text in enumerate(pages, start=1):
        assert f"page {number}/{count}" in text
        assert "N° candidat 02741027040 — Inscription n° 003" in text
    everything = " ".join(pages)
    for test in many:
        assert f"{test.code} - {test.name}" in everything
    assert everything.count("Épreuve Type Position Mode") >= 2  # headings repeated
    assert "FIN-DE-LA-REPONSE" in everything
    assert "Autre question Réponse courte" in everything
    assert "CERTIFIÉ EXACT" in pages[-1]


# --------------------------------------------------------------------------- pieces


def pieces_request() -> PiecesRequest:
    first = parse_paris("07/12/2026 23:59")
    later = parse_paris("08/01/2027 23:59")
    postal = parse_paris("11/12/2026 23:59")
    return PiecesRequest(
        exam_name="BREVET DE TECHNICIEN SUPÉRIEUR",
        session_label="2027",
        candidate_number="02741027040",
        application_number="003",
        civility="MADAME",
        last_name="Lœvenbrück",
        first_names="Anaïs",
        pieces=(
            RequestedPiece("Relevé de notes de la session 2025", ONLINE, later),
            RequestedPiece("Pièce d'identité en cours de validité", ONLINE, first),
            RequestedPiece(
                "Certificat de scolarité", POSTAL, postal, hint="Signé par le chef d'établissement"
            ),
            RequestedPiece(
                "Attestation de stage", OTHER, None, hint="À remettre au secrétariat de votre lycée"
            ),
            RequestedPiece(
                "Justificatif de domicile", ONLINE, first, hint="Facture de moins de trois mois"
            ),
        ),
        office=OFFICE,
        edited_at=datetime(2026, 11, 14, 8, 6, tzinfo=UTC),
    )


def test_pieces_request_groups_by_mode_and_deadline():
    data = pieces_request_pdf(pieces_request())
    text = flat(" ".join(pages_text(data)))
    assert "DEMANDE DE PIÈCES JUSTIFICATIVES" in text
    assert "N° candidat : 02741027040" in text
    assert "MADAME LŒVENBRÜCK Anaïs" in text

    online_first = (
        f"À déposer en ligne au plus tard le {format_day(date(2026, 12, 7))} "
        "à 23:59 (heure de Paris)"
    )
    assert online_first == (
        "À déposer en ligne au plus tard le lundi 7 décembre 2026 à 23:59 (heure de Paris)"
    )
    online_later = "À déposer en ligne au plus tard le vendredi 8 janvier 2027 à 23:59"
    postal = "À envoyer par voie postale au plus tard le vendredi 11 décembre 2026 à 23:59"
    other = "À fournir selon une autre modalité"
    headings = [online_first, online_later, postal, other]
    positions = [text.find(heading) for heading in headings]
    assert all(p >= 0 for p in positions), positions
    assert positions == sorted(positions)  # online, then postal, then other; earliest first
    for heading in headings:
        assert text.count(heading) == 1  # one heading per (mode, deadline)

    def section(index: int) -> str:
        end = positions[index + 1] if index + 1 < len(positions) else len(text)
        return text[positions[index] : end]

    assert "Pièce d'identité en cours de validité" in section(0)
    assert "Justificatif de domicile Facture de moins de trois mois" in section(0)
    assert "Relevé de notes de la session 2025" in section(1)
    assert "Certificat de scolarité Signé par le chef d'établissement" in section(2)
    assert (
        "ACADÉMIE DE RENNES Division des examens et concours (DEC) Rectorat de Rennes "
        "96 rue d'Antrain CS 10503 35705 RENNES CEDEX 7" in section(2)
    )
    assert "Attestation de stage À remettre au secrétariat de votre lycée" in section(3)
    assert "Mes justificatifs" in text
    assert "page 1/1" in text


def test_pieces_request_without_postal_pieces_gives_no_postal_address():
    request = dataclasses.replace(
        pieces_request(),
        pieces=tuple(p for p in pieces_request().pieces if p.mode == ONLINE),
    )
    text = flat(" ".join(pages_text(pieces_request_pdf(request))))
    assert "voie postale" not in text
    assert "CS 10503 35705 RENNES CEDEX 7 Tél" in text  # only in the header
    assert text.count("35705 RENNES CEDEX 7") == 1


def test_pieces_modes_may_be_given_in_other_wordings():
    request = pieces_request()
    wordings = {ONLINE: "À déposer en ligne", POSTAL: "voie_postale", OTHER: "Autres modalités"}
    reworded = dataclasses.replace(
        request,
        pieces=tuple(dataclasses.replace(p, mode=wordings[p.mode]) for p in request.pieces),
    )
    assert pieces_request_pdf(reworded) == pieces_request_pdf(request)


def test_a_postal_address_abroad_ends_with_its_country():
    """The documents print the address as a letter is addressed: the country last when it
    is not France (the answers' other rows then leave the address out)."""
    abroad = {"adresse_pays": "BE", "adresse_ligne1": "12 rue Haute",
              "adresse_code_postal": "1000", "adresse_localite": "BRUXELLES"}  # fmt: skip
    assert records.postal_address(abroad) == ("12 rue Haute", "1000 BRUXELLES", "BELGIQUE")
    at_home = {**abroad, "adresse_pays": "FR", "adresse_localite": "RENNES"}
    assert records.postal_address(at_home) == ("12 rue Haute", "1000 RENNES")


def test_a_postal_address_prints_its_four_lines_in_order():
    answers = {"adresse_pays": "FR", "adresse_ligne1": "Résidence Les Pins",
               "adresse_ligne2": "Bâtiment B", "adresse_ligne3": "12 rue Haute",
               "adresse_ligne4": "BP 42", "adresse_code_postal": "35000",
               "adresse_localite": "RENNES"}  # fmt: skip
    assert records.postal_address(answers) == (
        "Résidence Les Pins", "Bâtiment B", "12 rue Haute", "BP 42", "35000 RENNES"
    )  # fmt: skip
