"""Reminders before the deadlines (`flask --app worker reminders send`), over the real
SMTP fixture with a pinned clock: exactly the reminders due, listing exactly what is
missing, recorded in « Consulter mes messages »; a second run sends none; --dry-run
writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.test_office_actions import pinned, registered  # noqa: F401
from tests.test_office_queue import deposit
from tests.test_registration import open_academy
from worker.rules import reminders as rules
from worker.store import db

IDENTITY = "Pièce d'identité en cours de validité"
SIGNED = "Confirmation d'inscription datée et signée"


def run(app, *args) -> str:
    result = app.test_cli_runner().invoke(args=["reminders", "send", *args])
    assert result.exit_code == 0, result.output
    return result.output


def count(app, sql: str) -> int:
    with app.app_context():
        return db.get().execute(sql).fetchone()[0]


def test_the_due_reminder_is_the_nearest_whose_day_has_come():
    from datetime import UTC, datetime

    deadline = datetime(2027, 1, 8, 16, tzinfo=UTC)
    assert rules.due_days((7, 2), deadline, deadline - timedelta(days=8)) is None
    assert rules.due_days((7, 2), deadline, deadline - timedelta(days=6)) == 7
    assert rules.due_days((7, 2), deadline, deadline - timedelta(days=1)) == 2
    assert rules.due_days((7, 2), deadline, deadline + timedelta(minutes=1)) is None


@pytest.mark.parametrize(
    "before, said",
    [
        # A candidate who registered 3 days before: the 7-day reminder says 3 days.
        (timedelta(days=3), "dans 3 jours"),
        # 23:30 in Paris the day before a 23:59 deadline: calendar days, « demain ».
        (timedelta(days=1, minutes=29), "demain"),
        (timedelta(hours=5), "aujourd'hui"),
    ],
)
def test_a_reminder_says_when_the_deadline_falls_from_the_day_it_is_sent(before, said):
    from datetime import datetime

    from catalog.dates import PARIS
    from catalog.model import Piece
    from worker.rules.pieces import Group, PieceState

    deadline = datetime(2027, 1, 8, 23, 59, tzinfo=PARIS)
    piece = Piece("identite", IDENTITY)
    group = Group("en_ligne", deadline, None, [PieceState(piece, deadline)])
    (found,) = rules.due(12, (7,), [group], deadline - before)
    assert (found.days, found.when) == (7, said)
    assert found.key == f"12|{group.key}|7"  # the key stays the exam's reminder


@pytest.mark.parametrize("days", [7, 2])
def test_reminders_list_what_is_missing_and_are_sent_once(pinned, mailbox, days):  # noqa: F811
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    _, lacking_id = registered(app, academy)
    complete, complete_id = registered(app, academy)
    deposit(complete)
    catalog = app.extensions["catalog"]()
    period = next(
        p for p in catalog.periods_for(exam="cfg", session="juin-2027") if p.academy == academy
    )
    uploads = period.uploads_close or period.closes
    # Both deadlines' reminders of `days` have come, and neither deadline has passed.
    latest = max(uploads, period.confirmation_due)
    moment = latest - timedelta(days=days) + timedelta(minutes=30)
    assert moment < min(uploads, period.confirmation_due)
    app.config["NOW"] = lambda: moment

    # --dry-run: said, not sent, not recorded.
    before = count(app, "SELECT count(*) FROM mails")
    assert "2 rappel(s) à envoyer." in run(app, "--dry-run")
    assert count(app, "SELECT count(*) FROM mails") == before
    assert count(app, "SELECT count(*) FROM reminders_sent") == 0

    seen = mailbox.count()
    output = run(app)
    assert "2 rappel(s) envoyé(s)." in output
    emails = {
        number: app_email
        for number, app_email in [line.split("\t")[:2] for line in output.splitlines()[:-1]]
    }
    first = mailbox.last_to(emails[str(lacking_id)], "Rappel : pièces à fournir", after=seen)
    body = first.get_content()
    assert IDENTITY in body and SIGNED in body
    # Sent at 00:29 in Paris, `days` days less 23h30 before both deadlines (January 8):
    # said in calendar days from the day of sending.
    said = {7: "soit dans 6 jours :", 2: "soit demain :"}[days]
    assert body.count(f"(heure de Paris), {said}") == 2, body
    second = mailbox.last_to(emails[str(complete_id)], "Rappel : pièces à fournir", after=seen)
    assert SIGNED in second.get_content() and IDENTITY not in second.get_content()
    assert count(app, "SELECT count(*) FROM reminders_sent") == 3  # 2 groups + 1 group
    # « Consulter mes messages » lists the account's rows of `mails`.
    assert (
        count(
            app,
            "SELECT count(*) FROM mails m JOIN applications ap ON ap.account_id = m.account_id"
            f" WHERE ap.id = {lacking_id} AND m.subject LIKE '%Rappel : pièces à fournir%'",
        )
        == 1
    )

    # A second run, later the same day: nothing more.
    app.config["NOW"] = lambda: moment + timedelta(hours=3)
    assert "0 rappel(s) envoyé(s)." in run(app)
    assert count(app, "SELECT count(*) FROM reminders_sent") == 3


@pytest.mark.parametrize(
    "value, problem",
    [("[7, 2]", False), ("[0]", True), ("[7, 7]", True), ('["7"]', True), ("[true]", True)],
)
def test_the_catalogue_checks_the_reminders_of_an_exam(tmp_path, value, problem):
    from pathlib import Path

    from catalog.exams import read_exam

    shipped = Path(__file__).resolve().parent.parent / "content" / "exams" / "cfg.toml"
    lines = [
        line for line in shipped.read_text(encoding="utf-8").splitlines()
        if not line.startswith("reminders")
    ]  # fmt: skip
    lines.insert(lines.index("withdrawal = true") + 1, f"reminders = {value}")
    path = tmp_path / "cfg.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems: list = []
    exam = read_exam(path, "exams/cfg.toml", problems)
    found = [p for p in problems if "reminders" in str(p)]
    assert bool(found) == problem, problems
    if not problem:
        assert exam.reminders == (7, 2)
    else:
        assert ":" in str(found[0])  # file:line: message
