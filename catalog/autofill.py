"""The HTML standard's autofill detail tokens: what a wizard field's ``autocomplete`` may say.

WCAG 1.3.5 (« Identify input purpose ») asks that a field collecting the user's own data
say what it is for, with these tokens
(https://html.spec.whatwg.org/multipage/form-control-infrastructure.html#autofill):
``on`` or ``off`` alone, or an optional ``section-…``, an optional ``shipping`` or
``billing``, then a field name, a contact field name (``tel``, ``email``…) being
optionally preceded by its contact type (``mobile tel``), and an optional ``webauthn``.
"""

from __future__ import annotations

import difflib

FIELD_NAMES = frozenset((
    "name", "honorific-prefix", "given-name", "additional-name", "family-name",
    "honorific-suffix", "nickname", "username", "new-password", "current-password",
    "one-time-code", "organization-title", "organization", "street-address", "address-line1",
    "address-line2", "address-line3", "address-level4", "address-level3", "address-level2",
    "address-level1", "country", "country-name", "postal-code", "cc-name", "cc-given-name",
    "cc-additional-name", "cc-family-name", "cc-number", "cc-exp", "cc-exp-month",
    "cc-exp-year", "cc-csc", "cc-type", "transaction-currency", "transaction-amount",
    "language", "bday", "bday-day", "bday-month", "bday-year", "sex", "url", "photo",
))  # fmt: skip
CONTACT_FIELD_NAMES = frozenset((
    "tel", "tel-country-code", "tel-national", "tel-area-code", "tel-local",
    "tel-local-prefix", "tel-local-suffix", "tel-extension", "email", "impp",
))  # fmt: skip
CONTACT_TYPES = frozenset(("home", "work", "mobile", "fax", "pager"))
MODES = frozenset(("shipping", "billing"))
CHOICE_TYPES = ("radio", "yesno", "checkbox")  # buttons and boxes to tick: no autofill


def is_valid(value: str) -> bool:
    """Whether ``value`` is a list of autofill detail tokens of the HTML standard."""
    tokens = value.lower().split()
    if tokens in (["on"], ["off"]):
        return True
    if tokens[-1:] == ["webauthn"]:
        tokens = tokens[:-1]
    if tokens and tokens[0].startswith("section-"):
        tokens = tokens[1:]
    if tokens and tokens[0] in MODES:
        tokens = tokens[1:]
    if len(tokens) == 2 and tokens[0] in CONTACT_TYPES:
        return tokens[1] in CONTACT_FIELD_NAMES
    return len(tokens) == 1 and tokens[0] in FIELD_NAMES | CONTACT_FIELD_NAMES


def problem(value: str, field_type: str) -> str:
    """What is wrong with a field's ``autocomplete``, in French, or "" if nothing."""
    if not value:
        return ""
    if field_type in CHOICE_TYPES:
        return f"autocomplete ne s'applique pas à un champ de type {field_type}"
    if is_valid(value):
        return ""
    close = difflib.get_close_matches(value.lower(), sorted(FIELD_NAMES | CONTACT_FIELD_NAMES), 1)
    guess = f" ; vouliez-vous dire « {close[0]} » ?" if close else ""
    return (
        f"autocomplete « {value} » inconnu de la norme HTML (par exemple « address-line1 », "
        f"« postal-code », « tel », « email » : voir content/README.md){guess}"
    )
