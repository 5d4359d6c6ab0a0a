-- The risk ranking's lean read (store/analytics_reads.rs) on a large replica:
-- 1. its breakdown read is answered from this covering index alone (no row of the table is
--    visited; the query names it with INDEXED BY), in the read's order (reported_at, rid);
-- 2. the remedy texts that may name a replaced component ("<item> replaced") are found by a
--    narrower partial index than 0015's: the text, trailing whitespace (Rust's
--    `char::is_whitespace`, and a few more) cut, ends with " replaced" in any case. 0015's
--    '%replaced%' also held every "replaced X, ran 30 min" of a plant that writes so.
--    `REPLACED_REMEDY` in analytics_reads.rs repeats this WHERE term exactly (tested).
CREATE INDEX work_orders_breakdown_facts ON work_orders(
    reported_at, rid, wo_type, status, asset_rid, downtime_start, downtime_end, number
) WHERE wo_type = 'breakdown';
DROP INDEX work_orders_remedy_replaced;
CREATE INDEX work_orders_remedy_ends_replaced ON work_orders(reported_at)
    WHERE rtrim(remedy_text, char(9, 10, 11, 12, 13, 28, 29, 30, 31, 32, 133, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288)) LIKE '% replaced';
