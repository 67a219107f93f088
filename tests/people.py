"""Test candidates who are each another person, within a whole run.

The same person (name, birth date and place) from two accounts is a duplicate, which a
save reports; counted birth dates never meet. The counter lives here, in a module always
imported as ``tests.people``: a counter in a test module would exist twice when pytest
collects that module under one name and other modules import it under another.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

_DAYS = itertools.count()


def next_birth_date() -> date:
    """A birth date no other candidate of the run has (counted from 01/01/1990)."""
    return date(1990, 1, 1) + timedelta(days=next(_DAYS))
