-- Reliability analytics over a period read only the breakdowns that can count in it
-- (store/analytics_reads.rs, `analytics_breakdowns_between`): those reported in the period, and
-- those reported before it whose downtime reaches into it (ended inside or after it, or still
-- open). These indexes find the carried-in ones without scanning the history; they are kept by
-- SQLite in the same transaction as every write, so a closed work order counts at once.
CREATE INDEX work_orders_breakdown_downtime_end ON work_orders(downtime_end, reported_at)
    WHERE wo_type = 'breakdown';
CREATE INDEX work_orders_downtime_open ON work_orders(reported_at)
    WHERE downtime_start IS NOT NULL AND downtime_end IS NULL;
CREATE INDEX downtime_intervals_end ON downtime_intervals(end_at);
