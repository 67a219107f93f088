"""ASCII slugs of French text: anchors of guide headings, ids of messages, pupils' logins.

One function for all three, so that an anchor, an id and a login never fold an accent
differently. URLs are built from these slugs: a change here changes published addresses.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that NFKD does not decompose, spelled out rather than dropped (logins only).
_SPELLED_OUT = str.maketrans(
    {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ı": "i"}
)


def slugify(text: str, separator: str = "-", *, spell_out: bool = False) -> str:
    """ "J'ai besoin d'aide" → "j-ai-besoin-d-aide": lower-case ASCII letters and digits.

    spell_out (logins): « Bœuf » gives « boeuf », not « buf »; the text is case-folded
    before it is decomposed, so the few letter-like symbols whose decomposition is a
    capital (« ℂ », « ᴬ ») stay capitals, as pupils' logins always had them.
    """
    if spell_out:
        text = text.casefold().translate(_SPELLED_OUT)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    if not spell_out:
        ascii_text = ascii_text.lower()
    return re.sub(r"[^A-Za-z0-9]+", separator, ascii_text).strip(separator)


def ascii_word(text: str) -> str:
    """« Le Bœuf-Hélène » → « leboeufhelene »: a login's part, no separator at all."""
    return slugify(text, "", spell_out=True)
