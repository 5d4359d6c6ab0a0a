-- Guided diagnosis at plant scale (issue 11): the text index's postings as compressed blocks per
-- term (store/diagnosis_blocks.rs) instead of one row per (term, work order) (0019): a common
-- word is a few hundred rows instead of hundreds of thousands, and the index below tells each
-- block's rid range and best BM25 contribution (largest occurrences, shortest length) without
-- reading it, so a search skips the blocks that cannot change its top k.
--
-- Per term, runs of postings sorted by work order rid: rids as distances, occurrences × 2 +
-- evidence flag, document length and asset, each a varint. Blocks of one term never overlap.
CREATE TABLE diag_blocks (
    id INTEGER PRIMARY KEY,
    term INTEGER NOT NULL,
    first_rid INTEGER NOT NULL,
    last_rid INTEGER NOT NULL,
    count INTEGER NOT NULL,
    max_tf INTEGER NOT NULL,
    min_len INTEGER NOT NULL,
    -- Postings of closed breakdowns with a cause (evidence) in the block.
    evidence INTEGER NOT NULL,
    postings BLOB NOT NULL
);
CREATE INDEX diag_blocks_term
    ON diag_blocks(term, first_rid, last_rid, max_tf, min_len, evidence);

-- The rows of 0019's diag_postings are converted into blocks by the first catch-up of the text
-- index (in Rust, a run of terms per step from `next_term` on); it then drops diag_postings and
-- this table. Nothing reads or writes postings until then.
CREATE TABLE diag_blocks_conversion (next_term INTEGER NOT NULL);
INSERT INTO diag_blocks_conversion(next_term) VALUES (0);
