-- The back office's duplicates (issue 11): an application whose person (normalised
-- name, birth date, birth place) already has a live application to the same exam and
-- session from another account is flagged at save time, with that other application.
-- A pair is shown to staff while both applications are live; rejecting one (the audited
-- close use case) settles it.

CREATE TABLE duplicates (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),   -- the one just saved
    other_id INTEGER NOT NULL REFERENCES applications (id),         -- the earlier one
    person_key TEXT NOT NULL,
    found_at TEXT NOT NULL,
    UNIQUE (application_id, other_id)
);

CREATE INDEX duplicates_other ON duplicates (other_id);

-- Reminders mailed before a deadline (`flask --app worker reminders send`): one row per
-- reminder sent, written in the same transaction as its mail, so a reminder is never
-- sent twice, even when a run dies half-way. key: « <application>|<group>|<days> ».
CREATE TABLE reminders_sent (
    key TEXT PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    sent_at TEXT NOT NULL
);
