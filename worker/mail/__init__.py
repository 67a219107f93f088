"""Outgoing mail: recorded first, delivered afterwards.

Every mail the portal sends is a row of ``mails``, written in the same transaction as the
action that causes it, so nothing is lost if the process dies; the row is what the
candidate reads under « Consulter mes messages ». ``queue`` renders a mail from
``templates/mail/<name>.txt``; ``delivery`` sends the queued rows over SMTP from a
background thread (without an SMTP server they stay in the local outbox page).
Delivering after the response also keeps answers equally fast whether a mail is sent or
not, which matters for account enumeration.
"""

from __future__ import annotations

from flask import current_app, g, render_template

from worker.store import mails
from worker.store.db import Database


def queue(db: Database, template: str, recipient: str, account_id: int | None, **context) -> None:
    """Record a mail built from templates/mail/<template>.txt (first line: the subject)."""
    text = render_template(f"mail/{template}.txt", base_url=base_url(), **context)
    subject, _, body = text.strip("\n").partition("\n")
    mails.insert(db, account_id, recipient, subject.strip(), body.strip("\n") + "\n")
    g.mail_queued = True


def base_url() -> str:
    return str(current_app.config["BASE_URL"]).rstrip("/")
