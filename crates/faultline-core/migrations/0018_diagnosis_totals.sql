-- Guided diagnosis at plant scale (issue 11): what the cause ranking needs from the whole
-- history, kept in the replica so a live diagnosis reads bounded rows instead of every work
-- order (store/diagnosis_totals.rs).
--
-- The recency weight of a past breakdown factorises, 0.5^((at - t)/hl) = 0.5^(at/hl) · 2^(t/hl),
-- so per cell (site, model, equipment class) and cause the count and Σ 2^(t/hl) of the evidence
-- work orders (closed or completed breakdowns and correctives with a cause) give every level's
-- totals at any time after the newest row. The bundled SQLite has no pow(), so the sums are not
-- kept by triggers: triggers put the rowid of every written work order in `diag_dirty` (in the
-- writing transaction, for every write path: import, record API, sync apply), and the reader
-- applies the queue in one write transaction before it ranks (`Store::diagnosis_catch_up`).
-- `diag_evidence` mirrors each work order as it was applied, so an update or a delete takes out
-- exactly what was added. The backfill is the queue: every work order is in it after this
-- migration, and the first catch-up applies it (once, at upgrade).

-- One row per (site, model name, equipment class) combination of the evidence's assets.
CREATE TABLE diag_cells (
    id INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    model TEXT,
    class TEXT
);

-- Per cell and cause: the evidence count and Σ 2^(reported_at / (365 days)).
CREATE TABLE diag_cell_causes (
    cell INTEGER NOT NULL,
    cause TEXT NOT NULL,
    n INTEGER NOT NULL,
    w REAL NOT NULL,
    PRIMARY KEY (cell, cause)
) WITHOUT ROWID;

-- Per cell and cause: how many evidence work orders took a repair time (finish minus start, or
-- report) in each bucket (a quarter of a doubling of the minutes), for the median of the repair
-- time: the buckets' counts find the bucket of the median, and the rows of that bucket alone
-- (`diag_evidence_repair`) give it exactly.
CREATE TABLE diag_cell_repairs (
    cell INTEGER NOT NULL,
    cause TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (cell, cause, bucket)
) WITHOUT ROWID;

-- The evidence work orders as applied to the two tables above.
CREATE TABLE diag_evidence (
    rid INTEGER PRIMARY KEY,
    asset_rid INTEGER NOT NULL,
    cell INTEGER NOT NULL,
    cause TEXT NOT NULL,
    reported_at INTEGER NOT NULL,
    dur_ms INTEGER,
    bucket INTEGER,
    w REAL NOT NULL
);
CREATE INDEX diag_evidence_asset ON diag_evidence(asset_rid, reported_at);
CREATE INDEX diag_evidence_time ON diag_evidence(reported_at);
CREATE INDEX diag_evidence_cause ON diag_evidence(cause, reported_at);
CREATE INDEX diag_evidence_repair ON diag_evidence(cause, bucket, dur_ms, cell, reported_at)
    WHERE bucket IS NOT NULL;

-- Work orders written since the last catch-up.
CREATE TABLE diag_dirty (rid INTEGER PRIMARY KEY);

-- Every fault code and alarm code as written, with its matching key (NULL until the reader
-- computes it with the code normaliser), so the work orders that showed a code are found by
-- index instead of normalising every row.
CREATE TABLE diag_code_keys (
    raw TEXT PRIMARY KEY,
    key TEXT
) WITHOUT ROWID;
CREATE INDEX diag_code_keys_key ON diag_code_keys(key);

CREATE INDEX work_orders_fault_code ON work_orders(fault_code) WHERE fault_code IS NOT NULL;
CREATE INDEX fault_events_code_time ON fault_events(code, occurred_at);

-- The triggers insert only what is not queued yet (NOT EXISTS), not with INSERT OR IGNORE: the
-- outer statement's conflict clause overrides a trigger's (a sync pull's upsert made the
-- queue's primary key fail).
CREATE TRIGGER diag_work_order_insert AFTER INSERT ON work_orders BEGIN
    INSERT INTO diag_dirty(rid) SELECT new.rid
        WHERE NOT EXISTS (SELECT 1 FROM diag_dirty WHERE rid = new.rid);
    INSERT INTO diag_code_keys(raw) SELECT new.fault_code WHERE new.fault_code IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM diag_code_keys WHERE raw = new.fault_code);
END;
CREATE TRIGGER diag_work_order_update AFTER UPDATE OF asset_rid, wo_type, status, reported_at,
    started_at, finished_at, cause_code, fault_code ON work_orders BEGIN
    INSERT INTO diag_dirty(rid) SELECT new.rid
        WHERE NOT EXISTS (SELECT 1 FROM diag_dirty WHERE rid = new.rid);
    INSERT INTO diag_code_keys(raw) SELECT new.fault_code WHERE new.fault_code IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM diag_code_keys WHERE raw = new.fault_code);
END;
CREATE TRIGGER diag_work_order_delete AFTER DELETE ON work_orders BEGIN
    INSERT INTO diag_dirty(rid) SELECT old.rid
        WHERE NOT EXISTS (SELECT 1 FROM diag_dirty WHERE rid = old.rid);
END;
CREATE TRIGGER diag_asset_update AFTER UPDATE OF site_code, model_id, equipment_class ON assets
BEGIN
    INSERT INTO diag_dirty(rid) SELECT w.rid FROM work_orders w WHERE w.asset_rid = new.rid
        AND NOT EXISTS (SELECT 1 FROM diag_dirty d WHERE d.rid = w.rid);
END;
CREATE TRIGGER diag_model_update AFTER UPDATE OF model ON asset_models BEGIN
    INSERT INTO diag_dirty(rid)
        SELECT w.rid FROM work_orders w JOIN assets a ON a.rid = w.asset_rid
        WHERE a.model_id = new.id AND NOT EXISTS (SELECT 1 FROM diag_dirty d WHERE d.rid = w.rid);
END;
CREATE TRIGGER diag_alarm_insert AFTER INSERT ON fault_events BEGIN
    INSERT INTO diag_code_keys(raw) SELECT new.code
        WHERE NOT EXISTS (SELECT 1 FROM diag_code_keys WHERE raw = new.code);
END;
CREATE TRIGGER diag_alarm_update AFTER UPDATE OF code ON fault_events BEGIN
    INSERT INTO diag_code_keys(raw) SELECT new.code
        WHERE NOT EXISTS (SELECT 1 FROM diag_code_keys WHERE raw = new.code);
END;

-- The backfill: every evidence work order, every code.
INSERT INTO diag_dirty(rid)
    SELECT rid FROM work_orders
    WHERE wo_type IN ('breakdown', 'corrective') AND status IN ('completed', 'closed')
      AND cause_code IS NOT NULL;
INSERT OR IGNORE INTO diag_code_keys(raw)
    SELECT fault_code FROM work_orders WHERE fault_code IS NOT NULL;
INSERT OR IGNORE INTO diag_code_keys(raw) SELECT code FROM fault_events;
