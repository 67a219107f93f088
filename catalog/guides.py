"""Help guides: Markdown with TOML front matter, académie variables and overrides.

A guide is converted to HTML once per distinct source text, with each ``{{ variable }}``
replaced by an inert token; the académie's values are substituted into the HTML
afterwards. One edit to a shared guide therefore costs one Markdown conversion, not one
per académie.
"""

from __future__ import annotations

import html
import re
import threading
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from .model import Guide, Page
from .problems import Problem, read_text
from .slugs import slugify

VARIABLE = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
TOKEN = re.compile(r"zqvar([a-z_][a-z0-9_]*?)zq")
LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
CALLOUTS = {"attention": "Attention", "exemple": "Exemple", "a-noter": "A noter !"}
OVERRIDE_MODES = ("append", "replace")

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "dd",
    "div",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "div": {"class"},
    "p": {"class"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "th": {"scope"},
    "abbr": {"title"},
}


def split_front_matter(text: str) -> tuple[str, str, int]:
    """(front matter, body, line where the body starts); raises ValueError when absent."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "+++":
        raise ValueError("le fichier doit commencer par un bloc +++ (front matter TOML)")
    for number, line in enumerate(lines[1:], 2):
        if line.strip() == "+++":
            return "\n".join(lines[1 : number - 1]), "\n".join(lines[number:]), number + 1
    raise ValueError("bloc +++ non refermé")


def read_guide(path: Path, label: str, problems: list[Problem], academy: str) -> Guide | None:
    meta, body, body_line = _front_matter(path, label, problems)
    if meta is None:
        return None

    def report(message: str) -> None:
        problems.append(Problem(label, 1, message))

    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        report("« title » manquant dans l'en-tête")
        return None
    if academy:
        mode = meta.get("mode", "append")
        if mode not in OVERRIDE_MODES:
            report(f"mode « {mode} » inconnu (append ou replace)")
            return None
        section = meta.get("section", "")
        return Guide(
            slug=path.stem,
            path=label,
            title=title.strip(),
            exams=(),
            version="",
            date="",
            summary="",
            body=body,
            body_line=body_line,
            academy=academy,
            mode=mode,
            section=section,
        )
    exams, version, day = meta.get("exams"), meta.get("version"), meta.get("date")
    if not isinstance(exams, list) or not exams or not all(isinstance(e, str) for e in exams):
        report("« exams » doit être une liste non vide de codes d'examen")
        return None
    if not isinstance(version, str) or not isinstance(day, date):
        report("« version » (texte) et « date » (AAAA-MM-JJ) sont obligatoires")
        return None
    return Guide(
        slug=path.stem,
        path=label,
        title=title.strip(),
        exams=tuple(exams),
        version=version,
        date=day.isoformat(),
        summary=str(meta.get("summary", "")),
        body=body,
        body_line=body_line,
    )


def read_page(path: Path, label: str, problems: list[Problem]) -> Page | None:
    meta, body, body_line = _front_matter(path, label, problems)
    if meta is None:
        return None
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(Problem(label, 1, "« title » manquant dans l'en-tête"))
        return None
    return Page(slug=path.stem, path=label, title=title.strip(), body=body, body_line=body_line)


def _front_matter(path: Path, label: str, problems: list[Problem]) -> tuple[dict | None, str, int]:
    """(front matter, body, line of the body); a problem at the faulty line otherwise."""
    text = read_text(path, label, problems)
    if text is None:
        return None, "", 0
    try:
        front, body, body_line = split_front_matter(text)
    except ValueError as exc:
        problems.append(Problem(label, 1, f"en-tête invalide : {exc}"))
        return None, "", 0
    try:
        return tomllib.loads(front), body, body_line
    except tomllib.TOMLDecodeError as exc:
        # tomllib counts from the first line after the opening +++ (line 1 of the file).
        found = re.search(r"at line (\d+), column \d+", str(exc))
        line = 1 + int(found.group(1)) if found else 1
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        problems.append(Problem(label, line, f"en-tête invalide : {message}"))
        return None, "", 0


def merged_body(shared: Guide, override: Guide | None) -> str:
    """The Markdown an académie sees: the shared guide, replaced or completed."""
    if override is None:
        return shared.body
    if override.mode == "replace":
        return override.body
    if not override.section:
        return shared.body.rstrip("\n") + "\n\n" + override.body
    lines = shared.body.split("\n")
    start = section_start(lines, override.section)
    if start is None:
        return shared.body.rstrip("\n") + "\n\n" + override.body
    level = len(lines[start]) - len(lines[start].lstrip("#"))
    end = next(
        (
            n
            for n in range(start + 1, len(lines))
            if (m := re.match(r"(#+)\s", lines[n])) and len(m.group(1)) <= level
        ),
        len(lines),
    )
    return "\n".join([*lines[:end], "", override.body.strip("\n"), "", *lines[end:]])


def section_start(lines: list[str], anchor: str) -> int | None:
    for number, line in enumerate(lines):
        if (m := re.match(r"#{2,4}\s+(.*)", line)) and slugify(m.group(1)) == anchor:
            return number
    return None


def variables_used(text: str, first_line: int) -> list[tuple[int, str]]:
    """(line, name) of each ``{{ name }}``, for the missing-variable check."""
    return [
        (first_line + n, m.group(1))
        for n, line in enumerate(text.split("\n"))
        for m in VARIABLE.finditer(line)
    ]


def links(text: str, first_line: int) -> list[tuple[int, str]]:
    """(line, target) of each Markdown link, for the broken-link check."""
    return [
        (first_line + n, m.group(1))
        for n, line in enumerate(text.split("\n"))
        for m in LINK.finditer(line)
    ]


def headings(text: str) -> set[str]:
    return {slugify(m.group(1)) for m in re.finditer(r"(?m)^#{2,4}\s+(.*)$", text)}


@dataclass(frozen=True)
class RenderedGuide:
    html: str  # sanitised, variables still as tokens
    toc: tuple[tuple[int, str, str], ...]  # (level, anchor, title)


@lru_cache(maxsize=256)
def render_markdown(text: str) -> RenderedGuide:
    """Markdown → sanitised HTML with anchors and a table of contents (cached by text)."""
    import nh3  # only when a page is rendered: a build with nothing to redo skips it

    tokenised = VARIABLE.sub(lambda m: f"zqvar{m.group(1)}zq", text)
    tokenised = re.sub(r"\]\(guide:([a-z0-9-]+)", r"](../\1/", tokenised)
    converter = _converter()
    body = converter.convert(tokenised)
    body = nh3.clean(
        body,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        link_rel="noopener noreferrer",
        url_schemes={"http", "https", "mailto"},
    )
    toc = tuple(_flatten_toc(converter.toc_tokens))  # type: ignore[attr-defined]
    return RenderedGuide(body, toc)


_local = threading.local()


def _converter():
    """This thread's Markdown converter, reset for a new text.

    Made once per thread (a converter is not thread-safe): making one costs more than
    converting a guide. The extensions are given as objects, not by name, which spares
    Markdown a search of every installed package's entry points.
    """
    converter = getattr(_local, "converter", None)
    if converter is None:
        from markdown import Markdown
        from markdown.extensions.admonition import AdmonitionExtension
        from markdown.extensions.attr_list import AttrListExtension
        from markdown.extensions.sane_lists import SaneListExtension
        from markdown.extensions.tables import TableExtension
        from markdown.extensions.toc import TocExtension

        extensions = [
            TocExtension(slugify=slugify, toc_depth="2-3"),
            AdmonitionExtension(),
            TableExtension(),
            SaneListExtension(),
            AttrListExtension(),
        ]
        converter = _local.converter = Markdown(extensions=extensions)
    return converter.reset()


def _flatten_toc(tokens: list[dict]):
    for token in tokens:
        yield token["level"], token["id"], html.unescape(token["name"])
        yield from _flatten_toc(token["children"])


def fill(rendered_html: str, variables: dict[str, str]) -> str:
    """Put the académie's values in place of the tokens, escaped for HTML."""
    return TOKEN.sub(lambda m: html.escape(variables.get(m.group(1), "")), rendered_html)


def callout_kinds(text: str) -> list[tuple[int, str]]:
    """(line offset, kind) of each ``!!!`` block, to report unknown callout kinds."""
    return [
        (n, m.group(1))
        for n, line in enumerate(text.split("\n"))
        if (m := re.match(r"!!!\s+([a-z-]+)", line))
    ]
