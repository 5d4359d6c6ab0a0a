-- Guided diagnosis at plant scale (issue 11): the list of a model's assets (the "similar
-- assets" level of a diagnosis, store/diagnosis_postings.rs `diagnosis_assets_of_model`) scanned
-- all of `assets`, which had no index on `model_id`. With this one it reads the few models and
-- then only the model's assets (covering: model_id and the rid).
CREATE INDEX assets_model ON assets(model_id);
