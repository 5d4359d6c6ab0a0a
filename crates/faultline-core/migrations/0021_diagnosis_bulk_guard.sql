-- Guided diagnosis at plant scale (issue 11): a bulk write (the work-order import, a pull page of
-- a first replication) queues what it wrote for the diagnosis catch-up with one statement per
-- queue (store/diag_bulk.rs) instead of the per-row triggers. It used to take the triggers out of
-- the schema inside its transaction and create them again before commit: DDL per import, which
-- moved the schema version and made every other connection prepare its statements again. The
-- triggers now stay and each is guarded by this one-row table: the bulk write sets its flag at
-- the start of its own write transaction and clears it before commit, so no other connection
-- ever sees it set (WAL: readers see committed rows only; one writer at a time) and a crash or an
-- error rolls it back with the rows. (A trigger in main cannot read a temp table, so the flag is
-- in main.) A missing row or a cleared flag lets every trigger fire (NOT EXISTS).
CREATE TABLE diag_bulk_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    -- Set while a bulk write queues the work orders it writes itself.
    work_orders INTEGER NOT NULL DEFAULT 0,
    -- Set while a bulk write queues the work orders of the notes it inserts itself.
    notes INTEGER NOT NULL DEFAULT 0
);
INSERT INTO diag_bulk_state(id, work_orders, notes) VALUES (1, 0, 0);

-- The triggers of 0018 and 0019 that a bulk write replaces, as they were, with the guard.
DROP TRIGGER diag_work_order_insert;
CREATE TRIGGER diag_work_order_insert AFTER INSERT ON work_orders
WHEN NOT EXISTS (SELECT 1 FROM diag_bulk_state WHERE work_orders <> 0) BEGIN
    INSERT INTO diag_dirty(rid) SELECT new.rid
        WHERE NOT EXISTS (SELECT 1 FROM diag_dirty WHERE rid = new.rid);
    INSERT INTO diag_code_keys(raw) SELECT new.fault_code WHERE new.fault_code IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM diag_code_keys WHERE raw = new.fault_code);
END;
DROP TRIGGER diag_work_order_update;
CREATE TRIGGER diag_work_order_update AFTER UPDATE OF asset_rid, wo_type, status, reported_at,
    started_at, finished_at, cause_code, fault_code ON work_orders
WHEN NOT EXISTS (SELECT 1 FROM diag_bulk_state WHERE work_orders <> 0) BEGIN
    INSERT INTO diag_dirty(rid) SELECT new.rid
        WHERE NOT EXISTS (SELECT 1 FROM diag_dirty WHERE rid = new.rid);
    INSERT INTO diag_code_keys(raw) SELECT new.fault_code WHERE new.fault_code IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM diag_code_keys WHERE raw = new.fault_code);
END;
DROP TRIGGER diag_text_work_order_insert;
CREATE TRIGGER diag_text_work_order_insert AFTER INSERT ON work_orders
WHEN NOT EXISTS (SELECT 1 FROM diag_bulk_state WHERE work_orders <> 0) BEGIN
    INSERT INTO diag_text_dirty(rid) SELECT new.rid
        WHERE NOT EXISTS (SELECT 1 FROM diag_text_dirty WHERE rid = new.rid);
END;
DROP TRIGGER diag_text_work_order_update;
CREATE TRIGGER diag_text_work_order_update AFTER UPDATE OF asset_rid, wo_type, status,
    reported_at, title, description, fault_code, cause_code, remedy_text ON work_orders
WHEN NOT EXISTS (SELECT 1 FROM diag_bulk_state WHERE work_orders <> 0) BEGIN
    INSERT INTO diag_text_dirty(rid) SELECT new.rid
        WHERE NOT EXISTS (SELECT 1 FROM diag_text_dirty WHERE rid = new.rid);
END;
DROP TRIGGER diag_text_note_insert;
CREATE TRIGGER diag_text_note_insert AFTER INSERT ON notes
WHEN NOT EXISTS (SELECT 1 FROM diag_bulk_state WHERE notes <> 0) BEGIN
    INSERT INTO diag_text_dirty(rid) SELECT new.work_order_rid
        WHERE NOT EXISTS (SELECT 1 FROM diag_text_dirty WHERE rid = new.work_order_rid);
END;
