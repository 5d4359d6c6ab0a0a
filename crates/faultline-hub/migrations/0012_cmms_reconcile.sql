-- Faultline hub, schema 12: the CMMS connector's periodic reconcile (docs/cmms-connectors.md):
-- child rows (worklogs, actual materials) added or removed in Maximo without a change of their
-- work order, which no row-stamp delta of the work orders shows. Migrations are only ever added,
-- never edited.

-- A child row made in Maximo that the reconcile turned into a hub record (a worklog into a
-- note, an actual material into a part used): read again, it is not added twice; gone from
-- Maximo, its hub record is deleted with a tombstone. Rows the hub sent itself (their
-- `externalrefid` is a queued mutation's id) are never here.
CREATE TABLE cmms_children (
    site text NOT NULL,
    work_order_id uuid NOT NULL,
    -- The child collection (worklog, matusetrans).
    child text NOT NULL,
    -- Maximo's id of the row (WORKLOGID, MATUSETRANSID).
    maximo_id text NOT NULL,
    -- The note or part made from it.
    hub_id uuid NOT NULL,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site, child, maximo_id)
);
CREATE INDEX cmms_children_work_order ON cmms_children (site, work_order_id);

-- When each site was last reconciled: a `serve` process claims a site whose last run is older
-- than its interval (one UPDATE, so two hubs never run the same site's reconcile at once).
CREATE TABLE cmms_reconciles (
    site text PRIMARY KEY REFERENCES sites(code),
    started_at timestamptz,
    finished_at timestamptz,
    -- What the last run did (JSON of its report) and why it stopped short, if it did.
    report jsonb,
    last_error text
);
