"""PORTAIL_* settings as an operator writes them: a value of the wrong type stops the start
with one line naming the variable, never a traceback or a setting quietly misread; a
variable nothing reads (a misspelt name) is reported with the nearest known one."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from logging import WARNING
from pathlib import Path

import pytest

from tests.conftest import ROOT
from worker import create_app
from worker.config import DEFAULTS, KNOWN_VARIABLES, READ_ELSEWHERE, SettingError


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


# -- PORTAIL_ variables that nothing reads -------------------------------------------------

# Misspellings written on purpose in this file and the README's example: no program reads them.
MISSPELT = {"PORTAIL_SMTP_HOTS", "PORTAIL_XYZZY"}
NAME = re.compile(rb"PORTAIL_[A-Z0-9_]+")
SKIPPED = {"site", "data", "instance", "node_modules", "bench/out", "test-results"}


def repository_files() -> list[Path]:
    """Every file of the checkout: code, deploy files, documentation; not what the
    portal builds or keeps (site/, data/), installs or caches."""
    found = []
    for folder, subfolders, names in os.walk(ROOT):
        here = Path(folder)
        subfolders[:] = [
            d
            for d in subfolders
            if not (d.startswith(".") and d != ".ci")
            and d != "__pycache__"
            and not d.endswith(".egg-info")
            and (here / d).relative_to(ROOT).as_posix() not in SKIPPED
        ]
        found += [here / name for name in names]
    return found


def test_every_portail_variable_named_in_the_repository_is_known():
    """A variable read by a new program (gunicorn's settings, build.py, a test helper)
    must be declared in worker/config.py, or the worker would warn of it at each start."""
    named: dict[str, set[str]] = {}
    files = repository_files()
    for path in files:
        for match in NAME.findall(path.read_bytes()):
            variable = match.decode().rstrip("_")
            named.setdefault(variable, set()).add(path.relative_to(ROOT).as_posix())
    assert {"build.py", "deploy/gunicorn.conf.py", "tests/databases.py"} <= {
        path.relative_to(ROOT).as_posix() for path in files
    }
    assert {"PORTAIL_BIND", "PORTAIL_SITE_DIR", "PORTAIL_TEST_DATABASE"} <= named.keys()
    unknown = {v: sorted(where) for v, where in named.items() if v not in KNOWN_VARIABLES}
    assert set(unknown) == MISSPELT, unknown
    assert MISSPELT.isdisjoint(KNOWN_VARIABLES)


def test_each_variable_read_elsewhere_is_read_where_declared():
    for name, reader in READ_ELSEWHERE.items():
        assert f"PORTAIL_{name}" in (ROOT / reader).read_text(encoding="utf-8"), (name, reader)


def test_the_readme_documents_every_variable_an_operator_sets():
    configuration = (ROOT / "README.md").read_text(encoding="utf-8")
    operators = [
        *DEFAULTS,
        *(n for n, reader in READ_ELSEWHERE.items() if not reader.startswith("tests/")),
    ]
    assert [n for n in operators if f"`PORTAIL_{n}`" not in configuration] == []


def worker_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "worker" and r.levelno == WARNING]


def test_a_misspelt_variable_is_reported_with_the_nearest_name(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("PORTAIL_SMTP_HOTS", "smtp.academie.example")
    monkeypatch.setenv("PORTAIL_XYZZY", "valeur-secrète")
    with caplog.at_level(WARNING):
        app = create_app({"DATA_DIR": str(tmp_path / "data"), "TESTING": True})
    assert app.config["SMTP_HOST"] == ""  # without effect: hence the warning
    assert worker_warnings(caplog) == [
        "La variable PORTAIL_SMTP_HOTS n'est lue par aucun programme du portail : elle est "
        "sans effet. Vouliez-vous dire PORTAIL_SMTP_HOST ?",
        "La variable PORTAIL_XYZZY n'est lue par aucun programme du portail : elle est sans "
        "effet. Les variables connues sont dans la section « Configuration » du README.",
    ]
    assert "valeur-secrète" not in caplog.text and "smtp.academie" not in caplog.text


def test_variables_other_programs_read_are_not_reported(tmp_path, monkeypatch, caplog):
    for name in [n for n in os.environ if n.startswith("PORTAIL_")]:
        monkeypatch.delenv(name)
    for variable, value in {
        "PORTAIL_BIND": "0.0.0.0:8001",  # gunicorn's
        "PORTAIL_WORKERS": "4",
        "PORTAIL_PUBLISH_SECONDS": "30",  # gunicorn's and the worker's
        "PORTAIL_TEST_NOW": "2026-11-22T10:00:00+00:00",  # the tests'
        "PORTAIL_SMTP_HOST": "smtp.academie.example",
    }.items():
        monkeypatch.setenv(variable, value)
    with caplog.at_level(WARNING):
        app = create_app({"DATA_DIR": str(tmp_path / "data"), "TESTING": True})
    assert app.config["SMTP_HOST"] == "smtp.academie.example"
    assert worker_warnings(caplog) == []


def test_the_flask_commands_report_it_too_and_still_run(tmp_path):
    environment = {
        **os.environ,
        "PORTAIL_DATA_DIR": str(tmp_path / "data"),
        "PORTAIL_SMTP_HOTS": "smtp.academie.example",
    }
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "worker", "mail", "failed"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "0 courriel(s) en échec." in done.stdout
    assert "WARNING" in done.stderr and "Traceback" not in done.stderr
    assert (
        "La variable PORTAIL_SMTP_HOTS n'est lue par aucun programme du portail : elle est "
        "sans effet. Vouliez-vous dire PORTAIL_SMTP_HOST ?"
    ) in done.stderr
