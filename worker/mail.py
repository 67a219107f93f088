"""Outgoing mail: recorded first, delivered afterwards.

Every mail the portal sends is a row of ``mails``, written in the same transaction as the
action that causes it, so nothing is lost if the process dies. The row is what the
candidate reads under "Consulter mes messages". When an SMTP server is configured a
background thread of each worker process delivers due rows (claimed under the write
lock, retried with a growing delay); without one, rows stay in the local outbox page.
Delivering after the response also keeps answers equally fast whether a mail is sent or
not, which matters for account enumeration.
"""

from __future__ import annotations

import logging
import os
import smtplib
import threading
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import Flask, current_app, g, render_template
from sqlite_utils import Database

from . import clock
from . import db as database

log = logging.getLogger(__name__)
POLL_SECONDS = 1.0
MAX_ATTEMPTS = 8


def queue(db: Database, template: str, recipient: str, account_id: int | None, **context) -> None:
    """Record a mail built from templates/mail/<template>.txt (first line: the subject)."""
    text = render_template(f"mail/{template}.txt", base_url=base_url(), **context)
    subject, _, body = text.strip("\n").partition("\n")
    now = clock.stamp()
    # No address yet (a pupil before the first login): kept for « Consulter mes messages »,
    # never handed to SMTP.
    sent, error = (None, "") if recipient else (now, "aucune adresse électronique")
    db.execute(
        "INSERT INTO mails (account_id, recipient, subject, body, created_at, next_attempt_at,"
        " sent_at, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [account_id, recipient, subject.strip(), body.strip("\n") + "\n", now, now, sent, error],
    )
    g.mail_queued = True


def base_url() -> str:
    return str(current_app.config["BASE_URL"]).rstrip("/")


def of_account(db: Database, account_id: int) -> list[dict]:
    return list(
        db.query(
            "SELECT id, subject, body, created_at FROM mails WHERE account_id = ?"
            " ORDER BY created_at DESC, id DESC",
            [account_id],
        )
    )


def outbox(db: Database, limit: int = 200) -> list[dict]:
    return list(
        db.query(
            "SELECT id, recipient, subject, body, created_at FROM mails ORDER BY id DESC LIMIT ?",
            [limit],
        )
    )


def _claim(db: Database) -> dict | None:
    """Take the oldest due mail, pushing its next attempt back in case this one fails."""
    with database.transaction(db):
        now = clock.now()
        row = db.execute(
            "SELECT id, recipient, subject, body, attempts FROM mails WHERE sent_at IS NULL"
            " AND attempts < ? AND next_attempt_at <= ? ORDER BY id LIMIT 1",
            [MAX_ATTEMPTS, clock.stamp(now)],
        ).fetchone()
        if row is None:
            return None
        mail = dict(zip(("id", "recipient", "subject", "body", "attempts"), row, strict=True))
        retry = clock.stamp(now + timedelta(minutes=2 ** mail["attempts"]))
        db.execute(
            "UPDATE mails SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?",
            [retry, mail["id"]],
        )
        return mail


def _smtp_send(config: dict, mail: dict) -> None:
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = mail["recipient"]
    message["Subject"] = mail["subject"]
    message["Message-ID"] = make_msgid(domain="portail-candidat")
    message.set_content(mail["body"])
    with smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=15) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        smtp.send_message(message)


def deliver_due(app: Flask) -> int:
    """Send every due mail over SMTP; returns how many were sent."""
    sent = 0
    db = database.connect(database.database_path(app))
    try:
        with app.app_context():
            while (mail := _claim(db)) is not None:
                try:
                    _smtp_send(app.config, mail)
                except (OSError, smtplib.SMTPException) as exc:
                    log.warning("mail %s not delivered: %s", mail["id"], exc)
                    with database.transaction(db):
                        db.execute(
                            "UPDATE mails SET last_error = ? WHERE id = ?",
                            [str(exc)[:500], mail["id"]],
                        )
                    continue
                with database.transaction(db):
                    db.execute(
                        "UPDATE mails SET sent_at = ?, last_error = '' WHERE id = ?",
                        [clock.stamp(), mail["id"]],
                    )
                sent += 1
    finally:
        db.conn.close()
    return sent


class Deliverer:
    """The background thread of one process; woken after each request that queued mail.

    The thread (and the SQLite connection it opens) belongs to the process that started
    it. It is started lazily, by the first request a process serves or by gunicorn's
    ``post_fork`` hook, never inside ``create_app()``: a master that preloads the
    application (``gunicorn --preload``) then forks workers without carrying a thread or a
    connection across ``fork()`` (SQLite forbids it). A forked child inherits this object
    but not the thread: the pid recorded here tells it so, and it starts its own.
    """

    def __init__(self, app: Flask):
        self.app = app
        self.pid: int | None = None  # the process whose thread is running, if any
        self.starting = threading.Lock()
        self.wake_up = threading.Event()
        self.stopped = threading.Event()
        self.thread: threading.Thread | None = None

    def ensure_started(self) -> None:
        """Start this process's thread unless it runs already (cheap after the first call)."""
        if self.pid == os.getpid():
            return
        with self.starting:
            if self.pid == os.getpid():
                return
            self.wake_up = threading.Event()
            self.stopped = threading.Event()
            self.thread = threading.Thread(target=self.run, name="mail-delivery", daemon=True)
            self.thread.start()
            self.pid = os.getpid()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                deliver_due(self.app)
            except Exception:  # keep the thread alive whatever happens; the row stays queued
                log.exception("mail delivery failed")
            self.wake_up.wait(POLL_SECONDS)
            self.wake_up.clear()

    def stop(self) -> None:
        if self.thread is None or self.pid != os.getpid():
            return
        self.stopped.set()
        self.wake_up.set()
        self.thread.join(timeout=5)
        self.thread = self.pid = None


def start_background(app: Flask) -> None:
    """Start the process's background threads now (gunicorn's post_fork hook calls it)."""
    deliverer = app.extensions.get("mail_deliverer")
    if deliverer is not None:
        deliverer.ensure_started()


def init_app(app: Flask) -> None:
    if not (app.config["SMTP_HOST"] and app.config["MAIL_THREAD"]):
        return
    deliverer = Deliverer(app)
    app.extensions["mail_deliverer"] = deliverer
    app.before_request(deliverer.ensure_started)

    @app.after_request
    def wake(response):
        if g.pop("mail_queued", False):
            deliverer.wake_up.set()
        return response
