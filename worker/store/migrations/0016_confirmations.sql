-- The confirmation pages of the actions on a whole exam session (a message, documents,
-- relances) each carry a one-time token: the action records it in its own transaction,
-- so a double click on « Confirmer » or a page sent again does not act twice.
CREATE TABLE confirmations (
    token TEXT PRIMARY KEY,
    staff_id INTEGER NOT NULL REFERENCES staff (id),
    action TEXT NOT NULL,
    used_at TEXT NOT NULL
);
