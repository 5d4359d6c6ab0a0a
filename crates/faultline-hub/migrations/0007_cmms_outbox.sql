-- Faultline hub, schema 7: the CMMS connector (docs/cmms-connectors.md). Migrations are only
-- ever added, never edited.

-- One live connector per site (Maximo today). The API key is kept here, readable by whoever can
-- read the hub's database, like device token hashes are; `configure` reads it from a file.
CREATE TABLE cmms_connectors (
    site text PRIMARY KEY REFERENCES sites(code),
    kind text NOT NULL CHECK (kind IN ('maximo')),
    url text NOT NULL,
    api_key text NOT NULL,
    ca_bundle text,
    cmms_siteid text,
    cmms_orgid text,
    configured_at timestamptz NOT NULL DEFAULT now(),
    -- Set when the CMMS refused the key: sending stops (nothing is lost) until `configure`.
    auth_error text
);

-- The outbound queue: one row per mutation applied by the hub on a site with a connector, in
-- the order the hub applied them. Senders claim rows with FOR UPDATE SKIP LOCKED (two hub
-- processes never send the same row) and only a work order's oldest unsent row (its changes
-- reach the CMMS in order). The mutation id is the external reference the CMMS record carries,
-- looked up before a create is sent again.
CREATE TABLE cmms_outbox (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site text NOT NULL,
    mutation_id uuid NOT NULL,
    kind text NOT NULL,
    work_order_id uuid,
    payload jsonb NOT NULL,
    -- pending: to send (again); sent; failed: refused by the CMMS, waits for a person (`retry`).
    state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error text,
    external_id text,
    queued_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    UNIQUE (site, mutation_id)
);
CREATE INDEX cmms_outbox_unsent ON cmms_outbox (site, id) WHERE state <> 'sent';
CREATE INDEX cmms_outbox_work_order ON cmms_outbox (site, work_order_id, id) WHERE state <> 'sent';

-- Filled from the applied changes: a claim row of applied_mutations whose outcome becomes
-- `applied` on a site with a connector is queued, in the same transaction as the change.
CREATE FUNCTION cmms_outbox_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.outcome->>'result' = 'applied'
       AND (TG_OP = 'INSERT' OR OLD.outcome IS NULL OR OLD.outcome->>'result' <> 'applied')
       AND EXISTS (SELECT 1 FROM cmms_connectors c WHERE c.site = NEW.site) THEN
        INSERT INTO cmms_outbox (site, mutation_id, kind, work_order_id, payload)
        VALUES (NEW.site, NEW.mutation_id, NEW.kind, NEW.work_order_id, NEW.payload)
        ON CONFLICT (site, mutation_id) DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER applied_mutations_cmms_outbox
    AFTER INSERT OR UPDATE OF outcome ON applied_mutations
    FOR EACH ROW EXECUTE FUNCTION cmms_outbox_enqueue();
