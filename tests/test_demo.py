"""`flask --app worker demo seed`: a realistic data set the portal really works on."""

from __future__ import annotations

from pathlib import Path

from tests import databases
from tests.conftest import make_app, stop_mail
from tests.forms import FormClient, text
from worker.cli.demo import PASSWORD
from worker.rules import passwords


def seed(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["demo", "seed", *args])
    assert result.exit_code == 0, result.output
    return result.output


def rows(app, query: str) -> list[tuple]:
    database = databases.open_database(app.config["DATA_DIR"])
    try:
        return database.execute(query).fetchall()
    finally:
        database.close()


def test_demo_seed_makes_accounts_the_portal_works_with(tmp_path, site_dir, mailbox):
    app = make_app(tmp_path / "data", site_dir, mailbox, MAIL_THREAD=False)
    output = seed(app, "--candidates", "300")
    assert "300 compte(s)" in output and PASSWORD in output
    [(accounts, numbers)] = rows(
        app, "SELECT count(*), count(DISTINCT candidate_number) FROM accounts"
    )
    assert accounts == numbers == 300
    # Family names with a real crowd's long tail: most people share theirs with few others.
    [(family_names,)] = rows(app, "SELECT count(DISTINCT last_name) FROM accounts")
    assert family_names > 200
    states = dict(rows(app, "SELECT status, count(*) FROM applications GROUP BY status"))
    assert states["registered"] > 250 and set(states) <= {"registered", "withdrawn", "rejected"}
    assert len(rows(app, "SELECT DISTINCT academy FROM applications")) > 5
    statuses = {s for (s,) in rows(app, "SELECT DISTINCT status FROM pieces")}
    assert {"conforme", "non_conforme", "recue"} <= statuses
    # Pieces await the office (first deposits and new ones), decisions are audited, and
    # what the store derives (counts, search terms) matches the rows.
    [(waiting,)] = rows(
        app,
        "SELECT count(*) FROM pieces WHERE group_key IS NOT NULL AND validated_at IS NOT NULL"
        " AND (status_at IS NULL OR validated_at > status_at)",
    )
    [(audited,)] = rows(app, "SELECT count(*) FROM audit WHERE action = 'piece.status'")
    [(decided,)] = rows(app, "SELECT count(*) FROM pieces WHERE status != ''")
    assert waiting > 10 and audited == decided > 100
    # The journal lists newest first by id: the times go the same way, as on a real portal.
    times = [at for (at,) in rows(app, "SELECT at FROM audit ORDER BY id")]
    assert times == sorted(times) and len(set(times)) > 100
    created = [at for (at,) in rows(app, "SELECT created_at FROM accounts ORDER BY id")]
    assert created == sorted(created)
    counted = (
        "SELECT academy, exam, session, status, count(*) FROM applications GROUP BY 1, 2, 3, 4"
    )
    kept = "SELECT academy, exam, session, status, count FROM application_counts WHERE count > 0"
    assert sorted(rows(app, counted)) == sorted(rows(app, kept))
    [(termless,)] = rows(
        app,
        "SELECT count(*) FROM applications"
        " WHERE id NOT IN (SELECT application_id FROM search_terms)",
    )
    assert termless == 0
    demo_staff = "SELECT password_hash FROM staff WHERE email_key LIKE 'demo.gestion.%'"
    assert all(not passwords.verify(h, PASSWORD) for (h,) in rows(app, demo_staff))

    # A demo candidate signs in and finds an application and its document.
    email, number = rows(
        app,
        "SELECT ac.email, ap.number FROM accounts ac JOIN applications ap"
        " ON ap.account_id = ac.id WHERE ap.status = 'registered' ORDER BY ac.id LIMIT 1",
    )[0]
    client = FormClient(app.test_client())
    login = client.submit("/espace-candidat/connexion", {"login": email, "password": PASSWORD})
    assert login.status_code == 303
    listing = client.http.get("/espace-candidat/inscriptions")
    assert f"n° {number}" in text(listing) or number in text(listing)
    documents = client.http.get(f"/espace-candidat/inscriptions/{number}/documents")
    link = next(
        line.split('"')[1]
        for line in documents.get_data(as_text=True).splitlines()
        if f"/inscriptions/{number}/documents/" in line and 'href="' in line
    )
    download = client.http.get(link)
    assert download.status_code == 200 and download.data.startswith(b"%PDF")

    # Every demo piece file is a real file (each its own name): previews and downloads work.
    files = rows(app, "SELECT stored_name, size FROM piece_files")
    assert len(files) > 100 and len({name for name, _ in files}) == len(files)
    uploads = Path(app.config["FILES_DIR"]) / "uploads"
    assert all((uploads / name[:2] / name).stat().st_size == size for name, size in files)
    assert (uploads / files[0][0][:2] / files[0][0]).read_bytes().startswith(b"%PDF")
    stop_mail(app)


def test_demo_seed_is_deterministic_and_refuses_a_database_with_accounts(
    tmp_path, site_dir, mailbox
):
    first = make_app(tmp_path / "one", site_dir, mailbox, MAIL_THREAD=False)
    second = make_app(tmp_path / "two", site_dir, mailbox, MAIL_THREAD=False)
    seed(first, "--candidates", "50", "--seed", "7")
    seed(second, "--candidates", "50", "--seed", "7")
    names = "SELECT last_name, first_names, birth_date FROM accounts ORDER BY id"
    assert rows(first, names) == rows(second, names)

    refused = first.test_cli_runner().invoke(args=["demo", "seed", "--candidates", "5"])
    assert refused.exit_code != 0 and "--add" in refused.output
    seed(first, "--candidates", "5", "--add")
    [(count, distinct)] = rows(first, "SELECT count(*), count(DISTINCT email_key) FROM accounts")
    assert count == distinct == 55
    stop_mail(first)
    stop_mail(second)
