-- Faultline local replica, schema 1. Migrations are only ever added, never edited.
-- Times are INTEGER milliseconds since the Unix epoch, UTC. Ids are UUID text.

CREATE TABLE device (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    device_id TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE sites (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE locations (
    id INTEGER PRIMARY KEY,
    site_code TEXT NOT NULL REFERENCES sites(code),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (site_code, code)
);

CREATE TABLE asset_models (
    id INTEGER PRIMARY KEY,
    manufacturer TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL,
    UNIQUE (manufacturer, model)
);

CREATE TABLE assets (
    rid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    external_key TEXT NOT NULL UNIQUE,
    tag TEXT NOT NULL COLLATE NOCASE UNIQUE,
    name TEXT NOT NULL,
    site_code TEXT NOT NULL REFERENCES sites(code),
    location_id INTEGER REFERENCES locations(id),
    parent_rid INTEGER REFERENCES assets(rid),
    model_id INTEGER REFERENCES asset_models(id),
    equipment_class TEXT,
    criticality TEXT CHECK (criticality IN ('A', 'B', 'C')),
    serial_number TEXT,
    description TEXT,
    version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX assets_parent ON assets(parent_rid);

-- Type-ahead over tag, name, model and place; kept in step by triggers.
CREATE VIRTUAL TABLE assets_fts USING fts5(
    tag, name, model, location,
    content = '', contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 2",
    prefix = '1 2 3'
);

CREATE TABLE work_orders (
    rid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    external_key TEXT UNIQUE,
    number TEXT NOT NULL,
    asset_rid INTEGER NOT NULL REFERENCES assets(rid),
    wo_type TEXT NOT NULL CHECK (wo_type IN ('breakdown', 'corrective', 'preventive')),
    status TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'completed', 'closed', 'cancelled')),
    priority INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 5),
    title TEXT NOT NULL,
    description TEXT,
    fault_code TEXT,
    reported_by TEXT,
    reported_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER,
    downtime_start INTEGER,
    downtime_end INTEGER,
    failure_class TEXT,
    problem_code TEXT,
    cause_code TEXT,
    remedy_code TEXT,
    iso_failure_mode TEXT,
    iso_failure_mechanism TEXT,
    iso_failure_cause TEXT,
    remedy_text TEXT,
    cost REAL,
    version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX work_orders_asset_time ON work_orders(asset_rid, reported_at DESC);
CREATE INDEX work_orders_open ON work_orders(asset_rid) WHERE status IN ('open', 'in_progress');
CREATE INDEX work_orders_reported ON work_orders(reported_at) WHERE wo_type = 'breakdown';

CREATE TABLE notes (
    rid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    work_order_rid INTEGER NOT NULL REFERENCES work_orders(rid),
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX notes_work_order ON notes(work_order_rid, created_at);

CREATE TABLE parts_used (
    rid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    work_order_rid INTEGER NOT NULL REFERENCES work_orders(rid),
    part_number TEXT NOT NULL,
    description TEXT,
    quantity REAL NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX parts_used_work_order ON parts_used(work_order_rid);

CREATE TABLE photos (
    rid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    work_order_rid INTEGER NOT NULL REFERENCES work_orders(rid),
    sha256 TEXT NOT NULL,
    mime TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    caption TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX photos_work_order ON photos(work_order_rid);

CREATE TABLE fault_events (
    rid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    external_key TEXT UNIQUE,
    asset_rid INTEGER NOT NULL REFERENCES assets(rid),
    code TEXT NOT NULL,
    message TEXT,
    source TEXT NOT NULL CHECK (source IN ('machine', 'operator')),
    occurred_at INTEGER NOT NULL
);
CREATE INDEX fault_events_asset_time ON fault_events(asset_rid, occurred_at DESC);

CREATE TABLE failure_codes (
    level TEXT NOT NULL,
    parent TEXT NOT NULL DEFAULT '',
    code TEXT NOT NULL,
    description TEXT NOT NULL,
    PRIMARY KEY (level, parent, code)
) WITHOUT ROWID;

-- Every local change, queued for sync in the same transaction as the change itself.
-- seq is the device's own sequence number; mutation_id the change's idempotency key.
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    mutation_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    work_order_id TEXT NOT NULL,
    base_version INTEGER NOT NULL,
    payload TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'synced', 'rejected', 'conflict'))
);
CREATE INDEX outbox_pending_work_order ON outbox(work_order_id) WHERE state = 'pending';
CREATE INDEX outbox_pending_entity ON outbox(entity_id) WHERE state = 'pending';
