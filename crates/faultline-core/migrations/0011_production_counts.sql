-- Production counts for OEE per ISO 22400-2 (import kind `production`, docs/import-mapping.md):
-- one row per asset or line and shift/period. Times are ms since the epoch (UTC), durations in
-- hours, the planned run time per unit in seconds. Local only (not synced).
CREATE TABLE production_counts (
    id INTEGER PRIMARY KEY,
    external_key TEXT NOT NULL UNIQUE,
    -- 'asset' (scope_code is an asset tag) or 'line' (a location code).
    scope_kind TEXT NOT NULL CHECK (scope_kind IN ('asset', 'line')),
    scope_code TEXT NOT NULL,
    shift TEXT,
    period_start INTEGER NOT NULL,
    period_end INTEGER NOT NULL CHECK (period_end > period_start),
    planned_busy_hours REAL NOT NULL CHECK (planned_busy_hours > 0),
    actual_production_hours REAL CHECK (actual_production_hours >= 0),
    run_time_per_unit_s REAL NOT NULL CHECK (run_time_per_unit_s > 0),
    produced REAL NOT NULL CHECK (produced >= 0),
    good REAL NOT NULL CHECK (good >= 0 AND good <= produced)
);

CREATE INDEX production_counts_scope ON production_counts(scope_kind, scope_code COLLATE NOCASE, period_start);
