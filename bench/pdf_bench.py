"""CPU time per confirmation PDF, against the floor of fpdf2 with the same fonts.

    python bench/pdf_bench.py [--documents 40] [--rounds 5]

Creates, in a temporary DATA_DIR, one active account with a registered CFG application
(through the worker's accounts / applications modules, the clock pinned inside the CFG
period), then runs interleaved rounds in this one process:
  A. product: `documents` confirmations rendered through the worker's own code path
     (published.registration() then pdf.registration_pdf(), or, in the restructured
     worker, documents.confirmation.build() then render() with its verification block:
     what publish_registration does at every save), and, as a second figure, the whole
     publish_registration() (confirmation + demande de pièces justificatives, written
     durably, rows inserted); worker_api() finds whichever layout the checkout has;
  B. anchor: fpdf2 writing a one-page PDF of similar text with the same DejaVu Sans
     regular and bold fonts embedded (subset) in each document: the library's floor.
Printed: CPU seconds per document (this process's threads and any child process) and
documents per second of the bulk run, product/anchor ratios with their spread over rounds,
and the load average.
Issue 10's targets: ≤ 0.15 s CPU per confirmation, ≥ 10 documents/s.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import ModuleType

from benchlib import ROOT, describe, load, open_results, ratios

sys.path.insert(0, str(ROOT))

SECRET_KEY = "banc pdf"
NOW = "2026-11-22T10:00:00+00:00"  # inside the shipped CFG juin-2027 periods
TARGET_CPU = 0.15
TARGET_RATE = 10.0
IDENTITY = {
    "civility": "MME",
    "last_name": "Martin-Lefèvre",
    "first_names": "Léa Françoise",
    "usual_name": "Dupont",
    "birth_date": "2004-05-30",
    "birth_country": "FR",
    "birth_departement": "35",
    "birth_commune": "35238",
    "birth_commune_name": "Rennes",
}
ANSWERS = {
    "adresse_pays": "FR",
    "adresse_ligne1": "3 rue de la Paix",
    "adresse_ligne2": "Bâtiment B, 2e étage",
    "adresse_code_postal": "35000",
    "adresse_localite": "RENNES",
    "telephone_portable": "0612345678",
    "nationalite": "FR",
    "categorie_socio_professionnelle": "",
    "amenagement_duree": "non",
    "amenagement_handicap": "non",
    "diffusion_presse": "oui",
    "diffusion_collectivites": "non",
}


@dataclass(frozen=True)
class Api:
    """The worker's modules this benchmark drives, wherever the worker keeps them."""

    layout: str
    accounts: ModuleType
    applications: ModuleType
    db: ModuleType
    passwords: ModuleType
    confirmation: Callable  # (catalog, account, application, now) -> PDF bytes
    publish: Callable  # publish_registration(db, data_dir, catalog, account, application)


def worker_api() -> Api:
    """The worker's code paths, in the layout the checkout has: worker/published.py and
    worker/pdf.py (fpdf2), or worker/documents/ with worker/store/ and worker/rules/ (the
    restructured worker, Typst). Looked up on disk next to the imported worker package: an
    editable install of another checkout must not lend its own modules to this one."""
    import worker

    home = Path(worker.__file__).resolve().parent

    def load(name: str) -> ModuleType:
        module = importlib.import_module(name)
        if not Path(module.__file__).resolve().is_relative_to(home):
            raise ImportError(f"{name} vient de {module.__file__}, pas de {home}")
        return module

    if (home / "documents" / "confirmation.py").exists():
        confirmation = load("worker.documents.confirmation")
        verification = load("worker.documents.verification")

        def render(catalog, account, application, now) -> bytes:
            # as issuing.publish does it: with the verification code and QR code block
            block = verification.block(1, SECRET_KEY, "http://127.0.0.1:8000")
            return confirmation.render(
                confirmation.build(catalog, account, application, now), block
            )

        return Api(
            "worker/documents (Typst)",
            load("worker.store.accounts"),
            load("worker.store.applications"),
            load("worker.store.db"),
            load("worker.rules.passwords"),
            render,
            load("worker.documents.issuing").publish_registration,
        )
    published, pdf = load("worker.published"), load("worker.pdf")

    def render_fpdf(catalog, account, application, now) -> bytes:
        return pdf.registration_pdf(published.registration(catalog, account, application, now))

    return Api(
        "worker/published.py + worker/pdf.py (fpdf2)",
        load("worker.accounts"),
        load("worker.applications"),
        load("worker.db"),
        load("worker.passwords"),
        render_fpdf,
        published.publish_registration,
    )


# -- the product -----------------------------------------------------------------------------


class Product:
    """A worker app with one CFG application, and the two code paths under test."""

    def __init__(self, data_dir: str) -> None:
        from worker import create_app

        self.api = api = worker_api()
        self.app = create_app({"DATA_DIR": data_dir, "SECRET_KEY": SECRET_KEY, "SMTP_HOST": ""})
        self.app.config["MAIL_THREAD"] = False
        pinned = datetime.fromisoformat(NOW)
        self.app.config["NOW"] = lambda: pinned
        self.now = pinned
        self.context = self.app.app_context()
        self.context.push()
        self.catalog = self.app.extensions["catalog"]()
        academy = next(
            p.academy
            for p in self.catalog.periods
            if p.exam == "cfg" and p.session == "juin-2027" and p.is_open(pinned)
        )
        self.db = api.db.get()
        with api.db.transaction(self.db):
            account = api.accounts.create(
                self.db,
                f"banc.{uuid.uuid4().hex[:8]}@example.fr",
                api.passwords.hash_password("Examen!2027"),
                dict(IDENTITY),
            )
            self.account = api.accounts.activate(self.db, account)
            draft = api.applications.start_draft(self.db, account.id, academy, "cfg", "juin-2027")
            self.application = api.applications.create(self.db, draft, dict(ANSWERS), "")
        self.data_dir = data_dir
        self.version = self.application.version
        self.rendered = 0

    def confirmation(self) -> bytes:
        """One confirmation, exactly as publish_registration renders it; each call with
        another application number, so that no renderer can serve it from a cache."""
        self.rendered += 1
        application = dataclasses.replace(self.application, number=f"{self.rendered % 1000:03d}")
        return self.api.confirmation(self.catalog, self.account, application, self.now)

    def publish(self) -> None:
        """The whole publication of a save: both documents, written and recorded (each call
        as a new version of the application, as a modification would publish it)."""
        self.version += 1
        application = dataclasses.replace(self.application, version=self.version)
        with self.api.db.transaction(self.db):
            self.api.publish(self.db, self.data_dir, self.catalog, self.account, application)

    def close(self) -> None:
        self.api.db.close()
        self.context.pop()


# -- the anchor ------------------------------------------------------------------------------


def anchor_pdf() -> bytes:
    """fpdf2's floor: one A4 page, the same two fonts embedded, text like a confirmation's."""
    from fpdf import FPDF

    fonts = next(
        d
        for d in (ROOT / "worker" / "fonts", ROOT / "worker" / "documents" / "fonts")
        if d.exists()
    )
    document = FPDF(orientation="P", unit="mm", format="A4")
    document.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    document.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    document.add_page()
    document.set_font("DejaVu", "B", 14)
    document.cell(0, 8, "CONFIRMATION D'INSCRIPTION", new_x="LMARGIN", new_y="NEXT")
    document.set_font("DejaVu", "", 9)
    for line in range(40):
        document.cell(
            0,
            4.3,
            f"Ligne {line} : Mme MARTIN-LEFÈVRE Léa Françoise — né(e) le 30/05/2004 à RENNES",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    return bytes(document.output())


# -- rounds ----------------------------------------------------------------------------------


def cpu_seconds() -> float:
    """User + system time of every thread of this process and of its finished children."""
    mine = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def timed(work: Callable[[], object], count: int) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of `count` calls of `work`."""
    cpu, wall = cpu_seconds(), time.perf_counter()
    for _ in range(count):
        work()
    return cpu_seconds() - cpu, time.perf_counter() - wall


def bench(documents: int, rounds: int) -> None:
    print(f"load average at start: {load()}")
    with tempfile.TemporaryDirectory(prefix="pdf-bench-") as temporary:
        product = Product(str(Path(temporary) / "data"))
        try:
            sample = product.confirmation()
            floor = anchor_pdf()
            product.publish()
            print(f"product code path: {product.api.layout}")
            print(
                f"confirmation: {len(sample)} bytes, {sample.count(b'/Type /Page') - 1} page(s);"
                f" anchor: {len(floor)} bytes"
            )
            cpu: dict[str, list[float]] = {"confirmation": [], "publish": [], "anchor": []}
            rate: dict[str, list[float]] = {"confirmation": [], "publish": [], "anchor": []}
            work = {
                "confirmation": product.confirmation,
                "anchor": anchor_pdf,
                "publish": product.publish,
            }
            for number in range(rounds):
                for name in ("confirmation", "anchor", "publish"):
                    spent, wall = timed(work[name], documents)
                    cpu[name].append(spent / documents)
                    rate[name].append(documents / wall)
                print(
                    f"round {number + 1}: confirmation {cpu['confirmation'][-1]:.4f} s CPU, "
                    f"anchor {cpu['anchor'][-1]:.4f} s, publish (2 PDFs) "
                    f"{cpu['publish'][-1]:.4f} s; load {load()}"
                )
        finally:
            product.close()
    report(documents, cpu, rate)
    print(f"load average at end: {load()}")


def report(documents: int, cpu: dict[str, list[float]], rate: dict[str, list[float]]) -> None:
    print(f"\n{documents} documents per round and per side, one process:")
    print(f"CPU s per confirmation (product): {describe(cpu['confirmation'], 4, ' s')}")
    print(f"CPU s per one-page PDF (anchor):  {describe(cpu['anchor'], 4, ' s')}")
    print(f"CPU s per publish_registration:   {describe(cpu['publish'], 4, ' s')}")
    print(f"confirmations per s (bulk):       {describe(rate['confirmation'], 1)}")
    print(f"anchor PDFs per s (bulk):         {describe(rate['anchor'], 1)}")
    print(f"publications per s (bulk):        {describe(rate['publish'], 1)}")
    print(
        "RATIO CPU confirmation/anchor:    "
        f"{describe(ratios(cpu['confirmation'], cpu['anchor']), 2, '×')}"
    )
    print(
        "RATIO CPU publish/anchor:         "
        f"{describe(ratios(cpu['publish'], cpu['anchor']), 2, '×')}"
    )
    per_core = [1 / c for c in cpu["confirmation"]]
    print(
        f"confirmations per s of CPU (one core to itself): {describe(per_core, 1)}; the bulk "
        "figures above are wall-clock, shared with the machine's load"
    )
    worst_cpu = max(cpu["confirmation"])
    best_rate = min(rate["confirmation"])
    print(
        f"target ≤ {TARGET_CPU} s CPU per confirmation: worst round {worst_cpu:.4f} s "
        f"{'ok' if worst_cpu <= TARGET_CPU else 'OVER'}; target ≥ {TARGET_RATE:g} documents/s: "
        f"worst round {best_rate:.1f}/s {'ok' if best_rate >= TARGET_RATE else 'UNDER'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=40, help="documents per round and side")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--no-results", action="store_true", help="do not write the results file")
    options = parser.parse_args()
    if not options.no_results:
        open_results("pdf", sys.argv[1:])
    bench(options.documents, options.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
