-- Diagnosis reads the work orders reported before a time in the order (reported_at, rid)
-- (store/diagnosis_reads.rs): on a large replica without a full index on reported_at that was
-- a sort of every row in a temporary B-tree per call. This index (rid is the rowid, so it is in
-- the index) gives the rows in that order and lets the read stop at the time.
CREATE INDEX work_orders_reported_all ON work_orders(reported_at);
