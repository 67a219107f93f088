"""The content model: immutable records loaded from content/ and shared by both halves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Domain:
    code: str
    name: str
    description: str = ""
    generic: bool = False  # G01/G02: the académie page lists every certification it offers


@dataclass(frozen=True)
class Session:
    code: str
    label: str  # "BTS 2027", "JUIN 2027 LOCAL"


@dataclass(frozen=True)
class Speciality:
    code: str
    name: str


@dataclass(frozen=True)
class Exam:
    code: str
    name: str  # "BREVET DE TECHNICIEN SUPERIEUR"
    short_name: str  # "BTS"
    domain: str
    model: str  # bts | cap | cfg | g01 | g02: which guide and wizard family it follows
    sessions: tuple[Session, ...]
    specialities: tuple[Speciality, ...] = ()
    speciality_label: str = "Spécialité"  # "Secteur disciplinaire" for certifications

    def session(self, code: str) -> Session | None:
        return next((s for s in self.sessions if s.code == code), None)

    def speciality(self, code: str) -> Speciality | None:
        return next((s for s in self.specialities if s.code == code), None)


@dataclass(frozen=True)
class ExamOffice:
    name: str
    address: tuple[str, ...]
    phone: str
    email: str
    hours: str = ""
    website: str = ""


@dataclass(frozen=True)
class Academy:
    code: str
    name: str  # "ACADÉMIE DE RENNES"
    short_name: str  # "Rennes"
    kind: str  # academie | vice-rectorat | siec | service
    region: str
    exam_office: ExamOffice
    number: int | None = None
    residence_rule: bool = False
    members: tuple[str, ...] = ()
    variables: tuple[tuple[str, str], ...] = ()  # extra guide variables, as sorted pairs

    def guide_variables(self) -> dict[str, str]:
        """Every variable a guide may use for this académie (only those with a value)."""
        office = self.exam_office
        values = {
            "academie": self.name,
            "academie_court": self.short_name,
            "service": office.name,
            "adresse": ", ".join(office.address),
            "telephone": office.phone,
            "courriel": office.email,
            "horaires": office.hours,
            "site": office.website,
            **dict(self.variables),
        }
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True)
class Period:
    """A registration period of one académie for one exam session (and maybe speciality)."""

    academy: str
    exam: str
    session: str
    speciality: str
    opens: datetime  # aware, UTC
    closes: datetime
    confirmation_due: datetime | None = None  # the signed confirmation must arrive by then
    uploads_open: datetime | None = None
    uploads_close: datetime | None = None
    line: int = field(default=0, compare=False, repr=False)

    def is_open(self, now: datetime) -> bool:
        return self.opens <= now < self.closes


@dataclass(frozen=True)
class Message:
    id: str
    title: str
    text: str
    level: str  # info | warning
    show_from: datetime
    show_until: datetime
    academies: tuple[str, ...] = ()
    line: int = field(default=0, compare=False, repr=False)

    def is_shown(self, now: datetime) -> bool:
        return self.show_from <= now < self.show_until


@dataclass(frozen=True)
class Guide:
    """A shared guide (academy == "") or an académie's override of one."""

    slug: str
    path: str  # relative to content/, for error messages
    title: str
    exams: tuple[str, ...]
    version: str
    date: str
    summary: str
    body: str
    body_line: int  # line of the file where the body starts
    academy: str = ""
    mode: str = ""  # overrides: append | replace
    section: str = ""


@dataclass(frozen=True)
class Page:
    """A plain editorial page (mentions légales, accessibilité…)."""

    slug: str
    path: str
    title: str
    body: str
    body_line: int
