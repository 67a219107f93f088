"""Anchor (b) of bench/worker_bench.py: Flask + WTForms + sqlite-utils, one row per POST.

    BARE_DB=/tmp/bare.db gunicorn -w 2 -b 127.0.0.1:PORT --chdir bench/anchors \
        'bare_insert:create_app()'

The POST validates a small address form (WTForms, the worker's kind of validators:
required, length, regular expression, choice) and inserts one row, in a connection opened
for the request like a naive app (SQLite in WAL mode with its default
synchronous level, FULL, as the worker's; sqlite-utils), then redirects with
303. No session, no CSRF, no account lookup: the floor of that stack for a form step.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime

from flask import Flask, redirect, request
from sqlite_utils import Database
from wtforms import Form, SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

COUNTRIES = [("FR", "FRANCE"), ("BE", "BELGIQUE"), ("CH", "SUISSE"), ("DE", "ALLEMAGNE")]


class AddressForm(Form):
    adresse_pays = SelectField("Pays", choices=COUNTRIES, validators=[DataRequired()])
    adresse_ligne1 = StringField("Numéro, rue, voie", validators=[DataRequired(), Length(max=38)])
    adresse_code_postal = StringField(
        "Code postal", validators=[DataRequired(), Regexp(r"^[0-9]{5}$")]
    )
    adresse_localite = StringField("Localité", validators=[DataRequired(), Length(max=32)])
    telephone_portable = StringField(
        "Téléphone portable",
        validators=[DataRequired(), Regexp(r"^(0[1-9]( ?[0-9]{2}){4}|\+[1-9][0-9]{7,14})$")],
    )
    nationalite = SelectField("Nationalité", choices=COUNTRIES, validators=[DataRequired()])


def connect(path: str) -> Database:
    connection = sqlite3.connect(path, timeout=30)
    database = Database(connection)
    connection.execute("PRAGMA journal_mode=WAL")
    return database


def create_app() -> Flask:
    path = os.environ.get("BARE_DB", "bare.db")
    with connect(path).conn as connection:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS answers (id INTEGER PRIMARY KEY, created_at TEXT,"
            " pays TEXT, ligne1 TEXT, code_postal TEXT, localite TEXT, telephone TEXT,"
            " nationalite TEXT)"
        )
    app = Flask(__name__, static_folder=None)

    @app.post("/etape")
    def step():
        form = AddressForm(request.form)
        if not form.validate():
            return {"errors": form.errors}, 400
        database = connect(path)
        try:
            with database.conn:
                database["answers"].insert(
                    {
                        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                        "pays": form.adresse_pays.data,
                        "ligne1": form.adresse_ligne1.data,
                        "code_postal": form.adresse_code_postal.data,
                        "localite": form.adresse_localite.data,
                        "telephone": form.telephone_portable.data,
                        "nationalite": form.nationalite.data,
                    }
                )
        finally:
            database.conn.close()
        return redirect("/etape/suivante", code=303)

    return app
