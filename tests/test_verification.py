"""Verifiable documents (issue 14, part 2): every PDF the portal renders carries a signed
code and a QR code; /verifier/<code> says what it certifies, whether it is current, and
whether a dropped file is that very document; forged or unknown codes are « Document
inconnu »; the page is rate-limited per client."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from tests.forms import text
from tests.test_documents import db_value
from tests.test_registration import CFG, NOW, fill, signed_in, start
from worker.rules import verification as codes

CODE = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}\b")


# -- the codes -----------------------------------------------------------------------------


def test_a_code_is_the_id_signed_and_survives_how_people_type_it():
    code = codes.make_code(1234, "clé")
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}", code)
    assert not set(code) & set("ILOU")
    assert codes.document_id(code, ["clé"]) == 1234
    typed = code.lower().replace("-", " ").replace("0", "o")
    assert codes.document_id(typed, ["clé"]) == 1234


@pytest.mark.parametrize("position", range(0, 17))
def test_any_changed_character_makes_it_unknown(position):
    code = codes.make_code(1234, "clé")
    if code[position] == "-":
        return
    other = "1" if code[position] != "1" else "2"
    tampered = code[:position] + other + code[position + 1 :]
    assert codes.document_id(tampered, ["clé"]) is None


def test_old_keys_keep_their_codes_valid_after_a_rotation():
    code = codes.make_code(7, "ancienne")
    assert codes.document_id(code, ["nouvelle"]) is None
    assert codes.document_id(code, ["nouvelle", "ancienne"]) == 7


def test_masked_last_name():
    assert codes.mask_last_name("Durand") == "D*****"
    assert codes.mask_last_name("de la Tour") == "D*******"


# -- issued documents and the page -------------------------------------------------------


@pytest.fixture
def registered(app):
    """A candidate registered to a CFG with an accommodation request (its documents: a
    confirmation and a request for pieces)."""
    app.config["NOW"] = lambda: NOW
    client = signed_in(app)
    url = start(client, app, "cfg", "juin-2027")
    for step, answers in CFG.items():
        if step == "informations":
            answers = {**answers, "amenagement_handicap": "oui"}
        response = fill(
            client, url, answers, "enregistrer" if step == "recapitulatif" else "suivant"
        )
        url = response.headers["Location"]
    return client


def issued(client, app, kind: str = "confirmation") -> tuple[bytes, str]:
    """The latest PDF of ``kind`` of application 001, and the code printed in it."""
    listing = client.get("/espace-candidat/inscriptions/001/documents")
    doc_id = db_value(app, f"SELECT max(id) FROM documents WHERE kind = '{kind}'")
    url = f"/espace-candidat/inscriptions/001/documents/{doc_id}"
    assert url in listing.get_data(as_text=True)
    data = client.get(url).data
    printed = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return data, CODE.findall(printed)[0]


def test_genuine_document_and_identical_file(app, registered):
    data, code = issued(registered, app)
    page = registered.get(f"/verifier/{code}")
    assert page.status_code == 200
    shown = text(page)
    assert "Confirmation d'inscription" in shown
    assert "Version en vigueur" in shown
    assert code in shown
    last_name = db_value(app, "SELECT last_name FROM accounts")
    first_names = db_value(app, "SELECT first_names FROM accounts")
    assert f"{last_name[0].upper()}{'*' * (len(last_name) - 1)} {first_names}" in shown
    assert last_name not in shown  # nothing else about the candidate
    email = db_value(app, "SELECT email FROM accounts")
    assert email not in shown
    digest = db_value(app, "SELECT sha256 FROM document_checks WHERE code = '" + code + "'")
    assert digest == codes.sha256(data)
    assert " ".join(digest[i : i + 8] for i in range(0, 64, 8)) in shown
    token = registered.token(f"/verifier/{code}")
    for content, verdict in ((data, "Fichier identique"), (data + b"\n", "Fichier différent")):
        compared = registered.http.post(
            f"/verifier/{code}",
            data={"csrf_token": token, "fichier": (io.BytesIO(content), "c.pdf")},
            content_type="multipart/form-data",
        )
        assert compared.status_code == 200
        assert verdict in text(compared)


def test_the_request_for_pieces_is_verifiable_too(app, registered):
    _data, code = issued(registered, app, "demande_pj")
    assert "Demande de pièces justificatives" in text(registered.get(f"/verifier/{code}"))


def test_a_modification_supersedes_version_one(app, registered):
    _data, first = issued(registered, app)
    url = registered.submit("/espace-candidat/inscriptions/001/modifier").headers["Location"]
    for step, answers in CFG.items():
        response = fill(
            registered, url, answers, "enregistrer" if step == "recapitulatif" else "suivant"
        )
        url = response.headers["Location"]
    _data, second = issued(registered, app)
    assert second != first
    old = text(registered.get(f"/verifier/{first}"))
    assert "Version remplacée" in old and "la version 2 est celle en vigueur" in old
    assert "Version en vigueur" in text(registered.get(f"/verifier/{second}"))


def test_tampered_unknown_and_malformed_codes(app, registered):
    _data, code = issued(registered, app)
    last = code[-1]
    tampered = code[:-1] + ("1" if last != "1" else "2")
    for wrong in (tampered, codes.make_code(999_999, app.config["VERIFY_KEY"]), "nimporte"):
        page = registered.get(f"/verifier/{wrong}")
        assert page.status_code == 404
        assert "Document inconnu" in text(page)
    typed = registered.get("/verifier/", query_string={"code": code.replace("-", "").lower()})
    assert typed.status_code == 302 and typed.headers["Location"].endswith(f"/verifier/{code}")
    assert registered.get("/verifier/", query_string={"code": "abc"}).status_code == 400


def test_the_page_is_rate_limited_per_client(app, registered):
    _data, code = issued(registered, app)
    app.config["VERIFY_MAX_PER_CLIENT"] = 3
    statuses = [registered.get(f"/verifier/{code}").status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]
    refused = registered.get(f"/verifier/{code}")
    assert int(refused.headers["Retry-After"]) > 0


def test_codes_outlive_a_rotation_of_the_verification_key(app, registered):
    _data, code = issued(registered, app)
    first_key = app.config["VERIFY_KEY"]
    app.config["VERIFY_KEY"] = "nouvelle clé de vérification"
    assert registered.get(f"/verifier/{code}").status_code == 404  # the old key forgotten
    app.config["VERIFY_KEYS_OLD"] = [first_key]
    assert registered.get(f"/verifier/{code}").status_code == 200


@pytest.mark.sqlite  # on PostgreSQL (several hosts) the key must be set, never a file
def test_the_default_key_is_its_own_random_file(app):
    from pathlib import Path

    data_dir = Path(app.config["DATA_DIR"])
    key_file = data_dir / "verify_key"
    assert key_file.read_text(encoding="utf-8").strip() == app.config["VERIFY_KEY"]
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert app.config["VERIFY_KEY"] != app.config["SECRET_KEY"]
    assert len(app.config["VERIFY_KEY"]) >= 40


def test_comparing_without_a_file_or_with_an_expired_form(app, registered):
    _data, code = issued(registered, app)
    token = registered.token(f"/verifier/{code}")
    empty = registered.http.post(f"/verifier/{code}", data={"csrf_token": token})
    assert empty.status_code == 400 and "Aucun fichier reçu" in text(empty)
    expired = registered.http.post(
        f"/verifier/{code}",
        data={"csrf_token": "périmé", "fichier": (io.BytesIO(b"%PDF-"), "c.pdf")},
        content_type="multipart/form-data",
    )
    assert expired.status_code == 400 and "Le formulaire a expiré" in text(expired)
    forged = code[:-1] + ("1" if code[-1] != "1" else "2")
    unknown = registered.http.post(f"/verifier/{forged}", data={"csrf_token": token})
    assert unknown.status_code == 404
