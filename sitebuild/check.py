"""``build.py --check``: every content problem, broken links in guides and pages included."""

from __future__ import annotations

from datetime import datetime

from catalog import Catalog, Problem
from catalog import guides as guide_text

from .pages import outputs
from .render import environment
from .urls import CANDIDATE_HOME


def check_links(catalog: Catalog, now: datetime) -> list[Problem]:
    """Internal links of guides and pages must reach a page of the site (and its anchor)."""
    known = {o.url for o in outputs(catalog, environment(), now, "http://localhost")}
    problems: list[Problem] = []
    for guide in (*catalog.guides.values(), *catalog.overrides.values()):
        academies = [guide.academy] if guide.academy else list(catalog.academies)
        anchors = {a: guide_text.headings(catalog.guide_body(a, guide.slug)) for a in academies}
        for line, target in guide_text.links(guide.body, guide.body_line):
            error = _link_error(catalog, target, known, academies, anchors)
            if error:
                problems.append(Problem(guide.path, line, error))
    for page in catalog.pages.values():
        page_anchors = {"": guide_text.headings(page.body)}
        for line, target in guide_text.links(page.body, page.body_line):
            error = _link_error(catalog, target, known, [""], page_anchors)
            if error:
                problems.append(Problem(page.path, line, error))
    return problems


def _link_error(
    catalog: Catalog,
    target: str,
    known: set[str],
    academies: list[str],
    anchors: dict[str, set[str]],
) -> str | None:
    if target.startswith(("http://", "https://", "mailto:", "tel:", "{{")):
        return None
    path, _, anchor = target.partition("#")
    if not path:
        missing = [a for a in academies if anchor not in anchors[a]]
        return f"ancre « #{anchor} » introuvable dans la page" if missing else None
    if path.startswith("guide:"):
        slug = path.removeprefix("guide:")
        if slug not in catalog.guides:
            return f"lien « {target} » : aucun guide « {slug} »"
        if academies == [""]:
            return (
                f"lien « {target} » : les liens guide: ne sont possibles que dans les guides ; "
                "dans une page, visez /academies/"
            )
        if anchor and any(
            anchor not in guide_text.headings(catalog.guide_body(a, slug)) for a in academies if a
        ):
            return f"lien « {target} » : ancre « #{anchor} » introuvable dans le guide {slug}"
        return None
    if path.startswith(CANDIDATE_HOME):
        return None  # served by the worker, not by the static site
    if not path.startswith("/"):
        return f"lien « {target} » : utilisez un chemin du site commençant par / ou guide:"
    if path not in known:
        return f"lien « {target} » : aucune page du site à cette adresse"
    return None
