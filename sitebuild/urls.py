"""Addresses of the public site, in one place for the templates, the build and the worker."""

from __future__ import annotations

SERVICES = "/ouverture-des-services/"
ACADEMIES = "/academies/"
OPEN_DATA = "/donnees/"
OPEN_DATA_JSON = "/donnees/periodes.json"
OPEN_DATA_CSV = "/donnees/periodes.csv"
SITEMAP_PAGE = "/plan-du-site/"

# The candidate space is served by the worker under this prefix.
CANDIDATE_HOME = "/espace-candidat/"
CANDIDATE_SIGNUP = "/espace-candidat/creer-un-compte"
CANDIDATE_LOGIN = "/espace-candidat/connexion"


def services(*codes: str) -> str:
    """/ouverture-des-services/<domain>/<exam>/<session>/<academy>/ for the codes given."""
    return SERVICES + "".join(f"{code}/" for code in codes)


def academy(code: str) -> str:
    return f"{ACADEMIES}{code}/"


def guide(academy_code: str, slug: str) -> str:
    return f"{ACADEMIES}{academy_code}/guides/{slug}/"


def page(slug: str) -> str:
    return f"/{slug}/"


def ics_academy(code: str) -> str:
    return f"/calendriers/academies/{code}.ics"


def ics_exam(code: str) -> str:
    return f"/calendriers/examens/{code}.ics"


def output_file(url: str) -> str:
    """Where a URL lives inside site/: "/a/b/" → "a/b/index.html", "/x.ics" → "x.ics"."""
    path = url.lstrip("/")
    return f"{path}index.html" if path == "" or path.endswith("/") else path
