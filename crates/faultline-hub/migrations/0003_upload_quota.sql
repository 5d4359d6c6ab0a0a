-- Faultline hub, schema 3: quotas and expiry of unfinished blob uploads, per-site storage budget.
--
-- `blob_uploads.device_id`: the device that started the upload, so one device's unfinished
-- uploads are counted against its quota (count and declared bytes). Uploads started before this
-- schema have none and count against nobody; they expire like the others.
-- `blob_uploads_updated`: the expiry sweep deletes uploads untouched for a while (their chunks go
-- with them, ON DELETE CASCADE).
-- `sites.storage_budget_bytes`: the site's storage budget (NULL: the hub's default,
-- `--site-storage-budget`); `faultline-hub storage` and the hub's log warn when it is reached.

ALTER TABLE blob_uploads ADD COLUMN device_id uuid;
CREATE INDEX blob_uploads_device ON blob_uploads (device_id) WHERE device_id IS NOT NULL;
CREATE INDEX blob_uploads_updated ON blob_uploads (updated_at);

ALTER TABLE sites ADD COLUMN storage_budget_bytes bigint
    CHECK (storage_budget_bytes IS NULL OR storage_budget_bytes >= 0);
