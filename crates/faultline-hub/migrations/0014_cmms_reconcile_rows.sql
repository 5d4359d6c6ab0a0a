-- Faultline hub, schema 14: what the CMMS reconcile keeps of what it read (docs/cmms-connectors.md,
-- "Reconcile"): a worklog's text as the note got it (an edit made in Maximo later is told from
-- it), the stop and restart an asset status pair made in Maximo gave its work order, and the
-- work orders Maximo no longer answers for. Migrations are only ever added, never edited.

ALTER TABLE cmms_children
    -- A worklog: the text its note got when the reconcile last took it (NULL before schema 14:
    -- the note's own text counts).
    ADD COLUMN body text,
    -- An asset status pair (child `assetstatus`, keyed by its down row's ASSETSTATUSID): the stop
    -- and the restart (NULL while the machine is still down in Maximo) it gave the work order.
    ADD COLUMN start_at timestamptz,
    ADD COLUMN end_at timestamptz,
    -- Whether that stop was placed on the work order (false: it overlapped one the hub had).
    ADD COLUMN placed boolean;

-- A work order the hub knows as Maximo's that Maximo no longer answers for (deleted there or
-- moved out of the site), found by a reconcile: kept on the hub, listed by `maximo status`, and
-- not asked for again. A fetch that reads it from Maximo again clears its row.
CREATE TABLE cmms_gone (
    site text NOT NULL,
    work_order_id uuid NOT NULL,
    wonum text NOT NULL,
    found_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site, work_order_id),
    FOREIGN KEY (site, work_order_id) REFERENCES work_orders (site, id) ON DELETE CASCADE
);
