-- Corrections, several downtime intervals per breakdown, and shift handover notes.
-- Migrations are only ever added, never edited.

-- A note, part or photo amended or voided: append-only, the original row stays as it was.
-- The corrections of one item in order (the hub's order, then the laptop's own not yet pulled
-- back) are its history; the last one is current.
CREATE TABLE corrections (
    rid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    work_order_rid INTEGER NOT NULL REFERENCES work_orders(rid) ON DELETE CASCADE,
    target TEXT NOT NULL CHECK (target IN ('note', 'part', 'photo')),
    target_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('amend', 'void')),
    author TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    text TEXT,
    part_number TEXT,
    quantity REAL,
    unit TEXT,
    caption TEXT,
    reason TEXT,
    -- The hub's order of the correction; NULL until the hub's copy is pulled.
    hub_order INTEGER
);
CREATE INDEX corrections_work_order ON corrections(work_order_rid);
CREATE INDEX corrections_target ON corrections(target_id);

-- The earlier, finished stop/restart intervals of a breakdown whose machine stopped more than
-- once. The current (last) interval stays in work_orders.downtime_start/downtime_end.
CREATE TABLE downtime_intervals (
    work_order_rid INTEGER NOT NULL REFERENCES work_orders(rid) ON DELETE CASCADE,
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL,
    PRIMARY KEY (work_order_rid, start_at)
);

-- A shift lead's handover note for a shift of the site (append-only, synced).
CREATE TABLE handover_notes (
    rid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    shift_start INTEGER NOT NULL,
    shift_end INTEGER NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX handover_notes_shift ON handover_notes(shift_start, shift_end);
