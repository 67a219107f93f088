"""What every output module speaks: an Output, a Group of them, and the SiteContext.

Both ``pages`` and ``feeds`` build outputs with these; keeping them here lets ``pages``
import ``feeds`` without ``feeds`` importing ``pages`` back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from jinja2 import Environment

from catalog import Catalog


@dataclass(frozen=True)
class Output:
    url: str
    key: tuple  # everything the output shows: equal keys give identical files
    render: Callable[[], str | bytes]
    in_sitemap: bool = True


class SiteContext:
    """What every page needs: the environment, the catalog and the build time."""

    def __init__(self, catalog: Catalog, env: Environment, now: datetime, base_url: str):
        self.catalog, self.env, self.now = catalog, env, now
        self.base_url = base_url.rstrip("/")

    def page(self, template: str, **context) -> str:
        context.setdefault("description", "")
        context.setdefault("breadcrumb", ())
        context.setdefault("nav_current", "")
        context.setdefault("messages", ())
        context.setdefault("page_title", context["title"])
        return self.env.get_template(template).render(**context)

    def output(self, url: str, template: str, key: tuple, **context) -> Output:
        return Output(url, (template, *key), partial(self.page, template, **context))


@dataclass(frozen=True)
class Group:
    name: str
    key: tuple  # every record the group's outputs show
    outputs: Callable[[], Iterable[Output]]
