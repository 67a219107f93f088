"""Mail survives an SMTP server that is down for hours (SECURITY.md, durability: nothing
acknowledged is lost), against a real SMTP server on loopback that the tests stop and
start by pointing the worker at it or at a closed port."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import make_app, stop_mail
from tests.mailbox import free_port
from worker.mail import delivery
from worker.store import db, mails

T0 = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def portal(tmp_path, site_dir, mailbox):
    """A worker whose SMTP server is down (a closed port) and whose clock the test moves."""
    app = make_app(tmp_path / "data", site_dir, mailbox, MAIL_THREAD=False, SMTP_PORT=free_port())
    app.config["NOW"] = lambda: T0
    yield app
    stop_mail(app)


def at(app, moment: datetime) -> None:
    app.config["NOW"] = lambda: moment


def smtp_up(app, mailbox) -> None:
    app.config["SMTP_PORT"] = mailbox.port


def queue(app, recipient: str) -> int:
    with app.app_context():
        database = db.get()
        with db.transaction(database):
            mails.insert(database, None, recipient, "Objet de test", "Bonjour.\n")
        return database.execute("SELECT max(id) FROM mails").fetchone()[0]


def state(app, mail_id: int) -> dict:
    with app.app_context():
        row = db.get().execute(
            "SELECT attempts, sent_at, failed_at, last_error FROM mails WHERE id = ?", [mail_id]
        )
        names = ("attempts", "sent_at", "failed_at", "last_error")
        return dict(zip(names, row.fetchone(), strict=True))


def cli(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_a_mail_waits_four_hours_of_smtp_outage_then_arrives(portal, mailbox):
    mail_id = queue(portal, "patience@example.fr")
    for hours in (0, 1, 2, 3, 4):  # the server stays down: every attempt fails, none is final
        at(portal, T0 + timedelta(hours=hours, minutes=1))
        assert delivery.deliver_due(portal) == 0
    down = state(portal, mail_id)
    assert down["attempts"] == 5 and down["sent_at"] is None and down["failed_at"] is None
    assert down["last_error"]  # what went wrong stays readable for the operators

    smtp_up(portal, mailbox)
    at(portal, T0 + timedelta(hours=5, minutes=2))
    assert delivery.deliver_due(portal) == 1
    assert mailbox.last_to("patience@example.fr", "Objet de test")
    assert state(portal, mail_id)["sent_at"] is not None


def test_after_the_delivery_window_a_mail_is_failed_listed_and_can_be_sent_again(portal, mailbox):
    mail_id = queue(portal, "abandon@example.fr")
    at(portal, T0 + timedelta(hours=portal.config["MAIL_GIVE_UP_HOURS"], minutes=1))
    assert delivery.deliver_due(portal) == 0
    assert state(portal, mail_id)["failed_at"] is not None
    listed = cli(portal, "mail", "failed")
    assert "abandon@example.fr" in listed and "1 courriel(s) en échec." in listed
    assert delivery.deliver_due(portal, everything=True) == 0  # a failed mail is not retried…

    smtp_up(portal, mailbox)
    assert "1 courriel(s) remis en file, 1 envoyé(s)." in cli(portal, "mail", "retry")
    assert mailbox.last_to("abandon@example.fr", "Objet de test")
    assert "0 courriel(s) en échec." in cli(portal, "mail", "failed")


def test_deliver_all_sends_the_mails_waiting_for_their_next_attempt(portal, mailbox):
    queue(portal, "plus-tard@example.fr")
    assert delivery.deliver_due(portal) == 0  # down: next attempt in a minute
    smtp_up(portal, mailbox)
    assert "0 courriel(s) envoyé(s)." in cli(portal, "mail", "deliver")  # not due yet
    assert "1 courriel(s) envoyé(s)." in cli(portal, "mail", "deliver", "--all")
    assert mailbox.last_to("plus-tard@example.fr", "Objet de test")
