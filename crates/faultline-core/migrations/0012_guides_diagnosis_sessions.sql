-- Troubleshooting guides and diagnosis sessions (issue 11).
-- Guides are master data like procedures: authored as TOML, checked, imported or pulled from the
-- hub whole, never edited on the laptop. `body` is the checked guide as JSON (the domain's
-- `Guide`); `source` the TOML as written (NULL when pulled). models/classes/codes are JSON
-- arrays, copied out of the body to pick a guide for an asset and its codes.
CREATE TABLE guides (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL CHECK (version >= 1),
    title TEXT NOT NULL,
    models TEXT NOT NULL CHECK (json_valid(models) AND json_type(models) = 'array'),
    equipment_classes TEXT NOT NULL
        CHECK (json_valid(equipment_classes) AND json_type(equipment_classes) = 'array'),
    codes TEXT NOT NULL CHECK (json_valid(codes) AND json_type(codes) = 'array'),
    body TEXT NOT NULL CHECK (json_valid(body)),
    source TEXT
);

-- A diagnosis session: one technician walking one guide (or a checklist generated from the
-- likely causes) for an asset, optionally on a work order. The guide is copied in as it was at
-- the start, so a newer version never changes a session under way. Asset and work order are
-- named by id without a foreign key: a re-sync that drops them locally keeps the record.
CREATE TABLE diagnosis_sessions (
    rid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    asset_id TEXT NOT NULL,
    work_order_id TEXT,
    guide_id TEXT NOT NULL,
    guide_version INTEGER NOT NULL,
    generated INTEGER NOT NULL CHECK (generated IN (0, 1)),
    guide TEXT NOT NULL CHECK (json_valid(guide)),
    codes TEXT NOT NULL CHECK (json_valid(codes) AND json_type(codes) = 'array'),
    started_by TEXT NOT NULL,
    started_at INTEGER NOT NULL
);
CREATE INDEX diagnosis_sessions_work_order ON diagnosis_sessions(work_order_id);
CREATE INDEX diagnosis_sessions_asset ON diagnosis_sessions(asset_id, started_at);

-- Append-only: every answer, measured value and "back" is one row, written at once, never
-- updated or deleted. Going back is a row of kind 'back' that supersedes the latest answer still
-- in force; what is superseded is derived by replaying the rows in seq order.
CREATE TABLE diagnosis_records (
    session_rid INTEGER NOT NULL REFERENCES diagnosis_sessions(rid),
    seq INTEGER NOT NULL CHECK (seq >= 1),
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('answer', 'back')),
    step_id TEXT NOT NULL,
    answer TEXT CHECK (answer IS NULL OR json_valid(answer)),
    next_step TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at INTEGER NOT NULL,
    PRIMARY KEY (session_rid, seq)
) WITHOUT ROWID;
CREATE TRIGGER diagnosis_records_no_update BEFORE UPDATE ON diagnosis_records
BEGIN SELECT RAISE(ABORT, 'diagnosis records are append-only'); END;
CREATE TRIGGER diagnosis_records_no_delete BEFORE DELETE ON diagnosis_records
BEGIN SELECT RAISE(ABORT, 'diagnosis records are append-only'); END;
