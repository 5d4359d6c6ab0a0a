-- Faultline hub, schema 11: Maximo's failure-code hierarchy fetched by the CMMS connector
-- (docs/cmms-connectors.md). Migrations are only ever added, never edited.
--
-- Maximo keeps the hierarchy as FAILURELIST rows (a class, then PROBLEM, CAUSE, REMEDY rows),
-- each naming its parent row by id, not by code; the hub's catalogue (`failure_codes`) names
-- the parent's code. The rows read are kept here so a child read before its parent (the parent
-- edited later, so later in row-stamp order) is placed once the parent arrives, and so a row
-- removed in Maximo (which a row-stamp delta cannot show: the row is gone) is found by the
-- periodic full read and its code retired from the catalogue.
CREATE TABLE cmms_failure_list (
    site text NOT NULL REFERENCES sites(code),
    -- Maximo's id of the hierarchy row (FAILURELIST.FAILURELIST).
    failurelist text NOT NULL,
    -- The parent row's id; NULL for a failure class.
    parent text,
    -- FAILURELIST.TYPE: NULL for a class, else PROBLEM, CAUSE or REMEDY.
    type text,
    code text NOT NULL,
    description text NOT NULL,
    -- The catalogue entry it became (`failure_codes` level and parent); NULL while its parent
    -- row is not known yet.
    level text,
    parent_code text,
    -- When a full read last saw it.
    seen_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site, failurelist)
);
CREATE INDEX cmms_failure_list_parent ON cmms_failure_list (site, parent);
