"""The content model: immutable records loaded from content/ and shared by both halves."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property


@dataclass(frozen=True)
class Domain:
    code: str
    name: str
    description: str = ""
    generic: bool = False  # G01/G02: the académie page lists every certification it offers
    offered: str = "Certifications proposées"  # a generic domain's list, « … par l'académie »


@dataclass(frozen=True)
class Session:
    code: str
    label: str  # "BTS 2027", "JUIN 2027 LOCAL"
    end: datetime | None = None  # after it, the session's applications leave the lists


TEST_KINDS = ("obligatoire", "facultative", "choix")


@dataclass(frozen=True)
class Test:
    """An épreuve: E1, EF1… of an exam or of one of its specialities."""

    code: str
    name: str
    kind: str = "obligatoire"  # obligatoire | facultative | choix
    unit: str = ""
    group: str = ""  # choix: the tests of one group are alternatives
    mode: str = ""  # "Ponctuel écrit", "CCF"…
    exemptable: bool = False  # a prior credit (acquis) may exempt it
    options: tuple[str, ...] = ()  # e.g. the languages offered
    options_differ_from: str = ""  # code of a test whose option this one's must differ from

    @property
    def key(self) -> str:
        """The test's code as a form field suffix: "E5-A" → "e5_a"."""
        return "".join(c if c.isalnum() else "_" for c in self.code.lower())


PIECE_MODES = ("en_ligne", "voie_postale", "autre")
ACQUIS_KINDS = ("benefice", "dispense", "vae")


@dataclass(frozen=True)
class AcquisOrigin:
    """Where prior credits come from (« Je me suis déjà présenté(e) à ce BTS… »), and the
    tests they exempt the candidate from; each is proposed ticked on the acquis step."""

    code: str
    label: str
    kind: str = "dispense"  # benefice (marks kept, 10 to 20) | dispense | vae
    tests: tuple[str, ...] = ()  # codes of the tests it exempts; () for every exemptable one

    def exempts(self, test: Test) -> bool:
        return test.exemptable and (not self.tests or test.code in self.tests)


@dataclass(frozen=True)
class Piece:
    """A supporting document (pièce justificative) an exam asks for."""

    code: str
    label: str
    mode: str = "en_ligne"  # en_ligne | voie_postale | autre
    show_if: str = ""  # on the application's answers: "field == value" or "field != value"
    deadline: str = ""  # "" (the period's upload end, or confirmation due date by post) or a date
    hint: str = ""


@dataclass(frozen=True)
class Speciality:
    code: str
    name: str
    tests: tuple[Test, ...] = ()


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
    steps: tuple[str, ...] = ()  # codes of the wizard's steps, in order
    tests: tuple[Test, ...] = ()  # exams without specialities
    modification_mail: bool = True  # « Modification d'inscription : … » on every change
    withdrawal: bool = True  # individual candidates may withdraw while the period is open
    reminders: tuple[int, ...] = ()  # days before each deadline a reminder is mailed
    residence_rule: bool = False  # only in the académie of the candidate's residence
    # false: the académie is that of the place of work (G02), whatever the académie's
    # own residence_rule says to its other candidates
    academy_of_residence: bool = True
    pieces: tuple[Piece, ...] = ()  # supporting documents asked for
    document: str = "confirmation"  # confirmation (to sign and return) | recapitulatif (G02)
    tests_note: str = ""  # « NB : … » printed under the tests of the confirmation
    acquis: tuple[AcquisOrigin, ...] = ()  # the acquis step's origins of prior credits
    acquis_several: bool = False  # several origins may be declared in one application
    retention_months: int = 0  # months after a session's end before its data is deleted; 0: kept
    administration_reference: bool = False  # « Référence réservée à l'administration » box
    qualification_label: str = "Examen"  # what « Qualification présentée » calls the exam
    # (step code, field names): questions declared in another step of wizard.toml that this
    # exam asks on one of its own steps, after that step's own questions
    extra_fields: tuple[tuple[str, tuple[str, ...]], ...] = ()
    left_out_fields: tuple[str, ...] = ()  # questions of its shared steps it does not ask

    def session(self, code: str) -> Session | None:
        return self._sessions.get(code)

    def speciality(self, code: str) -> Speciality | None:
        return self._specialities.get(code)

    @cached_property
    def _sessions(self) -> dict[str, Session]:
        """By code: the back office's tables look one up per row (a BTS has dozens)."""
        return {s.code: s for s in reversed(self.sessions)}  # the first of a code wins

    @cached_property
    def _specialities(self) -> dict[str, Speciality]:
        return {s.code: s for s in reversed(self.specialities)}

    def tests_for(self, speciality: str) -> tuple[Test, ...]:
        found = self.speciality(speciality)
        return found.tests if found and found.tests else self.tests

    def with_session(self, label: str) -> str:
        """« CFG JUIN 2027 », but « BTS 2027 » (not « BTS BTS 2027 ») when the session's
        label already names the exam."""
        if label.casefold().startswith(self.short_name.casefold()):
            return label
        return f"{self.short_name} {label}"


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
    departements: tuple[str, ...] = ()  # for the residence rule
    copies_url: str = ""  # « Mes copies dématérialisées »: where the académie shows them

    @property
    def sort_key(self) -> str:
        """The académie's place in a list: by its own name, accents aside (« Orléans-Tours »
        under O, not under the « D' » of « ACADÉMIE D'ORLÉANS-TOURS »)."""
        plain = unicodedata.normalize("NFD", self.short_name).encode("ascii", "ignore")
        return plain.decode().casefold()

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


FIELD_TYPES = ("text", "textarea", "select", "radio", "yesno", "checkbox", "number", "email", "tel")
STEP_KINDS = ("form", "acquis", "epreuves", "recapitulatif")


@dataclass(frozen=True)
class StepField:
    """One question of a wizard step, as declared in wizard.toml."""

    name: str
    label: str
    type: str = "text"
    required: bool = False
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    choices_from: str = ""  # a list of lists.toml, or a source the worker computes
    show_if: str = ""  # "field == value" or "account.born_abroad"
    notice_if: str = ""
    notice: str = ""
    max_length: int = 0
    pattern: str = ""
    pattern_message: str = ""
    autocomplete: str = ""  # the input's purpose, in HTML's autofill tokens (catalog.autofill)


@dataclass(frozen=True)
class Step:
    """An onglet of the registration wizard."""

    code: str
    title: str
    kind: str = "form"
    intro: str = ""
    show_account: bool = False
    show_exam: bool = False  # the exam (and its session) shown read-only first
    fields: tuple[StepField, ...] = ()


@dataclass(frozen=True)
class Establishment:
    academy: str
    uai: str
    name: str
    town: str = ""
