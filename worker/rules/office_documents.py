"""The documents an exam office publishes for its candidates, by kind."""

from __future__ import annotations

# Documents a staff member uploads for one application (PDF only), by kind.
KINDS = {
    "convocation": "Convocation",
    "releve_notes": "Relevé de notes",
    "notification_amenagement": "Notification de mesures d'aménagement",
}
# Documents generated for a whole exam session from a title and a text.
BULK_KINDS = {"convocation": "Convocation", "notification": "Notification"}
