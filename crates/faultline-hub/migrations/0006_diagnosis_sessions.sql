-- Diagnosis sessions and troubleshooting guides (issue 11). Sessions are append-only like handover notes: a session as a laptop started
-- it, with the guide it walks copied in, and each of its records (an answer or a "back") in the
-- laptop's order. Neither is ever updated; both reach the site's other laptops through the feed.
-- A record names its session without a foreign key: the push checks the session is known.
CREATE TABLE diagnosis_sessions (
    site text NOT NULL REFERENCES sites(code),
    id uuid NOT NULL,
    asset_id uuid NOT NULL,
    work_order_id uuid,
    guide_id text NOT NULL,
    guide_version integer NOT NULL,
    generated boolean NOT NULL,
    guide jsonb NOT NULL,
    codes jsonb NOT NULL,
    started_by text NOT NULL,
    started_at timestamptz NOT NULL,
    device_id uuid,
    change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    change_seq bigint NOT NULL DEFAULT nextval('change_seq'),
    PRIMARY KEY (site, id)
);
CREATE INDEX diagnosis_sessions_work_order ON diagnosis_sessions (site, work_order_id);
CREATE INDEX diagnosis_sessions_changes ON diagnosis_sessions (site, change_xid, change_seq);
CREATE TRIGGER diagnosis_sessions_touch BEFORE UPDATE ON diagnosis_sessions FOR EACH ROW EXECUTE FUNCTION touch_change();

CREATE TABLE diagnosis_records (
    site text NOT NULL REFERENCES sites(code),
    id uuid NOT NULL,
    session_id uuid NOT NULL,
    seq integer NOT NULL CHECK (seq >= 1),
    kind text NOT NULL CHECK (kind IN ('answer', 'back')),
    step_id text NOT NULL,
    answer jsonb,
    next_step text,
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL,
    device_id uuid,
    change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    change_seq bigint NOT NULL DEFAULT nextval('change_seq'),
    PRIMARY KEY (site, id)
);
CREATE INDEX diagnosis_records_session ON diagnosis_records (site, session_id, seq);
CREATE INDEX diagnosis_records_changes ON diagnosis_records (site, change_xid, change_seq);
CREATE TRIGGER diagnosis_records_touch BEFORE UPDATE ON diagnosis_records FOR EACH ROW EXECUTE FUNCTION touch_change();

-- Troubleshooting guides published to a site (`faultline-hub load --kind guides`), checked
-- against the site's failure catalogue when loaded; `guide` is the checked guide as JSON, a newer
-- version replaces it whole; `source` the TOML as written.
CREATE TABLE guides (
    site text NOT NULL REFERENCES sites(code),
    id text NOT NULL,
    version integer NOT NULL CHECK (version >= 1),
    title text NOT NULL,
    guide jsonb NOT NULL,
    source text NOT NULL,
    change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    change_seq bigint NOT NULL DEFAULT nextval('change_seq'),
    PRIMARY KEY (site, id)
);
CREATE INDEX guides_changes ON guides (site, change_xid, change_seq);
CREATE TRIGGER guides_touch BEFORE UPDATE ON guides FOR EACH ROW EXECUTE FUNCTION touch_change();
