//! What each export kind reads from PostgreSQL: its Faultline fields (the names templates use)
//! and the query giving them, ordered by the change key of the row that changed.
//!
//! Every query takes (site, after xid, after seq, horizon xid) and returns the change key
//! (`change_xid::text`, `change_seq`) first, then the fields in [`fields`] order; times are
//! `timestamptz`, everything else text. Only rows written by transactions below the horizon
//! (all finished) are read, so no row can appear later behind a cursor already handed out.

use super::mapping::ExportKind;

const WORK_ORDER_FIELDS: &[&str] = &[
    "id",
    "number",
    "external_key",
    "site",
    "asset_tag",
    "wo_type",
    "status",
    "priority",
    "title",
    "description",
    "fault_code",
    "reported_by",
    "reported_at",
    "started_at",
    "finished_at",
    "downtime_start",
    "downtime_end",
    "failure_class",
    "problem_code",
    "cause_code",
    "remedy_code",
    "remedy_text",
    "iso_failure_mode",
    "iso_failure_mechanism",
    "iso_failure_cause",
];

const NOTE_FIELDS: &[&str] = &[
    "id",
    "site",
    "work_order_id",
    "work_order_number",
    "work_order_key",
    "asset_tag",
    "author",
    "text",
    "created_at",
];

const PART_FIELDS: &[&str] = &[
    "id",
    "site",
    "work_order_id",
    "work_order_number",
    "work_order_key",
    "asset_tag",
    "part_number",
    "description",
    "quantity",
    "unit",
    "created_at",
];

const DOWNTIME_FIELDS: &[&str] = &[
    "key",
    "site",
    "work_order_id",
    "work_order_number",
    "work_order_key",
    "asset_tag",
    "start_at",
    "end_at",
    "hours",
];

const FAILURE_REPORT_FIELDS: &[&str] = &[
    "work_order_id",
    "site",
    "work_order_number",
    "work_order_key",
    "asset_tag",
    "failure_class",
    "problem_code",
    "cause_code",
    "remedy_code",
    "remedy_text",
    "iso_failure_mode",
    "iso_failure_mechanism",
    "iso_failure_cause",
    "finished_at",
];

/// The fields of a kind, in the order its query returns them (after the change key).
pub fn fields(kind: ExportKind) -> &'static [&'static str] {
    match kind {
        ExportKind::WorkOrders => WORK_ORDER_FIELDS,
        ExportKind::Notes => NOTE_FIELDS,
        ExportKind::Parts => PART_FIELDS,
        ExportKind::Downtime => DOWNTIME_FIELDS,
        ExportKind::FailureReports => FAILURE_REPORT_FIELDS,
    }
}

/// Rows changed after the cursor and below the horizon ($1 site, $2/$3 cursor, $4 horizon).
const CHANGED: &str = "site = $1 AND (change_xid, change_seq) > ($2::text::xid8, $3)
                       AND change_xid < $4::text::xid8";

/// The query of a kind.
pub fn query(kind: ExportKind) -> String {
    match kind {
        ExportKind::WorkOrders => format!(
            "SELECT w.change_xid::text, w.change_seq, w.id::text, w.number, w.external_key,
                    w.site, a.tag, w.wo_type, w.status, w.priority::text, w.title, w.description,
                    w.fault_code, w.reported_by, w.reported_at, w.started_at, w.finished_at,
                    w.downtime_start, w.downtime_end, w.failure_class, w.problem_code,
                    w.cause_code, w.remedy_code, w.remedy_text, w.iso_failure_mode,
                    w.iso_failure_mechanism, w.iso_failure_cause
             FROM (SELECT * FROM work_orders WHERE {CHANGED}) w
             JOIN assets a ON a.site = w.site AND a.id = w.asset_id
             ORDER BY w.change_xid, w.change_seq"
        ),
        ExportKind::Notes => format!(
            "SELECT n.change_xid::text, n.change_seq, n.id::text, n.site, w.id::text, w.number,
                    w.external_key, a.tag, n.author, n.text, n.created_at
             FROM (SELECT * FROM notes WHERE {CHANGED}) n
             JOIN work_orders w ON w.site = n.site AND w.id = n.work_order_id
             JOIN assets a ON a.site = w.site AND a.id = w.asset_id
             ORDER BY n.change_xid, n.change_seq"
        ),
        ExportKind::Parts => format!(
            "SELECT p.change_xid::text, p.change_seq, p.id::text, p.site, w.id::text, w.number,
                    w.external_key, a.tag, p.part_number, p.description, p.quantity::text,
                    p.unit, p.created_at
             FROM (SELECT * FROM parts WHERE {CHANGED}) p
             JOIN work_orders w ON w.site = p.site AND w.id = p.work_order_id
             JOIN assets a ON a.site = w.site AND a.id = w.asset_id
             ORDER BY p.change_xid, p.change_seq"
        ),
        // Every finished stop of a work order changed since the cursor: the earlier intervals
        // and the current one. A stop already exported comes again when its work order changes;
        // `key` (work order id/start) lets the CMMS update it instead of adding one.
        ExportKind::Downtime => format!(
            "SELECT w.change_xid::text, w.change_seq,
                    w.id::text || '/' || to_char(i.start_at AT TIME ZONE 'UTC',
                                                 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
                    w.site, w.id::text, w.number, w.external_key, a.tag, i.start_at, i.end_at,
                    round((extract(epoch FROM i.end_at - i.start_at) / 3600)::numeric, 3)::text
             FROM (SELECT * FROM work_orders WHERE {CHANGED}) w
             JOIN assets a ON a.site = w.site AND a.id = w.asset_id
             CROSS JOIN LATERAL (
                 SELECT d.start_at, d.end_at FROM downtime_intervals d
                 WHERE d.site = w.site AND d.work_order_id = w.id
                 UNION ALL
                 SELECT w.downtime_start, w.downtime_end
                 WHERE w.downtime_start IS NOT NULL AND w.downtime_end IS NOT NULL) i
             ORDER BY w.change_xid, w.change_seq, i.start_at"
        ),
        ExportKind::FailureReports => format!(
            "SELECT w.change_xid::text, w.change_seq, w.id::text, w.site, w.number,
                    w.external_key, a.tag, w.failure_class, w.problem_code, w.cause_code,
                    w.remedy_code, w.remedy_text, w.iso_failure_mode, w.iso_failure_mechanism,
                    w.iso_failure_cause, w.finished_at
             FROM (SELECT * FROM work_orders WHERE {CHANGED}
                     AND coalesce(failure_class, problem_code, cause_code, remedy_code,
                                  iso_failure_mode) IS NOT NULL) w
             JOIN assets a ON a.site = w.site AND a.id = w.asset_id
             ORDER BY w.change_xid, w.change_seq"
        ),
    }
}
