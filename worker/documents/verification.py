"""The verification block of an issued document: its signed code, the address of the
public page that checks it, and that address as a QR code (segno, an SVG handed to
Typst with a text alternative)."""

from __future__ import annotations

import io

import segno

from worker.documents.texts import text
from worker.rules import verification as codes


def block(document_id: int, key: str, base_url: str) -> dict[str, str]:
    """What ``layout.typ`` prints for the document ``document_id``."""
    code = codes.make_code(document_id, key)
    page = f"{base_url.rstrip('/')}/verifier/"
    url = page + code
    svg = io.BytesIO()
    segno.make(url, error="m").save(svg, kind="svg", border=0, xmldecl=False, svgns=True)
    return {
        "code": code,
        "url": url,
        "qr": svg.getvalue().decode(),
        "intro": text("verification", "intro").format(url=page),
        "alt": text("verification", "alt").format(url=url),
    }
