"""The BTS récapitulatif and confirmation d'inscription as guide 000 describes them (§3,
« Récapitulatif »; §4.1): a question nobody was asked yet never reads « Non »."""

from __future__ import annotations

from tests.forms import text
from tests.test_pupils import import_pupils
from tests.test_registration import NOW
from worker.documents import confirmation
from worker.rules import recap
from worker.store import accounts, applications, db

MODALITES = "J'ai lu les modalités d'inscription et je les accepte"
CONDITIONS = (
    "Je certifie l'exactitude des renseignements fournis et j'accepte les conditions d'inscription"
)


def test_boxes_nobody_was_shown_are_not_answered_no(app):
    """A pupil's application, registered by the school, never showed the boxes of the
    modalités and conditions: the récapitulatif says they are unanswered, the confirmation
    leaves them out."""
    office, _page, _pdf = import_pupils(app, 1)
    with app.app_context():
        database = db.get()
        application = applications.by_id(
            database, database.execute("SELECT id FROM applications").fetchone()[0]
        )
        account = accounts.by_id(database, application.account_id)
    page = text(office.get(f"/gestion/candidatures/{application.id}"))
    assert f"{MODALITES} {recap.UNANSWERED}" in page and f"{CONDITIONS} {recap.UNANSWERED}" in page
    assert f"{MODALITES} Non" not in page and f"{CONDITIONS} Non" not in page
    document = confirmation.build(app.extensions["catalog"](), account, application, NOW)
    questions = [question for question, _answer in document.answers]
    assert MODALITES not in questions and CONDITIONS not in questions
