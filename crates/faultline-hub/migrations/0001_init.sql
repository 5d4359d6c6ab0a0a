-- Faultline hub, schema 1. Migrations are only ever added, never edited.
--
-- Site data is keyed by (site, id): record ids are the importer's deterministic UUIDs (derived
-- from the record's key), so two sites may hold the same id for their own records.
--
-- Every row a device pulls carries change_xid (the transaction that last wrote it) and
-- change_seq (a global sequence number, fresh on every write). A pull returns rows ordered by
-- (change_xid, change_seq) below the oldest running transaction (see docs/sync-protocol.md).
-- Inserts take both from the column defaults; the touch_change trigger renews them on update.

CREATE SEQUENCE change_seq;

CREATE FUNCTION touch_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.change_xid := pg_current_xact_id();
    NEW.change_seq := nextval('change_seq');
    RETURN NEW;
END
$$;

CREATE TABLE sites (
    code text PRIMARY KEY,
    name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- How far a site's tombstones have been compacted: a cursor below (purged_xid, purged_seq) may
-- have missed a deletion and is answered 410 cursor_expired.
CREATE TABLE site_history (
    site text PRIMARY KEY REFERENCES sites(code),
    purged_xid xid8 NOT NULL DEFAULT '0',
    purged_seq bigint NOT NULL DEFAULT 0,
    compacted_at timestamptz
);

-- Enrolled laptops. Only the SHA-256 (hex) of a token is kept.
CREATE TABLE devices (
    id uuid PRIMARY KEY,
    site text NOT NULL REFERENCES sites(code),
    name text NOT NULL,
    token_sha256 text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

CREATE TABLE assets (
    site text NOT NULL REFERENCES sites(code),
    id uuid NOT NULL,
    external_key text NOT NULL,
    tag text NOT NULL,
    name text NOT NULL,
    location_code text,
    location_name text,
    parent_id uuid,
    manufacturer text,
    model text,
    equipment_class text,
    criticality text,
    serial_number text,
    description text,
    version bigint NOT NULL DEFAULT 0,
    change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    change_seq bigint NOT NULL DEFAULT nextval('change_seq'),
    PRIMARY KEY (site, id),
    UNIQUE (site, external_key)
);
CREATE INDEX assets_changes ON assets (site, change_xid, change_seq);
CREATE TRIGGER assets_touch BEFORE UPDATE ON assets FOR EACH ROW EXECUTE FUNCTION touch_change();

-- field_versions: for each field a device edited, {"version": V, "device": "uuid"} of its last
-- change ("device" absent when the hub's own load changed it). Conflict detection reads it.
CREATE TABLE work_orders (
    site text NOT NULL,
    id uuid NOT NULL,
    external_key text,
    number text NOT NULL,
    asset_id uuid NOT NULL,
    wo_type text NOT NULL,
    status text NOT NULL,
    priority smallint NOT NULL,
    title text NOT NULL,
    description text,
    fault_code text,
    reported_by text,
    reported_at timestamptz NOT NULL,
    started_at timestamptz,
    finished_at timestamptz,
    downtime_start timestamptz,
    downtime_end timestamptz,
    failure_class text,
    problem_code text,
    cause_code text,
    remedy_code text,
    iso_failure_mode text,
    iso_failure_mechanism text,
    iso_failure_cause text,
    remedy_text text,
    cost double precision,
    version bigint NOT NULL DEFAULT 0,
    field_versions jsonb NOT NULL DEFAULT '{}',
    created_by uuid,
    change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    change_seq bigint NOT NULL DEFAULT nextval('change_seq'),
    PRIMARY KEY (site, id),
    FOREIGN KEY (site, asset_id) REFERENCES assets (site, id)
);
CREATE UNIQUE INDEX work_orders_key ON work_orders (site, external_key) WHERE external_key IS NOT NULL;
CREATE INDEX work_orders_asset ON work_orders (site, asset_id);
CREATE INDEX work_orders_changes ON work_orders (site, change_xid, change_seq);
CREATE TRIGGER work_orders_touch BEFORE UPDATE ON work_orders FOR EACH ROW EXECUTE FUNCTION touch_change();

CREATE TABLE notes (
    site text NOT NULL,
    id uuid NOT NULL,
    work_order_id uuid NOT NULL,
    author text NOT NULL,
    text text NOT NULL,
    created_at timestamptz NOT NULL,
    device_id uuid,
    change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    change_seq bigint NOT NULL DEFAULT nextval('change_seq'),
    PRIMARY KEY (site, id),
    FOREIGN KEY (site, work_order_id) REFERENCES work_orders (site, id)
);
CREATE INDEX notes_work_order ON notes (site, work_order_id);
CREATE INDEX notes_changes ON notes (site, change_xid, change_seq);
CREATE TRIGGER notes_touch BEFORE UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION touch_change();

CREATE TABLE parts (
    site text NOT NULL,
    id uuid NOT NULL,
    work_order_id uuid NOT NULL,
    part_number text NOT NULL,
    description text,
    quantity double precision NOT NULL,
    created_at timestamptz NOT NULL,
    device_id uuid,
    change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    change_seq bigint NOT NULL DEFAULT nextval('change_seq'),
    PRIMARY KEY (site, id),
    FOREIGN KEY (site, work_order_id) REFERENCES work_orders (site, id)
);
CREATE INDEX parts_work_order ON parts (site, work_order_id);
CREATE INDEX parts_changes ON parts (site, change_xid, change_seq);
CREATE TRIGGER parts_touch BEFORE UPDATE ON parts FOR EACH ROW EXECUTE FUNCTION touch_change();

CREATE TABLE photos (
    site text NOT NULL,
    id uuid NOT NULL,
    work_order_id uuid NOT NULL,
    sha256 text NOT NULL,
    mime text NOT NULL,
    size_bytes bigint NOT NULL,
    caption text,
    created_at timestamptz NOT NULL,
    device_id uuid,
    change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    change_seq bigint NOT NULL DEFAULT nextval('change_seq'),
    PRIMARY KEY (site, id),
    FOREIGN KEY (site, work_order_id) REFERENCES work_orders (site, id)
);
CREATE INDEX photos_work_order ON photos (site, work_order_id);
CREATE INDEX photos_changes ON photos (site, change_xid, change_seq);
CREATE TRIGGER photos_touch BEFORE UPDATE ON photos FOR EACH ROW EXECUTE FUNCTION touch_change();

CREATE TABLE failure_codes (
    site text NOT NULL REFERENCES sites(code),
    level text NOT NULL,
    parent text NOT NULL DEFAULT '',
    code text NOT NULL,
    description text NOT NULL,
    change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    change_seq bigint NOT NULL DEFAULT nextval('change_seq'),
    PRIMARY KEY (site, level, parent, code)
);
CREATE INDEX failure_codes_changes ON failure_codes (site, change_xid, change_seq);
CREATE TRIGGER failure_codes_touch BEFORE UPDATE ON failure_codes FOR EACH ROW EXECUTE FUNCTION touch_change();

-- Manual PDFs published to a site; the bytes are the blob sha256.
CREATE TABLE manuals (
    site text NOT NULL REFERENCES sites(code),
    sha256 text NOT NULL,
    file_name text NOT NULL,
    title text,
    size_bytes bigint NOT NULL,
    models text[] NOT NULL DEFAULT '{}',
    change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    change_seq bigint NOT NULL DEFAULT nextval('change_seq'),
    PRIMARY KEY (site, sha256)
);
CREATE INDEX manuals_changes ON manuals (site, change_xid, change_seq);
CREATE TRIGGER manuals_touch BEFORE UPDATE ON manuals FOR EACH ROW EXECUTE FUNCTION touch_change();

-- A field edit made on a stale version that met another device's edit: both values are kept.
CREATE TABLE conflicts (
    id uuid PRIMARY KEY,
    site text NOT NULL,
    work_order_id uuid NOT NULL,
    field text NOT NULL,
    server_value jsonb NOT NULL,
    client_value jsonb NOT NULL,
    server_version bigint NOT NULL,
    server_changed_by text,
    mutation_id uuid NOT NULL,
    device_id uuid NOT NULL,
    resolution jsonb,
    resolved_by uuid,
    resolved_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    change_seq bigint NOT NULL DEFAULT nextval('change_seq'),
    FOREIGN KEY (site, work_order_id) REFERENCES work_orders (site, id)
);
CREATE INDEX conflicts_work_order ON conflicts (site, work_order_id);
CREATE INDEX conflicts_changes ON conflicts (site, change_xid, change_seq);
CREATE TRIGGER conflicts_touch BEFORE UPDATE ON conflicts FOR EACH ROW EXECUTE FUNCTION touch_change();

-- Records deleted on the hub, so devices delete them too. `key` is the record's id, or
-- level|parent|code for a failure code, or the sha256 for a manual.
CREATE TABLE tombstones (
    site text NOT NULL REFERENCES sites(code),
    entity text NOT NULL,
    key text NOT NULL,
    deleted_at timestamptz NOT NULL DEFAULT now(),
    change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    change_seq bigint NOT NULL DEFAULT nextval('change_seq'),
    PRIMARY KEY (site, entity, key)
);
CREATE INDEX tombstones_changes ON tombstones (site, change_xid, change_seq);
CREATE INDEX tombstones_age ON tombstones (site, deleted_at);
CREATE TRIGGER tombstones_touch BEFORE UPDATE ON tombstones FOR EACH ROW EXECUTE FUNCTION touch_change();

-- Every mutation a device pushed, with the hub's answer: the idempotency record (a replay is
-- answered from `outcome`) and the audit trail (device, user, time). `outcome` is NULL only
-- inside the transaction that is applying it.
CREATE TABLE applied_mutations (
    mutation_id uuid PRIMARY KEY,
    site text NOT NULL,
    device_id uuid NOT NULL REFERENCES devices(id),
    device_seq bigint NOT NULL,
    kind text NOT NULL,
    work_order_id uuid NOT NULL,
    base_version bigint NOT NULL,
    payload jsonb NOT NULL,
    outcome jsonb,
    user_name text NOT NULL,
    created_at timestamptz NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX applied_mutations_device ON applied_mutations (device_id, device_seq);
CREATE INDEX applied_mutations_site_time ON applied_mutations (site, applied_at);

-- Content-addressed blobs (photos, manual PDFs), stored as chunks so the hub keeps no files.
CREATE TABLE blobs (
    sha256 text PRIMARY KEY,
    size_bytes bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE blob_chunks (
    sha256 text NOT NULL REFERENCES blobs(sha256) ON DELETE CASCADE,
    pos bigint NOT NULL,
    len integer NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (sha256, pos)
);
-- Which sites may read a blob: those a device uploaded it for, or an admin loaded it for.
CREATE TABLE blob_sites (
    site text NOT NULL REFERENCES sites(code),
    sha256 text NOT NULL REFERENCES blobs(sha256) ON DELETE CASCADE,
    linked_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site, sha256)
);
-- Unfinished uploads, per site: bytes are only shared between sites once a site has sent them all.
CREATE TABLE blob_uploads (
    site text NOT NULL REFERENCES sites(code),
    sha256 text NOT NULL,
    total bigint NOT NULL,
    held bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site, sha256)
);
CREATE TABLE blob_upload_chunks (
    site text NOT NULL,
    sha256 text NOT NULL,
    pos bigint NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (site, sha256, pos),
    FOREIGN KEY (site, sha256) REFERENCES blob_uploads (site, sha256) ON DELETE CASCADE
);
