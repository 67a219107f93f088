"""The Jinja environment shared by the static build and the worker: filters and globals."""

from __future__ import annotations

from pathlib import Path

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    select_autoescape,
)

from catalog import dates
from catalog.model import Academy

from . import urls

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def academy_phrase(academy: Academy) -> str:
    """« l'académie de Rennes », « le vice-rectorat de Nouvelle-Calédonie », « le SIEC »."""
    if academy.kind == "siec":
        return "le SIEC"
    if academy.kind == "service":
        return f"le service de l'éducation de {academy.short_name}"
    noun = "l'académie" if academy.kind == "academie" else "le vice-rectorat"
    of = "d'" if academy.short_name[:1].lower() in "aeiouyéèêàâîôû" else "de "
    return f"{noun} {of}{academy.short_name}"


def configure(env: Environment) -> Environment:
    """Filters and globals every template may use, whichever half renders it."""
    env.filters.update(
        long_datetime=dates.format_long,
        day=dates.format_day,
        short_datetime=dates.format_short,
        academy_phrase=academy_phrase,
    )
    env.globals.update(urls=urls)
    return env


def environment(cache_dir: Path | None = None) -> Environment:
    """The static build's environment; cache_dir keeps compiled templates between builds.

    Templates do not change during a build: auto_reload off spares a stat() of each
    template (and of each it extends or imports) for every page.
    """
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        bytecode_cache=FileSystemBytecodeCache(str(cache_dir)) if cache_dir else None,
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        auto_reload=False,
    )
    return configure(env)
