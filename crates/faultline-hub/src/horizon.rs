//! The change-feed horizon, shared by pulls and CSV exports: below it every transaction that
//! may have written to this database has finished, so a cursor never skips a row.

/// The horizon: the oldest transaction still running in this snapshot that may have written
/// to this database — the snapshot's xmin, except that transactions seen running in *other*
/// databases of the cluster (which cannot write here) do not hold it back; when none is left,
/// the snapshot's xmax. Anything not positively known to be another database's stays a barrier
/// (e.g. when pg_stat_activity hides another user's transaction id). The second column says
/// the barrier had finished by the time the query looked: it ran when the snapshot was taken but
/// ended before its database could be told (often another database's short transaction, e.g. a
/// neighbour's test or job); a fresh snapshot no longer has it.
pub const HORIZON_SQL: &str = "
    WITH s AS (SELECT pg_current_snapshot() AS snap),
    b AS (
        SELECT x FROM s, pg_snapshot_xip(s.snap) AS x
        WHERE NOT EXISTS (
            SELECT 1 FROM pg_stat_activity a
            WHERE a.datname IS NOT NULL AND a.datname <> current_database()
              AND a.backend_xid IS NOT NULL
              AND a.backend_xid::text = (x::text::numeric % 4294967296)::text)
        ORDER BY x LIMIT 1)
    SELECT coalesce((SELECT x FROM b), (SELECT pg_snapshot_xmax(snap) FROM s))::text,
           coalesce((SELECT pg_xact_status(x) IS DISTINCT FROM 'in progress' FROM b), false)";
