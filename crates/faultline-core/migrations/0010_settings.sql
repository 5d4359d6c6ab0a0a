-- Laptop settings as JSON values by key (first: 'shift_calendar', the plant's shifts, time zone
-- and worked days for the Shift screen and `faultline shift-report --shift`). Local only.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;

-- The shift handover looks up what happened inside a time window: notes, parts and photos by
-- when they were added, work orders by when they finished or their machine came back.
CREATE INDEX notes_created ON notes(created_at);
CREATE INDEX parts_used_created ON parts_used(created_at);
CREATE INDEX photos_created ON photos(created_at);
CREATE INDEX work_orders_finished ON work_orders(finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX work_orders_downtime_end ON work_orders(downtime_end) WHERE downtime_end IS NOT NULL;

-- The finder's top box finds work orders by number (exact or prefix, any case).
CREATE INDEX work_orders_number ON work_orders(number COLLATE NOCASE);
