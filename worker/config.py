"""Settings: safe local defaults, overridden by PORTAIL_* environment variables."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

PROJECT = Path(__file__).resolve().parent.parent

DEFAULTS = {
    "SITE_DIR": str(PROJECT / "site"),  # the static site built by build.py
    "CONTENT_DIR": str(PROJECT / "content"),
    "DATA_DIR": str(PROJECT / "data"),
    "BASE_URL": "http://127.0.0.1:8000",
}


def load(app: Flask, overrides: dict | None = None) -> None:
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env("PORTAIL")
    app.config.update(overrides or {})
