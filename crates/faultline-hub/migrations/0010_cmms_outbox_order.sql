-- Faultline hub, schema 10: the CMMS queue sends a work order's changes in the order the hub
-- applied them. Migrations are only ever added, never edited.
--
-- The queue's rows were numbered in the order a push's claim rows were updated, which follows
-- the mutation ids' order, not the order the laptop made them: two changes made in the same
-- millisecond (a breakdown and its first note) have UUIDv7 ids in either order, and a note
-- queued before its work order's create waited for the create, which waited behind it, for
-- ever. Each row now carries its push and the device's sequence number, the order the push
-- applied them in, and the claim orders a work order's rows by them.
ALTER TABLE cmms_outbox ADD COLUMN push_id bigint, ADD COLUMN device_seq bigint;

CREATE OR REPLACE FUNCTION cmms_outbox_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.outcome->>'result' = 'applied'
       AND (TG_OP = 'INSERT' OR OLD.outcome IS NULL OR OLD.outcome->>'result' <> 'applied')
       AND EXISTS (SELECT 1 FROM cmms_connectors c WHERE c.site = NEW.site) THEN
        INSERT INTO cmms_outbox (site, mutation_id, kind, work_order_id, payload, push_id,
                                 device_seq)
        VALUES (NEW.site, NEW.mutation_id, NEW.kind, NEW.work_order_id, NEW.payload,
                NEW.push_id, NEW.device_seq)
        ON CONFLICT (site, mutation_id) DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
