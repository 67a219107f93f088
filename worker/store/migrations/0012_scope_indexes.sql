-- The back office reads applications by académie (every list, count and export is scoped
-- to the staff member's académies), then by exam session and state: without an index,
-- each of them scanned the whole table.
CREATE INDEX applications_scope ON applications (academy, exam, session, status);
