"""Who may reach the back office: an access-control matrix over every route of /gestion/.

The routes are read from the worker's URL map (every rule of the office blueprints but the
staff login page and logout), their parameters filled with real records of académie A
(an application of a registered candidate, a piece and its uploaded file, a published
document, a session publication, a pupil import with its slips file and pupils, a period
row and a home message), all made through the real code paths. For each route, each
method and each of these visitors:

- a staff member of académie B: 404 (or 403) for every record of A, also when the URL
  names B's own application, import or académie around A's record; for the pages that
  list a member's scope (list, search, CSV export, publication, pupils, periods), nothing
  of A shows, and a search or a count on A's exam, session or candidate finds nothing;
- a signed-in candidate (A's candidate, the owner of the application) and an anonymous
  visitor: sent to the staff login page (303, and back after it) for a page, 403 for a
  form;

with a valid CSRF token of the requesting session and plausible form data, so that only
the authorisation can refuse, and nothing changed (database tables, stored files and the
bytes of content/). Staff of A reach every page (admins for the admin pages), so the
matrix is not vacuous; non-admin staff of A get 403 from the admin pages.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest

from sitebuild.engine import build
from tests.conftest import ROOT, make_app, stop_mail
from tests.forms import FormClient, errors, hidden_fields, text
from tests.test_office_actions import IDENTITY
from tests.test_registration import NOW, register_cfg
from tests.test_republish import form_of
from tests.test_uploads import pdf
from worker import create_app
from worker.content import republish
from worker.rules import passwords
from worker.store import accounts, db, staff

A, B = "bordeaux", "rennes"  # the CFG JUIN 2027 is open in A at NOW (and its upload window)
STAFF_PASSWORD = "Gestion!2027-Acces"
CANDIDATE_PASSWORD = "Examen!2027"
BLUEPRINTS = ("office", "office_actions", "office_pupils", "office_content", "office_admin")
NOT_IN_MATRIX = ("office.login", "office.logout")  # the staff login page itself, and logout
REFUSED = (403, 404)

# Markers of académie A: none may show to anybody else.
A_LAST, A_FIRST = "Abgrall-Quintrec", "Anatole"
A_PUPILS = [("Kervella", "Anouk"), ("Le Gall", "Brieuc")]
B_PUPIL = ("Rivière", "Basile")
A_MESSAGE = "Permanence du service des examens de Bordeaux"
A_PUBLICATION = "Convocation aux épreuves orales de Bordeaux"


# -- the routes, read from the URL map ---------------------------------------------------------


@dataclass(frozen=True)
class Route:
    endpoint: str
    rule: str
    method: str
    arguments: tuple[str, ...]

    @property
    def admin_only(self) -> bool:
        return self.endpoint.startswith("office_admin.")

    @property
    def listing(self) -> bool:
        """A page of the member's whole scope (no record in the URL): any staff opens it."""
        return self.method == "GET" and not self.arguments and not self.admin_only


def office_routes() -> list[Route]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = {"DATA_DIR": tmp, "SITE_DIR": tmp, "SECRET_KEY": "routes", "TESTING": True}
        app = create_app({**settings, "MAIL_THREAD": False, "SMTP_HOST": ""})
        routes = [
            Route(rule.endpoint, rule.rule, method, tuple(sorted(rule.arguments)))
            for rule in app.url_map.iter_rules()
            if rule.endpoint.split(".")[0] in BLUEPRINTS and rule.endpoint not in NOT_IN_MATRIX
            for method in sorted(rule.methods & {"GET", "POST"})
        ]
    return sorted(routes, key=lambda r: (r.rule, r.method))


ROUTES = office_routes()

# The records that hold others in a URL: B's own ones are put around A's records too.
CONTAINERS = ("application_id", "import_id", "academy")


def period_values() -> dict:
    return {
        "exam_session": "bts/2028",
        "specialite": "bts/sio",
        "ouverture": "11/10/2027 14:00",
        "fermeture": "30/11/2027 17:00",
        "retour_confirmation": "17/12/2027",
    }


def message_values(title: str = "Message pirate") -> dict:
    return {
        "title": title,
        "text": "Ce message ne doit être publié nulle part.",
        "level": "warning",
        "show_from": "20/11/2026 00:00",
        "show_until": "28/11/2026 00:00",
    }


def pupils_csv(pupils: list[tuple[str, str]], speciality: str = "sio") -> bytes:
    lines = ["nom;prenom;date_naissance;sexe;specialite"]
    for day, (last, first) in enumerate(pupils, start=1):
        lines.append(f"{last};{first};{day:02}/03/2008;F;{speciality}")
    return ("\r\n".join(lines) + "\r\n").encode()


# Plausible form data for every POST (a callable of the world: files are read once only);
# publication has two actions, each its own case.
FORMS = {
    "office.piece_status": {
        "": lambda w: {"status": "non_conforme", "comment": "Document illisible", "received_on": ""}
    },
    "office_actions.upload_document": {
        "": lambda w: {"kind": "convocation", "fichier": (io.BytesIO(pdf()), "convocation.pdf")}
    },
    "office_actions.results": {"": lambda w: {"note-001": "3", "note-002": "ABS"}},
    "office_actions.message": {
        "": lambda w: {"subject": "Intrus", "message": "Ne doit arriver nulle part."}
    },
    "office_actions.identity": {"": lambda w: dict(IDENTITY)},
    "office_actions.withdraw": {"": lambda w: {"reason": "Demande du candidat."}},
    "office_actions.reject": {"": lambda w: {"reason": "Pièce d'identité falsifiée."}},
    "office_actions.publish": {
        "documents": lambda w: {
            "action": "documents",
            "group": w.group,
            "kind": "convocation",
            "title": "Convocation pirate",
            "body": "Texte qui ne doit être publié nulle part.",
            "decision": "confirmer",
        },
        "message": lambda w: {
            "action": "message",
            "audience": w.group,
            "subject": "Intrus",
            "message": "Ne doit arriver nulle part.",
            "decision": "confirmer",
        },
    },
    "office_actions.resume": {"": lambda w: {}},
    "office_pupils.pupils": {
        "": lambda w: {
            "establishment": w.uai,
            "exam_session": "bts/2027",
            "fichier": (io.BytesIO(pupils_csv([("Intrus", "Ivan")])), "eleves.csv"),
        }
    },
    "office_pupils.renew_password": {"": lambda w: {}},
    "office_pupils.delete_slips": {"": lambda w: {}},
    "office_content.period_new": {"": lambda w: period_values()},
    "office_content.period_edit": {"": lambda w: form_of(w.row, fermeture="01/12/2026 17:00")},
    "office_content.period_delete": {"": lambda w: {}},
    "office_content.message_new": {"": lambda w: message_values()},
    "office_content.message_edit": {
        "": lambda w: {**message_values(), "version": w.message.version}
    },
    "office_content.message_delete": {"": lambda w: {"version": w.message.version}},
    "office_admin.staff_new": {
        "": lambda w: {
            "email": "pirate@ac-test.fr",
            "name": "Pirate",
            "academies": [A, B],
            "role": "admin",
            "password": "Pirate!2027-Admin",
            "password_confirm": "Pirate!2027-Admin",
        }
    },
}

# A choice made in the form, not in the URL: the form refuses it as a choice it does not
# offer (400, « Choisissez une session d'examen de vos académies. »), changing nothing.
FORM_CHOICE_REFUSAL = {"office_actions.publish": (400, *REFUSED)}


@dataclass(frozen=True)
class Case:
    route: Route
    actor: str  # staff_b, candidate, anonymous, staff_a (admin pages only)
    variant: str = ""  # the form's variant, for POSTs
    around: bool = False  # B's own application, import or académie around A's record

    @property
    def id(self) -> str:
        parts = [self.route.endpoint, self.route.method]
        if self.variant:
            parts.append(self.variant)
        parts.append(self.actor)
        if self.around:
            parts.append("own-" + "-".join(a for a in self.route.arguments if a in CONTAINERS))
        return "-".join(parts)

    @property
    def to_login(self) -> bool:
        """Not signed in as staff, asking for a page: sent to the staff login page."""
        return self.actor in ("candidate", "anonymous") and self.route.method == "GET"

    @property
    def expected(self) -> tuple[int, ...]:
        if self.to_login:
            return (303,)
        if self.route.admin_only:  # staff of A who are not administrators
            return (403,)
        if self.actor == "staff_b" and self.route.method == "POST" and not self.route.arguments:
            return FORM_CHOICE_REFUSAL.get(self.route.endpoint, REFUSED)
        return REFUSED


def variants(route: Route) -> list[str]:
    if route.method == "GET":
        return [""]
    return list(FORMS.get(route.endpoint, {"": None}))


def refused_cases() -> list[Case]:
    cases = []
    for route in ROUTES:
        for variant in variants(route):
            for actor in ("staff_b", "candidate", "anonymous"):
                if actor == "staff_b" and route.listing:
                    continue  # B opens its own list: see test_staff_of_b_sees_nothing_of_a
                cases.append(Case(route, actor, variant))
            records = [a for a in route.arguments if a not in CONTAINERS and a != "code"]
            if records and any(a in CONTAINERS for a in route.arguments):
                cases.append(Case(route, "staff_b", variant, around=True))
    return cases


REFUSED_CASES = refused_cases()
ADMIN_CASES = [Case(r, "staff_a", v) for r in ROUTES if r.admin_only for v in variants(r)]
GET_ROUTES = [r for r in ROUTES if r.method == "GET"]
LISTINGS = [r for r in ROUTES if r.listing]


# -- the world: records of A (and a little of B), made through the real code paths -------------


def staff_member(app, name: str, academies: list[str], role: str = "staff") -> FormClient:
    email = f"{name}.{uuid.uuid4().hex[:6]}@ac-test.fr"
    with app.app_context():
        database = db.get()
        with db.transaction(database):
            staff.create(
                database, email, f"Gestion {name}", passwords.hash_password(STAFF_PASSWORD),
                academies, role,
            )  # fmt: skip
    client = FormClient(app.test_client())
    response = client.submit("/gestion/connexion", {"login": email, "password": STAFF_PASSWORD})
    assert response.status_code == 303, text(response)
    return client


def candidate_of_a(app) -> FormClient:
    """A candidate with a name of their own, signed in to the candidate space."""
    email = f"anatole.{uuid.uuid4().hex[:8]}@example.fr"
    identity = {
        "civility": "M",
        "last_name": A_LAST,
        "first_names": A_FIRST,
        "birth_date": "2003-02-14",
        "birth_country": "FR",
        "birth_departement": "33",
        "birth_commune": "33063",
        "birth_commune_name": "Bordeaux",
    }
    with app.app_context():
        database = db.get()
        with db.transaction(database):
            account = accounts.create(
                database, email, passwords.hash_password(CANDIDATE_PASSWORD), identity
            )
            accounts.activate(database, account)
    client = FormClient(app.test_client())
    response = client.submit(
        "/espace-candidat/connexion", {"login": email, "password": CANDIDATE_PASSWORD}
    )
    assert response.status_code == 303, text(response)
    return client


def one(app, sql: str, *params):
    with app.app_context():
        return db.get().execute(sql, params).fetchone()


def post(client: FormClient, url: str, data: dict, token_page: str):
    multipart = any(isinstance(v, tuple) for v in data.values())
    return client.http.post(
        url,
        data={"csrf_token": client.token(token_page), **data},
        content_type="multipart/form-data" if multipart else None,
    )


def import_pupils(app, office: FormClient, uai: str, names) -> tuple[int, int]:
    """Pupils imported by the office: (import id, slips file id)."""
    response = post(
        office,
        "/gestion/eleves",
        {"establishment": uai, "exam_session": "bts/2027",
         "fichier": (io.BytesIO(pupils_csv(names)), "eleves.csv")},
        "/gestion/eleves",
    )  # fmt: skip
    assert response.status_code == 200, errors(response) or text(response)
    confirmed = {**hidden_fields(response), "decision": "confirmer"}  # « Confirmer l'import »
    response = office.http.post("/gestion/eleves", data=confirmed)
    assert response.status_code == 303, errors(response) or text(response)
    import_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = office.get(response.headers["Location"]).get_data(as_text=True)
    slip_id = int(re.search(r'href="/gestion/eleves/papillons/(\d+)"', page).group(1))
    return import_id, slip_id


def build_world(app, content: Path) -> SimpleNamespace:
    catalog = app.extensions["catalog"]()
    staff_a = staff_member(app, "gestion-a", [A])
    admin_a = staff_member(app, "admin-a", [A], "admin")
    staff_b = staff_member(app, "gestion-b", [B])

    # A's candidate registers to the CFG, then uploads their identity card.
    candidate = candidate_of_a(app)
    register_cfg(candidate, app, A)
    application_id, account_id = one(
        app, "SELECT id, account_id FROM applications WHERE academy = ? ORDER BY id DESC LIMIT 1", A
    )
    pieces = "/espace-candidat/inscriptions/001/justificatifs"
    uploaded = post(
        candidate, f"{pieces}/identite", {"fichier": (io.BytesIO(pdf()), "identite.pdf")}, pieces
    )
    assert uploaded.status_code == 303, errors(uploaded) or text(uploaded)
    (file_id,) = one(
        app,
        "SELECT f.id FROM piece_files f JOIN pieces p ON p.id = f.piece_id"
        " WHERE p.application_id = ? AND p.code = 'identite'",
        application_id,
    )

    # A's office publishes a document, marks and a document for the whole session.
    office_page = f"/gestion/candidatures/{application_id}"
    done = post(
        staff_a,
        f"{office_page}/documents",
        {"kind": "convocation", "fichier": (io.BytesIO(pdf()), "convocation.pdf")},
        office_page,
    )
    assert done.status_code == 303
    (document_id,) = one(
        app,
        "SELECT id FROM documents WHERE application_id = ? AND kind = 'convocation'",
        application_id,
    )
    marks = post(staff_a, f"{office_page}/notes", {"note-001": "12,5"}, office_page)
    assert marks.status_code == 303
    group = f"{A}|cfg|juin-2027"
    published = staff_a.confirm(
        "/gestion/publication",
        {"action": "documents", "group": group, "kind": "convocation", "title": A_PUBLICATION,
         "body": "Rendez-vous le 3 juin 2027 à 8 h 30.", "decision": "confirmer"},
    )  # fmt: skip
    assert published.status_code == 303, errors(published)
    publication_id = int(published.headers["Location"].rsplit("/", 1)[1])

    # A's office publishes a home message of its own; A's period rows are in content/.
    saved = staff_a.submit(f"/gestion/periodes/{A}/messages/nouveau", message_values(A_MESSAGE))
    assert saved.status_code == 303, errors(saved) or text(saved)
    [message] = republish.read_messages(content).of(A)
    row = republish.read_periods(content).periods_of(A)[0]

    # Pupils: two in A, one in B (so that B's own lists are not empty).
    uai = next(e.uai for e in catalog.establishments_of(A) if e.uai != "0000000A")
    uai_b = next(e.uai for e in catalog.establishments_of(B) if e.uai != "0000000A")
    import_id, slip_id = import_pupils(app, staff_a, uai, A_PUPILS)
    import_b, _ = import_pupils(app, staff_b, uai_b, [B_PUPIL])
    (pupil_id,) = one(app, "SELECT account_id FROM pupils WHERE import_id = ?", import_id)
    (application_b,) = one(app, "SELECT application_id FROM pupils WHERE import_id = ?", import_b)

    (number,) = one(app, "SELECT candidate_number FROM accounts WHERE id = ?", account_id)
    clients = {
        "staff_a": staff_a,
        "admin_a": admin_a,
        "staff_b": staff_b,
        "candidate": candidate,
        "anonymous": FormClient(app.test_client()),
    }
    token_pages = {
        "staff_a": "/gestion/publication",
        "admin_a": "/gestion/comptes/nouveau",
        "staff_b": "/gestion/publication",
        "candidate": "/espace-candidat/",
        "anonymous": "/espace-candidat/connexion",
    }
    return SimpleNamespace(
        app=app,
        content=content,
        data=Path(app.config["DATA_DIR"]),
        clients=clients,
        tokens={actor: clients[actor].token(page) for actor, page in token_pages.items()},
        params={
            "application_id": application_id,
            "document_id": document_id,
            "file_id": file_id,
            "code": "identite",
            "import_id": import_id,
            "account_id": pupil_id,
            "slip_id": slip_id,
            "publication_id": publication_id,
            "academy": A,
            "row_id": row.id,
            "message_id": message.id,
        },
        own_b={"application_id": application_b, "import_id": import_b, "academy": B},
        staff_b_id=one(app, "SELECT id FROM staff WHERE name = 'Gestion gestion-b'")[0],
        group=group,
        uai=uai,
        row=row,
        message=message,
        number=number,
        markers=[
            *(A_LAST, A_LAST.upper(), number, uai, A_MESSAGE, A_PUBLICATION),
            *(f"{A}|cfg|juin-2027", f"{A}|bts|2027", f'id="academie-{A}"'),
            *(name for last, _ in A_PUPILS for name in (last, last.upper())),
            *(login for (login,) in db_rows(app, LOGINS, import_id)),
        ],
    )


LOGINS = (
    "SELECT ac.login FROM accounts ac JOIN pupils p ON p.account_id = ac.id WHERE import_id = ?"
)


def db_rows(app, sql: str, *params) -> list:
    with app.app_context():
        return db.get().execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def world(tmp_path_factory, mailbox):
    """One worker for the module, on a private copy of content/, its clock pinned at NOW."""
    root = tmp_path_factory.mktemp("office-access")
    content = root / "content"
    shutil.copytree(ROOT / "content", content)
    site = root / "site"
    build(content, site, now=NOW, base_url="http://localhost")
    app = make_app(root / "data", site, mailbox, CONTENT_DIR=str(content))
    app.config["NOW"] = lambda: NOW
    try:
        yield build_world(app, content)
    finally:
        stop_mail(app)


# -- what must not change ------------------------------------------------------------------------

TABLES = (
    "accounts", "applications", "application_versions", "drafts", "documents", "pieces",
    "piece_files", "results", "audit", "staff", "publications", "publication_items",
    "pupil_imports", "pupils", "pupil_slips",
)  # fmt: skip


def snapshot(world, exports_by: int | None = None) -> dict[str, object]:
    """Row counts and contents of the tables, mails queued, stored files, content/ bytes.

    With `exports_by`, the audit rows of that member's CSV exports are left out (an export
    of one's own scope is audited)."""
    state: dict[str, object] = {}
    with world.app.app_context():
        database = db.get()
        for table in TABLES:
            rows = [tuple(r) for r in database.execute(f"SELECT * FROM {table}")]
            if table == "audit" and exports_by is not None:
                rows = [r for r in rows if (r[3], r[1]) != ("applications.export", exports_by)]
            state[f"{table} (rows)"] = len(rows)
            state[table] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
        state["mails (rows)"] = database.execute("SELECT count(*) FROM mails").fetchone()[0]
    for area in ("uploads", "documents", "slips"):
        folder = world.data / area
        files = folder.rglob("*") if folder.exists() else []
        state[f"files: {area}"] = sorted(
            (str(p.relative_to(folder)), p.stat().st_size) for p in files if p.is_file()
        )
    state["content"] = {
        str(p.relative_to(world.content)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(world.content.rglob("*"))
        if p.is_file()
    }
    return state


def changed(before: dict, after: dict) -> list[str]:
    return [key for key in before if before[key] != after[key]]


def body_of(response) -> str:
    return response.get_data().decode("utf-8", "replace")  # PDFs too


def leaked(world, body: str, actor: str = "staff_b") -> list[str]:
    """A's markers in a page (the candidate's own name and number shown to the candidate
    in the banner are theirs to see)."""
    own = {A_LAST, A_LAST.upper(), world.number} if actor == "candidate" else set()
    return [marker for marker in world.markers if marker in body and marker not in own]


# -- requests ---------------------------------------------------------------------------------


def url_of(world, case: Case) -> str:
    params = {**world.params, **(world.own_b if case.around else {})}
    missing = [a for a in case.route.arguments if a not in params]
    if missing:
        pytest.fail(
            f"{case.route.rule}: no record of académie A for {missing}: add one to the world"
        )
    url = case.route.rule
    for name in case.route.arguments:
        url = re.sub(rf"<(?:[a-z]+:)?{name}>", str(params[name]), url)
    return url


def send(world, case: Case):
    client = world.clients[case.actor]
    url = url_of(world, case)
    if case.route.method == "GET":
        return client.http.get(url)
    forms = FORMS.get(case.route.endpoint)
    if forms is None:
        pytest.fail(f"POST {case.route.rule}: a new route: add plausible form data to FORMS")
    data = {"csrf_token": world.tokens[case.actor], **forms[case.variant](world)}
    multipart = any(isinstance(v, tuple) for v in data.values())
    return client.http.post(
        url, data=data, content_type="multipart/form-data" if multipart else None
    )


# -- the matrix -------------------------------------------------------------------------------


def test_the_matrix_covers_every_office_route():
    endpoints = {r.endpoint for r in ROUTES}
    assert {"office.application", "office_actions.publish", "office_pupils.slips_file",
            "office_content.period_edit", "office_admin.staff_new"} <= endpoints  # fmt: skip
    assert not endpoints & set(NOT_IN_MATRIX)
    covered = {(c.route.endpoint, c.route.method, c.actor) for c in REFUSED_CASES}
    for route in ROUTES:
        for actor in ("candidate", "anonymous"):
            assert (route.endpoint, route.method, actor) in covered
        assert route.listing or (route.endpoint, route.method, "staff_b") in covered
    assert {r.endpoint for r in ROUTES if r.admin_only} == {c.route.endpoint for c in ADMIN_CASES}


@pytest.mark.parametrize("case", REFUSED_CASES, ids=lambda c: c.id)
def test_refused_and_nothing_changes(world, case):
    before = snapshot(world)
    response = send(world, case)
    assert response.status_code in case.expected, (
        f"{case.route.method} {url_of(world, case)} by {case.actor}: {response.status_code}"
    )
    assert leaked(world, body_of(response), case.actor) == []
    assert changed(before, snapshot(world)) == []
    if case.to_login:  # and back to the page asked for after signing in
        assert response.headers["Location"].startswith("/gestion/connexion?next=/gestion/")


@pytest.mark.parametrize("case", ADMIN_CASES, ids=lambda c: c.id)
def test_admin_pages_are_refused_to_staff_of_the_same_academy(world, case):
    before = snapshot(world)
    response = send(world, case)
    assert response.status_code == 403
    assert changed(before, snapshot(world)) == []


@pytest.mark.parametrize("route", GET_ROUTES, ids=lambda r: r.endpoint)
def test_staff_of_a_reach_every_page(world, route):
    """Not a vacuous matrix: the same URLs open for A's own staff (admins: admin pages)."""
    client = world.clients["admin_a" if route.admin_only else "staff_a"]
    response = client.http.get(url_of(world, Case(route, "staff_a")))
    assert response.status_code in (200, 301, 302, 303), response.status_code
    body = body_of(response)
    shown = {
        "office.applications": [A_LAST.upper(), world.number],
        "office.export": [A_LAST, world.number],
        "office.application": [A_LAST.upper(), world.number],
        "office_actions.publish": [world.group, A_PUBLICATION],
        "office_pupils.pupils": [world.uai],
        "office_pupils.pupil_import": [A_PUPILS[0][0].upper()],
        "office_content.content": [A_MESSAGE, f'id="academie-{A}"'],
    }.get(route.endpoint, [])
    for marker in shown:
        assert marker in body, marker


@pytest.mark.parametrize("route", LISTINGS, ids=lambda r: r.endpoint)
def test_staff_of_b_sees_nothing_of_a(world, route):
    """B's own pages (list, export, publication, pupils, periods) list B's scope only."""
    before = snapshot(world, exports_by=world.staff_b_id)
    response = world.clients["staff_b"].http.get(route.rule, follow_redirects=True)
    assert response.status_code == 200
    body = body_of(response)
    assert leaked(world, body) == []
    if route.endpoint in ("office.home", "office.applications", "office.export"):
        assert B_PUPIL[0].upper() in body.upper()  # B's own candidate is listed
    assert changed(before, snapshot(world, exports_by=world.staff_b_id)) == []


def count_shown(response) -> int:
    found = re.search(r"(\d+) candidatures? – page", text(response))
    assert found, text(response)
    return int(found.group(1))


SEARCHES = {
    "candidate-number": lambda w: {"query": w.number},
    "name": lambda w: {"query": A_LAST},
    "exam-session": lambda w: {"exam": "cfg", "session": "juin-2027"},
    "academy": lambda w: {"academy": A},
    "academy-exam-session": lambda w: {"academy": A, "exam": "bts", "session": "2027"},
}


@pytest.mark.parametrize("search", SEARCHES, ids=str)
def test_searches_counts_and_exports_of_b_find_nothing_of_a(world, search):
    filters = urlencode(SEARCHES[search](world))
    before = snapshot(world, exports_by=world.staff_b_id)
    found = world.clients["staff_b"].get(f"/gestion/candidatures?{filters}")
    assert found.status_code == 200 and count_shown(found) == 0
    assert "Aucune candidature ne correspond à la recherche." in text(found)
    assert leaked(world, text(found)) == []  # the text: the search box keeps what was typed
    export = world.clients["staff_b"].get(f"/gestion/candidatures/export.csv?{filters}")
    assert export.status_code == 200
    lines = list(csv.reader(io.StringIO(body_of(export)), delimiter=";"))
    assert len(lines) == 1 and lines[0][0].endswith("academie")  # the header alone
    assert changed(before, snapshot(world, exports_by=world.staff_b_id)) == []

    # The same search by A's staff finds A's records: the filters do match something.
    assert count_shown(world.clients["staff_a"].get(f"/gestion/candidatures?{filters}")) >= 1


def test_the_tokens_sent_are_accepted(world):
    """The refused POSTs carried a token their session accepts: with the very same token,
    B's staff do change B's own records (here: a message to B's pupil)."""
    application_b = world.own_b["application_id"]
    before = one(world.app, "SELECT count(*) FROM audit WHERE action = 'message.send'")[0]
    response = world.clients["staff_b"].http.post(
        f"/gestion/candidatures/{application_b}/message",
        data={"csrf_token": world.tokens["staff_b"], "subject": "Papillon", "message": "Merci."},
    )
    assert response.status_code == 303
    after = one(world.app, "SELECT count(*) FROM audit WHERE action = 'message.send'")[0]
    assert after == before + 1
