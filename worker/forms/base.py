"""What every portal form shares (WTForms): the base form, the validators, ConfirmForm.

Every form binds only the fields it declares; nothing else of the request reaches the
data layer. Inputs are trimmed and Unicode-normalised (NFC) before validation. The
account forms are in ``forms.account``, the wizard's step forms in ``forms.wizard``.
"""

from __future__ import annotations

import hmac
import secrets
import unicodedata
from collections.abc import Callable, Iterator, MutableMapping
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app, g, request, session
from markupsafe import Markup
from wtforms import Form, PasswordField, RadioField, ValidationError
from wtforms.csrf.session import SessionCSRF

from worker.forms import rendering
from worker.rules import glyphs, passwords
from worker.rules.dates import parse_birth_date

CIVILITIES = [("MME", "Madame"), ("M", "Monsieur")]
CSRF_EXPIRED = (
    "Le formulaire a expiré ou a été ouvert ailleurs : vérifiez vos saisies et renvoyez-le."
)


def clean(value):
    """Trimmed, NFC, without NUL characters (never typed, and PostgreSQL refuses them)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.strip()).replace("\x00", "")
    return value


def _signature(key: bytes, secret: str, expires: str) -> str:
    """SessionCSRF's HMAC-SHA1 of the session's secret and the expiry, signed with
    OpenSSL's one-shot HMAC instead of ``hmac.new`` over a Python ``sha1`` wrapper."""
    return hmac.digest(key, f"{secret}{expires}".encode(), "sha1").hex()


class PortailCSRF(SessionCSRF):
    """SessionCSRF's tokens (« expiry ## signature »), signed by ``_signature`` and
    compared in constant time."""

    def generate_csrf_token(self, csrf_token_field) -> str:
        return _token(self.form_meta.csrf_secret, self.session, self.now() + self.time_limit)

    def validate_csrf_token(self, form, field) -> None:
        if not field.data or "##" not in field.data or "csrf" not in self.session:
            raise ValidationError(field.gettext("CSRF token missing."))
        expires, signature = field.data.split("##", 1)
        expected = _signature(self.form_meta.csrf_secret, self.session["csrf"], expires)
        if not hmac.compare_digest(expected.encode(), signature.encode()):
            raise ValidationError(field.gettext("CSRF failed."))
        if self.now().strftime(self.TIME_FORMAT) > expires:
            raise ValidationError(field.gettext("CSRF token expired."))


def _token(key: bytes, context: MutableMapping, expires: datetime) -> str:
    """A token of the session ``context`` (its secret made on first use) until ``expires``."""
    if "csrf" not in context:
        context["csrf"] = secrets.token_hex(20)
    stamp = expires.strftime(SessionCSRF.TIME_FORMAT)
    return f"{stamp}##{_signature(key, context['csrf'], stamp)}"


class PortailForm(Form):
    class Meta:
        csrf = True
        csrf_class = PortailCSRF
        csrf_time_limit = timedelta(hours=4)
        locales = ("fr_FR", "fr")

        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", ())
            if unbound_field.field_class is not PasswordField:
                options["filters"] = (clean, *filters)
            return unbound_field.bind(form=form, **options)

        def render_field(self, field, render_kw):
            return rendering.render_field(field, render_kw)

    @classmethod
    def from_request(cls, **kwargs):
        """The form bound to this request's POST data (or empty on GET)."""
        formdata = request.form if request.method == "POST" else None
        return cls(formdata=formdata, meta=_csrf_meta(), **kwargs)

    def submitted(self) -> bool:
        """Posted and valid: the view may act on it."""
        return request.method == "POST" and self.validate()

    @classmethod
    def blank(cls, data: dict | None = None):
        """An unbound form, maybe filled with data."""
        return cls(formdata=None, meta=_csrf_meta(), data=data)

    def error_list(self) -> list[tuple[str, str]]:
        """(field id, message) of every error, in the order of the form, for the summary."""
        found = []
        for field in self:
            if field.errors:
                if field.name == "csrf_token":
                    found.append((self._first_field_id(), CSRF_EXPIRED))
                else:
                    # A fieldset cannot take focus: a radio group's link goes to its first radio.
                    target = f"{field.id}-0" if isinstance(field, RadioField) else field.id
                    found.append((target, field.errors[0]))
        return found

    def _first_field_id(self) -> str:
        return next((f.id for f in self if f.name != "csrf_token"), "contenu")


def _csrf_meta() -> dict:
    """What SessionCSRF reads: the key that signs tokens, the session that keeps the secret."""
    return {"csrf_secret": current_app.config["SECRET_KEY"].encode(), "csrf_context": session}


def session_token() -> str:
    """This session's CSRF token, as SessionCSRF computes it for a form, once per request."""
    token = g.get("session_token")
    if token is None:
        expires = datetime.now() + PortailForm.Meta.csrf_time_limit  # naive, as SessionCSRF's
        token = g.session_token = _token(
            current_app.config["SECRET_KEY"].encode(), session, expires
        )
    return token


@contextmanager
def tokens_rendered_as(slot: str, form: PortailForm) -> Iterator[None]:
    """Meanwhile, every token rendered (the form's, ``csrf_input``'s) is ``slot``."""
    kept = form.csrf_token.current_token
    form.csrf_token.current_token = g.session_token = slot
    try:
        yield
    finally:
        form.csrf_token.current_token = kept
        g.pop("session_token", None)


def csrf_input(**attributes) -> Markup:
    """The hidden token input of a button's form (« Se déconnecter » on every page), as a
    ConfirmForm renders it, without building one."""
    if not attributes:  # the token is digits, « # » and hexadecimal: nothing to escape
        return Markup(f'<input name="csrf_token" type="hidden" value="{session_token()}">')
    params = {"name": "csrf_token", "type": "hidden", "value": session_token(), **attributes}
    return Markup(f"<input {rendering.attributes(params)}>")


Message = str | Callable[[Form], str]  # a text, or what a form says in its own voice


def said(message: Message, form: Form) -> str:
    """The message's text, for this form (see ``forms.account.IdentityForm.voice``)."""
    return message(form) if callable(message) else message


def required(message: Message):
    def check(form, field):
        if not field.data or (isinstance(field.data, str) and not field.data.strip()):
            raise ValidationError(said(message, form))

    check.field_flags = {"required": True}
    return check


def same_as(other: str, message: Message):
    def check(form, field):
        if field.data != form[other].data:
            raise ValidationError(said(message, form))

    return check


def one_of(choices: list[tuple[str, str]], message: Message):
    allowed = {value for value, _label in choices}

    def check(form, field):
        if field.data not in allowed:
            raise ValidationError(said(message, form))

    return check


def max_length(size: int):
    def check(form, field):
        if field.data and len(field.data) > size:
            raise ValidationError(f"{size} caractères au maximum.")

    return check


NAME_MARKS = " -'’."  # besides letters (and their accents), in a family or given name


def person_name(form, field):
    """A name as civil status writes it: letters (accents included), spaces, hyphens,
    apostrophes and points; no digit, no symbol (« =HYPERLINK(… », « +Enzo-1 »)."""
    if any(
        unicodedata.category(c)[0] not in "LM" and c not in NAME_MARKS for c in field.data or ""
    ):
        raise ValidationError(
            "Utilisez seulement des lettres, des espaces, des tirets, des apostrophes"
            " et des points."
        )


def printable(form, field):
    """Text printed on a PDF document: only characters its fonts have (no emoji…)."""
    missing = glyphs.unprintable(field.data or "")
    if missing:
        shown = " ".join(missing[:5])
        raise ValidationError(
            f"Ces caractères ne peuvent pas être imprimés sur le document : {shown}."
            " Retirez-les ou remplacez-les."
        )


def email_address(form, field):
    if not field.data:
        return
    try:
        validate_email(field.data, check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError(
            "Saisissez une adresse électronique valide, par exemple prenom.nom@domaine.fr."
        ) from None


def strong_password(form, field):
    lacking = passwords.problems(field.data or "")
    if lacking:
        raise ValidationError("Le mot de passe doit contenir " + ", ".join(lacking) + ".")


def birth_date(form, field):
    if not field.data:
        return
    parsed = parse_birth_date(field.data)
    if parsed is None:
        raise ValidationError(
            "Saisissez la date de naissance au format JJ/MM/AAAA, par exemple 30/05/1999."
        )
    today = date.today()
    if not date(1900, 1, 1) <= parsed <= today - timedelta(days=365 * 5):
        raise ValidationError("Vérifiez l'année de naissance : cette date n'est pas plausible.")


class ConfirmForm(PortailForm):
    """A button that changes state (activation, deletion): only the CSRF token."""
