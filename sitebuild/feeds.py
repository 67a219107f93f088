"""Machine-readable outputs: open data (JSON, CSV), iCalendar feeds and sitemap.xml."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from functools import partial
from html import escape

from catalog import Catalog
from catalog.dates import UTC, to_paris
from catalog.model import Period

from . import urls
from .context import Output, SiteContext

PRODID = "-//Portail candidat//Ouverture des services//FR"


def outputs(catalog: Catalog, site: SiteContext) -> Iterator[Output]:
    records = tuple(_record(catalog, p) for p in _sorted(catalog.periods))
    yield Output(urls.OPEN_DATA_JSON, ("json", records), lambda: _json(records), in_sitemap=False)
    yield Output(urls.OPEN_DATA_CSV, ("csv", records), lambda: _csv(records), in_sitemap=False)
    exams = sorted(catalog.exams.values(), key=lambda e: e.name)
    academies = sorted(catalog.academies.values(), key=lambda a: a.sort_key)
    yield site.output(
        urls.OPEN_DATA,
        "site/open_data.html",
        (len(records), tuple(exams), tuple(academies)),
        title="Calendriers et données ouvertes",
        period_count=len(records),
        breadcrumb=[("/", "Accueil"), (urls.OPEN_DATA, "Calendriers et données ouvertes")],
        exam_feeds=[(urls.ics_exam(e.code), f"{e.short_name} – {e.name}", "") for e in exams],
        academy_feeds=[(urls.ics_academy(a.code), a.name, "") for a in academies],
    )
    for exam in exams:
        periods = tuple(_sorted(catalog.exam_periods(exam.code)))
        names = tuple(catalog.academies[p.academy].name for p in periods)
        yield Output(
            urls.ics_exam(exam.code),
            ("ics", site.base_url, exam, periods, names),
            partial(calendar, catalog, periods, exam.short_name, site.base_url),
            in_sitemap=False,
        )
    for academy in academies:
        periods = tuple(_sorted(catalog.academy_periods(academy.code)))
        exams_shown = tuple(catalog.exams[p.exam] for p in periods)
        yield Output(
            urls.ics_academy(academy.code),
            ("ics", site.base_url, academy.name, periods, exams_shown),
            partial(calendar, catalog, periods, academy.name, site.base_url),
            in_sitemap=False,
        )


def _sorted(periods: Iterable[Period]) -> list[Period]:
    return sorted(periods, key=lambda p: (p.opens, p.academy, p.exam, p.session, p.speciality))


def _iso(moment: datetime | None) -> str:
    return to_paris(moment).isoformat() if moment else ""


def _record(catalog: Catalog, p: Period) -> dict[str, str]:
    exam = catalog.exams[p.exam]
    speciality = exam.speciality(p.speciality)
    return {
        "academie": p.academy,
        "academie_nom": catalog.academies[p.academy].name,
        "domaine": exam.domain,
        "examen": p.exam,
        "examen_nom": exam.name,
        "session": p.session,
        "session_libelle": exam.session(p.session).label,
        "specialite": p.speciality,
        "specialite_nom": speciality.name if speciality else "",
        "ouverture": _iso(p.opens),
        "fermeture": _iso(p.closes),
        "retour_confirmation": _iso(p.confirmation_due),
        "depot_debut": _iso(p.uploads_open),
        "depot_fin": _iso(p.uploads_close),
    }


def _json(records: tuple[dict, ...]) -> str:
    return (
        json.dumps(
            {"fuseau_horaire": "Europe/Paris", "periodes": list(records)},
            ensure_ascii=False,
            indent=1,
        )
        + "\n"
    )


def _csv(records: tuple[dict, ...]) -> str:
    buffer = io.StringIO()
    if records:
        writer = csv.DictWriter(buffer, fieldnames=list(records[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(records)
    return buffer.getvalue()


# -- iCalendar (RFC 5545) ----------------------------------------------------------------


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts, start = [], 0
    while start < len(raw):
        end = min(start + (75 if start == 0 else 74), len(raw))
        while end < len(raw) and (raw[end] & 0xC0) == 0x80:  # never cut a UTF-8 character
            end -= 1
        parts.append(raw[start:end].decode())
        start = end
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(catalog: Catalog, periods: Iterable[Period], name: str, base_url: str) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_ics_text('Inscriptions – ' + name)}",
        "X-WR-TIMEZONE:Europe/Paris",
    ]
    for p in periods:
        exam = catalog.exams[p.exam]
        academy = catalog.academies[p.academy]
        what = f"{exam.short_name} {exam.session(p.session).label}"
        if speciality := exam.speciality(p.speciality):
            what += f" – {speciality.name}"
        uid = f"{p.academy}.{p.exam}.{p.session}.{p.speciality or 'tous'}"
        stamp = _utc(p.opens)  # deterministic, so an unchanged period gives an unchanged file
        link = base_url.rstrip("/") + urls.services(exam.domain, exam.code, p.session, p.academy)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}.inscriptions@portail-candidat",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(p.opens)}",
            f"DTEND:{_utc(p.closes)}",
            f"SUMMARY:{_ics_text(f'Inscriptions {what} – {academy.name}')}",
            f"URL:{link}",
            "END:VEVENT",
        ]
        if p.confirmation_due:
            day = to_paris(p.confirmation_due).strftime("%Y%m%d")
            lines += [
                "BEGIN:VEVENT",
                f"UID:{uid}.confirmation@portail-candidat",
                f"DTSTAMP:{stamp}",
                f"DTSTART;VALUE=DATE:{day}",
                f"SUMMARY:{_ics_text(f'Retour de la confirmation {what} – {academy.name}')}",
                "END:VEVENT",
            ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def sitemap(page_urls: Iterable[str], base_url: str) -> str:
    base = base_url.rstrip("/")
    entries = "".join(f"  <url><loc>{escape(base + u)}</loc></url>\n" for u in page_urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</urlset>\n"
    )
