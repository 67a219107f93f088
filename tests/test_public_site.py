"""The worker serves site/ the way nginx would in production."""

from __future__ import annotations

import pytest

from worker import create_app


@pytest.fixture
def client(site_dir):
    return create_app({"SITE_DIR": str(site_dir), "TESTING": True}).test_client()


def test_folder_serves_its_index(client):
    response = client.get("/academies/rennes/")
    assert response.status_code == 200
    assert "<h1>ACADÉMIE DE RENNES</h1>" in response.get_data(as_text=True)


def test_folder_without_slash_redirects(client):
    response = client.get("/academies/rennes")
    assert response.status_code == 308
    assert response.headers["Location"].endswith("/academies/rennes/")


def test_unknown_path_gets_the_site_404_page(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/../pyproject.toml", "/%2e%2e/pyproject.toml", "/.build-manifest.json"]
)
def test_nothing_outside_the_site_or_hidden_is_served(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "portail-candidat" not in response.get_data(as_text=True)


def test_calendar_is_served_as_icalendar(client):
    response = client.get("/calendriers/examens/bts.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.get_data(as_text=True).startswith("BEGIN:VCALENDAR")


def test_settings_come_from_the_instance_file_then_the_environment(tmp_path, monkeypatch):
    instance = tmp_path / "portail.cfg"
    instance.write_text('MAIL_SENDER = "Examens <examens@ac-test.fr>"\nSMTP_PORT = 2525\n')
    monkeypatch.setenv("PORTAIL_CONFIG_FILE", str(instance))
    monkeypatch.setenv("PORTAIL_SMTP_PORT", "2526")
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "TESTING": True})
    assert app.config["MAIL_SENDER"] == "Examens <examens@ac-test.fr>"  # from the file
    assert app.config["SMTP_PORT"] == 2526  # the environment wins, read as a number
