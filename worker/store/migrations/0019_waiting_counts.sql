-- The session choice list of « À traiter » shows, for each session of the member's
-- académies, how many pieces await a decision: the sum of two states of its counts. Read
-- from the counts' primary key, that was every code and state of each session (about
-- twenty rows per session, and a lookup per row); this index holds the two states only,
-- with their count.
CREATE INDEX piece_counts_waiting ON piece_counts (group_key, count)
    WHERE state IN ('a_controler', 'nouveau_depot');
