"""Signed links (activation, password reset, email change) with itsdangerous.

Each purpose has its own salt, so a link of one purpose is worthless for another. The
payload carries a fingerprint of the state the link changes (status, password hash,
pending address): once used, the state differs and the link dies, together with every
other link of the same purpose. Old keys in SECRET_KEYS_OLD are still accepted.
"""

from __future__ import annotations

import hashlib
from enum import Enum

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from worker.store.accounts import Account


class Purpose(Enum):
    ACTIVATE = "activer-compte"
    RESET = "reinitialiser-mot-de-passe"
    EMAIL = "changer-adresse"


class TokenError(Exception):
    """The link is unusable; ``reason`` is "expired", "invalid" or "used"."""

    def __init__(self, reason: str, account_id: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.account_id = account_id


def fingerprint(*state: str | None) -> str:
    return hashlib.sha256("\0".join(s or "" for s in state).encode()).hexdigest()[:24]


def activation_state(account: Account) -> str:
    """Changes when the account is activated (or re-created): activation links die."""
    return fingerprint("activation", account.status, account.created_at)


def reset_state(account: Account) -> str:
    """Changes with the password and the links epoch: every reset link dies once one is
    used, and on a later login, password or email change, or a newer link."""
    return fingerprint("reset", account.password_hash, str(account.links_epoch))


def email_state(account: Account) -> str:
    """Changes with the address, the pending one and the links epoch: confirmation links
    die once one is used, and on a later login, password or email change, or a newer link."""
    return fingerprint("email", account.email_key, account.pending_email, str(account.links_epoch))


def _serializer(purpose: Purpose) -> URLSafeTimedSerializer:
    keys = [*current_app.config["SECRET_KEYS_OLD"], current_app.config["SECRET_KEY"]]
    return URLSafeTimedSerializer(keys, salt=f"portail-candidat/{purpose.value}")


def make(purpose: Purpose, account_id: int, state: str) -> str:
    return _serializer(purpose).dumps([account_id, state])


def _account_of(purpose: Purpose, raw: bytes | None) -> int | None:
    """The account an expired (but genuine) link was made for, to explain what to do."""
    try:
        payload = _serializer(purpose).load_payload(raw)
    except Exception:
        return None
    if isinstance(payload, list) and payload and isinstance(payload[0], int):
        return payload[0]
    return None


def read(purpose: Purpose, token: str) -> tuple[int, str]:
    """(account id, state fingerprint) of a valid, unexpired link; TokenError otherwise."""
    max_age = current_app.config["TOKEN_MAX_AGE"]
    try:
        account_id, state = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenError("expired", _account_of(purpose, exc.payload)) from None
    except (BadSignature, ValueError, TypeError):
        raise TokenError("invalid") from None
    if not isinstance(account_id, int) or not 0 < account_id < 2**63 or not isinstance(state, str):
        raise TokenError("invalid")
    return account_id, state
