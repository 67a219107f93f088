-- The back office's search and lists at scale (issue 10): every search, list and count
-- goes through an index, none scans the applications of every académie.
--
-- search_terms holds, for every application, the normalised words it is found by
-- (lower case, accents stripped: family, usual and given names word by word and joined,
-- the email address, the candidate number, the application's number), with its académie
-- first so that a staff member's search reads only their académies' keys. A search word
-- is a prefix, read as a range (term >= 'dup' AND term < 'duq'), which a plain B-tree
-- index serves on SQLite and PostgreSQL alike (there, declare term and sort_key
-- COLLATE "C", the byte order SQLite's BINARY has). applications.sort_key is the
-- normalised « family name, given names » the lists are ordered by, per académie.
-- Both are written with the rows they derive from (worker/store/search_keys.py); the
-- rows already there are filled by the Python step of this migration (worker/store/db.py).

CREATE TABLE search_terms (
    application_id INTEGER NOT NULL REFERENCES applications (id),
    academy TEXT NOT NULL,
    term TEXT NOT NULL,
    PRIMARY KEY (application_id, term)
);

CREATE INDEX search_terms_scope ON search_terms (academy, term, application_id);

ALTER TABLE applications ADD COLUMN sort_key TEXT NOT NULL DEFAULT '';

-- In name order per académie, with what the lists filter on: a filtered page is read from
-- the index alone.
CREATE INDEX applications_sorted ON applications (academy, sort_key, id, exam, session, status);
-- One exam session's applications in one state, in name order (the dashboard's links),
-- and one state's (« Écartée », rarer than a page in a thousand).
CREATE INDEX applications_group_sorted
    ON applications (academy, exam, session, status, sort_key, id);
CREATE INDEX applications_status_sorted ON applications (academy, status, sort_key, id);

-- How many applications each exam session of each académie has in each state: the lists'
-- totals, the sessions' choice lists and the dashboard read these few rows instead of
-- counting applications. Kept by the store in the transaction of every change of an
-- application's state (worker/store/applications.py).
CREATE TABLE application_counts (
    academy TEXT NOT NULL,
    exam TEXT NOT NULL,
    session TEXT NOT NULL,
    status TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (academy, exam, session, status)
);

INSERT INTO application_counts (academy, exam, session, status, count)
    SELECT academy, exam, session, status, count(*) FROM applications
    GROUP BY academy, exam, session, status;

-- A piece carries the exam session of its application (« académie|examen|session », the
-- key of worker.store.applications.Group) while that application is registered, NULL once
-- it is withdrawn or rejected: the « À traiter » queue and the dashboard's counts read one
-- session's pieces from these counts and this index alone.
ALTER TABLE pieces ADD COLUMN group_key TEXT;

UPDATE pieces SET group_key = (
    SELECT ap.academy || '|' || ap.exam || '|' || ap.session FROM applications ap
    WHERE ap.id = pieces.application_id AND ap.status = 'registered'
);

-- The queue itself: pieces validated since the last decision, oldest first.
-- (status_at is in it too, so that the planner sees it answers the condition alone.)
CREATE INDEX pieces_pending ON pieces (group_key, validated_at, id, status_at)
    WHERE group_key IS NOT NULL AND validated_at IS NOT NULL
    AND (status_at IS NULL OR validated_at > status_at);

-- How many pieces of each session's registered applications are in each state, by piece
-- (the state as worker.store.piece_counts.STATE_SQL derives it: to check, new deposit, or the
-- office's status): the queue's and the dashboard's counts. Kept by the store around every
-- change of a piece or of its application's state (worker/store/piece_counts.py).
CREATE TABLE piece_counts (
    group_key TEXT NOT NULL,
    code TEXT NOT NULL,
    state TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (group_key, code, state)
);

INSERT INTO piece_counts (group_key, code, state, count)
    SELECT group_key, code, CASE WHEN validated_at IS NOT NULL
        AND (status_at IS NULL OR validated_at > status_at)
        THEN (CASE WHEN status_at IS NULL THEN 'a_controler' ELSE 'nouveau_depot' END)
        ELSE status END, count(*)
    FROM pieces WHERE group_key IS NOT NULL
    GROUP BY group_key, code, CASE WHEN validated_at IS NOT NULL
        AND (status_at IS NULL OR validated_at > status_at)
        THEN (CASE WHEN status_at IS NULL THEN 'a_controler' ELSE 'nouveau_depot' END)
        ELSE status END;

-- Whether any piece of the application holds a file not removed: the dashboard's
-- « aucun fichier déposé » is a range of this partial index, in name order.
ALTER TABLE applications ADD COLUMN has_file INTEGER NOT NULL DEFAULT 0;

UPDATE applications SET has_file = 1 WHERE EXISTS (
    SELECT 1 FROM pieces p JOIN piece_files f ON f.piece_id = p.id
    WHERE p.application_id = applications.id AND f.removed_at IS NULL
);

CREATE INDEX applications_idle
    ON applications (academy, exam, session, sort_key, id, status, has_file)
    WHERE status = 'registered' AND has_file = 0;

-- The audit log screen: per académie newest first, filtered by staff member (also a
-- member's own entries, académie ''), by action, or by candidate.
CREATE INDEX audit_scope ON audit (academy, id);
CREATE INDEX audit_staff ON audit (academy, staff_id, id);
CREATE INDEX audit_action ON audit (academy, action, id);
CREATE INDEX audit_account ON audit (account_id, id);
