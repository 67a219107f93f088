"""Uploads scanned by a real clamd before they are accepted (issue 16): infected files
refused and not kept, files kept in quarantine while clamd is unreachable (« en cours
d'analyse », not served to the exam office) until ``files rescan`` clears them."""

from __future__ import annotations

import pytest

from tests.forms import errors, text
from tests.test_antivirus import FOUND, eicar, start_clamd, stop_clamd, zipped
from tests.test_office_access import staff_member
from tests.test_uploads import docx, pdf, registered
from worker.store import db

pytestmark = pytest.mark.clamav


@pytest.fixture(scope="module")
def clamd_server():
    server = start_clamd()
    yield server
    stop_clamd(server)


def office_of(portal):
    with portal.app.app_context():
        application_id, academy = (
            db.get().execute("SELECT id, academy FROM applications").fetchone()
        )
    return application_id, staff_member(portal.app, "antivirus", [academy])


def scan_states(portal) -> list[tuple[str, str, str | None]]:
    with portal.app.app_context():
        rows = db.get().execute(
            "SELECT original_name, scan_state, removed_at FROM piece_files ORDER BY id"
        )
        return [tuple(r) for r in rows]


def test_clean_files_are_accepted_and_infected_ones_refused(app, clamd_server):
    """SECURITY.md, input and files: uploads scanned by ClamAV before acceptance."""
    app.config["CLAMD_SOCKET"] = clamd_server.socket
    portal = registered(app)
    assert portal.upload("attestation.pdf", pdf()).status_code == 303
    files, rows = portal.files(), portal.rows()
    for name, data in (("pieces.zip", zipped("eicar.txt", eicar())), ("cv.docx", docx())):
        response = portal.upload(name, data)
        if name == "cv.docx":
            assert response.status_code == 303
            continue
        assert response.status_code == 422
        assert errors(response) == [
            f"Le fichier « {name} » contient un virus (signature {FOUND}) : "
            "il n'a pas été enregistré."
        ]
        assert portal.files() == files and portal.rows() == rows  # nothing kept
    assert [s for _, s, _ in scan_states(portal)] == ["clean", "clean"]


def test_quarantine_while_clamd_is_down_then_rescan(app, clamd_server, tmp_path):
    """SECURITY.md, input and files: quarantine while the scanner is unreachable; staff
    never get an unscanned file."""
    app.config["CLAMD_SOCKET"] = str(tmp_path / "nobody.sock")
    portal = registered(app)
    response = portal.upload("passeport.pdf", pdf(20_000))
    assert response.status_code == 303
    page = text(portal.client.get(portal.page))
    assert "en cours d'analyse" in page
    application_id, office = office_of(portal)
    ((file_id, *_),) = portal.rows()
    url = f"/gestion/candidatures/{application_id}/fichiers/{file_id}"
    refused = office.get(url)
    assert refused.status_code == 409
    assert "est en cours d'analyse antivirus" in text(refused)

    runner = app.test_cli_runner()
    still_down = runner.invoke(args=["files", "rescan"])
    assert still_down.exit_code == 75 and "1 toujours en attente" in still_down.output
    app.config["CLAMD_SOCKET"] = clamd_server.socket
    done = runner.invoke(args=["files", "rescan"])
    assert done.exit_code == 0, done.output
    assert scan_states(portal) == [("passeport.pdf", "clean", None)]
    assert "en cours d'analyse" not in text(portal.client.get(portal.page))
    served = office.get(url)
    assert served.status_code == 200 and served.headers["Content-Disposition"].startswith(
        "attachment"
    )


def test_a_rescan_that_finds_a_virus_deletes_the_file_and_tells_the_candidate(
    app, clamd_server, tmp_path, mailbox
):
    """SECURITY.md, input and files: scanned by ClamAV before acceptance (the quarantined
    file is never accepted when infected)."""
    app.config["CLAMD_SOCKET"] = str(tmp_path / "nobody.sock")
    portal = registered(app)
    before = mailbox.count()
    assert portal.upload("pieces.zip", zipped("eicar.txt", eicar())).status_code == 303
    (stored,) = portal.files()
    app.config["CLAMD_SOCKET"] = clamd_server.socket
    assert app.test_cli_runner().invoke(args=["files", "rescan"]).exit_code == 0
    ((name, state, removed_at),) = scan_states(portal)
    assert (name, state) == ("pieces.zip", "infected") and removed_at
    assert not stored.exists() and portal.files() == []
    with app.app_context():
        email = db.get().execute("SELECT email FROM accounts").fetchone()[0]
    told = mailbox.last_to(email, "contenait un virus", after=before)
    assert FOUND in told.get_content() and "pieces.zip" in told.get_content()
    application_id, office = office_of(portal)
    ((file_id, *_),) = portal.rows()
    gone = office.get(f"/gestion/candidatures/{application_id}/fichiers/{file_id}")
    assert gone.status_code == 404
