//! Production-count import (kind `production`, for OEE per ISO 22400-2): one row per asset or
//! line and shift/period with its planned busy time, planned run time per unit and the produced,
//! good and scrap quantities. Rows are upserted on their key (by default the asset or line and
//! the period start), so a corrected export updates the shifts it changed. A row that does not
//! add up (good above produced, planned time longer than the period…) is refused with its line
//! and column.

use super::mapping::RecordKind;
use super::reader::{CsvRows, FieldId};
use crate::error::Result;
use rusqlite::{params, Transaction};
use std::collections::HashMap;

/// Quantities may be written as decimals by a CMMS, but must be whole and not negative.
fn quantity(v: f64) -> bool {
    v >= 0.0 && v.fract() == 0.0
}

pub(super) fn import(tx: &Transaction<'_>, rows: &mut CsvRows) -> Result<(u64, u64)> {
    let k = RecordKind::Production;
    let id = |n: &str| rows.fields.id(k, n);
    let [start, end, pbt, pri, produced, key] = [
        "period_start",
        "period_end",
        "planned_busy_hours",
        "run_time_per_unit_s",
        "produced",
        "key",
    ]
    .map(id);
    let [asset, line_f, shift, apt, good, scrap] = [
        "asset_tag",
        "line",
        "shift",
        "actual_production_hours",
        "good",
        "scrap",
    ]
    .map(id);
    let assets: HashMap<String, String> = {
        let mut s = tx.prepare("SELECT lower(tag), tag FROM assets")?;
        let m = s
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        m
    };
    let lines: HashMap<String, String> = {
        let mut s =
            tx.prepare("SELECT lower(code), min(code) FROM locations GROUP BY lower(code)")?;
        let m = s
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        m
    };
    let mut stmt = tx.prepare(
        "INSERT INTO production_counts (external_key, scope_kind, scope_code, shift, period_start,
             period_end, planned_busy_hours, actual_production_hours, run_time_per_unit_s,
             produced, good)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT(external_key) DO UPDATE SET scope_kind = excluded.scope_kind,
             scope_code = excluded.scope_code, shift = excluded.shift,
             period_start = excluded.period_start, period_end = excluded.period_end,
             planned_busy_hours = excluded.planned_busy_hours,
             actual_production_hours = excluded.actual_production_hours,
             run_time_per_unit_s = excluded.run_time_per_unit_s, produced = excluded.produced,
             good = excluded.good
         WHERE (scope_kind, scope_code, shift, period_start, period_end, planned_busy_hours,
                actual_production_hours, run_time_per_unit_s, produced, good)
             IS NOT (excluded.scope_kind, excluded.scope_code, excluded.shift,
                excluded.period_start, excluded.period_end, excluded.planned_busy_hours,
                excluded.actual_production_hours, excluded.run_time_per_unit_s,
                excluded.produced, excluded.good)",
    )?;
    let mut seen: HashMap<String, u64> = HashMap::new();
    let (mut n, mut changes) = (0u64, 0u64);
    while let Some(line) = rows.next_row()? {
        n += 1;
        let fl = &rows.fields;
        let rec = &rows.record;
        let err = |f: FieldId, m: String| fl.error(line, f, m);
        let (kind, code) = match (fl.text(rec, asset), fl.text(rec, line_f)) {
            (Some(a), None) => {
                let tag = assets.get(&a.to_lowercase()).ok_or_else(|| {
                    err(
                        asset,
                        format!("asset {a:?} is not in the replica; import the assets file first"),
                    )
                })?;
                ("asset", tag.clone())
            }
            (None, Some(l)) => {
                let code = lines.get(&l.to_lowercase()).ok_or_else(|| {
                    err(
                        line_f,
                        format!("line {l:?} is not a location of any asset in the replica"),
                    )
                })?;
                ("line", code.clone())
            }
            (Some(_), Some(_)) => {
                return Err(err(
                    line_f,
                    "a count is of one asset or of one line: this row names both".into(),
                )
                .into())
            }
            (None, None) => {
                let f = if fl.is_mapped(asset) { asset } else { line_f };
                return Err(err(
                    f,
                    "the asset tag and the line are both empty; every row needs one".into(),
                )
                .into());
            }
        };
        let t0 = fl.required_date(rec, start, line, "the period start")?;
        let t1 = fl.required_date(rec, end, line, "the period end")?;
        if t1 <= t0 {
            return Err(err(end, "the period ends before it starts".into()).into());
        }
        let period_h = (t1 - t0).num_milliseconds() as f64 / 3_600_000.0;
        let num = |f: FieldId, what: &str| -> std::result::Result<f64, super::ImportError> {
            fl.number(rec, f, line)?
                .ok_or_else(|| err(f, format!("{what} is empty; every row needs one")))
        };
        let pbt_v = num(pbt, "the planned busy time")?;
        if !(pbt_v > 0.0 && pbt_v <= period_h + 1e-9) {
            return Err(err(
                pbt,
                format!(
                    "planned busy time {pbt_v} h must be above 0 and within the period ({period_h} h)"
                ),
            )
            .into());
        }
        let apt_v = fl.number(rec, apt, line)?;
        if let Some(a) = apt_v {
            if !(0.0..=pbt_v + 1e-9).contains(&a) {
                return Err(err(
                    apt,
                    format!("actual production time {a} h must be between 0 and the planned busy time ({pbt_v} h)"),
                )
                .into());
            }
        }
        let pri_v = num(pri, "the planned run time per unit")?;
        if pri_v <= 0.0 {
            return Err(err(
                pri,
                format!("planned run time per unit {pri_v} s must be above 0"),
            )
            .into());
        }
        let pq = num(produced, "the produced quantity")?;
        if !quantity(pq) {
            return Err(err(
                produced,
                format!("produced quantity {pq} must be a whole number, 0 or more"),
            )
            .into());
        }
        let gq = fl.number(rec, good, line)?;
        let sq = fl.number(rec, scrap, line)?;
        for (f, v, what) in [(good, gq, "good"), (scrap, sq, "scrap")] {
            if let Some(v) = v {
                if !quantity(v) || v > pq {
                    return Err(err(
                        f,
                        format!("{what} quantity {v} must be a whole number from 0 to the produced quantity ({pq})"),
                    )
                    .into());
                }
            }
        }
        let gq_v = match (gq, sq) {
            (Some(g), Some(s)) if g + s != pq => {
                return Err(err(
                    scrap,
                    format!("good {g} + scrap {s} is not the produced quantity {pq}"),
                )
                .into())
            }
            (Some(g), _) => g,
            (None, Some(s)) => pq - s,
            (None, None) => {
                let f = if fl.is_mapped(good) { good } else { scrap };
                return Err(err(
                    f,
                    "the good and scrap quantities are both empty; every row needs one".into(),
                )
                .into());
            }
        };
        let ext_key = fl.text(rec, key).map_or_else(
            || format!("{kind}:{}|{}", code.to_lowercase(), t0.timestamp_millis()),
            |k| k.into_owned(),
        );
        if let Some(earlier) = seen.insert(ext_key.clone(), line) {
            let f = if fl.is_mapped(key) { key } else { start };
            return Err(err(
                f,
                format!("this count ({ext_key}) is already on line {earlier} of the file"),
            )
            .into());
        }
        changes += stmt.execute(params![
            ext_key,
            kind,
            code,
            fl.text(rec, shift),
            t0.timestamp_millis(),
            t1.timestamp_millis(),
            pbt_v,
            apt_v,
            pri_v,
            pq,
            gq_v,
        ])? as u64;
    }
    Ok((n, changes))
}
