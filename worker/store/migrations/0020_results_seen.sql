-- « Mes notes »: when the candidate last opened their published marks, so that the card
-- tells them of marks published since (the guides: « un message d'information dans mon
-- espace candidat »).
ALTER TABLE applications ADD COLUMN results_seen_at TEXT;
