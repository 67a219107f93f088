"""French error pages: a clear message and the right 4xx, never a bare 500.

A full disk or a database still locked after the busy timeout (SQLite waits and retries
inside the request for PORTAIL_DATABASE_BUSY_SECONDS) is not a bug but a busy or full
system: the answer is a 503 with ``Retry-After``, and nothing was half-written (files go
through a temporary name, rows through a transaction that rolled back).
"""

from __future__ import annotations

import errno
import sqlite3

import psycopg
from flask import Flask, current_app, g, render_template, request
from werkzeug.exceptions import HTTPException

from sitebuild.urls import CANDIDATE_HOME

MESSAGES = {
    400: (
        "Demande incorrecte",
        "La demande envoyée est incomplète ou mal formée. "
        "Revenez à la page précédente et recommencez.",
    ),
    403: ("Accès refusé", "Vous n'avez pas accès à cette page."),
    404: ("Page introuvable", "Cette page n'existe pas ou n'est pas accessible avec votre compte."),
    405: (
        "Action impossible",
        "Cette adresse ne permet pas cette action. Utilisez les boutons de la page.",
    ),
    413: ("Envoi trop volumineux", "Les données envoyées dépassent la taille autorisée."),
    429: (
        "Trop de demandes",
        "Vous avez fait trop de demandes en peu de temps. "
        "Patientez quelques minutes puis réessayez.",
    ),
    503: (
        "Service momentanément indisponible",
        "Le service est très sollicité ou en maintenance : rien n'a été enregistré pour "
        "cette action. Réessayez dans un instant.",
    ),
    500: (
        "Erreur du service",
        "Une erreur inattendue s'est produite. Si vous veniez d'enregistrer ou d'envoyer "
        "quelque chose, vérifiez-le (par exemple dans « Mes inscriptions ») avant de "
        "recommencer : l'action a pu aboutir avant l'erreur. Sinon, réessayez dans "
        "quelques instants.",
    ),
}


def render_error(code: int):
    title, text = MESSAGES.get(code, MESSAGES[400 if code < 500 else 500])
    return render_template("candidate/error.html", title=title, text=text, code=code), code


def handle_http(error: HTTPException):
    if error.code == 404 and not request.path.startswith(CANDIDATE_HOME):
        from worker.web.public_site import site_404

        return site_404()
    if error.code is None or error.code < 400:
        return error
    return render_error(error.code)


RETRY_AFTER_SECONDS = 30
FULL = (errno.ENOSPC, errno.EDQUOT)


def unavailable(error: Exception) -> bool:
    """A full disk or a database that stayed busy: the system, not the request."""
    if isinstance(error, OSError) and error.errno in FULL:
        return True
    if isinstance(error, psycopg.OperationalError):
        return True  # server unreachable, restarting or failing over, or a lock timed out
    message = str(error).casefold()
    return isinstance(error, sqlite3.OperationalError) and (
        "locked" in message or "busy" in message or "full" in message or "i/o" in message
    )


def refused_text(error: Exception) -> bool:
    """Text PostgreSQL refuses, a NUL character taken from a URL: the request's fault
    (SQLite stores it, and finds nothing; the forms' fields drop it, ``forms.base.clean``)."""
    return isinstance(error, psycopg.DataError) and "NUL" in str(error)


def handle_unexpected(error: Exception):
    if refused_text(error):
        database = g.get("db")
        if database is not None and database.usable and database.in_transaction:
            database.rollback()  # the page below may read the signed-in account
        return render_error(400)
    if unavailable(error):
        current_app.logger.error("unavailable on %s %s: %s", request.method, request.path, error)
        g.account = g.staff_member = None  # the page must not need the database
        html, code = render_error(503)
        return html, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}
    current_app.logger.exception(
        "unexpected error on %s %s", request.method, request.path, exc_info=error
    )
    return render_error(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(Exception, handle_unexpected)
