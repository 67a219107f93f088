"""The refusal of an uploaded file, shared by the checks of files and of archives."""

from __future__ import annotations


class Refused(ValueError):
    """The file cannot be accepted; the message says why, in French, and ``status`` is the
    HTTP answer (415 for a type that is not accepted, 413 for a size, 400 otherwise)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def megabytes(size: int) -> str:
    """« 5 Mo », « 0,5 Mo »: sizes as the candidate reads them."""
    value = size / (1024 * 1024)
    return f"{value:g} Mo".replace(".", ",")
