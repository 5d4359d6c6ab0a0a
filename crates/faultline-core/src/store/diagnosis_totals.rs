//! What guided diagnosis keeps in the replica so a live ranking reads bounded rows instead of the
//! whole history (migration 0018): per cell (site, model, equipment class) and cause the count
//! and the recency sum `Σ 2^(t / half-life)` of the evidence work orders, the repair times per
//! cell and cause, a mirror of each evidence work order as applied, and the matching key of every
//! code as written. Triggers queue every written work order (`diag_dirty`) and every new code in
//! the writing transaction; [`Store::diagnosis_catch_up`] applies the queue in one write
//! transaction before a ranking reads, so nothing written is missed and a crash loses nothing.
//! The reads below are the bounded ones the ranking (`faultline_diagnosis::live`) needs.

use super::{DiagnosisWorkOrder, Store};
use crate::error::Result;
use rusqlite::{params, params_from_iter, OptionalExtension, TransactionBehavior};
use std::collections::HashMap;

/// The half-life (days) the recency sums are kept for: the ranking's default.
pub const DIAGNOSIS_HALF_LIFE_DAYS: f64 = 365.0;
const DAY_MS: f64 = 86_400_000.0;

/// `2^(t / half-life)`: an evidence work order's share of a recency sum. The weight at `at` is
/// this times [`decay_at`]`(at)`, `0.5^((at - t) / half-life)`.
pub fn growth(t: i64) -> f64 {
    2f64.powf(t as f64 / DAY_MS / DIAGNOSIS_HALF_LIFE_DAYS)
}

/// `0.5^(at / half-life)`, the factor that turns a recency sum into weights at `at`.
pub fn decay_at(at: i64) -> f64 {
    0.5f64.powf(at as f64 / DAY_MS / DIAGNOSIS_HALF_LIFE_DAYS)
}

/// The trimmed cause of a work order that counts as evidence for the cause ranking: a completed
/// or closed breakdown or corrective with a cause.
pub fn evidence_cause<'a>(wo_type: &str, status: &str, cause: Option<&'a str>) -> Option<&'a str> {
    (matches!(wo_type, "breakdown" | "corrective") && matches!(status, "completed" | "closed"))
        .then_some(cause?.trim())
        .filter(|c| !c.is_empty())
}

/// A work order's repair time in ms (finish minus start, or report), when finished not before.
pub fn repair_ms(
    reported_at: i64,
    started_at: Option<i64>,
    finished_at: Option<i64>,
) -> Option<i64> {
    let start = started_at.unwrap_or(reported_at);
    let end = finished_at?;
    (end >= start).then_some(end - start)
}

/// The bucket of a repair time in `diag_cell_repairs`: a quarter of a doubling of the minutes.
pub fn repair_bucket(dur_ms: i64) -> i64 {
    let minutes = dur_ms.max(0) as f64 / 60_000.0;
    ((minutes + 1.0).log2() * 4.0).floor() as i64
}

/// One (site, model, equipment class) combination.
#[derive(Debug, Clone, PartialEq)]
pub struct DiagnosisCell {
    pub id: i64,
    pub site: String,
    pub model: Option<String>,
    pub class: Option<String>,
}

/// An evidence work order as applied to the totals.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceRow {
    pub rid: i64,
    pub asset_rid: i64,
    pub cell: i64,
    pub cause: String,
    pub reported_at: i64,
    pub repair_ms: Option<i64>,
    /// [`growth`] of its report time.
    pub growth: f64,
}

/// What a catch-up applied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CatchUp {
    pub work_orders: usize,
    pub codes: usize,
}

const EVIDENCE_COLUMNS: &str = "e.rid, e.asset_rid, e.cell, e.cause, e.reported_at, e.dur_ms, e.w";

fn evidence_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<EvidenceRow> {
    Ok(EvidenceRow {
        rid: r.get(0)?,
        asset_rid: r.get(1)?,
        cell: r.get(2)?,
        cause: r.get(3)?,
        reported_at: r.get(4)?,
        repair_ms: r.get(5)?,
        growth: r.get(6)?,
    })
}

/// An alarm with one of the asked codes: (asset rid, time, code as written).
pub type CodeAlarm = (i64, i64, String);

/// A comma list of ids for an `IN (...)` (integers only, so nothing to escape).
fn id_list(ids: &[i64]) -> String {
    let v: Vec<String> = ids.iter().map(i64::to_string).collect();
    v.join(",")
}

/// Per (cell, cause): count and sum deltas; per (cell, cause, repair bucket): count deltas.
type Deltas = (
    HashMap<(i64, String), (i64, f64)>,
    HashMap<(i64, String, i64), i64>,
);

impl Store {
    /// Work orders and codes written since the last catch-up.
    pub fn diagnosis_pending(&self) -> Result<(i64, i64)> {
        Ok(self.conn().query_row(
            "SELECT (SELECT count(*) FROM diag_dirty),
                    (SELECT count(*) FROM diag_code_keys WHERE key IS NULL)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// Applies the queued work orders to the totals and keys the new codes with `key`, in one
    /// immediate write transaction (nothing when nothing is queued). `progress(done, total)` is
    /// called every 50,000 work orders (the first catch-up after the upgrade applies them all).
    pub fn diagnosis_catch_up(
        &self,
        key: &dyn Fn(&str) -> String,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<CatchUp> {
        self.diagnosis_catch_up_batch(key, progress, usize::MAX)
    }

    /// [`Self::diagnosis_catch_up`] of at most `max_rows` queued work orders (the oldest queued
    /// first), so a background upgrade can let other writes in between batches; each batch is
    /// one transaction.
    pub fn diagnosis_catch_up_batch(
        &self,
        key: &dyn Fn(&str) -> String,
        progress: &mut dyn FnMut(usize, usize),
        max_rows: usize,
    ) -> Result<CatchUp> {
        let (dirty, codes) = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM diag_dirty),
                    EXISTS (SELECT 1 FROM diag_code_keys WHERE key IS NULL)",
            [],
            |r| Ok((r.get::<_, bool>(0)?, r.get::<_, bool>(1)?)),
        )?;
        if !dirty && !codes {
            return Ok(CatchUp::default());
        }
        let tx = rusqlite::Transaction::new_unchecked(self.conn(), TransactionBehavior::Immediate)?;
        let mut done = CatchUp::default();
        {
            let raws: Vec<String> = tx
                .prepare("SELECT raw FROM diag_code_keys WHERE key IS NULL")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut set = tx.prepare("UPDATE diag_code_keys SET key = ?2 WHERE raw = ?1")?;
            for raw in &raws {
                set.execute(params![raw, key(raw)])?;
            }
            done.codes = raws.len();
        }
        done.work_orders = apply_dirty(&tx, progress, max_rows)?;
        tx.commit()?;
        Ok(done)
    }

    /// Every cell.
    pub fn diagnosis_cells(&self) -> Result<Vec<DiagnosisCell>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, site, model, class FROM diag_cells ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok(DiagnosisCell {
                id: r.get(0)?,
                site: r.get(1)?,
                model: r.get(2)?,
                class: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Per cell of `cells` and cause: the evidence count and recency sum (all times).
    pub fn diagnosis_cell_causes(&self, cells: &[i64]) -> Result<Vec<(i64, String, i64, f64)>> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT cell, cause, n, w FROM diag_cell_causes WHERE cell IN ({}) AND n > 0
             ORDER BY cell, cause",
            id_list(cells)
        ))?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The repair-time buckets of the evidence with `cause` in `cells` (all times), with how
    /// many fall in each, shortest first.
    pub fn diagnosis_repair_buckets(&self, cause: &str, cells: &[i64]) -> Result<Vec<(i64, i64)>> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT bucket, sum(n) FROM diag_cell_repairs WHERE cause = ?1 AND cell IN ({})
             GROUP BY bucket HAVING sum(n) > 0 ORDER BY bucket",
            id_list(cells)
        ))?;
        let rows = stmt.query_map(params![cause], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The repair times (ms) in one bucket of the evidence with `cause` in `cells` reported
    /// strictly before `before`, shortest first.
    pub fn diagnosis_repairs_in_bucket(
        &self,
        cause: &str,
        bucket: i64,
        cells: &[i64],
        before: i64,
    ) -> Result<Vec<i64>> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT dur_ms FROM diag_evidence INDEXED BY diag_evidence_repair
             WHERE cause = ?1 AND bucket = ?2 AND reported_at < ?3 AND cell IN ({})
             ORDER BY dur_ms",
            id_list(cells)
        ))?;
        let rows = stmt.query_map(params![cause, bucket, before], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The evidence reported at or after `at` (to take out of the totals), at most `cap + 1`
    /// rows so a caller can tell "too many".
    pub fn diagnosis_evidence_since(&self, at: i64, cap: usize) -> Result<Vec<EvidenceRow>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {EVIDENCE_COLUMNS} FROM diag_evidence e WHERE e.reported_at >= ?1
             ORDER BY e.reported_at, e.rid LIMIT ?2"
        ))?;
        let cap = i64::try_from(cap.saturating_add(1)).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![at, cap], evidence_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The asset's evidence reported strictly before `before`, oldest first.
    pub fn diagnosis_asset_evidence(
        &self,
        asset_rid: i64,
        before: i64,
    ) -> Result<Vec<EvidenceRow>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {EVIDENCE_COLUMNS} FROM diag_evidence e
             WHERE e.asset_rid = ?1 AND e.reported_at < ?2 ORDER BY e.reported_at, e.rid"
        ))?;
        let rows = stmt.query_map(params![asset_rid, before], evidence_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The evidence of the work orders with these ids (those that are evidence).
    pub fn diagnosis_evidence_of_ids(&self, ids: &[String]) -> Result<Vec<EvidenceRow>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {EVIDENCE_COLUMNS} FROM work_orders w JOIN diag_evidence e ON e.rid = w.rid
             WHERE w.id = ?1"
        ))?;
        let mut out = Vec::new();
        for id in ids {
            if let Some(e) = stmt.query_row(params![id], evidence_row).optional()? {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// The codes as written whose matching key is one of `keys`.
    pub fn diagnosis_codes_with_keys(&self, keys: &[String]) -> Result<Vec<String>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT raw FROM diag_code_keys WHERE key = ?1 ORDER BY raw")?;
        let mut out = Vec::new();
        for k in keys {
            let rows = stmt.query_map(params![k], |r| r.get::<_, String>(0))?;
            for r in rows {
                out.push(r?);
            }
        }
        Ok(out)
    }

    /// The evidence before `before` that showed one of the codes `raws` (as written): as its
    /// fault code, or as an alarm of its asset in `[reported_at - window_ms, reported_at)`.
    /// Also those alarms: (asset rid, time, code as written).
    pub fn diagnosis_code_evidence(
        &self,
        raws: &[String],
        before: i64,
        window_ms: i64,
    ) -> Result<(Vec<EvidenceRow>, Vec<CodeAlarm>)> {
        let mut by_rid: HashMap<i64, EvidenceRow> = HashMap::new();
        let mut alarms = Vec::new();
        if raws.is_empty() {
            return Ok((Vec::new(), alarms));
        }
        let marks = vec!["?"; raws.len()].join(",");
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {EVIDENCE_COLUMNS} FROM work_orders w JOIN diag_evidence e ON e.rid = w.rid
             WHERE w.fault_code IN ({marks}) AND w.reported_at < ?{}",
            raws.len() + 1
        ))?;
        let mut args: Vec<rusqlite::types::Value> = raws
            .iter()
            .map(|r| rusqlite::types::Value::Text(r.clone()))
            .collect();
        args.push(rusqlite::types::Value::Integer(before));
        for e in stmt.query_map(params_from_iter(args.iter()), evidence_row)? {
            let e = e?;
            by_rid.insert(e.rid, e);
        }
        let mut stmt = self.conn().prepare(&format!(
            "SELECT f.asset_rid, f.occurred_at, f.code FROM fault_events f
             WHERE f.code IN ({marks}) AND f.occurred_at < ?{} ORDER BY f.occurred_at, f.rid",
            raws.len() + 1
        ))?;
        for a in stmt.query_map(params_from_iter(args.iter()), |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })? {
            alarms.push(a?);
        }
        let mut after = self.conn().prepare_cached(&format!(
            "SELECT {EVIDENCE_COLUMNS} FROM diag_evidence e
             WHERE e.asset_rid = ?1 AND e.reported_at > ?2 AND e.reported_at <= ?3
               AND e.reported_at < ?4"
        ))?;
        for (asset, t, _) in &alarms {
            let rows = after.query_map(
                params![asset, t, t.saturating_add(window_ms), before],
                evidence_row,
            )?;
            for e in rows {
                let e = e?;
                by_rid.insert(e.rid, e);
            }
        }
        let mut rows: Vec<EvidenceRow> = by_rid.into_values().collect();
        rows.sort_by_key(|e| (e.reported_at, e.rid));
        Ok((rows, alarms))
    }

    /// The evidence with `cause` in `cells` reported strictly before `before`, newest first,
    /// read lazily: `visit` gets each work order until it returns false.
    pub fn diagnosis_latest_evidence(
        &self,
        cause: &str,
        cells: &[i64],
        before: i64,
        visit: &mut dyn FnMut(DiagnosisWorkOrder) -> bool,
    ) -> Result<()> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT e.rid FROM diag_evidence e INDEXED BY diag_evidence_cause
             WHERE e.cause = ?1 AND e.reported_at < ?2 AND e.cell IN ({})
             ORDER BY e.reported_at DESC, e.rid DESC",
            id_list(cells)
        ))?;
        let mut rows = stmt.query(params![cause, before])?;
        while let Some(r) = rows.next()? {
            let rid: i64 = r.get(0)?;
            if let Some(w) = self.diagnosis_work_order_by_rid(rid)? {
                if !visit(w) {
                    break;
                }
            }
        }
        Ok(())
    }

    /// One work order as the ranking reads it (without notes and parts).
    pub fn diagnosis_work_order_by_rid(&self, rid: i64) -> Result<Option<DiagnosisWorkOrder>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT w.id, w.number, a.tag, w.wo_type, w.status, w.reported_at,
                    w.started_at, w.finished_at, w.title, w.description, w.fault_code,
                    w.failure_class, w.problem_code, w.cause_code, w.remedy_code, w.remedy_text
             FROM work_orders w JOIN assets a ON a.rid = w.asset_rid WHERE w.rid = ?1",
        )?;
        Ok(stmt
            .query_row(params![rid], |r| {
                Ok(DiagnosisWorkOrder {
                    id: r.get(0)?,
                    number: r.get(1)?,
                    asset_tag: r.get(2)?,
                    wo_type: r.get(3)?,
                    status: r.get(4)?,
                    reported_at: r.get(5)?,
                    started_at: r.get(6)?,
                    finished_at: r.get(7)?,
                    title: r.get(8)?,
                    description: r.get(9)?,
                    fault_code: r.get(10)?,
                    failure_class: r.get(11)?,
                    problem_code: r.get(12)?,
                    cause_code: r.get(13)?,
                    remedy_code: r.get(14)?,
                    remedy_text: r.get(15)?,
                    notes: Vec::new(),
                    parts: Vec::new(),
                })
            })
            .optional()?)
    }

    /// The asset's rid, site, model and class by tag (exact, as the ranking compares tags).
    pub fn diagnosis_asset(&self, tag: &str) -> Result<Option<(i64, super::AnalyticsAsset)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT a.rid, a.tag, a.site_code, l.code, m.model, a.equipment_class, a.description
             FROM assets a
             LEFT JOIN locations l ON l.id = a.location_id
             LEFT JOIN asset_models m ON m.id = a.model_id
             WHERE a.tag = ?1",
        )?;
        let got = stmt
            .query_row(params![tag], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    super::AnalyticsAsset {
                        tag: r.get(1)?,
                        site: r.get(2)?,
                        location: r.get(3)?,
                        model: r.get(4)?,
                        equipment_class: r.get(5)?,
                        description: r.get(6)?,
                    },
                ))
            })
            .optional()?;
        Ok(got.filter(|(_, a)| a.tag == tag))
    }

    /// The asset's alarm codes (as written) in `[from, before)`, newest first.
    pub fn diagnosis_alarm_codes(
        &self,
        asset_rid: i64,
        from: i64,
        before: i64,
    ) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT code FROM fault_events WHERE asset_rid = ?1 AND occurred_at >= ?2
               AND occurred_at < ?3 ORDER BY occurred_at DESC, rid DESC",
        )?;
        let rows = stmt.query_map(params![asset_rid, from, before], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The asset's work orders reported strictly before `before`, oldest first, with their parts
    /// (no notes): what "last replaced" reads.
    pub fn diagnosis_asset_work_orders(
        &self,
        asset_rid: i64,
        before: i64,
    ) -> Result<Vec<DiagnosisWorkOrder>> {
        let rids: Vec<i64> = self
            .conn()
            .prepare_cached(
                "SELECT rid FROM work_orders WHERE asset_rid = ?1 AND reported_at < ?2
                 ORDER BY reported_at, rid",
            )?
            .query_map(params![asset_rid, before], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        self.diagnosis_rows_with_parts(&rids)
    }

    /// The work orders `rids` (in that order) with their parts, no notes.
    fn diagnosis_rows_with_parts(&self, rids: &[i64]) -> Result<Vec<DiagnosisWorkOrder>> {
        let mut parts = self.conn().prepare_cached(
            "SELECT part_number FROM parts_used WHERE work_order_rid = ?1 ORDER BY rid",
        )?;
        let mut out = Vec::with_capacity(rids.len());
        for &rid in rids {
            if let Some(mut w) = self.diagnosis_work_order_by_rid(rid)? {
                w.parts = parts
                    .query_map(params![rid], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                out.push(w);
            }
        }
        Ok(out)
    }

    /// The asset's not cancelled work orders reported and done (finished, else reported)
    /// strictly before `before` that may name one of `causes`, each with its parts (no notes) to
    /// `visit`, the latest done first (then the highest rid), until it says `false`: what "last
    /// replaced" reads for the causes shown, instead of all of
    /// [`Self::diagnosis_asset_work_orders`]. A superset of the rows that name a cause (its
    /// cause code, a part, a word of its title or remedy text): the ones holding a cause's
    /// letters in any ASCII case (`LIKE`), and every text with non-ASCII characters (a Unicode
    /// lower case can change them); all rows when a cause is not ASCII.
    pub fn diagnosis_asset_rows_naming(
        &self,
        asset_rid: i64,
        before: i64,
        causes: &[String],
        visit: &mut dyn FnMut(DiagnosisWorkOrder) -> bool,
    ) -> Result<()> {
        if causes.is_empty() {
            return Ok(());
        }
        let mut sql = String::from(
            "SELECT w.rid FROM work_orders w WHERE w.asset_rid = ?1 AND w.reported_at < ?2
               AND coalesce(w.finished_at, w.reported_at) < ?2 AND w.status <> 'cancelled'",
        );
        let mut patterns: Vec<String> = Vec::new();
        if causes.iter().all(|c| c.is_ascii()) {
            let mut any = vec![
                "length(w.title) <> length(CAST(w.title AS BLOB))".to_string(),
                "length(w.remedy_text) <> length(CAST(w.remedy_text AS BLOB))".to_string(),
            ];
            for c in causes {
                let mut p = String::from("%");
                for ch in c.chars() {
                    if matches!(ch, '%' | '_' | '\\') {
                        p.push('\\');
                    }
                    p.push(ch);
                }
                p.push('%');
                patterns.push(p);
                let k = patterns.len() + 2;
                any.push(format!(
                    "w.cause_code LIKE ?{k} ESCAPE '\\' OR w.title LIKE ?{k} ESCAPE '\\'
                     OR w.remedy_text LIKE ?{k} ESCAPE '\\'
                     OR EXISTS (SELECT 1 FROM parts_used p WHERE p.work_order_rid = w.rid
                                AND p.part_number LIKE ?{k} ESCAPE '\\')"
                ));
            }
            sql.push_str(" AND (");
            sql.push_str(&any.join(" OR "));
            sql.push(')');
        }
        sql.push_str(" ORDER BY coalesce(w.finished_at, w.reported_at) DESC, w.rid DESC");
        let mut args: Vec<&dyn rusqlite::ToSql> = vec![&asset_rid, &before];
        for p in &patterns {
            args.push(p);
        }
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let mut rows = stmt.query(args.as_slice())?;
        while let Some(r) = rows.next()? {
            let rid: i64 = r.get(0)?;
            for w in self.diagnosis_rows_with_parts(&[rid])? {
                if !visit(w) {
                    return Ok(());
                }
            }
        }
        Ok(())
    }
}

/// Applies `diag_dirty` to the totals and the mirror, then empties it.
fn apply_dirty(
    tx: &rusqlite::Transaction<'_>,
    progress: &mut dyn FnMut(usize, usize),
    max_rows: usize,
) -> Result<usize> {
    let total: i64 = tx.query_row("SELECT count(*) FROM diag_dirty", [], |r| r.get(0))?;
    let total = usize::try_from(total).unwrap_or(0);
    if total == 0 {
        return Ok(0);
    }
    let mut cells: HashMap<(String, Option<String>, Option<String>), i64> = HashMap::new();
    for c in tx
        .prepare("SELECT id, site, model, class FROM diag_cells")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
    {
        let (id, site, model, class) = c?;
        cells.insert((site, model, class), id);
    }
    let mut deltas: Deltas = Default::default();
    let add = |d: &mut Deltas, cell: i64, cause: &str, dur: Option<i64>, w: f64, sign: i64| {
        let e = d.0.entry((cell, cause.to_string())).or_insert((0, 0.0));
        e.0 += sign;
        e.1 += sign as f64 * w;
        if let Some(dur) = dur {
            *d.1.entry((cell, cause.to_string(), repair_bucket(dur)))
                .or_insert(0) += sign;
        }
    };
    let mut new_cell =
        tx.prepare("INSERT INTO diag_cells(site, model, class) VALUES (?1, ?2, ?3)")?;
    let mut put = tx.prepare(
        "INSERT OR REPLACE INTO diag_evidence(rid, asset_rid, cell, cause, reported_at, dur_ms,
             bucket, w)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let mut unput = tx.prepare("DELETE FROM diag_evidence WHERE rid = ?1")?;
    let mut read = tx.prepare(
        "SELECT d.rid, e.cell, e.cause, e.dur_ms, e.w,
                w.asset_rid, w.wo_type, w.status, w.cause_code, w.reported_at, w.started_at,
                w.finished_at, a.site_code, m.model, a.equipment_class
         FROM diag_dirty d
         LEFT JOIN diag_evidence e ON e.rid = d.rid
         LEFT JOIN work_orders w ON w.rid = d.rid
         LEFT JOIN assets a ON a.rid = w.asset_rid
         LEFT JOIN asset_models m ON m.id = a.model_id
         ORDER BY d.rid LIMIT ?1",
    )?;
    let mut rows = read.query(params![i64::try_from(max_rows).unwrap_or(i64::MAX)])?;
    let mut last_rid = i64::MIN;
    let mut done = 0usize;
    while let Some(r) = rows.next()? {
        let rid: i64 = r.get(0)?;
        last_rid = rid;
        let old_cell: Option<i64> = r.get(1)?;
        if let Some(cell) = old_cell {
            let cause: String = r.get(2)?;
            add(&mut deltas, cell, &cause, r.get(3)?, r.get(4)?, -1);
        }
        let asset_rid: Option<i64> = r.get(5)?;
        let wo_type: Option<String> = r.get(6)?;
        let status: Option<String> = r.get(7)?;
        let cause: Option<String> = r.get(8)?;
        let site: Option<String> = r.get(12)?;
        let evidence = match (asset_rid, &wo_type, &status, &site) {
            (Some(a), Some(t), Some(s), Some(site)) => {
                evidence_cause(t, s, cause.as_deref()).map(|c| (a, c.to_string(), site.clone()))
            }
            _ => None,
        };
        match evidence {
            Some((asset, cause, site)) => {
                let key = (
                    site,
                    r.get::<_, Option<String>>(13)?,
                    r.get::<_, Option<String>>(14)?,
                );
                let cell = match cells.get(&key) {
                    Some(&id) => id,
                    None => {
                        new_cell.execute(params![key.0, key.1, key.2])?;
                        let id = tx.last_insert_rowid();
                        cells.insert(key, id);
                        id
                    }
                };
                let reported: i64 = r.get(9)?;
                let dur = repair_ms(reported, r.get(10)?, r.get(11)?);
                let w = growth(reported);
                let bucket = dur.map(repair_bucket);
                put.execute(params![rid, asset, cell, cause, reported, dur, bucket, w])?;
                add(&mut deltas, cell, &cause, dur, w, 1);
            }
            None => {
                if old_cell.is_some() {
                    unput.execute(params![rid])?;
                }
            }
        }
        done += 1;
        if done.is_multiple_of(50_000) {
            progress(done, total);
        }
    }
    std::mem::drop(rows);
    let mut upsert = tx.prepare(
        "INSERT INTO diag_cell_causes(cell, cause, n, w) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(cell, cause) DO UPDATE SET n = n + excluded.n, w = w + excluded.w",
    )?;
    // A cell's sum starts again from nothing when its last row leaves (no drift kept).
    let mut empty =
        tx.prepare("DELETE FROM diag_cell_causes WHERE cell = ?1 AND cause = ?2 AND n <= 0")?;
    for ((cell, cause), (n, w)) in &deltas.0 {
        if *n != 0 || *w != 0.0 {
            upsert.execute(params![cell, cause, n, w])?;
            empty.execute(params![cell, cause])?;
        }
    }
    let mut upsert = tx.prepare(
        "INSERT INTO diag_cell_repairs(cell, cause, bucket, n) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(cell, cause, bucket) DO UPDATE SET n = n + excluded.n",
    )?;
    let mut empty = tx.prepare(
        "DELETE FROM diag_cell_repairs WHERE cell = ?1 AND cause = ?2 AND bucket = ?3 AND n <= 0",
    )?;
    for ((cell, cause, bucket), n) in &deltas.1 {
        if *n != 0 {
            upsert.execute(params![cell, cause, bucket, n])?;
            empty.execute(params![cell, cause, bucket])?;
        }
    }
    tx.execute("DELETE FROM diag_dirty WHERE rid <= ?1", params![last_rid])?;
    progress(done, total);
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::demo_store;

    type Snapshot = (
        Vec<(String, Option<String>, Option<String>, String, i64, f64)>,
        Vec<(String, Option<String>, Option<String>, String, i64, i64)>,
        Vec<(i64, i64, String, i64, Option<i64>)>,
    );

    fn no_progress(_: usize, _: usize) {}

    fn catch_up(store: &Store) -> CatchUp {
        match store.diagnosis_catch_up(&|raw| raw.trim().to_lowercase(), &mut no_progress) {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        }
    }

    fn exec(store: &Store, sql: &str) {
        if let Err(e) = store.conn().execute_batch(sql) {
            panic!("{sql}: {e}");
        }
    }

    /// The totals by cell names (ids differ between two builds), sorted.
    fn snapshot(store: &Store) -> Snapshot {
        let q = |sql: &str| -> Vec<Vec<rusqlite::types::Value>> {
            let mut stmt = match store.conn().prepare(sql) {
                Ok(s) => s,
                Err(e) => panic!("{e}"),
            };
            let n = stmt.column_count();
            let rows = stmt.query_map([], |r| {
                (0..n)
                    .map(|i| r.get::<_, rusqlite::types::Value>(i))
                    .collect()
            });
            match rows.and_then(|r| r.collect::<rusqlite::Result<Vec<_>>>()) {
                Ok(v) => v,
                Err(e) => panic!("{e}"),
            }
        };
        use rusqlite::types::Value as V;
        let text = |v: &V| match v {
            V::Text(s) => Some(s.clone()),
            _ => None,
        };
        let int = |v: &V| match v {
            V::Integer(i) => Some(*i),
            _ => None,
        };
        let real = |v: &V| match v {
            V::Real(f) => *f,
            V::Integer(i) => *i as f64,
            _ => f64::NAN,
        };
        let causes = q(
            "SELECT c.site, c.model, c.class, t.cause, t.n, t.w FROM diag_cell_causes t
             JOIN diag_cells c ON c.id = t.cell ORDER BY 1, 2, 3, 4",
        )
        .iter()
        .map(|r| {
            (
                text(&r[0]).unwrap_or_default(),
                text(&r[1]),
                text(&r[2]),
                text(&r[3]).unwrap_or_default(),
                int(&r[4]).unwrap_or(-1),
                real(&r[5]),
            )
        })
        .collect();
        let repairs = q("SELECT c.site, c.model, c.class, t.cause, t.bucket, t.n
             FROM diag_cell_repairs t JOIN diag_cells c ON c.id = t.cell ORDER BY 1, 2, 3, 4, 5")
        .iter()
        .map(|r| {
            (
                text(&r[0]).unwrap_or_default(),
                text(&r[1]),
                text(&r[2]),
                text(&r[3]).unwrap_or_default(),
                int(&r[4]).unwrap_or(-1),
                int(&r[5]).unwrap_or(-1),
            )
        })
        .collect();
        let evidence = q(
            "SELECT rid, asset_rid, cause, reported_at, dur_ms FROM diag_evidence
             ORDER BY rid",
        )
        .iter()
        .map(|r| {
            (
                int(&r[0]).unwrap_or(-1),
                int(&r[1]).unwrap_or(-1),
                text(&r[2]).unwrap_or_default(),
                int(&r[3]).unwrap_or(-1),
                int(&r[4]),
            )
        })
        .collect();
        (causes, repairs, evidence)
    }

    fn same(a: &Snapshot, b: &Snapshot) {
        assert_eq!(a.0.len(), b.0.len(), "{:?}\n{:?}", a.0, b.0);
        for (x, y) in a.0.iter().zip(&b.0) {
            assert_eq!((&x.0, &x.1, &x.2, &x.3, x.4), (&y.0, &y.1, &y.2, &y.3, y.4));
            assert!(
                (x.5 - y.5).abs() <= 1e-12 * x.5.abs().max(y.5.abs()),
                "{x:?} {y:?}"
            );
        }
        assert_eq!(a.1, b.1);
        assert_eq!(a.2, b.2);
    }

    /// The totals rebuilt from nothing: every work order queued again and applied.
    fn rebuilt(store: &Store) -> Snapshot {
        exec(
            store,
            "DELETE FROM diag_evidence; DELETE FROM diag_cell_causes; DELETE FROM diag_cell_repairs;
             INSERT INTO diag_dirty(rid) SELECT rid FROM work_orders;",
        );
        catch_up(store);
        snapshot(store)
    }

    #[test]
    fn the_migration_queues_the_history_and_the_first_catch_up_applies_it() {
        let store = demo_store();
        let Ok((dirty, codes)) = store.diagnosis_pending() else {
            panic!("pending");
        };
        assert!(dirty > 10 && codes > 0, "{dirty} {codes}");
        let done = catch_up(&store);
        assert_eq!(done.work_orders as i64, dirty);
        assert_eq!(store.diagnosis_pending().ok(), Some((0, 0)));
        assert_eq!(catch_up(&store), CatchUp::default());
        let s = snapshot(&store);
        assert!(!s.0.is_empty() && !s.2.is_empty());
        let n: i64 = s.0.iter().map(|c| c.4).sum();
        assert_eq!(n as usize, s.2.len());
        let Ok(keys) = store.diagnosis_codes_with_keys(&["oc1".into()]) else {
            panic!("keys");
        };
        assert!(keys.is_empty() || keys.iter().all(|k| k.trim().to_lowercase() == "oc1"));
    }

    #[test]
    fn every_write_is_followed_exactly_as_a_rebuild_from_nothing() {
        let mut store = demo_store();
        catch_up(&store);
        // A new closed breakdown, a cause changed, one cancelled, one reopened, one moved in
        // time, one deleted, an asset moved to another model and class, a model renamed, an
        // alarm with a new code.
        exec(
            &store,
            "INSERT INTO work_orders(id, number, asset_rid, wo_type, status, priority, title,
                 reported_at, started_at, finished_at, cause_code, fault_code)
               SELECT 'new-1', 'N-1', rid, 'breakdown', 'closed', 2, 'chg hose', 1700000000000,
                 1700000060000, 1700003600000, ' NEWCAUSE ', 'ZZ 9' FROM assets LIMIT 1;
             UPDATE work_orders SET cause_code = 'OTHER' WHERE rid = (SELECT min(rid) FROM
                 diag_evidence);
             UPDATE work_orders SET status = 'cancelled' WHERE rid = (SELECT max(rid) FROM
                 diag_evidence);
             UPDATE work_orders SET reported_at = reported_at - 86400000
                 WHERE rid = (SELECT rid FROM diag_evidence ORDER BY rid LIMIT 1 OFFSET 3);
             UPDATE assets SET equipment_class = 'MOVED', model_id = (SELECT max(id) FROM
                 asset_models) WHERE rid = (SELECT asset_rid FROM diag_evidence LIMIT 1 OFFSET 5);
             UPDATE asset_models SET model = model || '-B' WHERE id = (SELECT min(id) FROM
                 asset_models);
             INSERT INTO fault_events(id, asset_rid, code, source, occurred_at)
               SELECT 'fe-new', rid, 'QQ 7', 'machine', 1700000000000 FROM assets LIMIT 1;",
        );
        let deletable: Option<i64> = store
            .conn()
            .query_row(
                "SELECT e.rid FROM diag_evidence e WHERE NOT EXISTS (SELECT 1 FROM notes n
                   WHERE n.work_order_rid = e.rid) AND NOT EXISTS (SELECT 1 FROM parts_used p
                   WHERE p.work_order_rid = e.rid) AND NOT EXISTS (SELECT 1 FROM photos p
                   WHERE p.work_order_rid = e.rid) LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .ok()
            .flatten();
        if let Some(rid) = deletable {
            let _ = store
                .conn()
                .execute("DELETE FROM work_orders WHERE rid = ?1", [rid]);
        }
        // A bulk import (the queue filled after the rows, not by the triggers) that updates
        // existing work orders (another cause, another asset, a new code) and adds two.
        let Ok(dir) = tempfile::tempdir() else {
            panic!("tempdir")
        };
        let csv = crate::store::diag_bulk::tests::corrected_export(dir.path(), "");
        let mapping = crate::store::diag_bulk::tests::demo_mapping();
        match store.import_csv(&mapping, &csv) {
            // (2, 2), or (3, 1) when the work order deleted above is one it updates.
            Ok(r) => assert!(r.inserted + r.updated == 4 && r.inserted >= 2, "{r:?}"),
            Err(e) => panic!("{e}"),
        }
        let Ok((dirty, codes)) = store.diagnosis_pending() else {
            panic!("pending");
        };
        assert!(dirty >= 9 && codes == 4, "{dirty} {codes}");
        catch_up(&store);
        let followed = snapshot(&store);
        assert!(followed.0.iter().any(|c| c.3 == "NEWCAUSE" && c.4 == 1));
        assert!(followed.0.iter().any(|c| c.2.as_deref() == Some("MOVED")));
        let Ok(keys) = store.diagnosis_codes_with_keys(&["qq 7".into(), "zz 9".into()]) else {
            panic!("keys");
        };
        assert_eq!(keys, vec!["QQ 7".to_string(), "ZZ 9".to_string()]);
        assert!(followed.0.iter().any(|c| c.3 == "NEWBRK" && c.4 == 1));
        same(&followed, &rebuilt(&store));
    }

    /// The rule "last replaced" applies (`faultline-diagnosis`' `causes::last_replacement_in`):
    /// the cause code, a part, or a word of the title or remedy text in Unicode lower case.
    fn names(w: &DiagnosisWorkOrder, cause: &str) -> bool {
        let needle = cause.to_lowercase();
        let word = |s: &str| {
            s.to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .any(|t| t == needle)
        };
        w.status != "cancelled"
            && (w.cause_code.as_deref().map(str::trim) == Some(cause)
                || w.parts.iter().any(|p| p.eq_ignore_ascii_case(cause))
                || word(&w.title)
                || w.remedy_text.as_deref().is_some_and(word))
    }

    #[test]
    fn the_rows_naming_a_cause_hold_every_row_the_rule_names() {
        let store = demo_store();
        let asset: i64 = match store.conn().query_row(
            "SELECT asset_rid FROM work_orders GROUP BY asset_rid ORDER BY count(*) DESC",
            [],
            |r| r.get(0),
        ) {
            Ok(a) => a,
            Err(e) => panic!("{e}"),
        };
        // (id, status, title, remedy text, cause code, reported at, part)
        type Row<'a> = (
            &'a str,
            &'a str,
            &'a str,
            Option<&'a str>,
            Option<&'a str>,
            i64,
            Option<&'a str>,
        );
        let rows: [Row<'_>; 9] = [
            ("n1", "closed", "Replaced bearing", None, None, 1_000, None),
            (
                "n2",
                "closed",
                "new \u{212A}EY fitted",
                None,
                None,
                2_000,
                None,
            ),
            (
                "n3",
                "closed",
                "valve",
                None,
                Some(" 50%_VALVE "),
                3_000,
                None,
            ),
            (
                "n4",
                "closed",
                "spare fitted",
                None,
                None,
                4_000,
                Some("bearing-6204"),
            ),
            (
                "n5",
                "closed",
                "fixed",
                Some("SEAL kit: new Seal"),
                None,
                5_000,
                None,
            ),
            (
                "n6",
                "cancelled",
                "Replaced bearing",
                None,
                None,
                6_000,
                None,
            ),
            ("n7", "closed", "Replaced bearing", None, None, 9_000, None),
            (
                "n8",
                "closed",
                "50XYVALVE",
                None,
                Some("50XYVALVE"),
                7_000,
                None,
            ),
            (
                "n9",
                "closed",
                "Ünit swapped",
                Some("ÜNIT"),
                None,
                8_000,
                None,
            ),
        ];
        for (i, (id, status, title, remedy, cause, at, part)) in rows.iter().enumerate() {
            let r = store.conn().execute(
                "INSERT INTO work_orders(id, number, asset_rid, wo_type, status, priority, title,
                     reported_at, remedy_text, cause_code)
                 VALUES (?1, ?1, ?2, 'corrective', ?3, 3, ?4, ?5, ?6, ?7)",
                params![id, asset, status, title, at, remedy, cause],
            );
            if let Err(e) = r {
                panic!("{e}");
            }
            if let Some(p) = part {
                let r = store.conn().execute(
                    "INSERT INTO parts_used(id, work_order_rid, part_number, quantity, created_at)
                     SELECT ?1, rid, ?2, 1, 0 FROM work_orders WHERE id = ?3",
                    params![format!("p{i}"), p, id],
                );
                if let Err(e) = r {
                    panic!("{e}");
                }
            }
        }
        let before = 8_500;
        let all = match store.diagnosis_asset_work_orders(asset, before) {
            Ok(a) => a,
            Err(e) => panic!("{e}"),
        };
        let causes = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        for set in [
            causes(&["BEARING"]),
            causes(&["KEY", "SEAL"]),
            causes(&["50%_VALVE"]),
            causes(&["BEARING-6204", "x_y"]),
            causes(&["ÜNIT"]),
            causes(&["NOTHING"]),
        ] {
            let mut got = Vec::new();
            let visited = store.diagnosis_asset_rows_naming(asset, before, &set, &mut |w| {
                got.push(w);
                true
            });
            if let Err(e) = visited {
                panic!("{e}");
            }
            let done = |w: &DiagnosisWorkOrder| w.finished_at.unwrap_or(w.reported_at);
            let got_ids: Vec<&str> = got.iter().map(|w| w.id.as_str()).collect();
            let want: Vec<&str> = all
                .iter()
                .filter(|w| done(w) < before && set.iter().any(|c| names(w, c)))
                .map(|w| w.id.as_str())
                .collect();
            // Every row the rule names done before, with its parts, the latest done first;
            // fewer rows than the asset's when the causes are ASCII.
            for id in &want {
                assert!(
                    got_ids.contains(id),
                    "{set:?}: {id} missing from {got_ids:?}"
                );
            }
            for w in &got {
                assert!(all.contains(w) && done(w) < before, "{set:?}: {w:?}");
            }
            assert!(
                got.windows(2).all(|p| done(&p[0]) >= done(&p[1])),
                "{got_ids:?}"
            );
            // A visit that says stop is not called again.
            let mut calls = 0;
            let stopped = store.diagnosis_asset_rows_naming(asset, before, &set, &mut |_| {
                calls += 1;
                false
            });
            assert!(stopped.is_ok() && calls == usize::from(!got.is_empty()));
            if set.iter().all(|c| c.is_ascii()) {
                assert!(got.len() < all.len(), "{set:?}: {}", got.len());
            }
            let expect: &[&str] = match set[0].as_str() {
                "BEARING" => &["n1"],
                "KEY" => &["n2", "n5"],
                "50%_VALVE" => &["n3"],
                "BEARING-6204" => &["n4"],
                "ÜNIT" => &["n9"],
                _ => &[],
            };
            let named: Vec<&str> = want
                .iter()
                .copied()
                .filter(|i| i.starts_with('n'))
                .collect();
            assert_eq!(named, expect, "{set:?}");
        }
    }

    #[test]
    fn the_weights_factorise() {
        let (t, at) = (1_700_000_000_000_i64, 1_760_000_000_000_i64);
        let direct = 0.5f64.powf((at - t) as f64 / DAY_MS / DIAGNOSIS_HALF_LIFE_DAYS);
        let split = growth(t) * decay_at(at);
        assert!((direct - split).abs() <= 1e-13 * direct);
        assert_eq!(
            evidence_cause("breakdown", "closed", Some(" X ")),
            Some("X")
        );
        assert_eq!(evidence_cause("breakdown", "open", Some("X")), None);
        assert_eq!(evidence_cause("preventive", "closed", Some("X")), None);
        assert_eq!(evidence_cause("corrective", "completed", Some("  ")), None);
        assert_eq!(repair_ms(10, None, Some(70)), Some(60));
        assert_eq!(repair_ms(10, Some(80), Some(70)), None);
    }
}
