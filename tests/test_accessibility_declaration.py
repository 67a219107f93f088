"""The accessibility page says what the tests check, no more, no less: its « Comment nous
le vérifions » section is what `python -m tests.accessibility_declaration` generates from
the suite (browser journeys, keyboard-only journeys, PDF structure tests, axe-core's
version), and it states the date of the audit."""

from __future__ import annotations

from datetime import datetime

from tests import accessibility_declaration as declaration


def test_the_declaration_states_what_the_suite_covers_and_its_date():
    written = declaration.current()
    found = declaration.DATED.search(written)
    assert found, "the section must state the date of the last audit"
    day = datetime.strptime(found.group(1), "%d/%m/%Y").date()
    assert written == declaration.section(day), (
        "content/pages/accessibilite.md is out of date: run "
        "`.venv/bin/python -m tests.accessibility_declaration`"
    )


def test_every_covered_journey_and_document_has_its_words():
    found = declaration.covered()
    assert set(found["journeys"]) == set(declaration.JOURNEYS)
    assert set(found["keyboard"]) == set(declaration.KEYBOARD)
    assert set(found["documents"]) == set(declaration.DOCUMENTS)
    assert len(found["documents"]) >= 6  # every kind of PDF the portal issues
