-- OEM manual library: one row per PDF (deduplicated by content hash), its extracted page text
-- (the source of truth the search index is rebuilt from), and its links to asset models/assets.

CREATE TABLE manuals (
    rid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL UNIQUE,
    file_name TEXT NOT NULL,
    title TEXT,
    manufacturer TEXT,
    language TEXT,
    size_bytes INTEGER NOT NULL,
    page_count INTEGER,
    -- queued → extracting → extracted (pages stored) → indexed; or failed with a reason.
    state TEXT NOT NULL CHECK (state IN ('queued', 'extracting', 'extracted', 'indexed', 'failed')),
    failure_kind TEXT,
    failure_message TEXT,
    added_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX manuals_state ON manuals(state);

CREATE TABLE manual_pages (
    manual_rid INTEGER NOT NULL REFERENCES manuals(rid) ON DELETE CASCADE,
    page INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (manual_rid, page)
) WITHOUT ROWID;

CREATE TABLE manual_models (
    manual_rid INTEGER NOT NULL REFERENCES manuals(rid) ON DELETE CASCADE,
    model_id INTEGER NOT NULL REFERENCES asset_models(id),
    PRIMARY KEY (manual_rid, model_id)
) WITHOUT ROWID;
CREATE INDEX manual_models_model ON manual_models(model_id);
