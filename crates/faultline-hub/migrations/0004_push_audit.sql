-- Faultline hub, schema 4: push audit rows, payload hashes, site-scoped mutation ids, part units.
--
-- `pushes`: one row per push request (device, the person signed in, time, how many mutations);
-- every claim row of `applied_mutations` references its push instead of copying the person's
-- name (a 1 MiB `user` used to be stored once per mutation). Rows written before this schema
-- keep their `user_name` and have no `push_id`.
--
-- `payload_sha256`: SHA-256 of the mutation's canonical JSON (keys sorted), so a replayed
-- mutation id with different content is told apart from a true replay. NULL on older rows (the
-- hub hashes their `payload` when it needs to).
--
-- Mutation ids are scoped by site: the same id on two sites is two unrelated mutations, and a
-- device never learns whether another site used an id.

CREATE TABLE pushes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site text NOT NULL,
    device_id uuid NOT NULL REFERENCES devices(id),
    user_name text NOT NULL,
    mutation_count integer NOT NULL,
    pushed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pushes_site_time ON pushes (site, pushed_at);

ALTER TABLE applied_mutations
    ADD COLUMN push_id bigint,
    ADD COLUMN payload_sha256 bytea,
    ALTER COLUMN user_name DROP NOT NULL;
ALTER TABLE applied_mutations DROP CONSTRAINT applied_mutations_pkey;
ALTER TABLE applied_mutations ADD PRIMARY KEY (site, mutation_id);

-- A part's unit of measure (`ea`, `m`, `kg`…); NULL for parts pushed before units (read as `ea`).
ALTER TABLE parts ADD COLUMN unit text;
