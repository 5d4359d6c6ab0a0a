-- Keep assets_fts (contentless, rowid = assets.rid) in step with assets.

CREATE TRIGGER assets_fts_insert AFTER INSERT ON assets BEGIN
    INSERT INTO assets_fts (rowid, tag, name, model, location)
    VALUES (
        new.rid, new.tag, new.name,
        (SELECT trim(manufacturer || ' ' || model) FROM asset_models WHERE id = new.model_id),
        (SELECT code || ' ' || name FROM locations WHERE id = new.location_id)
    );
END;

CREATE TRIGGER assets_fts_update AFTER UPDATE OF tag, name, model_id, location_id ON assets BEGIN
    DELETE FROM assets_fts WHERE rowid = old.rid;
    INSERT INTO assets_fts (rowid, tag, name, model, location)
    VALUES (
        new.rid, new.tag, new.name,
        (SELECT trim(manufacturer || ' ' || model) FROM asset_models WHERE id = new.model_id),
        (SELECT code || ' ' || name FROM locations WHERE id = new.location_id)
    );
END;

CREATE TRIGGER assets_fts_delete AFTER DELETE ON assets BEGIN
    DELETE FROM assets_fts WHERE rowid = old.rid;
END;
