"""Settings: safe local defaults, overridden by PORTAIL_* environment variables.

Every setting is listed in DEFAULTS and documented in the README. Values from the
environment are parsed by Flask's ``from_prefixed_env`` (JSON where possible, so
``PORTAIL_SMTP_PORT=2525`` is a number and ``PORTAIL_SECRET_KEYS_OLD='["k1"]'`` a list),
then checked against the type of their default: the start stops on one that differs.

Every PORTAIL_ variable anything reads is declared here: the worker's settings
(DEFAULTS) and those other programs read (READ_ELSEWHERE). Any other one found in the
environment at start-up, such as a misspelt PORTAIL_SMTP_HOTS that would otherwise be
without effect, is logged as a warning with the nearest known name.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

import click
from flask import Config, Flask

from diskio import write_atomically

PROJECT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, object] = {
    "SITE_DIR": str(PROJECT / "site"),  # the static site built by build.py
    "CONTENT_DIR": str(PROJECT / "content"),
    "DATA_DIR": str(PROJECT / "data"),  # portail.db, keys, backups; never committed
    "FILES_DIR": "",  # uploads, documents, slips; empty: DATA_DIR (a shared mount: several hosts)
    "BASE_URL": "http://127.0.0.1:8000",  # links in mails are built from it, never from Host
    "SECRET_KEY": "",  # empty: a random key kept in DATA_DIR/secret_key (local runs only)
    "SECRET_KEYS_OLD": [],  # previous keys, still accepted for links and cookies (rotation)
    "SMTP_HOST": "",  # empty: mails stay in the local outbox (/espace-candidat/outbox)
    "SMTP_PORT": 25,
    "SMTP_USERNAME": "",
    "SMTP_PASSWORD": "",
    "SMTP_STARTTLS": False,
    "MAIL_SENDER": "Portail candidat <ne-pas-repondre@portail-candidat.localhost>",
    "MAIL_THREAD": True,  # deliver queued mails from a background thread of each process
    "MAIL_GIVE_UP_HOURS": 72,  # undeliverable this long: marked failed for the operators
    "TOKEN_MAX_AGE": 48 * 3600,  # activation, reset and email-change links (seconds)
    "SESSION_IDLE_MINUTES": 120,
    "LOGIN_MAX_FAILURES": 5,  # per identifier within LOGIN_WINDOW_MINUTES, then waiting
    "LOGIN_MAX_FAILURES_PER_CLIENT": 100,  # per client address (schools share addresses)
    "STAFF_LOGIN_MAX_FAILURES_PER_CLIENT": 100,  # staff, per client (an exam office shares one)
    "LOGIN_WINDOW_MINUTES": 15,
    "TRUSTED_PROXIES": 0,  # how many reverse proxies set X-Forwarded-For (nginx: 1)
    "DATABASE_URL": "",  # empty: SQLite in DATA_DIR; postgresql://… for several hosts
    "DATABASE_BUSY_SECONDS": 10,  # a write waits this long for the lock, then 503 + Retry-After
    "MAX_CONTENT_LENGTH": 1024 * 1024,  # bytes per request (uploads have their own limit)
    "UPLOAD_MAX_BYTES": 5 * 1024 * 1024,  # per supporting-document file (« 5 Mo »)
    "UPLOAD_QUOTA_FILES": 30,  # files per application, earlier versions and removed ones too
    "UPLOAD_QUOTA_BYTES": 60 * 1024 * 1024,  # bytes per application, counted the same way
    "PUBLISH_SECONDS": 20,  # bulk publication: work per request before showing progress
    "REPUBLISH_WAIT_SECONDS": 20,  # a republication waits this long for a build, then 503
    # ClamAV's clamd (files/antivirus.py): a Unix socket path, or a host and port; both
    # empty (the default): no scanning.
    "CLAMD_SOCKET": "",
    "CLAMD_HOST": "",
    "CLAMD_PORT": 3310,
    "CLAMD_TIMEOUT": 30,  # seconds to connect and for each exchange with clamd
    "FRANCECONNECT_ISSUER": "",  # empty (with the two below): no FranceConnect button
    "FRANCECONNECT_CLIENT_ID": "",
    "FRANCECONNECT_CLIENT_SECRET": "",
    "FRANCECONNECT_ACR": "eidas1",  # eIDAS level asked for and required of the ID token
    "FRANCECONNECT_TIMEOUT": 10,  # seconds for each call to the provider
    "VERIFY_KEY": "",  # signs documents' verification codes; empty: DATA_DIR/verify_key
    "VERIFY_KEYS_OLD": [],  # previous verification keys: the codes they signed stay valid
    "VERIFY_MAX_PER_CLIENT": 30,  # /verifier/ requests per client in the window, then waits
    "VERIFY_WINDOW_MINUTES": 15,  # the window of that limit
}

# PORTAIL_ variables that are not the worker's settings, each with the file that reads it
# (tests/test_settings.py checks it does): finding them in the environment is no mistake.
READ_ELSEWHERE: dict[str, str] = {
    "CONFIG_FILE": "worker/config.py",  # the instance file's path, read before the settings
    "BIND": "deploy/gunicorn.conf.py",
    "WORKERS": "deploy/gunicorn.conf.py",
    # The tests' own, also in the environment of the workers and commands they start.
    "TEST_DATABASE": "tests/databases.py",
    "TEST_PG_BIN": "tests/databases.py",
    "TEST_NOW": "tests/production_app.py",
    "CHROMIUM": "tests/conftest.py",
    "NGINX": "tests/test_production.py",
    "CLAMD": "tests/test_antivirus.py",
    "FUZZ_EXAMPLES": "tests/test_forms_fuzz.py",
}
PREFIX = "PORTAIL_"
KNOWN_VARIABLES = frozenset(PREFIX + name for name in (*DEFAULTS, *READ_ELSEWHERE))


def load(app: Flask, overrides: dict | None = None) -> None:
    """Defaults, then the instance file (instance/portail.cfg, Python syntax, e.g. for a
    server's secrets), then PORTAIL_* environment variables, then the overrides given."""
    for message in unknown_variables(os.environ):
        app.logger.warning(message)
    app.config.update(DEFAULTS)
    app.config.from_pyfile(os.environ.get("PORTAIL_CONFIG_FILE", "portail.cfg"), silent=True)
    app.config.from_prefixed_env("PORTAIL")
    for name in DEFAULTS:  # what the operator wrote; the overrides are the tests'
        app.config[name] = _checked(app.config, name)
    app.config.update(overrides or {})
    data_dir = Path(app.config["DATA_DIR"])
    data_dir.mkdir(parents=True, exist_ok=True)
    app.config["FILES_DIR"] = app.config["FILES_DIR"] or str(data_dir)
    Path(app.config["FILES_DIR"]).mkdir(parents=True, exist_ok=True)
    if app.config["DATABASE_URL"] and not (app.config["SECRET_KEY"] and app.config["VERIFY_KEY"]):
        raise SettingError(
            "PORTAIL_DATABASE_URL est défini (plusieurs hôtes partagent la base) : définissez"
            " aussi PORTAIL_SECRET_KEY et PORTAIL_VERIFY_KEY, les mêmes sur chaque hôte."
        )
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _local_secret(data_dir / "secret_key")
    app.config["SECRET_KEY_FALLBACKS"] = list(app.config["SECRET_KEYS_OLD"])
    if not app.config["VERIFY_KEY"]:  # its own key: rotating one never voids the other
        app.config["VERIFY_KEY"] = _local_secret(data_dir / "verify_key")
    https = str(app.config["BASE_URL"]).startswith("https://")
    app.config.update(
        # Over https the __Host- prefix makes browsers refuse the cookie unless it is
        # Secure, has Path=/ and no Domain: a sibling subdomain cannot plant or override it.
        SESSION_COOKIE_NAME=f"{'__Host-' if https else ''}portail_session",
        SESSION_COOKIE_PATH="/",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=https,
        PERMANENT_SESSION_LIFETIME=app.config["SESSION_IDLE_MINUTES"] * 60,
        # The cookie is signed again when the server-side session's last use moves
        # (web.auth), at most once a minute, rather than on every response.
        SESSION_REFRESH_EACH_REQUEST=False,
    )


def unknown_variables(environment: Mapping[str, str]) -> list[str]:
    """A warning for each PORTAIL_ variable that nothing of the portal reads, naming the
    nearest known one. Not an error: the env file is shared by every unit, and an
    operator's own tools may read variables of theirs. Values are never repeated (some
    are secrets)."""
    unknown = sorted(n for n in environment if n.startswith(PREFIX) and n not in KNOWN_VARIABLES)
    if not unknown:
        return []
    import difflib

    names = [name.removeprefix(PREFIX) for name in sorted(KNOWN_VARIABLES)]
    warnings = []
    for variable in unknown:
        close = difflib.get_close_matches(variable.removeprefix(PREFIX).upper(), names, n=1)
        hint = (
            f"Vouliez-vous dire {PREFIX}{close[0]} ?"
            if close
            else "Les variables connues sont dans la section « Configuration » du README."
        )
        warnings.append(
            f"La variable {variable} n'est lue par aucun programme du portail : elle est "
            f"sans effet. {hint}"
        )
    return warnings


class SettingError(click.ClickException):
    """A setting the portal cannot start with. A ClickException, so that
    ``flask --app worker …`` prints it on one line and exits 1 instead of a traceback;
    under gunicorn it is the last line of the worker's failure to boot."""


def _checked(config: Config, name: str) -> object:
    """The setting, of the type of its default; a SettingError naming it otherwise.

    The environment's values were read as JSON where they parse: a text setting made only
    of digits (a password, a key) is taken back as typed.
    """
    default, value = DEFAULTS[name], config[name]
    variable = f"PORTAIL_{name}"
    if isinstance(default, str) and not isinstance(value, str) and variable in os.environ:
        return os.environ[variable]
    if _has_type_of(default, value):
        return value
    where = variable if variable in os.environ else f"{name} (fichier d'instance)"
    # Lists and texts hold keys and passwords: their values never reach a log.
    read = "" if isinstance(default, list | str) else f" (lu : {value!r})"
    raise SettingError(f"{where} doit être {_EXPECTED[type(default)]}{read}.")


def _has_type_of(default: object, value: object) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
    if isinstance(default, list):
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    return isinstance(value, str)


_EXPECTED = {
    bool: "true ou false",
    int: "un nombre positif ou nul",
    list: 'une liste JSON de textes, par exemple ["ancienne-clé"]',
    str: "un texte",
}


def _local_secret(path: Path) -> str:
    """A random key created on first run, so a local portal never runs with a known key."""
    if not path.exists():  # created 0600 from the start: never readable by others
        write_atomically(path, [secrets.token_urlsafe(48).encode()], mode=0o600)
    return path.read_text(encoding="utf-8").strip()
