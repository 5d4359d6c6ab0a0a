-- Diagnosis records keyed by their id (issue 11): two laptops appending to the same session
-- before they sync both write a record with the same seq, and the old key (session_rid, seq)
-- dropped the second one on every laptop that pulled it. Now `seq` is a Lamport number (one more
-- than the highest the writer knew for the session), records are read in (seq, recorded_at, id)
-- order — the same on every laptop — and nothing saved is lost.
CREATE TABLE diagnosis_records_by_id (
    session_rid INTEGER NOT NULL REFERENCES diagnosis_sessions(rid),
    seq INTEGER NOT NULL CHECK (seq >= 1),
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('answer', 'back')),
    step_id TEXT NOT NULL,
    answer TEXT CHECK (answer IS NULL OR json_valid(answer)),
    next_step TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at INTEGER NOT NULL,
    PRIMARY KEY (session_rid, seq, recorded_at, id)
) WITHOUT ROWID;
INSERT INTO diagnosis_records_by_id
    SELECT session_rid, seq, id, kind, step_id, answer, next_step, recorded_by, recorded_at
    FROM diagnosis_records;
DROP TRIGGER diagnosis_records_no_update;
DROP TRIGGER diagnosis_records_no_delete;
DROP TABLE diagnosis_records;
ALTER TABLE diagnosis_records_by_id RENAME TO diagnosis_records;
CREATE TRIGGER diagnosis_records_no_update BEFORE UPDATE ON diagnosis_records
BEGIN SELECT RAISE(ABORT, 'diagnosis records are append-only'); END;
CREATE TRIGGER diagnosis_records_no_delete BEFORE DELETE ON diagnosis_records
BEGIN SELECT RAISE(ABORT, 'diagnosis records are append-only'); END;
