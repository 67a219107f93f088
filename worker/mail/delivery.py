"""SMTP delivery of queued mails, from a background thread of each worker process.

A mail that cannot be delivered is retried with a growing delay (at most an hour apart)
for MAIL_GIVE_UP_HOURS; then it is marked failed, logged, and kept for the operators
(``flask --app worker mail failed`` lists them, ``mail retry`` sends them again). Nothing
is ever dropped silently.
"""

from __future__ import annotations

import logging
import os
import smtplib
import threading
import time
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import Flask, g

from worker import clock
from worker.files import antivirus
from worker.mail import quarantine
from worker.store import db as database
from worker.store import mails

log = logging.getLogger(__name__)
POLL_SECONDS = 1.0
RESCAN_SECONDS = 60.0  # quarantined uploads scanned again about this often


def _smtp_send(config: dict, mail: mails.Due) -> None:
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain="portail-candidat")
    message.set_content(mail.body)
    with smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=15) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        smtp.send_message(message)


def deliver_due(app: Flask, everything: bool = False) -> int:
    """Send every due mail over SMTP (with ``everything``, every pending one, whatever its
    next attempt time); returns how many were sent."""
    sent = 0
    db = database.open_for(app)
    give_up = timedelta(hours=app.config["MAIL_GIVE_UP_HOURS"])
    try:
        with app.app_context():
            last = 0 if everything else None
            while (due := mails.claim(db, clock.now(), last)) is not None:
                last = due.id if everything else None
                try:
                    _smtp_send(app.config, due)
                except (OSError, smtplib.SMTPException) as exc:
                    if mails.record_failure(db, due.id, str(exc), clock.now() - give_up):
                        log.error("mail %s failed for good after %s: %s", due.id, give_up, exc)
                    else:
                        log.warning("mail %s not delivered: %s", due.id, exc)
                    continue
                mails.record_sent(db, due.id)
                sent += 1
    finally:
        db.close()
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
        rescanned_at = 0.0
        while not self.stopped.is_set():
            try:
                deliver_due(self.app)
            except Exception:  # keep the thread alive whatever happens; the row stays queued
                log.exception("mail delivery failed")
            if time.monotonic() - rescanned_at >= RESCAN_SECONDS:
                rescanned_at = time.monotonic()
                self.rescan()
            self.wake_up.wait(POLL_SECONDS)
            self.wake_up.clear()

    def rescan(self) -> None:
        """Quarantined uploads scanned again (one indexed query when there are none)."""
        if not antivirus.enabled(self.app.config):
            return
        try:
            quarantine.rescan(self.app)
        except Exception:
            log.exception("rescanning quarantined files failed")

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
