-- Faultline hub, schema 2: procedures (a CMMS's job plans), published per site.
--
-- A procedure is always loaded, stored and sent whole: `steps` is one jsonb array of
-- {"number", "instruction", "caution"} numbered 1..n (the protocol's ProcedureStepRecord). `model`
-- (with an optional `manufacturer`) or `equipment_class` say which assets it is for; neither =
-- every asset. A load rewrites a row only when something in it differs, so an unchanged plan
-- never re-enters the change feed. A deleted procedure leaves a tombstone with entity
-- 'procedure' and its code as the key.

CREATE TABLE procedures (
    site text NOT NULL REFERENCES sites(code),
    code text NOT NULL,
    title text NOT NULL,
    manufacturer text,
    model text,
    equipment_class text,
    problem_code text,
    steps jsonb NOT NULL CHECK (jsonb_typeof(steps) = 'array'),
    change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    change_seq bigint NOT NULL DEFAULT nextval('change_seq'),
    PRIMARY KEY (site, code)
);
CREATE INDEX procedures_changes ON procedures (site, change_xid, change_seq);
CREATE TRIGGER procedures_touch BEFORE UPDATE ON procedures FOR EACH ROW EXECUTE FUNCTION touch_change();
