//! What the hub's own records say about a push's values, read once per batch: the site's failure
//! catalogue for the codes the batch sets, the note/part/photo ids already taken, and when each
//! touched work order's machine was last back in service. With them the decision functions
//! apply the laptop's rules (`faultline_core::validate`) against the hub's truth.

use super::Tx as Transaction;
use crate::error::Result;
use crate::fields::{Field, FieldValue, FieldValues};
use chrono::{DateTime, Utc};
use faultline_core::validate::{self, CatalogAnswer, Invalid};
use faultline_protocol::Mutation;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// The catalogue levels, as the `failure_codes.level` column spells them.
const LEVELS: [&str; 7] = [
    "class",
    "problem",
    "cause",
    "remedy",
    "iso_mode",
    "iso_mechanism",
    "iso_cause",
];

/// The Maximo code fields, top down, with their catalogue level.
const MAXIMO: [(Field, &str); 4] = [
    (Field::FailureClass, "class"),
    (Field::ProblemCode, "problem"),
    (Field::CauseCode, "cause"),
    (Field::RemedyCode, "remedy"),
];

/// The ISO 14224 code fields with their catalogue level (checked without a parent).
const ISO: [(Field, &str); 3] = [
    (Field::IsoFailureMode, "iso_mode"),
    (Field::IsoFailureMechanism, "iso_mechanism"),
    (Field::IsoFailureCause, "iso_cause"),
];

/// The part of a site's failure catalogue a batch needs.
#[derive(Debug, Default, Clone)]
pub struct Catalog {
    /// The levels the site's catalogue has at all (an empty level accepts any code, as on the
    /// laptop).
    pub levels: HashSet<String>,
    /// (level, parent, code) of the entries whose code is one the batch sets.
    pub rows: Vec<(String, String, String)>,
}

impl Catalog {
    /// As the laptop looks a code up: case-insensitive, under `parent` when given.
    pub fn lookup(&self, level: &str, parent: Option<&str>, code: &str) -> CatalogAnswer {
        if !self.levels.contains(level) {
            return CatalogAnswer::LevelEmpty;
        }
        self.rows
            .iter()
            .find(|(l, p, c)| {
                l == level
                    && c.eq_ignore_ascii_case(code)
                    && parent.is_none_or(|want| p.eq_ignore_ascii_case(want))
            })
            .map_or(CatalogAnswer::Missing, |(_, _, c)| {
                CatalogAnswer::Found(c.clone())
            })
    }

    /// Checks the failure codes a work order would hold after an edit (`merged`, the hub's
    /// values with the edit's applied): the Maximo hierarchy (a cause needs its problem, …) and
    /// each code in the site's catalogue under its parent. A code the work order already held
    /// (`current`, e.g. imported from the CMMS) is taken as it is. Returns `merged` with the
    /// codes in the catalogue's spelling.
    pub fn check_codes(
        &self,
        current: &FieldValues,
        merged: &FieldValues,
    ) -> Result<FieldValues, Invalid> {
        let codes = MAXIMO.map(|(f, _)| merged.get(f).as_text());
        let held = MAXIMO.map(|(f, _)| current.get(f).as_text());
        let spelled = validate::check_codes_in_catalog(codes, |level, parent, code| {
            let i = MAXIMO.iter().position(|(_, l)| *l == level).unwrap_or(0);
            if held[i] == Some(code) {
                CatalogAnswer::Found(code.to_string())
            } else {
                self.lookup(level, parent, code)
            }
        })?;
        let mut out = merged.clone();
        for (i, (f, _)) in MAXIMO.iter().enumerate() {
            if spelled[i].is_some() {
                out.0[f.index()] = FieldValue::Text(spelled[i].clone());
            }
        }
        for (f, level) in ISO {
            let Some(code) = merged.get(f).as_text() else {
                continue;
            };
            validate::check_text(
                f.name(),
                "an ISO failure code",
                code,
                validate::MAX_CODE_CHARS,
            )?;
            if current.get(f).as_text() == Some(code) {
                continue;
            }
            match self.lookup(level, None, code) {
                CatalogAnswer::LevelEmpty => {}
                CatalogAnswer::Found(c) => out.0[f.index()] = FieldValue::Text(Some(c)),
                CatalogAnswer::Missing => {
                    return Err(Invalid::new(
                        f.name(),
                        format!("{code:?} is not an ISO {} code in the site's failure catalogue: pick one from the catalogue", level.trim_start_matches("iso_")),
                    ))
                }
            }
        }
        Ok(out)
    }
}

/// True for the failure-code fields (Maximo and ISO).
pub fn is_code(f: Field) -> bool {
    MAXIMO.iter().chain(ISO.iter()).any(|(g, _)| *g == f)
}

/// The site's catalogue levels, and its entries with one of `codes` (lowercase,
/// `field_edits::codes_of`). Nothing is
/// read when the batch sets no code.
pub async fn read_catalog(
    tx: &Transaction<'_>,
    site: &str,
    mut codes: Vec<String>,
) -> Result<Catalog> {
    if codes.is_empty() {
        return Ok(Catalog::default());
    }
    codes.sort_unstable();
    codes.dedup();
    let levels: Vec<&str> = LEVELS.to_vec();
    let levels_stmt = tx
        .prepare_cached(
            "SELECT l.level FROM unnest($2::text[]) AS l(level)
             WHERE EXISTS (SELECT 1 FROM failure_codes f WHERE f.site = $1 AND f.level = l.level)",
        )
        .await?;
    let rows_stmt = tx
        .prepare_cached(
            "SELECT level, parent, code FROM failure_codes WHERE site = $1 AND lower(code) = ANY($2)",
        )
        .await?;
    let levels_params: [&(dyn tokio_postgres::types::ToSql + Sync); 2] = [&site, &levels];
    let rows_params: [&(dyn tokio_postgres::types::ToSql + Sync); 2] = [&site, &codes];
    let (levels, rows) = tokio::try_join!(
        tx.query(&levels_stmt, &levels_params),
        tx.query(&rows_stmt, &rows_params),
    )?;
    Ok(Catalog {
        levels: levels.iter().map(|r| r.get(0)).collect(),
        rows: rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect(),
    })
}

/// The note, part and photo ids a mutation adds.
pub fn entity_id(m: &Mutation) -> Option<Uuid> {
    match m {
        Mutation::AddNote { note_id, .. } => Some(*note_id),
        Mutation::AddPart { part_id, .. } => Some(*part_id),
        Mutation::AddPhoto { photo_id, .. } => Some(*photo_id),
        _ => None,
    }
}

/// The ids among `ids` the site already holds a note, part or photo under.
pub async fn taken_entity_ids(
    tx: &Transaction<'_>,
    site: &str,
    mut ids: Vec<Uuid>,
) -> Result<HashSet<Uuid>> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    ids.sort_unstable();
    ids.dedup();
    let stmt = tx
        .prepare_cached(
            "SELECT id FROM notes WHERE site = $1 AND id = ANY($2)
             UNION ALL SELECT id FROM parts WHERE site = $1 AND id = ANY($2)
             UNION ALL SELECT id FROM photos WHERE site = $1 AND id = ANY($2)",
        )
        .await?;
    let rows = tx.query(&stmt, &[&site, &ids]).await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// For each (work order, asset when the batch creates it) of `pairs`: when its machine was last
/// back in service per the hub's records — the latest downtime end of the asset's other work
/// orders. Work orders whose asset has none are absent.
pub async fn back_in_service(
    tx: &Transaction<'_>,
    site: &str,
    pairs: Vec<(Uuid, Option<Uuid>)>,
) -> Result<HashMap<Uuid, DateTime<Utc>>> {
    if pairs.is_empty() {
        return Ok(HashMap::new());
    }
    let (wos, assets): (Vec<Uuid>, Vec<Option<Uuid>>) = pairs.into_iter().unzip();
    let stmt = tx
        .prepare_cached(
            "SELECT u.wo, (SELECT max(o.downtime_end) FROM work_orders o
                           WHERE o.site = $1 AND o.asset_id = coalesce(u.asset, w.asset_id)
                             AND o.id <> u.wo)
             FROM unnest($2::uuid[], $3::uuid[]) AS u(wo, asset)
             LEFT JOIN work_orders w ON w.site = $1 AND w.id = u.wo",
        )
        .await?;
    let rows = tx.query(&stmt, &[&site, &wos, &assets]).await?;
    Ok(rows
        .iter()
        .filter_map(|r| Some((r.get(0), r.get::<_, Option<DateTime<Utc>>>(1)?)))
        .collect())
}

/// The (work order, asset of a new one) pair whose stop time a mutation sets, if any.
pub fn stop_of(m: &Mutation) -> Option<(Uuid, Option<Uuid>)> {
    match m {
        Mutation::CreateWorkOrder {
            work_order_id,
            asset_id,
            downtime_start: Some(_),
            ..
        } => Some((*work_order_id, Some(*asset_id))),
        Mutation::DowntimeStart { work_order_id, .. } => Some((*work_order_id, None)),
        _ => None,
    }
}

/// The hub's rule for a stop time: a valid time, not before the machine was last back in service
/// (`validate::check_stop_time`; the laptop's 7-day confirmation is the laptop's to ask, so the
/// hub takes a confirmed old stop).
pub fn check_stop(
    at: DateTime<Utc>,
    now: DateTime<Utc>,
    back: Option<DateTime<Utc>>,
) -> Result<(), Invalid> {
    validate::check_stop_time(at, at, now, back).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(codes: [Option<&str>; 4]) -> FieldValues {
        let mut v: [FieldValue; 10] = std::array::from_fn(|i| {
            if Field::ALL[i].is_time() {
                FieldValue::Time(None)
            } else {
                FieldValue::Text(None)
            }
        });
        for (i, (f, _)) in MAXIMO.iter().enumerate() {
            v[f.index()] = FieldValue::Text(codes[i].map(str::to_string));
        }
        FieldValues(v)
    }

    fn catalog() -> Catalog {
        let row = |l: &str, p: &str, c: &str| (l.to_string(), p.to_string(), c.to_string());
        Catalog {
            levels: ["class", "problem"].map(String::from).into_iter().collect(),
            rows: vec![row("class", "", "VFD"), row("problem", "VFD", "OVERCURR")],
        }
    }

    #[test]
    fn codes_are_checked_in_the_catalogue_and_spelled_as_it_spells_them() {
        let none = values([None; 4]);
        let ok = catalog().check_codes(
            &none,
            &values([Some("vfd"), Some("overcurr"), Some("ANY"), None]),
        );
        let spelled = ok.map(|v| v.get(Field::ProblemCode).clone());
        assert_eq!(spelled, Ok(FieldValue::Text(Some("OVERCURR".into()))));
        let missing = catalog().check_codes(&none, &values([Some("PUMP"), None, None, None]));
        assert!(missing.is_err_and(|e| e.field == "failure_class"));
        let long = "A".repeat(100_000);
        assert!(catalog()
            .check_codes(&none, &values([Some(&long), None, None, None]))
            .is_err());
    }

    #[test]
    fn a_broken_hierarchy_after_a_merge_is_refused_and_held_codes_are_kept() {
        let none = values([None; 4]);
        let broken = catalog().check_codes(&none, &values([None, None, Some("BRG"), Some("REPL")]));
        assert!(broken.is_err_and(|e| e.field == "cause_code"));
        // An imported class not in the catalogue stays acceptable when the edit adds below it.
        let held = values([Some("OLDCLASS"), None, None, None]);
        let merged = values([Some("OLDCLASS"), None, None, None]);
        assert!(catalog().check_codes(&held, &merged).is_ok());
    }
}
