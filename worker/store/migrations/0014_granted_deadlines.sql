-- A deadline the exam office granted for one piece (a relance de pièces justificatives
-- names a new date): ISO 8601 UTC, or NULL for the period's own. The candidate may then
-- upload that piece until the later of the two (worker/rules/pieces.py).
ALTER TABLE pieces ADD COLUMN granted_until TEXT;
