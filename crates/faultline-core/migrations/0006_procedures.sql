-- Procedures (job plans): numbered steps for one model, an equipment class, or every asset.
-- Master data: imported from the CMMS or pulled from the hub, never edited on the laptop.
-- The steps are kept as one JSON array ([{number, instruction, caution}]): a procedure is always
-- read, imported and synced whole.
CREATE TABLE procedures (
    code TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    manufacturer TEXT,
    model TEXT COLLATE NOCASE,
    equipment_class TEXT COLLATE NOCASE,
    problem_code TEXT,
    steps TEXT NOT NULL CHECK (json_valid(steps) AND json_type(steps) = 'array')
);
CREATE INDEX procedures_model ON procedures(model);
CREATE INDEX procedures_class ON procedures(equipment_class);
