"""Published PDFs and supporting documents, through the worker's HTTP interface."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

import pypdfium2
import pytest
from pypdf import PdfReader

from catalog.dates import format_day
from tests.forms import errors, text
from tests.test_registration import CFG, NOW, fill, register_cfg, signed_in, start
from worker.rules import pieces as supporting
from worker.store import db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def registered(app):
    """A candidate registered to a CFG with an accommodation request (two online pieces)."""
    app.config["NOW"] = lambda: NOW
    client = signed_in(app)
    url = start(client, app, "cfg", "juin-2027")
    for code, answers in CFG.items():
        if code == "informations":
            answers = {**answers, "amenagement_handicap": "oui"}
        response = fill(
            client, url, answers, "enregistrer" if code == "recapitulatif" else "suivant"
        )
        assert response.status_code == 303, errors(response)
        url = response.headers["Location"]
    return client


def application_id(app) -> int:
    with app.app_context():
        return db.get().execute("SELECT id FROM applications").fetchone()[0]


def links(response, pattern: str) -> list[str]:
    return re.findall(pattern, response.get_data(as_text=True))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def upload(client, code: str, content: bytes = PDF, name: str = "piece.pdf"):
    url = f"/espace-candidat/inscriptions/001/justificatifs/{code}"
    token = client.token("/espace-candidat/inscriptions/001/justificatifs")
    return client.http.post(url, data={"csrf_token": token, "fichier": (io.BytesIO(content), name)},
                            content_type="multipart/form-data")  # fmt: skip


def lock(client):
    page = client.get("/espace-candidat/inscriptions/001/justificatifs")
    group = re.search(r'name="groupe" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    return client.submit("/espace-candidat/inscriptions/001/justificatifs/valider",
                         {"groupe": group.replace("&#43;", "+")})  # fmt: skip


def test_confirmation_pdf_says_what_the_candidate_must_check(app, registered, tmp_path):
    saved = registered.get("/espace-candidat/inscriptions/001/enregistree")
    assert "Visualiser/imprimer" in text(saved)
    url = links(saved, r'href="(/espace-candidat/inscriptions/001/documents/\d+)"')[0]
    download = registered.get(url)
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment")
    content = pdf_text(download.data)
    with app.app_context():
        number = db.get().execute("SELECT candidate_number FROM accounts").fetchone()[0]
    catalog = app.extensions["catalog"]()
    academy = catalog.academies[db_value(app, "SELECT academy FROM applications")]
    period = next(p for p in catalog.periods if (p.exam, p.session, p.academy) ==
                  ("cfg", "juin-2027", academy.code))  # fmt: skip
    expected_day = format_day(period.confirmation_due).upper()
    for fragment in (number, "001", "Version : 01 du 22/11/2026", "JUIN 2027",
                     "CERTIFICAT DE FORMATION GENERALE", "CONFIRMATION D'INSCRIPTION",
                     f"À RENVOYER IMPÉRATIVEMENT POUR LE {expected_day}",
                     "Entretien avec le jury", "Inscrit", academy.name,
                     academy.exam_office.address[0]):  # fmt: skip
        assert fragment in content, fragment
    # the address once, in its block (not again among the other answers)
    assert content.count("3 rue de la Paix") == 1 and "Code postal" not in content
    image = pypdfium2.PdfDocument(download.data)[0].render(scale=1).to_pil()
    image.save(tmp_path / "confirmation.png")
    assert abs(image.height / image.width - 297 / 210) < 0.01
    assert image.convert("L").getextrema()[0] < 50  # there is dark ink on the page


def test_a_short_confirmation_is_signed_on_the_page_of_its_data(app):
    """The signature's block (« CERTIFIÉ EXACT », the box) goes to the next page only when
    it does not fit under the data: a CFG with nothing more has it on page 1."""
    app.config["NOW"] = lambda: NOW
    client = signed_in(app)
    register_cfg(client, app)
    listing = client.get("/espace-candidat/inscriptions/001/documents")
    url = links(listing, r'href="(/espace-candidat/inscriptions/001/documents/\d+)"')[0]
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(client.get(url).data)).pages]
    assert "DIFFUSION DES RÉSULTATS" in pages[0]
    assert "CERTIFIÉ EXACT" in pages[0] and "Signature(s)" in pages[0]


def db_value(app, sql: str):
    with app.app_context():
        return db.get().execute(sql).fetchone()[0]


def test_each_modification_publishes_a_new_version(app, registered):
    first = links(
        registered.get("/espace-candidat/inscriptions/001/documents"),
        r'href="(/espace-candidat/inscriptions/001/documents/\d+)"',
    )[0]
    url = registered.submit("/espace-candidat/inscriptions/001/modifier").headers["Location"]
    for code, answers in CFG.items():
        response = fill(
            registered, url, answers, "enregistrer" if code == "recapitulatif" else "suivant"
        )
        url = response.headers["Location"]
    listing = text(registered.get("/espace-candidat/inscriptions/001/documents"))
    assert "Confirmation d'inscription [PDF] Version n°2" in listing
    assert "Version n°1" not in listing  # the latest version only
    versions = db_value(app, "SELECT count(*) FROM documents WHERE kind = 'confirmation'")
    assert versions == 2  # the earlier one is kept
    # for the office: the candidate's old link leads to the current version
    current = links(
        registered.get("/espace-candidat/inscriptions/001/documents"),
        r'href="(/espace-candidat/inscriptions/001/documents/\d+)"',
    )[0]
    assert current != first
    old_link = registered.get(first)
    assert old_link.status_code == 303 and old_link.headers["Location"] == current
    assert "Version : 02 du" in pdf_text(registered.get(current).data)


def test_g02_gets_a_recapitulatif_without_deadline(app):
    catalog = app.extensions["catalog"]()
    period = next(p for p in catalog.periods if p.exam == "cc1d")
    app.config["NOW"] = lambda: period.opens + timedelta(hours=1)
    client = signed_in(app)
    url = start(client, app, "cc1d", "2027", period.academy)
    steps = {"identification": CFG["identification"],
             "qualification-generique": {"specialite_generique": period.speciality},
             "situation-actuelle": {"corps": "PROFESSEUR DES ECOLES", "statut": "TITULAIRE",
                                    "position_administrative": "ACTIVITE",
                                    "pays_exercice": "FR", "departement_exercice": "35",
                                    "lieu_exercice": "ECOLE JULES FERRY",
                                    "commune_exercice": "35000 RENNES"},
             "epreuves": {},
             "recapitulatif": {}}  # fmt: skip
    for code, answers in steps.items():
        response = fill(
            client, url, answers, "enregistrer" if code == "recapitulatif" else "suivant"
        )
        assert response.status_code == 303, errors(response)
        url = response.headers["Location"]
    listing = client.get("/espace-candidat/inscriptions/001/documents")
    assert "Récapitulatif d'inscription [PDF]" in text(listing)
    document = links(listing, r'href="(/espace-candidat/inscriptions/001/documents/\d+)"')[0]
    content = pdf_text(client.get(document).data)
    assert "RÉCAPITULATIF D'INSCRIPTION" in content
    assert "À RENVOYER" not in content
    speciality = catalog.exams["cc1d"].speciality(period.speciality).name
    assert f"Secteur disciplinaire : {speciality}" in content
    assert content.count(speciality) == 1  # not again among the other answers
    assert "Spécialité" not in content
    # the town of the place of work, whose label is the postal address's (printed apart)
    assert "Localité\n35000 RENNES" in content


def test_pieces_are_grouped_and_counted(registered):
    page = text(registered.get("/espace-candidat/inscriptions/001/justificatifs"))
    assert "Pièces justificatives conformes : 0 / 3" in page
    assert "1. À déposer en ligne entre le" in page
    assert "2. À envoyer par voie postale au plus tard le" in page
    assert "Formats acceptés : PDF, PNG, JPG, DOC, DOCX ou ZIP. Taille : 5 Mo au plus" in page
    assert "Titre de séjour" not in page  # French nationality: not requested


def test_lock_is_refused_with_the_list_of_what_is_missing(app, registered):
    assert upload(registered, "identite").status_code == 303
    refused = lock(registered)
    assert refused.status_code == 409
    assert errors(refused) == ["Il manque encore : Avis du médecin désigné par la CDAPH pour "
                               "l'aménagement des épreuves."]  # fmt: skip
    assert upload(registered, "amenagement", name="avis.pdf").status_code == 303
    assert lock(registered).status_code == 303
    page = text(registered.get("/espace-candidat/inscriptions/001/justificatifs"))
    assert page.count("Validée, en attente de contrôle") == 2
    assert "Ajouter un fichier" not in page
    late = upload(registered, "identite")
    assert late.status_code == 409  # validated: no more changes


def test_removed_file_disappears_for_the_candidate_but_is_kept(app, registered):
    upload(registered, "identite", name="premier.pdf")
    page = registered.get("/espace-candidat/inscriptions/001/justificatifs")
    remove = links(
        page,
        r'action="(/espace-candidat/inscriptions/001/justificatifs/identite/fichiers/\d+/supprimer)"',
    )[0]
    token = registered.token("/espace-candidat/inscriptions/001/justificatifs")
    assert registered.http.post(remove, data={"csrf_token": token}).status_code == 303
    listing = text(registered.get("/espace-candidat/inscriptions/001/justificatifs"))
    assert "premier.pdf" not in listing
    assert db_value(app, "SELECT count(*) FROM piece_files WHERE removed_at IS NOT NULL") == 1


def test_office_statuses_and_a_new_round(app, registered):
    upload(registered, "identite", name="flou.pdf")
    upload(registered, "amenagement")
    lock(registered)
    identifier = application_id(app)
    with app.app_context():
        database = db.get()
        with db.transaction(database):
            supporting.set_status(
                database, identifier, "identite", "non_conforme", "Document illisible"
            )
            supporting.set_status(database, identifier, "amenagement", "recue",
                                  received_on=date(2026, 11, 23))  # fmt: skip
    page = text(registered.get("/espace-candidat/inscriptions/001/justificatifs"))
    assert "Statut : Non conforme" in page and "Document illisible" in page
    assert "Statut : Reçue – date de réception 23/11/2026" in page
    assert "flou.pdf" not in page  # the rejected file belongs to the earlier round
    card = text(registered.get("/espace-candidat/inscriptions"))
    assert "Votre candidature possède au moins une demande de pièce justificative." in card
    assert upload(registered, "identite", name="net.pdf").status_code == 303
    assert lock(registered).status_code == 303
    with app.app_context():
        database = db.get()
        with db.transaction(database):
            supporting.set_status(database, identifier, "identite", "conforme")
        files = database.execute(
            "SELECT original_name, round FROM piece_files ORDER BY id"
        ).fetchall()
    # Every file is kept for the exam office, the rejected one in its own round.
    assert [tuple(f) for f in files] == [("flou.pdf", 1), ("piece.pdf", 1), ("net.pdf", 2)]
    page = text(registered.get("/espace-candidat/inscriptions/001/justificatifs"))
    assert "Pièces justificatives conformes : 1 / 3" in page


def after_the_upload_window(app, client) -> None:
    """The clock a minute past the CFG period's upload deadline, the candidate signed in
    again (the session would have gone idle)."""
    catalog = app.extensions["catalog"]()
    academy = db_value(app, "SELECT academy FROM applications")
    period = next(p for p in catalog.periods if (p.exam, p.session, p.academy) ==
                  ("cfg", "juin-2027", academy))  # fmt: skip
    app.config["NOW"] = lambda: period.uploads_close + timedelta(minutes=1)
    login = {"login": db_value(app, "SELECT email FROM accounts"), "password": "Examen!2027"}
    client.submit("/espace-candidat/connexion", login)


def test_uploads_close_with_the_window_unless_a_new_file_is_asked(app, registered):
    after_the_upload_window(app, registered)
    assert upload(registered, "identite").status_code == 409
    with app.app_context():
        database = db.get()
        with db.transaction(database):
            supporting.set_status(database, application_id(app), "identite", "en_attente",
                                  "Merci de fournir une pièce en cours de validité")  # fmt: skip
    assert (
        upload(registered, "identite").status_code == 303
    )  # asked again: allowed after the deadline


REMOVE = r'action="(/espace-candidat/inscriptions/001/justificatifs/identite/fichiers/\d+/\w+)"'


def test_a_file_is_removed_only_where_another_could_be_added(app, registered):
    """After the deadline, or once the office found the piece conforme, removing the file
    would leave the piece empty for good: no « Supprimer », and the removal is refused."""
    upload(registered, "identite", name="carte.pdf")
    before = registered.get("/espace-candidat/inscriptions/001/justificatifs")
    remove = links(before, REMOVE)[0]
    with app.app_context():
        database = db.get()
        with db.transaction(database):
            supporting.set_status(database, application_id(app), "identite", "conforme")
    page = registered.get("/espace-candidat/inscriptions/001/justificatifs")
    assert "carte.pdf" in text(page) and links(page, REMOVE) == []
    token = registered.token("/espace-candidat/inscriptions/001/justificatifs")
    refused = registered.http.post(remove, data={"csrf_token": token})
    assert refused.status_code == 409
    assert "déclarée conforme : ses fichiers ne peuvent plus être supprimés" in text(refused)

    upload(registered, "amenagement", name="avis.pdf")
    after_the_upload_window(app, registered)
    late = registered.get("/espace-candidat/inscriptions/001/justificatifs")
    assert "avis.pdf" in text(late) and "Supprimer" not in text(late)
    file_id = db_value(app, "SELECT id FROM piece_files WHERE original_name = 'avis.pdf'")
    token = registered.token("/espace-candidat/inscriptions/001/justificatifs")
    refused = registered.http.post(
        f"/espace-candidat/inscriptions/001/justificatifs/amenagement/fichiers/{file_id}/supprimer",
        data={"csrf_token": token},
    )
    assert refused.status_code == 409
    assert "Hors de la période de dépôt, les fichiers déposés ne peuvent pas" in text(refused)
    assert db_value(app, "SELECT count(*) FROM piece_files WHERE removed_at IS NOT NULL") == 0


def test_sweep_command_removes_only_orphans(app, registered):
    upload(registered, "identite")
    data_dir = app.config["DATA_DIR"]
    orphan = Path(data_dir) / "uploads" / "ab" / ("ab" + "0" * 30)
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"half written")
    output = app.test_cli_runner().invoke(args=["files", "sweep", "--minutes", "0"]).output
    assert "1 fichier(s) orphelin(s) supprimé(s)." in output
    assert not orphan.exists()
    kept = db_value(app, "SELECT stored_name FROM piece_files")
    assert (Path(data_dir) / "uploads" / kept[:2] / kept).exists()
