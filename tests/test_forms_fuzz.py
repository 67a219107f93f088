"""Random and malformed posts to every form of the candidate space: never a 5xx.

Hypothesis posts dictionaries keyed by the real field names (plus random keys), with any
text (control characters, NUL, bidirectional marks, very long strings), repeated fields,
with or without a valid CSRF token, and raw bodies of the wrong type or invalid UTF-8.
Every answer must be a 2xx/3xx/4xx HTML page or a redirect; a 400 for a form error must
show the error summary. Some examples are valid on purpose, so that every success path
(accounts created, activated, passwords changed…) is exercised too.

Runs are derandomized (the same examples every time). To explore further locally:
``PORTAIL_FUZZ_EXAMPLES=2000 pytest tests/test_forms_fuzz.py`` (random seed, more examples).
"""

from __future__ import annotations

import itertools
import os
import string
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import quote, urlencode

import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import make_app, stop_mail
from tests.forms import TOKEN, FormClient, errors, text

EXPLORE = int(os.environ.get("PORTAIL_FUZZ_EXAMPLES", "0"))


def fuzz_settings(examples: int):
    return settings(
        max_examples=EXPLORE or examples,
        deadline=None,
        derandomize=not EXPLORE,  # deterministic in CI; random when exploring
        database=None,  # no .hypothesis/ directory in the project
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# --- values -------------------------------------------------------------------------------

ANY = st.characters(exclude_categories=("Cs",))  # lone surrogates cannot travel in HTTP
SPECIAL = [
    "", " ", "\x00", "a\x00b", "\u200f", "\u202e", "\u200b", "\ufeff", "\r\n", "\t", "\x1b[31m",
    "\x7f", "e\u0301", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "’", "' OR '1'='1", "<script>alert(1)</script>", "{{ 7*7 }}",
    "%00", "%ff", "../../etc/passwd", "null", "0", "-1", "99999999999", "02600000001",
    "9" * 40, "@", "a@b", "é@é.fr", "a@example.fr", "A@EXAMPLE.FR ", "31/02/2000",
    "00/00/0000", "01/01/1899", "29/02/2100", "1/1/2000", "2000-01-01", "FR", "fr", "XX",
    "35", "2A", "971", "975", "", "MME", "M", "Mme", "Rennes", "Saint-Denis", "Abcdef.1",
]  # fmt: skip
short_text = st.text(ANY, max_size=30)
long_text = st.builds(
    lambda seed, n: (seed * n)[:5000], st.text(ANY, min_size=1, max_size=8), st.integers(80, 5000)
)
value = st.one_of(
    short_text,
    st.sampled_from(SPECIAL),
    long_text,
    st.builds(lambda a, b, c: a + b + c, short_text, st.sampled_from(SPECIAL), short_text),
)
field_value = st.one_of(value, st.lists(value, min_size=2, max_size=3))  # repeated field


def random_form(fields: list[str]):
    keys = st.one_of(st.sampled_from(fields), st.text(ANY, max_size=15)) if fields else short_text
    return st.dictionaries(keys, field_value, max_size=len(fields) + 3)


def mutated(valid, fields: list[str]):
    """A valid form with a few fields replaced, repeated or removed."""
    if not fields:
        return st.builds(lambda form, extra: {**form, **extra}, valid, random_form([]))

    def apply(form, replaced, removed):
        form = {**form, **replaced}
        for name in removed:
            form.pop(name, None)
        return form

    return st.builds(
        apply,
        valid,
        st.dictionaries(st.sampled_from(fields), field_value, min_size=1, max_size=2),
        st.lists(st.sampled_from(fields), max_size=1),
    )


# --- valid forms ---------------------------------------------------------------------------

LETTERS = st.characters(categories=("Lu", "Ll"))
name = st.one_of(
    st.text(LETTERS, min_size=1, max_size=30),
    st.builds(lambda a, b: f"{a}-{b}", st.text(LETTERS, min_size=1, max_size=12),
              st.text(LETTERS, min_size=1, max_size=12)),
    st.sampled_from(["Dubois", "N'Diaye", "Le Goff", "Müller", "Ørsted", "Nguyễn", "Ἀλέξανδρος"]),
)  # fmt: skip
SPECIALS = ".!*-/@#%?_"
strong_password = st.builds(
    lambda lower, upper, special, rest, flip: (lower + upper + special + rest)[
        :: -1 if flip else 1
    ],
    st.sampled_from(string.ascii_lowercase + "éàç"),
    st.sampled_from(string.ascii_uppercase + "ÉÀÇ"),
    st.sampled_from(SPECIALS),
    st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=5, max_size=17),
    st.booleans(),
)
email = st.builds(
    lambda local, domain: f"{local}@{domain}",
    st.one_of(st.from_regex(r"[a-z0-9]{1,12}(\.[a-z0-9_+-]{1,8})?", fullmatch=True),
              st.sampled_from(["élève", "o'neil", "prénom.nom"])),
    st.sampled_from(["example.fr", "exemple.org", "ac-rennes.fr", "mél.fr"]),
)  # fmt: skip
birth_day = st.dates(date(1900, 1, 1), date.today() - timedelta(days=365 * 6)).map(
    lambda d: d.strftime("%d/%m/%Y")
)


def _places():
    from worker import refdata

    france = [(dep, commune) for dep, _ in refdata.departements()
              for _, commune in refdata.communes_of(dep)]  # fmt: skip
    abroad = [code for code, _ in refdata.countries() if not refdata.is_france(code)]
    return france, abroad


FRANCE_PLACES, ABROAD = _places()
birth_place = st.one_of(
    st.builds(
        lambda place, case: {"birth_country": "FR", "birth_departement": place[0],
                             "birth_commune": case(place[1])},
        st.sampled_from(FRANCE_PLACES), st.sampled_from([str, str.upper, str.lower]),
    ),
    st.builds(
        lambda country, dep, commune: {"birth_country": country, "birth_departement": dep,
                                       "birth_commune": commune},
        st.sampled_from(ABROAD), st.sampled_from(["", "35", "zz"]),
        st.text(ANY, min_size=1, max_size=20).filter(str.strip),  # the town, compulsory
    ),
)  # fmt: skip


@st.composite
def valid_identity(draw) -> dict:
    last, born = draw(name), draw(birth_day)
    return {
        "civility": draw(st.sampled_from(["MME", "M"])),
        "last_name": last,
        "last_name_confirm": last,
        "usual_name": draw(st.one_of(st.just(""), name)),
        "first_names": draw(name),
        "birth_date": born,
        "birth_date_confirm": born,
        **draw(birth_place),
    }


@st.composite
def valid_signup(draw) -> dict:
    address, password = draw(email), draw(strong_password)
    confirm = draw(st.sampled_from([address, address.upper(), f" {address} "]))
    return {
        **draw(valid_identity()),
        "email": address,
        "email_confirm": confirm,
        "password": password,
        "password_confirm": password,
    }


IDENTITY_FIELDS = [
    "civility", "last_name", "last_name_confirm", "usual_name", "first_names", "birth_date",
    "birth_date_confirm", "birth_country", "birth_departement", "birth_commune",
]  # fmt: skip
SIGNUP_FIELDS = [*IDENTITY_FIELDS, "email", "email_confirm", "password", "password_confirm"]
PASSWORD = "Fuzz.Secret1"
IDENTITY = {
    "civility": "MME", "last_name": "Fuzz", "first_names": "Alice", "birth_date": "1999-05-30",
    "birth_country": "FR", "birth_departement": "35", "birth_commune": "35238",
    "birth_commune_name": "Rennes",
}  # fmt: skip
SIGNED_IN = "compte@example.fr"  # the account of the /compte/… routes
LOGIN = "connexion@example.fr"  # the account of the login and reset routes

# --- the harness ---------------------------------------------------------------------------


class Harness:
    """One worker, one browser-like client, and the accounts the routes need."""

    def __init__(self, app):
        from worker.rules import passwords

        self.app = app
        self.client = FormClient(app.test_client())
        self.other = FormClient(app.test_client())  # another browser: its tokens are foreign
        self.password_hash = passwords.hash_password(PASSWORD)
        self.serial = itertools.count()

    def run(self, action: Callable):
        from worker.store import db

        with self.app.app_context():
            database = db.get()
            with db.transaction(database):
                return action(database)

    def account(self, address: str, active: bool = True):
        """The account of address, created if needed, with PASSWORD and no pending change."""
        from worker.store import accounts

        def action(database):
            account = accounts.by_email(database, address)
            if account is None:
                account = accounts.create(database, address, self.password_hash, IDENTITY)
            if active and not account.active:
                account = accounts.activate(database, account)
            accounts.set_password(database, account.id, self.password_hash)
            database.execute("UPDATE accounts SET pending_email = NULL WHERE id = ?", [account.id])
            return accounts.by_id(database, account.id)

        return self.run(action)

    def sign_in(self, address: str) -> None:
        """A fresh server-side session for the client, without the cost of a login."""
        from worker.store import sessions

        account = self.account(address)
        sid = self.run(lambda database: sessions.open_session(database, account.id))
        with self.client.http.session_transaction() as session:
            session["sid"] = sid

    def token(self, purpose: str, account_id: int, state: str) -> str:
        from worker.rules import tokens

        with self.app.app_context():
            return tokens.make(tokens.Purpose[purpose], account_id, state)

    def reset_link_token(self) -> str:
        from worker.rules import tokens

        account = self.account(LOGIN)
        return self.token("RESET", account.id, tokens.reset_state(account))

    def activation_token(self) -> str:
        from worker.rules import tokens

        account = self.account(f"activation{next(self.serial)}@example.fr", active=False)
        return self.token("ACTIVATE", account.id, tokens.activation_state(account))

    def forget_failures(self, identifier: str, address: str) -> None:
        def action(database):
            database.execute("DELETE FROM login_failures")  # also the account's counters

        self.run(action)

    def csrf(self, client: FormClient, url: str) -> str:
        """The token of the page's form, or of the login page when the page has none."""
        page = client.get(url)
        check_page(page, url)
        found = TOKEN.search(page.get_data(as_text=True))
        return found.group(1) if found else client.token("/espace-candidat/connexion")


def check_page(response, url: str, *, form_page: bool = False) -> None:
    """Never a 5xx; an HTML page or a redirect; a form error shows the error summary."""
    status = response.status_code
    body = response.get_data(as_text=True)
    assert status < 500, f"{status} on {url!r}: {text(response)[:500]}"
    assert status >= 200, status
    if 300 <= status < 400:
        assert response.headers.get("Location"), f"{status} without Location on {url!r}"
        return
    assert response.mimetype == "text/html", (status, response.mimetype, url)
    assert body.lstrip().lower().startswith("<!doctype html>"), body[:200]
    assert "Erreur du service" not in body
    if status == 400 and form_page:
        assert errors(response), f"400 without an error summary on {url!r}: {text(response)[:300]}"
        assert "<title>Erreur :" in body
    if status == 429:
        assert "Trop de tentatives" in text(response)
        assert 0 < int(response.headers["Retry-After"]) <= 15 * 60


# --- the routes ----------------------------------------------------------------------------


@dataclass
class Route:
    name: str
    fields: list[str]
    # A form that must succeed with a valid token (or a function of the harness giving it).
    valid: st.SearchStrategy | Callable | None = None
    success: tuple[int, ...] = (303,)  # the status of a successful post
    signed_in: bool = False
    form_page: bool = True  # a 400 is always the form with its error summary
    path: Callable = None  # (harness, draw) -> the URL posted to

    def url(self, harness: Harness, draw) -> str:
        return self.path(harness, draw)

    def valid_form(self, harness: Harness) -> st.SearchStrategy | None:
        if self.valid is None or isinstance(self.valid, st.SearchStrategy):
            return self.valid
        return self.valid(harness)


def fixed(url: str):
    return lambda harness, draw: url


def login_url(harness: Harness, draw) -> str:
    target = draw(st.one_of(st.none(), value, st.sampled_from([
        "/espace-candidat/messages", "//evil.example/", "https://evil.example/", "/\\evil.example",
        "/\r\nSet-Cookie: x=1", "/\r", "/%0d%0aX: y", "/\x00", "/espace-candidat/?a=\u202e",
    ])))  # fmt: skip
    base = "/espace-candidat/connexion"
    return base if target is None else f"{base}?{urlencode({'next': target})}"


def random_token_url(prefix: str, purpose: str):
    def path(harness: Harness, draw) -> str:
        account = harness.account(LOGIN)
        real = harness.token(purpose, account.id, "x")
        kind = draw(st.sampled_from(["text", "like", "mutated", "other-purpose", "no-account"]))
        if kind == "text":
            token = draw(st.text(ANY, min_size=1, max_size=80))
        elif kind == "like":
            token = draw(st.from_regex(r"[\w-]{1,40}\.[\w-]{0,8}\.[\w-]{0,30}", fullmatch=True))
        elif kind == "mutated":
            at = draw(st.integers(0, len(real) - 1))
            token = real[:at] + draw(st.sampled_from("A_-.0z")) + real[at + 1 :]
        elif kind == "other-purpose":
            other = "EMAIL" if purpose != "EMAIL" else "RESET"
            token = harness.token(other, account.id, "x")
        else:
            token = harness.token(purpose, 10**6, "x")
        return prefix + quote(token, safe="")

    return path


def valid_login(harness: Harness):
    account = harness.account(LOGIN)
    return st.fixed_dictionaries(
        {"login": st.sampled_from([LOGIN, LOGIN.upper(), f" {account.candidate_number} "]),
         "password": st.just(PASSWORD)}
    )  # fmt: skip


ROUTES = [
    Route("signup", SIGNUP_FIELDS, valid_signup(), path=fixed("/espace-candidat/creer-un-compte")),
    Route("login", ["login", "password"], valid_login, path=login_url),
    Route(
        "forgotten",
        ["login"],
        st.fixed_dictionaries({"login": st.one_of(email, st.sampled_from([LOGIN, "02600000001"]))}),
        path=fixed("/espace-candidat/mot-de-passe-oublie"),
    ),
    Route(
        "new-password-random-token",
        ["password", "password_confirm"],
        form_page=False,
        path=random_token_url("/espace-candidat/nouveau-mot-de-passe/", "RESET"),
    ),
    Route(
        "new-password",
        ["password", "password_confirm"],
        strong_password.map(lambda p: {"password": p, "password_confirm": p}),
        path=lambda harness, draw: (
            "/espace-candidat/nouveau-mot-de-passe/" + harness.reset_link_token()
        ),
    ),
    Route(
        "activation-random-token",
        [],
        form_page=False,
        path=random_token_url("/espace-candidat/activer/", "ACTIVATE"),
    ),
    Route(
        "activation",
        [],
        st.just({}),
        success=(200,),
        path=lambda harness, draw: "/espace-candidat/activer/" + harness.activation_token(),
    ),
    Route("logout", [], st.just({}), form_page=False, path=fixed("/espace-candidat/deconnexion")),
    Route(
        "identity",
        IDENTITY_FIELDS,
        valid_identity(),
        signed_in=True,
        path=fixed("/espace-candidat/compte/identite"),
    ),
    Route(
        "email",
        ["email", "email_confirm", "current_password"],
        email.map(lambda a: {"email": a, "email_confirm": a.upper(), "current_password": PASSWORD}),
        success=(200,),
        signed_in=True,
        path=fixed("/espace-candidat/compte/adresse"),
    ),
    Route(
        "password",
        ["current_password", "password", "password_confirm"],
        strong_password.map(
            lambda p: {"current_password": PASSWORD, "password": p, "password_confirm": p}
        ),
        signed_in=True,
        path=fixed("/espace-candidat/compte/mot-de-passe"),
    ),
    Route(
        "delete",
        [],
        st.just({}),
        success=(200,),
        signed_in=True,
        path=fixed("/espace-candidat/compte/supprimer"),
    ),
]

CSRF_KINDS = ["valid", "valid", "valid", "missing", "garbage", "twice", "twice-reversed", "foreign"]
ADDRESSES = st.one_of(st.just("127.0.0.1"), st.ip_addresses().map(str))


@pytest.fixture
def cheap_hashing(monkeypatch):
    """argon2 with minimal cost: the fuzz tests forms, not the hash (same code paths)."""
    from worker.rules import passwords

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", cheap)
    monkeypatch.setattr(passwords, "_DUMMY", cheap.hash("un mot de passe qui ne sert à rien"))


@pytest.fixture
def harness(tmp_path, site_dir, mailbox, cheap_hashing):
    app = make_app(tmp_path / "data", site_dir, mailbox, SMTP_HOST="")  # mails stay queued
    yield Harness(app)
    stop_mail(app)


def post_form(harness: Harness, route: Route, data):
    """Draw and post one example; returns the response."""
    if route.signed_in:
        harness.sign_in(SIGNED_IN)
    url = route.url(harness, data.draw)
    valid = route.valid_form(harness)
    choices = [("random", random_form(route.fields))]
    if valid is not None:
        choices += [("mutated", mutated(valid, route.fields)), ("valid", valid)]
    kind = data.draw(st.sampled_from([k for k, _ in choices]), label="form kind")
    form = data.draw(dict(choices)[kind], label="form")
    csrf_kind = data.draw(st.sampled_from(CSRF_KINDS), label="csrf")
    address = data.draw(ADDRESSES, label="REMOTE_ADDR")
    token = harness.csrf(harness.client, url)
    if csrf_kind == "valid":
        form["csrf_token"] = token
    elif csrf_kind == "garbage":
        form["csrf_token"] = data.draw(value, label="csrf token")
    elif csrf_kind == "twice":
        form["csrf_token"] = [token, data.draw(value, label="csrf token")]
    elif csrf_kind == "twice-reversed":
        form["csrf_token"] = [data.draw(value, label="csrf token"), token]
    elif csrf_kind == "foreign":
        form["csrf_token"] = harness.csrf(harness.other, "/espace-candidat/connexion")
    if route.name == "login" and kind == "valid":
        harness.forget_failures(form["login"], address)  # earlier failures must not block it
    response = harness.client.http.post(url, data=form, environ_base={"REMOTE_ADDR": address})
    check_page(response, url, form_page=route.form_page)
    if kind == "valid" and csrf_kind == "valid":
        assert response.status_code in route.success, (
            f"a valid form was refused ({response.status_code}): {errors(response)}"
            f" {text(response)[:300]}"
        )
    return response


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_form_posts_never_fail(harness, route):
    outcomes: Counter = Counter()

    @fuzz_settings(examples=100)
    @given(data=st.data())
    def post_anything(data):
        outcomes[post_form(harness, route, data).status_code] += 1

    post_anything()
    # Both sides of the form were reached: refusals, and (when it has one) its success.
    if route.valid is not None:
        assert set(route.success) & set(outcomes), f"no success on {route.name}: {outcomes}"
    if route.form_page:
        assert 400 in outcomes, outcomes


RAW_BODIES = [
    b"\xff\xfe\xfd", b"login=\xc3\x28&password=\xed\xa0\x80", b"%ff%fe=%c3%28&login=%ff",
    b"login=%&password=%zz", b"=&=&&;;", b"\x00" * 64, b"login[]=a&login[]=b",
    b"--zz\r\nContent-Disposition: form-data; name=\"login\"\r\n\r\n\xff\r\n--zz--\r\n",
    b"--zz\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\nx\r\n",
    b'{"login": "a@example.fr", "password": "x"}', b"\xef\xbb\xbflogin=a",
]  # fmt: skip
CONTENT_TYPES = [
    None, "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=latin-1",
    "application/x-www-form-urlencoded; charset=utf-16", "multipart/form-data",
    "multipart/form-data; boundary=zz", "multipart/form-data; boundary=", "application/json",
    "text/plain", "text/html; charset=utf-8", "application/octet-stream",
]  # fmt: skip


def test_raw_bodies_never_fail(harness):
    outcomes: Counter = Counter()

    @fuzz_settings(examples=300)
    @given(data=st.data())
    def post_raw(data):
        route = data.draw(st.sampled_from(ROUTES), label="route")
        if route.signed_in:
            harness.sign_in(SIGNED_IN)
        url = route.url(harness, data.draw)
        body = data.draw(st.one_of(st.sampled_from(RAW_BODIES), st.binary(max_size=300)))
        if data.draw(st.booleans(), label="with a valid token"):
            body = b"csrf_token=" + harness.csrf(harness.client, url).encode() + b"&" + body
        content_type = data.draw(
            st.one_of(
                st.sampled_from(CONTENT_TYPES),
                st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60),
            ),
            label="content type",
        )
        response = harness.client.http.post(url, data=body, content_type=content_type)
        check_page(response, url)
        outcomes[response.status_code] += 1

    post_raw()
    assert 400 in outcomes, outcomes


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_oversized_form_is_refused_politely(harness, content_type):
    """Over MAX_CONTENT_LENGTH (1 Mio by default): 413 with a French page, whatever the type."""
    url = "/espace-candidat/connexion"
    form = {"csrf_token": harness.csrf(harness.client, url), "login": "a" * 1_100_000}
    response = harness.client.http.post(url, data=form, content_type=content_type)
    check_page(response, url)
    assert response.status_code == 413
    assert "Envoi trop volumineux" in text(response)


@pytest.mark.parametrize("target", ["/\r", "/\n", "/\r\nSet-Cookie: x=1"])
def test_login_next_with_a_line_break_is_ignored(harness, target):
    """Found by the fuzz test: POST /espace-candidat/connexion?next=%2F%0D, valid login."""
    harness.account(LOGIN)
    url = f"/espace-candidat/connexion?{urlencode({'next': target})}"
    response = harness.client.submit(url, {"login": LOGIN, "password": PASSWORD})
    check_page(response, url)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/espace-candidat/")
