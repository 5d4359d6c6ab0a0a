-- Sync with the hub: enrollment, pull cursor, push outcomes, conflicts, and pulled records that
-- arrived before their parent. Migrations are only ever added, never edited.

-- The hub this laptop is enrolled with (one row), and where its pull cursor stands.
CREATE TABLE sync_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    hub_url TEXT NOT NULL,
    token TEXT NOT NULL,
    hub_device_id TEXT NOT NULL,
    device_name TEXT NOT NULL,
    site_code TEXT NOT NULL,
    site_name TEXT NOT NULL,
    ca_bundle TEXT,
    proxy TEXT,
    cursor TEXT,
    last_sync_at INTEGER,
    last_attempt_at INTEGER,
    last_error TEXT,
    enrolled_at INTEGER NOT NULL
);

-- What the hub answered for each pushed change.
ALTER TABLE outbox ADD COLUMN outcome_code TEXT;
ALTER TABLE outbox ADD COLUMN outcome_message TEXT;
ALTER TABLE outbox ADD COLUMN answered_at INTEGER;
CREATE INDEX outbox_answered_trouble ON outbox(work_order_id) WHERE state IN ('rejected', 'conflict');

-- Field edits that met someone else's edit: both values, until a person chooses.
CREATE TABLE sync_conflicts (
    id TEXT PRIMARY KEY,
    work_order_id TEXT NOT NULL,
    field TEXT NOT NULL,
    server_value TEXT NOT NULL,
    client_value TEXT NOT NULL,
    server_version INTEGER NOT NULL,
    server_changed_by TEXT,
    -- JSON of the chosen value once a person chose (pending until the hub has it).
    resolution TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX sync_conflicts_open ON sync_conflicts(work_order_id) WHERE resolution IS NULL;

-- Pulled records whose parent (asset or work order) has not arrived yet; applied when it does.
CREATE TABLE sync_orphans (
    key TEXT PRIMARY KEY,
    parent_id TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX sync_orphans_parent ON sync_orphans(parent_id);

-- The hub's copy of a work order that had local changes still pending when it was pulled;
-- applied once those changes are answered (so a rejected change shows the hub's state).
CREATE TABLE sync_shadows (
    work_order_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX outbox_rejected_entity ON outbox(entity_id) WHERE state = 'rejected';
