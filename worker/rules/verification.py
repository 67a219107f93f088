"""Verification codes of the issued documents: short, signed, typed by a person.

A code is the document's key (6 characters) followed by a truncated HMAC-SHA256 of it (9
characters, 45 bits) under the verification key, in Crockford's base32 (no I, L, O or U:
nothing to misread), printed in three groups of five: « 0000K-7M2QX-9D4HB ». A typed
code is checked against the keys before any lookup, so a forged or mistyped one costs no
query; the database then only confirms what the key already proved. Rotation: codes made
under a previous key (``VERIFY_KEYS_OLD``) stay valid.

The document key is a random number drawn before the PDF is rendered (``new_key``), so
that a document can be rendered and written before its row exists, outside the write
lock (issue 17). Documents issued before that carry their row id as their key; both kinds
are found by their printed code, which the database keeps unique.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ID_CHARS = 6
MAC_CHARS = 9
LENGTH = ID_CHARS + MAC_CHARS
GROUP = 5
MAX_ID = len(ALPHABET) ** ID_CHARS - 1
# What people type for what they read (Crockford): O for 0, I and L for 1.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _encode(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, digit = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[digit])
    return "".join(reversed(digits))


def _decode(text: str) -> int:
    number = 0
    for char in text:
        number = number * len(ALPHABET) + ALPHABET.index(char)
    return number


def _mac(document_id: int, key: str) -> str:
    digest = hmac.new(
        key.encode(), f"portail-verify:{document_id}".encode(), hashlib.sha256
    ).digest()
    return _encode(int.from_bytes(digest[:8]) >> (64 - 5 * MAC_CHARS), MAC_CHARS)


def grouped(raw: str) -> str:
    """« 0000K7M2QX9D4HB » → « 0000K-7M2QX-9D4HB »."""
    return "-".join(raw[i : i + GROUP] for i in range(0, len(raw), GROUP))


def new_key() -> int:
    """A random document key for a code (1 … MAX_ID, about 30 bits): the caller makes sure
    no issued document already prints the same code."""
    return secrets.randbelow(MAX_ID) + 1


def make_code(document_id: int, key: str) -> str:
    """The printed code of the document whose key is ``document_id``, grouped."""
    if not 0 < document_id <= MAX_ID:
        raise ValueError(f"document id out of range for a code: {document_id}")
    return grouped(_encode(document_id, ID_CHARS) + _mac(document_id, key))


def normalize(typed: str) -> str | None:
    """The code as typed (any case, spaces or dashes, O for 0…) in its raw form, or None
    when it cannot be one."""
    raw = "".join(typed.split()).replace("-", "").upper().translate(_READ_AS)
    if len(raw) != LENGTH or any(char not in ALPHABET for char in raw):
        return None
    return raw


def document_id(typed: str, keys: Sequence[str]) -> int | None:
    """The document key a code carries, if its signature holds under one of ``keys`` (the
    row id for documents issued before issue 17, a random key since)."""
    raw = normalize(typed)
    if raw is None:
        return None
    number = _decode(raw[:ID_CHARS])
    if number == 0:
        return None
    mac = raw[ID_CHARS:]
    if any(hmac.compare_digest(mac, _mac(number, key)) for key in keys):
        return number
    return None


def mask_last_name(last_name: str) -> str:
    """« DURAND » → « D***** »: enough to recognise a document, not to learn a name."""
    name = "".join(last_name.split())
    return name[:1].upper() + "*" * max(len(name) - 1, 0)


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
