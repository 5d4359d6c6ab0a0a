-- Faultline hub, schema 13: diagnosis records reach the CMMS (docs/cmms-connectors.md). Migrations
-- are only ever added, never edited.
--
-- A diagnosis session's records (`record_diagnosis`) name their session, not a work order: the
-- queue row now takes the session's work order, so it is sent after the work order's create
-- and in its order like a note. A close also queues one `diagnosis_summary` row per session of
-- its work order (the session id as its reference, just before the close's own row): the
-- connector writes a session that never reached its conclusion (paused, left) as a worklog then.
CREATE OR REPLACE FUNCTION cmms_outbox_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    wo uuid := NEW.work_order_id;
BEGIN
    IF NEW.outcome->>'result' = 'applied'
       AND (TG_OP = 'INSERT' OR OLD.outcome IS NULL OR OLD.outcome->>'result' <> 'applied')
       AND EXISTS (SELECT 1 FROM cmms_connectors c WHERE c.site = NEW.site) THEN
        IF NEW.kind = 'record_diagnosis' AND wo IS NULL THEN
            SELECT s.work_order_id INTO wo FROM diagnosis_sessions s
            WHERE s.site = NEW.site AND s.id = (NEW.payload->'record'->>'session_id')::uuid;
        END IF;
        IF NEW.kind = 'close_work_order' AND wo IS NOT NULL THEN
            INSERT INTO cmms_outbox (site, mutation_id, kind, work_order_id, payload, push_id,
                                     device_seq)
            SELECT NEW.site, s.id, 'diagnosis_summary', wo,
                   jsonb_build_object('type', 'diagnosis_summary', 'session_id', s.id,
                                      'closed_at', NEW.payload->'finished_at'),
                   NEW.push_id, NEW.device_seq
            FROM diagnosis_sessions s
            WHERE s.site = NEW.site AND s.work_order_id = wo
            ORDER BY s.started_at, s.id
            ON CONFLICT (site, mutation_id) DO NOTHING;
        END IF;
        INSERT INTO cmms_outbox (site, mutation_id, kind, work_order_id, payload, push_id,
                                 device_seq)
        VALUES (NEW.site, NEW.mutation_id, NEW.kind, wo, NEW.payload, NEW.push_id,
                NEW.device_seq)
        ON CONFLICT (site, mutation_id) DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
