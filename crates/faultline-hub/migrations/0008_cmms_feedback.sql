-- Faultline hub, schema 8: what the plant's CMMS made of the changes the connector sent
-- (docs/cmms-connectors.md). Migrations are only ever added, never edited.

-- A change the CMMS refused (a Maximo BMXAA validation error), in the change feed (pulled as
-- `cmms_refusal`): the laptop that made the change shows it rejected with the CMMS's code and
-- sentence. `cleared` once it reached the CMMS after all (`maximo retry`).
CREATE TABLE cmms_refusals (
    site text NOT NULL,
    mutation_id uuid NOT NULL,
    work_order_id uuid,
    cmms_code text NOT NULL,
    reason text NOT NULL,
    refused_at timestamptz NOT NULL DEFAULT now(),
    cleared boolean NOT NULL DEFAULT false,
    change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    change_seq bigint NOT NULL DEFAULT nextval('change_seq'),
    PRIMARY KEY (site, mutation_id)
);
CREATE INDEX cmms_refusals_changes ON cmms_refusals (site, change_xid, change_seq);
CREATE TRIGGER cmms_refusals_touch BEFORE UPDATE ON cmms_refusals
    FOR EACH ROW EXECUTE FUNCTION touch_change();

-- What the hub last read of each work order in the CMMS: its row stamp (Maximo `_rowstamp`,
-- renewed by every change there) and the values of the fields the connector sends. A stamp that
-- moved means the record was changed in the CMMS: a field changed there that a queued change
-- sets to another value becomes a conflict (`conflicts`, both values, pulled by the laptops).
CREATE TABLE cmms_work_orders (
    site text NOT NULL,
    work_order_id uuid NOT NULL,
    rowstamp text NOT NULL,
    fields jsonb NOT NULL,
    read_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site, work_order_id)
);

-- A queued change that met a conflict in the CMMS: handled (its other fields were sent), the
-- conflict waits for a person on a laptop; it holds back nothing.
ALTER TABLE cmms_outbox DROP CONSTRAINT cmms_outbox_state_check;
ALTER TABLE cmms_outbox ADD CONSTRAINT cmms_outbox_state_check
    CHECK (state IN ('pending', 'sent', 'failed', 'conflict'));
