"""Why an edit of content/ from the back office is not made: shown to the member as is."""

from __future__ import annotations


class Refused(Exception):
    """The edit cannot be made; ``messages`` says why, in French, for the page."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


class Conflict(Refused):
    """The row or message changed (or went) since the form was opened."""


class Busy(Refused):
    """Another republication or the nightly build held the site's lock too long: nothing
    was changed, the member may try again in a moment."""
