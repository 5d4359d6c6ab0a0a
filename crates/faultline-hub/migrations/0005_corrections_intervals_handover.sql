-- Faultline hub, schema 5: corrections, several downtime intervals per breakdown, shift
-- handover notes. Migrations are only ever added, never edited.

-- A handover note belongs to no work order: its claim row has none.
ALTER TABLE applied_mutations ALTER COLUMN work_order_id DROP NOT NULL;

-- The earlier, finished stop/restart intervals of a breakdown whose machine stopped more than
-- once; the current (last) interval stays in work_orders.downtime_start/downtime_end. A pull
-- sends them all in the work order's record (downtime_intervals).
CREATE TABLE downtime_intervals (
    site text NOT NULL,
    work_order_id uuid NOT NULL,
    start_at timestamptz NOT NULL,
    end_at timestamptz NOT NULL,
    PRIMARY KEY (site, work_order_id, start_at),
    FOREIGN KEY (site, work_order_id) REFERENCES work_orders (site, id) ON DELETE CASCADE
);

-- A note, part or photo amended or voided (append-only; the original row never changes).
-- hub_order is the hub's order: of two corrections of the same item, the later is current.
CREATE TABLE corrections (
    site text NOT NULL,
    id uuid NOT NULL,
    work_order_id uuid NOT NULL,
    target text NOT NULL,
    target_id uuid NOT NULL,
    action text NOT NULL,
    author text NOT NULL,
    created_at timestamptz NOT NULL,
    text text,
    part_number text,
    quantity double precision,
    unit text,
    caption text,
    reason text,
    device_id uuid,
    hub_order bigint GENERATED ALWAYS AS IDENTITY,
    change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    change_seq bigint NOT NULL DEFAULT nextval('change_seq'),
    PRIMARY KEY (site, id),
    FOREIGN KEY (site, work_order_id) REFERENCES work_orders (site, id) ON DELETE CASCADE
);
CREATE INDEX corrections_target ON corrections (site, target_id);
CREATE INDEX corrections_changes ON corrections (site, change_xid, change_seq);
CREATE TRIGGER corrections_touch BEFORE UPDATE ON corrections FOR EACH ROW EXECUTE FUNCTION touch_change();

-- A shift lead's handover note for a shift of the site (append-only).
CREATE TABLE handover_notes (
    site text NOT NULL REFERENCES sites(code),
    id uuid NOT NULL,
    shift_start timestamptz NOT NULL,
    shift_end timestamptz NOT NULL,
    author text NOT NULL,
    text text NOT NULL,
    created_at timestamptz NOT NULL,
    device_id uuid,
    change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    change_seq bigint NOT NULL DEFAULT nextval('change_seq'),
    PRIMARY KEY (site, id)
);
CREATE INDEX handover_notes_shift ON handover_notes (site, shift_start);
CREATE INDEX handover_notes_changes ON handover_notes (site, change_xid, change_seq);
CREATE TRIGGER handover_notes_touch BEFORE UPDATE ON handover_notes FOR EACH ROW EXECUTE FUNCTION touch_change();
