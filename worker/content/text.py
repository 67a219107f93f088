"""What the files edited from the back office share: decoding, lines, a record's identity."""

from __future__ import annotations

import hashlib
import re

from worker.content.errors import Refused


def record_id(raw: str) -> str:
    """A row's or message's identity and version at once: a digest of its text."""
    return hashlib.blake2b(raw.rstrip("\r\n").encode(), digest_size=6).hexdigest()


def physical_lines(text: str) -> list[str]:
    """The lines of text, each with its own line ending (\\r\\n, \\n or \\r)."""
    return re.findall(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+\Z", text)


def newline_of(text: str) -> str:
    """The line ending new lines get: the file's own."""
    return "\r\n" if "\r\n" in text else "\n"


def decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused([f"{name} n'est pas enregistré en UTF-8 : corrigez le fichier."]) from None
