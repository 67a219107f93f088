"""PORTAIL_* settings as an operator writes them: a value of the wrong type stops the start
with one line naming the variable, never a traceback or a setting quietly misread."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from worker import create_app
from worker.config import SettingError


@pytest.mark.parametrize(
    "variable, value, said",
    [
        ("PORTAIL_SESSION_IDLE_MINUTES", "abc", "un nombre positif ou nul (lu : 'abc')"),
        ("PORTAIL_SMTP_PORT", "vingt-cinq", "un nombre positif ou nul"),
        ("PORTAIL_TRUSTED_PROXIES", "-1", "un nombre positif ou nul (lu : -1)"),
        ("PORTAIL_MAIL_THREAD", "False", "true ou false (lu : 'False')"),
        ("PORTAIL_SMTP_STARTTLS", "oui", "true ou false"),
        ("PORTAIL_SECRET_KEYS_OLD", "ancienne-clé", "une liste JSON de textes"),
        ("PORTAIL_VERIFY_KEYS_OLD", "[1, 2]", "une liste JSON de textes"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_by_name(tmp_path, monkeypatch, variable, value, said):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingError) as refused:
        create_app({"DATA_DIR": str(tmp_path / "data"), "TESTING": True})
    assert str(refused.value).startswith(f"{variable} doit être {said}")


def test_a_refused_key_list_is_not_written_in_the_message(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAIL_SECRET_KEYS_OLD", "clé-secrète-de-production")
    with pytest.raises(SettingError) as refused:
        create_app({"DATA_DIR": str(tmp_path / "data"), "TESTING": True})
    assert "clé-secrète-de-production" not in str(refused.value)


def test_a_text_setting_of_digits_stays_text(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAIL_SMTP_PASSWORD", "0123456789")
    monkeypatch.setenv("PORTAIL_SECRET_KEY", "12345678901234567890")
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "TESTING": True})
    assert app.config["SMTP_PASSWORD"] == "0123456789"
    assert app.config["SECRET_KEY"] == "12345678901234567890"


def test_the_instance_file_is_checked_too(tmp_path, monkeypatch):
    instance = tmp_path / "portail.cfg"
    instance.write_text('SMTP_PORT = "2525"\n', encoding="utf-8")
    monkeypatch.setenv("PORTAIL_CONFIG_FILE", str(instance))
    with pytest.raises(SettingError, match=r"^SMTP_PORT \(fichier d'instance\) doit être"):
        create_app({"DATA_DIR": str(tmp_path / "data"), "TESTING": True})


def test_the_flask_command_says_it_in_one_line(tmp_path):
    environment = {
        **os.environ,
        "PORTAIL_DATA_DIR": str(tmp_path / "data"),
        "PORTAIL_UPLOAD_MAX_BYTES": "5Mo",
    }
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "worker", "mail", "failed"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        "Error: PORTAIL_UPLOAD_MAX_BYTES doit être un nombre positif ou nul (lu : '5Mo')."
    )
