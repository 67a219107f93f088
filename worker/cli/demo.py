"""`flask --app worker demo seed --candidates N`: a realistic data set for demos and for
the benchmarks at scale.

Accounts (active, with candidate numbers and a shared password), applications spread
over every exam session and académie that content/ opens, in several states, their
supporting documents with the statuses an exam office gives (some validated again since
the decision, awaiting the office in « À traiter »), each decision in the audit log under
a demo staff member of the académie (who cannot sign in: an unusable password), and the
confirmation documents (one real PDF file, shared by every demo document; each piece file
a hard link to another). Deterministic for a given
``--seed``. Never run it on a production database: it refuses when accounts exist unless
``--add`` is given.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from catalog import Catalog
from catalog.model import Exam
from worker import clock, refdata
from worker.content import current_catalog
from worker.files import storage
from worker.rules import passwords
from worker.rules.pieces import applies
from worker.store import db, demo, staff

demo_cli = AppGroup("demo", help="Données de démonstration.")
PASSWORD = "Demo!2027x"
CHUNK = 1000  # candidates per transaction: the write lock is never held for long
SPAN = timedelta(days=60)  # the accounts' creation times, spread over the last 60 days


def words(text: str) -> list[str]:
    return text.split()


# Common French family and given names: a plausible crowd, nobody in particular.
COMMON_LAST_NAMES = words(
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel "
    "Lefebvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine "
    "Rousseau Vincent Muller Lefevre Faure Andre Mercier Blanc Guerin Boyer Garnier Chevalier "
    "Francois Legrand Gauthier Garcia Perrin Robin Clement Morin Nicolas Henry Roussel Mathieu "
    "Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noel Meyer Dufour Meunier Brun "
    "Nguyen Diallo Benali Da-Silva Le-Goff N'Diaye"
)
FIRST_NAMES = {
    "MME": words(
        "Camille Léa Manon Chloé Emma Inès Sarah Jade Louise Lina Zoé Anaïs Maëlle Yasmine "
        "Clémence Océane Mélissa Aïcha Nadia Hélène"
    ),
    "M": words(
        "Lucas Hugo Nathan Louis Gabriel Théo Jules Adam Ethan Noah Mathis Enzo Rayan Tom "
        "Maxime Antoine Quentin Mehdi Karim Stéphane"
    ),
}
# A real crowd's family names have a long tail: the common ones above are a small share of
# it (one candidate in ten here), the others are rare, here one-word commune names (many
# French family names are place names). A search by a typical family name then finds a
# few people at 100,000 candidates, as in a real session, not one in sixty-seven.
COMMON_SHARE = 0.1


@cache
def rare_last_names() -> list[str]:
    """The one-word names of the communes of France, in a fixed order (the seed is
    deterministic)."""
    found = {
        name
        for code, _ in refdata.departements()
        for _, name in refdata.communes_of(code)
        if name.isalpha()
    }
    return sorted(found)


def last_name(rng: random.Random) -> str:
    if rng.random() < COMMON_SHARE:
        return rng.choice(COMMON_LAST_NAMES).replace("-", " ")
    return rng.choice(rare_last_names())


STATES = (("registered", 92), ("withdrawn", 5), ("rejected", 3))
PIECE_STATES = (("", 35), ("recue", 15), ("conforme", 35), ("non_conforme", 8), ("en_attente", 7))


@dataclass(frozen=True)
class Offer:
    """Something a candidate can register to: an exam session in an académie."""

    academy: str
    exam: Exam
    session: str
    speciality: str  # "" when the period covers every speciality


def offers(catalog: Catalog) -> list[Offer]:
    found = {
        (p.academy, p.exam, p.session, p.speciality)
        for p in catalog.periods
        if p.exam in catalog.exams and catalog.exams[p.exam].steps
    }
    return [Offer(a, catalog.exams[e], s, sp) for a, e, s, sp in sorted(found)]


def pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def person(rng: random.Random, departements: list[str]) -> dict:
    civility = rng.choice(("MME", "M"))
    departement = rng.choice(departements)
    insee, commune = rng.choice(refdata.communes_of(departement))
    born = date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 44))
    return {
        "civility": civility,
        "last_name": last_name(rng),
        "first_names": rng.choice(FIRST_NAMES[civility]),
        "birth_date": born.isoformat(),
        "birth_country": "FR",
        "birth_departement": departement,
        "birth_commune": insee,
        "birth_commune_name": commune,
    }


def speciality_field(catalog: Catalog, exam: Exam) -> str | None:
    steps = catalog.exam_steps(exam)
    return next((f.name for s in steps for f in s.fields if f.choices_from == "specialites"), None)


def answers_for(rng: random.Random, catalog: Catalog, offer: Offer) -> tuple[dict, str]:
    schools = [e.uai for e in catalog.establishments_of(offer.academy)]
    answers: dict = {"etablissement": rng.choice(schools) if schools else "0000000A"}
    speciality = offer.speciality
    if not speciality and offer.exam.specialities:
        speciality = rng.choice(offer.exam.specialities).code
    field = speciality_field(catalog, offer.exam)
    if speciality and field:
        answers[field] = speciality
    return answers, speciality


@dataclass
class Batch:
    """The rows of one chunk of candidates, ids assigned from ``ids``."""

    ids: dict[str, int]
    rows: dict[str, list[dict]]

    def add(self, table: str, row: dict) -> int:
        if table != "application_versions":
            row["id"] = self.ids[table]
            self.ids[table] += 1
        self.rows.setdefault(table, []).append(row)
        return row.get("id", 0)


@dataclass(frozen=True)
class Setting:
    catalog: Catalog
    offers: list[Offer]
    departements: list[str]
    password_hash: str
    document: str  # the stored name of the shared demo PDF
    uploads: DemoUploads  # where each demo piece file gets its own name for that PDF
    now: datetime
    staff: dict[str, int]  # académie → its demo staff member, author of the decisions
    first: int = 0  # the index of this run's first account (accounts already there)
    total: int = 1  # the accounts this run creates

    def created(self, position: int, total: int, rng: random.Random) -> str:
        """When the ``position``-th of ``total`` accounts was created: in the order of the
        accounts, as the portal's ids are, so that the decisions audited an hour later
        are in the journal (newest first, by id) in the order of their times too."""
        step = SPAN / total
        return clock.stamp(self.now - SPAN + step * (position + rng.random()))

    def later(self, stamp: str, hours: int) -> str:
        """``hours`` after ``stamp``, never after now."""
        return clock.stamp(min(clock.parse(stamp) + timedelta(hours=hours), self.now))


def add_candidate(batch: Batch, rng: random.Random, setting: Setting, index: int, number: str):
    stamp = setting.created(index - setting.first, setting.total, rng)
    email = f"demo.{index:07d}@exemple.invalid"
    account = batch.add(
        "accounts",
        {"email": email, "email_key": email, "password_hash": setting.password_hash,
         "status": "active", "candidate_number": number, "created_at": stamp,
         "activated_at": stamp, "updated_at": stamp, **person(rng, setting.departements)},
    )  # fmt: skip
    chosen = {}  # one application per exam session, as the portal allows
    for offer in rng.sample(setting.offers, k=min(len(setting.offers), 1 + (rng.random() < 0.15))):
        chosen.setdefault((offer.exam.code, offer.session), offer)
    for number_of, offer in enumerate(chosen.values(), 1):
        add_application(batch, rng, setting, account, f"{number_of:03d}", offer, stamp)


def add_application(batch, rng, setting: Setting, account: int, number: str, offer, stamp):
    answers, speciality = answers_for(rng, setting.catalog, offer)
    state = pick(rng, STATES)
    application = batch.add(
        "applications",
        {"account_id": account, "academy": offer.academy, "exam": offer.exam.code,
         "session": offer.session, "number": number, "status": state, "created_at": stamp,
         "speciality": speciality, "answers": json.dumps(answers), "version": 1,
         "updated_at": stamp, "withdrawn_at": stamp if state == "withdrawn" else None,
         "closed_at": stamp if state != "registered" else None},
    )  # fmt: skip
    batch.add(
        "application_versions",
        {"application_id": application, "version": 1, "answers": json.dumps(answers),
         "saved_at": stamp},
    )  # fmt: skip
    batch.add(
        "documents",
        {"application_id": application, "kind": offer.exam.document, "version": 1,
         "title": "Confirmation d'inscription", "stored_name": setting.document,
         "created_at": stamp, "viewed_at": stamp if rng.random() < 0.7 else None},
    )  # fmt: skip
    for piece in offer.exam.pieces:
        if applies(piece, answers):
            add_piece(batch, rng, setting, (offer.academy, account, application), piece, stamp)


def add_piece(batch: Batch, rng: random.Random, setting: Setting, owner, piece, stamp: str):
    """The piece's row and files; a decision is audited; some files await the office: a
    first deposit, or a new one after « Non conforme » or « En attente »."""
    academy, account, application = owner
    status = pick(rng, PIECE_STATES)
    reopened = status in ("non_conforme", "en_attente")
    online = piece.mode == "en_ligne"
    decided = setting.later(stamp, 1) if status else None
    validated = decided if status and not reopened else None
    awaits = rng.random() < (0.3 if status == "" else 0.5 if reopened else 0)
    if online and awaits:
        validated = setting.later(stamp, 2)  # awaiting a decision
    row = batch.add(
        "pieces",
        {"application_id": application, "code": piece.code, "status": status,
         "status_at": decided, "received_on": stamp[:10] if status == "recue" else None,
         "comment": "Document illisible : merci de déposer un scan net." if reopened else "",
         "round": 2 if reopened else 1, "validated_at": validated},
    )  # fmt: skip
    if status:
        batch.add(
            "audit",
            {"staff_id": setting.staff[academy], "at": decided, "action": "piece.status",
             "academy": academy, "application_id": application, "account_id": account,
             "before": json.dumps({"piece": piece.code, "status": ""}),
             "after": json.dumps({"piece": piece.code, "status": status})},
        )  # fmt: skip
    for round_ in range(1, 2 + (reopened and validated is not None)):
        if online and (status or validated or rng.random() < 0.5):
            batch.add(
                "piece_files",
                {"piece_id": row, "round": round_, "stored_name": setting.uploads.new(),
                 "original_name": f"{piece.code}.pdf", "size": setting.uploads.size,
                 "content_type": "application/pdf", "uploaded_at": stamp, "removed_at": None},
            )  # fmt: skip


DEMO_DOCUMENT = """#set document(title: "Document de démonstration")
#set text(lang: "fr")
= Document de démonstration
Ce document accompagne les données de démonstration du portail candidat.
"""


def demo_pdf(data_dir: Path, area: str = "documents") -> str:
    """One small real PDF shared by every demo document, so that downloads work."""
    import typst

    name = storage.new_name()
    data = typst.compile(DEMO_DOCUMENT.encode(), ignore_system_fonts=True)
    storage.write_bytes(storage.path_of(data_dir, area, name), data)
    return name


class DemoUploads:
    """The demo's piece files: one real PDF under uploads/, and each file its own name
    for it (a hard link: no copy; a piece file's name is unique, and removing one file,
    or purging an application, leaves the others), so that previews and downloads work."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.source = storage.path_of(data_dir, "uploads", demo_pdf(data_dir, "uploads"))
        self.size = self.source.stat().st_size
        self.first = True

    def new(self) -> str:
        if self.first:  # the PDF's own name is the first file's
            self.first = False
            return self.source.name
        name = storage.new_name()
        target = storage.path_of(self.data_dir, "uploads", name)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(self.source, target)
        except OSError:  # a file system without hard links: a copy
            shutil.copyfile(self.source, target)
        return name


def demo_staff(database, catalog: Catalog, academies: set[str]) -> dict[str, int]:
    """One staff member per académie to sign the demo decisions, created once; nobody
    can sign in as them (a random password nobody knows)."""
    found = {}
    for academy in sorted(academies):
        email = f"demo.gestion.{academy}@exemple.invalid"
        member = staff.by_email(database, email) or staff.create(
            database,
            email,
            f"Gestion démo {catalog.academies[academy].name}",
            passwords.hash_password(secrets.token_urlsafe(32)),
            [academy],
        )
        found[academy] = member.id
    return found


@demo_cli.command("seed")
@click.option("--candidates", type=click.IntRange(1, 2_000_000), required=True,
              help="Nombre de comptes candidats à créer.")  # fmt: skip
@click.option("--seed", "seed_value", default=2027, show_default=True,
              help="Graine du tirage : la même graine donne les mêmes données.")  # fmt: skip
@click.option("--add", is_flag=True, help="Ajouter à une base qui contient déjà des comptes.")
def seed(candidates: int, seed_value: int, add: bool) -> None:
    """Crée un jeu de données réaliste (démonstrations, mesures à grande échelle).

    Jamais sur une base de production : refuse une base qui contient déjà des comptes,
    sauf avec --add. Mot de passe de chaque compte de démonstration : Demo!2027x.
    """
    database = db.get()
    if demo.count(database, "accounts") and not add:
        raise click.ClickException(
            "la base contient déjà des comptes : ajoutez --add pour y ajouter la démonstration"
        )
    catalog = current_catalog()
    setting = Setting(
        catalog=catalog,
        offers=offers(catalog),
        departements=["33", "35", "38", "59", "69", "75", "93", "974", "13", "67"],
        password_hash=passwords.hash_password(PASSWORD),
        document=demo_pdf(Path(current_app.config["FILES_DIR"])),
        uploads=DemoUploads(Path(current_app.config["FILES_DIR"])),
        now=datetime.now(UTC),
        staff={},
        first=demo.count(database, "accounts"),  # demo addresses never repeat with --add
        total=candidates,
    )
    if not setting.offers:
        raise click.ClickException("content/ n'ouvre aucune période : rien à quoi s'inscrire")
    with db.transaction(database):
        setting.staff.update(demo_staff(database, catalog, {o.academy for o in setting.offers}))
    rng = random.Random(seed_value)
    with click.progressbar(length=candidates, label="Candidats créés") as progress:
        for start in range(0, candidates, CHUNK):
            size = min(CHUNK, candidates - start)
            with db.transaction(database):
                numbers = demo.candidate_numbers(database, setting.now.year, size)
                batch = Batch(demo.next_ids(database), {})
                for offset, number in enumerate(numbers):
                    add_candidate(batch, rng, setting, setting.first + start + offset, number)
                demo.insert(database, batch.rows)
            progress.update(size)
    click.echo(
        f"{candidates} compte(s), {demo.count(database, 'applications')} candidature(s) en tout."
        f" Mot de passe de chaque compte de démonstration : {PASSWORD}"
    )
