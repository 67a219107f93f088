"""The systemd units of deploy/: every timer starts a service of the same name, every
periodic job's command exists with the arguments the unit gives it, and the README's
« Deploying » enables every timer."""

from __future__ import annotations

import configparser
import re
import runpy
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNITS = ROOT / "deploy" / "systemd"
TIMERS = sorted(UNITS.glob("*.timer"))


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return parser


def test_there_is_a_timer_for_every_periodic_job():
    names = {t.stem.removeprefix("portail-candidat-") for t in TIMERS}
    assert {"purge", "sweep", "rescan", "build", "backup", "reminders", "retention"} <= names


@pytest.mark.parametrize("timer", TIMERS, ids=lambda t: t.stem)
def test_each_timer_starts_its_service_whose_command_exists(timer, app):
    schedule = unit(timer)["Timer"]
    assert schedule.get("OnCalendar") or schedule.get("OnUnitActiveSec")
    service = unit(timer.with_suffix(".service"))["Service"]
    assert service["User"] == "portail" and service["Type"] == "oneshot"
    command = shlex.split(service["ExecStart"])
    if Path(command[0]).name == "flask":
        assert command[1:3] == ["--app", "worker"]
        result = app.test_cli_runner().invoke(args=[*command[3:], "--help"])
        assert result.exit_code == 0, result.output
    else:
        assert command[-1].endswith("build.py") or "build.py" in command


def test_the_nightly_build_may_take_the_lock_of_the_republications():
    """build.py takes FILES_DIR/republish.lock (FILES_DIR: DATA_DIR by default), as the
    worker does; under ProtectSystem=strict it can only if the unit lets it write there."""
    for name in ("portail-candidat-build.service", "portail-candidat.service"):
        service = unit(UNITS / name)["Service"]
        environment = dict(
            assignment.split("=", 1) for assignment in shlex.split(service["Environment"])
        )
        assert "PORTAIL_FILES_DIR" not in environment  # so FILES_DIR is DATA_DIR
        assert environment["PORTAIL_DATA_DIR"] in service["ReadWritePaths"].split(), name


def test_the_readme_enables_every_timer():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(
        line for line in readme.splitlines() if "systemctl enable --now" in line and "{" in line
    )
    listed = line.split("{")[1].split("}")[0].split(",")
    assert sorted(listed) == sorted(t.stem.removeprefix("portail-candidat-") for t in TIMERS)


def test_gunicorn_settings_read_numbers_and_name_a_bad_one(monkeypatch):
    settings = ROOT / "deploy" / "gunicorn.conf.py"
    monkeypatch.setenv("PORTAIL_WORKERS", "3")
    monkeypatch.setenv("PORTAIL_PUBLISH_SECONDS", "30.5")
    read = runpy.run_path(str(settings))
    assert (read["workers"], read["timeout"]) == (3, 90)
    monkeypatch.setenv("PORTAIL_WORKERS", "quatre")
    with pytest.raises(SystemExit, match=r"^PORTAIL_WORKERS doit être un nombre \(lu : 'quatre'\)"):
        runpy.run_path(str(settings))


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["demo", "seed"], "Jamais sur une base de production : refuse une base qui contient"),
        (["data", "purge"], "Irréversible : lancez d'abord --dry-run."),
        (["files", "rescan"], "Code de sortie 75 tant que clamd reste injoignable"),
        (["accounts", "purge"], "chaque heure par portail-candidat-purge.timer"),
    ],
)
def test_the_help_of_a_command_that_deletes_or_fails_says_what_is_safe(app, command, said):
    shown = app.test_cli_runner().invoke(args=[*command, "--help"]).output
    unwrapped = " ".join(re.sub(r"-\n\s*", "-", shown).split())  # click wraps at hyphens
    assert said in unwrapped
