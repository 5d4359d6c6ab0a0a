-- Guided diagnosis at plant scale (issue 11), the text: every work order's tokens (the
-- diagnosis crate's shorthand tokens of title, description, remedy text, fault code and notes)
-- inverted into postings in the replica, so similar work orders (BM25), the symptom's nearest
-- closed breakdowns and the word model of each cause read only the postings of the query's words
-- (store/diagnosis_postings.rs). The tokens are computed in Rust, so, as for the totals of 0018,
-- triggers queue every written work order and note (`diag_text_dirty`, in the writing
-- transaction) and the reader applies the queue in one write transaction before it ranks. The
-- backfill is the queue: every work order, applied by the first catch-up (once, at upgrade).

CREATE TABLE diag_terms (
    id INTEGER PRIMARY KEY,
    term TEXT NOT NULL UNIQUE,
    -- Documents (not cancelled work orders) with the term.
    df INTEGER NOT NULL DEFAULT 0
);

-- Per term and not cancelled work order: occurrences, the document's length in tokens, its
-- asset and whether it is evidence for the cause ranking (a closed breakdown with a cause).
CREATE TABLE diag_postings (
    term INTEGER NOT NULL,
    rid INTEGER NOT NULL,
    tf INTEGER NOT NULL,
    len INTEGER NOT NULL,
    asset_rid INTEGER NOT NULL,
    evidence INTEGER NOT NULL,
    PRIMARY KEY (term, rid)
) WITHOUT ROWID;

-- Each work order as applied: its (term id, occurrences) pairs (little-endian u32 pairs).
CREATE TABLE diag_docs (
    rid INTEGER PRIMARY KEY,
    reported_at INTEGER NOT NULL,
    len INTEGER NOT NULL,
    cancelled INTEGER NOT NULL,
    cause TEXT,
    terms BLOB NOT NULL
);
CREATE INDEX diag_docs_time ON diag_docs(reported_at);

-- Per term and cause: occurrences in the cause's evidence texts (the word model).
CREATE TABLE diag_term_causes (
    term INTEGER NOT NULL,
    cause TEXT NOT NULL,
    tf INTEGER NOT NULL,
    PRIMARY KEY (term, cause)
) WITHOUT ROWID;

-- Documents and tokens: cause '' over every not cancelled work order (BM25's N and mean
-- length), else over the cause's evidence.
CREATE TABLE diag_text_totals (
    cause TEXT PRIMARY KEY,
    docs INTEGER NOT NULL,
    len INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE diag_text_dirty (rid INTEGER PRIMARY KEY);

CREATE TRIGGER diag_text_work_order_insert AFTER INSERT ON work_orders BEGIN
    INSERT INTO diag_text_dirty(rid) SELECT new.rid
        WHERE NOT EXISTS (SELECT 1 FROM diag_text_dirty WHERE rid = new.rid);
END;
CREATE TRIGGER diag_text_work_order_update AFTER UPDATE OF asset_rid, wo_type, status,
    reported_at, title, description, fault_code, cause_code, remedy_text ON work_orders BEGIN
    INSERT INTO diag_text_dirty(rid) SELECT new.rid
        WHERE NOT EXISTS (SELECT 1 FROM diag_text_dirty WHERE rid = new.rid);
END;
CREATE TRIGGER diag_text_work_order_delete AFTER DELETE ON work_orders BEGIN
    INSERT INTO diag_text_dirty(rid) SELECT old.rid
        WHERE NOT EXISTS (SELECT 1 FROM diag_text_dirty WHERE rid = old.rid);
END;
CREATE TRIGGER diag_text_note_insert AFTER INSERT ON notes BEGIN
    INSERT INTO diag_text_dirty(rid) SELECT new.work_order_rid
        WHERE NOT EXISTS (SELECT 1 FROM diag_text_dirty WHERE rid = new.work_order_rid);
END;
CREATE TRIGGER diag_text_note_update AFTER UPDATE OF text, work_order_rid ON notes BEGIN
    INSERT INTO diag_text_dirty(rid) SELECT new.work_order_rid
        WHERE NOT EXISTS (SELECT 1 FROM diag_text_dirty WHERE rid = new.work_order_rid);
    INSERT INTO diag_text_dirty(rid) SELECT old.work_order_rid
        WHERE NOT EXISTS (SELECT 1 FROM diag_text_dirty WHERE rid = old.work_order_rid);
END;
CREATE TRIGGER diag_text_note_delete AFTER DELETE ON notes BEGIN
    INSERT INTO diag_text_dirty(rid) SELECT old.work_order_rid
        WHERE NOT EXISTS (SELECT 1 FROM diag_text_dirty WHERE rid = old.work_order_rid);
END;

INSERT INTO diag_text_dirty(rid) SELECT rid FROM work_orders;
