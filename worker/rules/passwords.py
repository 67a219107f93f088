"""The password policy of the guides, and argon2id hashing (argon2-cffi).

Policy (kept here only): 8 to 20 characters, at least one lowercase letter, one uppercase
letter and one special character.

Hashing follows OWASP's Password Storage Cheat Sheet for argon2id: 19 MiB of memory, 2
iterations, 1 lane (argon2-cffi's defaults, 64 MiB and 3 iterations over 4 lanes, cost
about four times as much CPU for no gain in that model). ``bench/login_bench.py``
measures what one core absorbs. A hash made with other parameters is upgraded at the
next successful login (``needs_rehash``).
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH, MAX_LENGTH = 8, 20
RULE = (
    f"{MIN_LENGTH} à {MAX_LENGTH} caractères, dont au moins une minuscule, une majuscule "
    "et un caractère spécial (par exemple . / ! * -)"
)

ARGON2 = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}  # memory in KiB
_hasher = PasswordHasher(**ARGON2)
# Verified when the account does not exist, so that an unknown login costs the same time.
_DUMMY = _hasher.hash("un mot de passe qui ne sert à rien")


def problems(password: str) -> list[str]:
    """What the password lacks, in French; empty when it follows the rule."""
    found = []
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        found.append(f"entre {MIN_LENGTH} et {MAX_LENGTH} caractères")
    if not any(c.islower() for c in password):
        found.append("une minuscule")
    if not any(c.isupper() for c in password):
        found.append("une majuscule")
    if all(c.isalnum() for c in password):
        found.append("un caractère spécial")
    return found


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than today's (upgrade it)."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def upgraded(password_hash: str, password: str) -> str | None:
    """After a successful check of ``password``: the hash to store instead, made with
    today's parameters, or None when ``password_hash`` already uses them. Computed before
    the write transaction (it costs a hash), stored only if the hash did not change
    meanwhile (``accounts.upgrade_hash``, ``staff.upgrade_hash``)."""
    return hash_password(password) if needs_rehash(password_hash) else None


def verify(password_hash: str | None, password: str) -> bool:
    """True when password matches; with no hash, spends the same time and says False."""
    try:
        return _hasher.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


STAFF_MIN_LENGTH = 12
STAFF_RULE = (
    f"au moins {STAFF_MIN_LENGTH} caractères, dont une minuscule, une majuscule, un chiffre "
    "et un caractère spécial"
)


def staff_problems(password: str) -> list[str]:
    """Exam office accounts reach thousands of files: a longer password, with a digit."""
    found = [p for p in problems(password) if not p.startswith("entre")]
    if len(password) < STAFF_MIN_LENGTH:
        found.insert(0, f"au moins {STAFF_MIN_LENGTH} caractères")
    if not any(c.isdigit() for c in password):
        found.append("un chiffre")
    return found
