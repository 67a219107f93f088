"""The fixed French texts of the documents, kept out of the layout code so that an editor
can change a wording without touching it: ``templates/documents/<document>.toml``.

Each file maps a name to a text (or a list of texts). Line breaks and indentation inside a
text are folded into single spaces, so long paragraphs may be wrapped freely in the file;
``**…**`` marks the bold runs of a paragraph (``runs``); ``{name}`` fields are filled with
``str.format`` by the layout, and what they receive is data, never read as markup.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

TEXTS = Path(__file__).resolve().parents[2] / "templates" / "documents"


def text(document: str, name: str) -> str:
    """The text ``name`` of ``document`` (``confirmation``, ``slips``…)."""
    value = _texts(document)[name]
    if not isinstance(value, str):
        raise TypeError(f"{document}.toml: {name} is not a text")
    return value


def text_list(document: str, name: str) -> list[str]:
    """The list of texts ``name`` of ``document``."""
    value = _texts(document)[name]
    if not isinstance(value, list):
        raise TypeError(f"{document}.toml: {name} is not a list of texts")
    return value


@cache
def _texts(document: str) -> dict[str, str | list[str]]:
    """The texts of ``document``, read once per process."""
    with (TEXTS / f"{document}.toml").open("rb") as file:
        return {name: _fold(value) for name, value in tomllib.load(file).items()}


def _fold(value: str | list[str]) -> str | list[str]:
    if isinstance(value, list):
        return [" ".join(item.split()) for item in value]
    return " ".join(value.split())


def runs(template: str, **values: object) -> list[tuple[str, bool]]:
    """The (text, bold) runs of a ``**…**``-marked template, each run then filled with
    ``values``: the markup is read before any value goes in."""
    parts = template.split("**")
    return [(part.format(**values), index % 2 == 1) for index, part in enumerate(parts) if part]
