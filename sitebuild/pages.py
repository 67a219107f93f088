"""Every output of the static site, each with the data it depends on.

``groups()`` describes the site without rendering it. A Group gathers outputs that show
the same records (all the drill-down pages, all the pages of one guide…) under a key; an
Output carries its own key and a function that renders it on demand. The engine skips a
group whose key is unchanged without even listing its outputs, and within a changed group
renders only the outputs whose key changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from functools import partial

from jinja2 import Environment

from catalog import Catalog
from catalog import guides as guide_text
from catalog.dates import format_day
from catalog.model import Academy

from . import feeds, urls
from .context import Group, Output, SiteContext

KIND_HEADINGS = (
    ("academie", "Académies"),
    ("vice-rectorat", "Vice-rectorats et services de l'éducation"),
    ("service", None),  # listed with the vice-rectorats
    ("siec", "Service interacadémique d'Île-de-France"),
)


def groups(catalog: Catalog, env: Environment, now: datetime, base_url: str) -> list[Group]:
    site = SiteContext(catalog, env, now, base_url)
    c = catalog
    academies = tuple(sorted(c.academies.values(), key=lambda a: a.sort_key))
    exams = tuple(c.exams.values())
    guides = tuple((g.slug, g.title, g.summary, g.exams) for g in c.guides.values())
    overrides = tuple((k, g.mode, g.title) for k, g in sorted(c.overrides.items()))
    messages = tuple(c.messages_shown(now))
    found = [
        Group("home", (c.domains, messages, site.base_url), partial(home, site)),
        Group(
            "services",
            (c.domains, exams, academies, c.periods_digest, guides),
            partial(services, site),
        ),
        Group(
            "academies",
            (academies, exams, c.periods_digest, guides, overrides, messages),
            partial(academy_pages, site),
        ),
        *(
            Group(
                f"guide:{slug}",
                (guide, tuple(g for k, g in c.overrides.items() if k[1] == slug), academies),
                partial(guide_pages, site, slug),
            )
            for slug, guide in c.guides.items()
        ),
        Group(
            "editorial", (tuple(c.pages.values()), c.domains, academies), partial(editorial, site)
        ),
        Group(
            "feeds",
            (c.periods_digest, exams, academies, site.base_url),
            partial(feeds.outputs, c, site),
        ),
    ]
    structure = (c.domains, exams, academies, guides, tuple(c.pages), site.base_url)
    found.append(Group("sitemap", structure, partial(sitemap, site, tuple(found), structure)))
    return found


def outputs(catalog: Catalog, env: Environment, now: datetime, base_url: str) -> list[Output]:
    """Every output of the site (for the link check and the tests)."""
    return [o for group in groups(catalog, env, now, base_url) for o in group.outputs()]


def sitemap(site: SiteContext, others: tuple[Group, ...], structure: tuple) -> Iterator[Output]:
    def render() -> str:
        listed = [o.url for group in others for o in group.outputs() if o.in_sitemap]
        return feeds.sitemap(listed, site.base_url)

    yield Output("/sitemap.xml", ("sitemap", *structure), render, in_sitemap=False)


def home(site: SiteContext) -> Iterator[Output]:
    messages = tuple(m for m in site.catalog.messages_shown(site.now) if not m.academies)
    domains = site.catalog.domains
    links = [(urls.services(d.code), d.name, d.description) for d in domains]
    yield site.output(
        "/",
        "site/home.html",
        (messages, domains),
        title="Accueil",
        messages=messages,
        domain_links=links,
        nav_current="/",
        description="Inscriptions aux examens et concours des académies.",
    )
    yield Output(
        "/404.html",
        ("404",),
        partial(site.page, "site/404.html", title="Page introuvable"),
        in_sitemap=False,
    )
    robots = (
        f"User-agent: *\nAllow: /\nDisallow: {urls.CANDIDATE_HOME}\n"
        f"Sitemap: {site.base_url}/sitemap.xml\n"
    )
    yield Output("/robots.txt", ("robots", robots), lambda: robots, in_sitemap=False)


# -- Ouverture des services: domain → exam → session → académie ---------------------------


def services(site: SiteContext) -> Iterator[Output]:
    c = site.catalog
    domains = c.domains
    yield _drill(
        site,
        (),
        (domains,),
        choice_heading="Sélectionner un domaine",
        choices=[(urls.services(d.code), d.name, d.description) for d in domains],
    )
    academies = sorted(c.academies.values(), key=lambda a: a.sort_key)
    guide_of = {exam: slug for slug, g in c.guides.items() for exam in g.exams}
    for domain in domains:
        exams = c.exams_in(domain.code)
        yield _drill(
            site,
            (domain,),
            tuple(exams),
            choice_heading="Sélectionner un examen",
            choices=[(urls.services(domain.code, e.code), e.name, "") for e in exams],
        )
        for exam in exams:
            codes = (domain.code, exam.code)
            yield _drill(
                site,
                (domain, exam),
                (),
                choice_heading="Sélectionner une session",
                choices=[(urls.services(*codes, s.code), s.label, "") for s in exam.sessions],
            )
            for session in exam.sessions:
                yield from _session_pages(site, (domain, exam, session), academies, guide_of)


def _session_pages(
    site: SiteContext, levels: tuple, academies: list[Academy], guide_of: dict[str, str]
) -> Iterator[Output]:
    """A session's choice of académie, then the page of each académie for that session."""
    domain, exam, session = levels
    codes = (domain.code, exam.code, session.code)
    offered, others = [], []
    for academy in sorted(academies, key=lambda a: a.short_name):
        periods = site.catalog.periods_for(
            exam=exam.code, session=session.code, academy=academy.code
        )
        link = urls.services(*codes, academy.code)
        if periods:
            opens, closes = min(p.opens for p in periods), max(p.closes for p in periods)
            offered.append((link, f"{academy.name} - ({session.label})", opens, closes))
        else:
            others.append((link, academy.short_name))
    yield _drill(
        site,
        levels,
        (tuple(offered), tuple(others)),
        choices=(),
        offered=offered,
        others=others,
        choice_heading="Sélectionner une académie ou un pays d'inscription",
    )
    slug = guide_of.get(exam.code)
    for academy in academies:
        periods = sorted(
            site.catalog.periods_for(exam=exam.code, session=session.code, academy=academy.code),
            key=lambda p: (p.speciality, p.opens),
        )
        guide_url = urls.guide(academy.code, slug) if slug else ""
        yield _drill(
            site,
            (*levels, academy),
            (tuple(periods), guide_url),
            choices=None,
            domain=domain,
            exam=exam,
            session=session,
            academy=academy,
            periods=periods,
            guide_url=guide_url,
        )


def _drill(site: SiteContext, levels: tuple, key: tuple, **context) -> Output:
    """A page of the drill-down; its title, breadcrumb and summary are built when rendered."""
    url = urls.services(*(level.code for level in levels))
    return Output(
        url, ("site/services.html", *levels, *key), partial(_render_drill, site, levels, context)
    )


def _render_drill(site: SiteContext, levels: tuple, context: dict) -> str:
    title = "Ouverture des services"
    crumbs, codes = [("/", "Accueil"), (urls.SERVICES, title)], []
    for level in levels:
        codes.append(level.code)
        crumbs.append((urls.services(*codes), getattr(level, "label", None) or level.name))
    return site.page(
        "site/services.html",
        title=title,
        breadcrumb=crumbs,
        page_title=" – ".join([*(label for _, label in crumbs[2:]), title]),
        nav_current=urls.SERVICES,
        summary=_summary(*levels),
        **context,
    )


def _summary(*levels) -> list[tuple[str, str, str]]:
    """The "Résumé de la sélection": each choice with a link back to change it."""
    labels = ("Domaine", "Examen", "Session", "Académie")
    rows, codes = [], []
    for label, level in zip(labels, levels, strict=False):
        rows.append((label, getattr(level, "label", None) or level.name, urls.services(*codes)))
        codes.append(level.code)
    return rows


# -- Académies and their guides -------------------------------------------------------------


def academy_pages(site: SiteContext) -> Iterator[Output]:
    c = site.catalog
    title = "Académies et guides"
    crumbs = [("/", "Accueil"), (urls.ACADEMIES, title)]
    by_kind = sorted(c.academies.values(), key=lambda a: a.sort_key)
    groups, current = [], None
    for kind, heading in KIND_HEADINGS:
        items = [(urls.academy(a.code), a.name, a.region) for a in by_kind if a.kind == kind]
        if heading:
            current = (heading, items)
            groups.append(current)
        else:
            current[1].extend(items)
    yield site.output(
        urls.ACADEMIES,
        "site/academies.html",
        (tuple(by_kind),),
        title=title,
        breadcrumb=crumbs,
        groups=groups,
        nav_current=urls.ACADEMIES,
    )
    for academy in by_kind:
        yield _academy_page(site, academy, crumbs)


def _academy_page(site: SiteContext, academy: Academy, crumbs) -> Output:
    c = site.catalog
    rows = []
    for p in sorted(c.academy_periods(academy.code), key=lambda p: (p.opens, p.exam, p.speciality)):
        exam = c.exams[p.exam]
        rows.append((exam, exam.session(p.session), exam.speciality(p.speciality), p))
    guides = [
        (urls.guide(academy.code, slug), c.guide_title(academy.code, slug), g.summary)
        for slug, g in c.guides.items()
    ]
    members = [
        (urls.academy(m), c.academies[m].name, "") for m in academy.members if m in c.academies
    ]
    messages = tuple(m for m in c.messages_shown(site.now, academy.code) if m.academies)
    here = [*crumbs, (urls.academy(academy.code), academy.name)]
    return site.output(
        urls.academy(academy.code),
        "site/academy.html",
        (academy, tuple(rows), tuple(guides), tuple(members), messages),
        title=academy.name,
        breadcrumb=here,
        academy=academy,
        periods=rows,
        guides=guides,
        members=members,
        messages=messages,
        nav_current=urls.ACADEMIES,
        description=f"Inscriptions et guides du candidat : {academy.name}",
    )


def guide_pages(site: SiteContext, slug: str) -> Iterator[Output]:
    """One shared guide as each académie publishes it (with its override, if any)."""
    c = site.catalog
    guide = c.guides[slug]
    for academy in sorted(c.academies.values(), key=lambda a: a.sort_key):
        variables = academy.guide_variables()
        override = c.overrides.get((academy.code, slug))
        title = c.guide_title(academy.code, slug)
        url = urls.guide(academy.code, slug)
        crumbs = [
            ("/", "Accueil"),
            (urls.ACADEMIES, "Académies et guides"),
            (urls.academy(academy.code), academy.name),
            (url, title),
        ]
        yield Output(
            url,
            ("guide", guide, override, tuple(sorted(variables.items())), title),
            partial(
                _render_guide,
                site,
                academy,
                guide,
                c.guide_body(academy.code, slug),
                variables,
                title,
                crumbs,
            ),
        )


def _render_guide(site, academy, guide, body, variables, title, crumbs) -> str:
    rendered = guide_text.render_markdown(body)
    toc = [
        (level, anchor, guide_text.fill(heading, variables))
        for level, anchor, heading in rendered.toc
    ]
    return site.page(
        "site/guide.html",
        title=title,
        academy=academy,
        guide=guide,
        toc=toc,
        body=guide_text.fill(rendered.html, variables),
        breadcrumb=crumbs,
        guide_date=format_day(date.fromisoformat(guide.date)),
        nav_current=urls.ACADEMIES,
        description=guide.summary,
    )


# -- Editorial pages and the site map -------------------------------------------------------


def editorial(site: SiteContext) -> Iterator[Output]:
    c = site.catalog
    for slug, page in c.pages.items():
        yield Output(urls.page(slug), ("page", page), partial(_render_page, site, page))
    sections = [
        (
            "Pages principales",
            [
                ("/", "Accueil", ""),
                (urls.SERVICES, "Ouverture des services", ""),
                (urls.ACADEMIES, "Académies et guides", ""),
                (urls.OPEN_DATA, "Calendriers et données ouvertes", ""),
            ],
        ),
        (
            "Ouverture des services par domaine",
            [(urls.services(d.code), d.name, "") for d in c.domains],
        ),
        (
            "Académies",
            [
                (urls.academy(a.code), a.name, "")
                for a in sorted(c.academies.values(), key=lambda a: a.sort_key)
            ],
        ),
        ("Informations", [(urls.page(p.slug), p.title, "") for p in c.pages.values()]),
    ]
    yield site.output(
        urls.SITEMAP_PAGE,
        "site/sitemap.html",
        (repr(sections),),
        title="Plan du site",
        sections=sections,
        breadcrumb=[("/", "Accueil"), (urls.SITEMAP_PAGE, "Plan du site")],
    )


def _render_page(site: SiteContext, page) -> str:
    rendered = guide_text.render_markdown(page.body)
    return site.page(
        "site/page.html",
        title=page.title,
        body=rendered.html,
        breadcrumb=[("/", "Accueil"), (urls.page(page.slug), page.title)],
    )


__all__ = ["groups", "outputs"]
