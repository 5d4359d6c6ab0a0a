-- The risk ranking reads only what its model consumes (store/analytics_reads.rs,
-- `analytics_replacement_candidates`): among them the work orders whose remedy text may name a
-- replaced component ("<item> replaced"). This partial index finds them without scanning the
-- history; the query repeats its WHERE term exactly so that SQLite can use it.
CREATE INDEX work_orders_remedy_replaced ON work_orders(reported_at)
    WHERE remedy_text LIKE '%replaced%';
