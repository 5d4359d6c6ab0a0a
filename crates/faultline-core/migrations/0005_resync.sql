-- Resync after the hub's history moved past our cursor: while `resyncing` is set, every pulled
-- record's id is noted in sync_seen; when the full pull ends, local records the hub no longer
-- has (and that hold no pending local change) are removed. Migrations are only ever added.
ALTER TABLE sync_state ADD COLUMN resyncing INTEGER NOT NULL DEFAULT 0;
CREATE TABLE sync_seen (id TEXT PRIMARY KEY) WITHOUT ROWID;
