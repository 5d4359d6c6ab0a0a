//! Guided diagnosis, first slice: from an asset, the codes on its display (or its recent alarms)
//! and a few words of symptom, the likely causes ranked as probabilities with the evidence behind
//! each, and the similar past work orders ("what fixed it last time").
//!
//! Everything is computed from plain rows read strictly before the diagnosis time (`at`), so a
//! ranking can be back-tested on history that contains the answer: [`History`] holds the rows,
//! [`diagnose`] is pure; [`diagnose_store`] ranks a live call from what the replica keeps up to
//! date ([`live`], [`live_text`]: the same ranking on bounded reads) and falls back to reading the
//! rows into a [`History`] where that path does not apply.

pub mod causes;
pub mod codes;
pub mod confirmed;
#[cfg(test)]
mod determinism;
#[cfg(test)]
mod equivalence;
pub mod guide;
pub mod history;
pub mod index;
pub mod live;
#[cfg(test)]
mod live_equivalence;
pub mod live_text;
#[cfg(test)]
mod reference;
pub mod shorthand;
pub mod similar;
pub mod text_model;

pub use causes::{Cause, CauseParams, Evidence, LevelCount};
pub use history::History;
pub use similar::SimilarWorkOrder;

use faultline_core::Store;

/// Milliseconds in an hour.
pub const HOUR_MS: i64 = 3_600_000;

/// What to diagnose.
#[derive(Debug, Clone)]
pub struct Query {
    pub asset_tag: String,
    /// Codes as typed; empty: the asset's alarms in the window before `at`.
    pub codes: Vec<String>,
    pub symptom: Option<String>,
    /// Only what was recorded strictly before this time (ms since the epoch) is used.
    pub at: i64,
    pub window_hours: u32,
    pub limit: usize,
}

/// The answer: causes and similar work orders, best first.
#[derive(Debug, Clone)]
pub struct Diagnosis {
    pub asset_tag: String,
    pub at: i64,
    /// The codes used, as written (given or from the alarms), distinct by normalised form.
    pub codes: Vec<String>,
    pub causes: Vec<Cause>,
    pub similar_work_orders: Vec<SimilarWorkOrder>,
}

#[derive(Debug, thiserror::Error)]
pub enum DiagnosisError {
    #[error("no asset with tag {0:?}")]
    UnknownAsset(String),
    #[error(transparent)]
    Core(#[from] faultline_core::CoreError),
}

/// Ranks causes and similar work orders for `q` from `h` (rows at or after `q.at` are ignored).
pub fn diagnose(h: &History, q: &Query) -> Result<Diagnosis, DiagnosisError> {
    let asset = h
        .asset(&q.asset_tag)
        .ok_or_else(|| DiagnosisError::UnknownAsset(q.asset_tag.clone()))?;
    let codes = if q.codes.is_empty() {
        h.alarm_codes_before(&asset.tag, q.at, i64::from(q.window_hours) * HOUR_MS)
    } else {
        codes::distinct(&q.codes)
    };
    let params = CauseParams {
        window_ms: i64::from(q.window_hours) * HOUR_MS,
        ..CauseParams::default()
    };
    let causes = causes::rank_top(
        h,
        asset,
        &codes,
        q.symptom.as_deref(),
        q.at,
        &params,
        q.limit,
    );
    let similar = similar::find(h, asset, &codes, q.symptom.as_deref(), q.at, q.limit);
    Ok(Diagnosis {
        asset_tag: asset.tag.clone(),
        at: q.at,
        codes,
        causes,
        similar_work_orders: similar,
    })
}

/// Diagnoses from the replica as [`diagnose`] on everything recorded strictly before `q.at`:
/// from the replica's totals, postings and bounded rows ([`live`], [`live_text`]) when that path
/// applies, else (a time far in the past, the learned shorthand table off) from the whole
/// history read into memory.
pub fn diagnose_store(store: &Store, q: &Query) -> Result<Diagnosis, DiagnosisError> {
    if let Some(d) = diagnose_live(store, q)? {
        return Ok(d);
    }
    let h = History::read(store, q.at)?;
    diagnose(&h, q)
}

/// [`diagnose`] through [`live`] only, `None` where it does not apply.
pub fn diagnose_live(store: &Store, q: &Query) -> Result<Option<Diagnosis>, DiagnosisError> {
    // The writes queued since the last call first (each catch-up is its own write
    // transaction), then all the call's reads in one snapshot.
    live::catch_up(store, &mut |_, _| {})?;
    if shorthand::learned_table_on() {
        live_text::catch_up(store, &mut |_, _| {})?;
    }
    store.diagnosis_read_snapshot(|| diagnose_live_reads(store, q))
}

/// [`diagnose_live`]'s reads.
fn diagnose_live_reads(store: &Store, q: &Query) -> Result<Option<Diagnosis>, DiagnosisError> {
    let (rid, asset) = live::asset(store, &q.asset_tag)?;
    let window = i64::from(q.window_hours) * HOUR_MS;
    let codes = if q.codes.is_empty() {
        live::alarm_codes_before(store, rid, q.at, window)?
    } else {
        codes::distinct(&q.codes)
    };
    let params = CauseParams {
        window_ms: window,
        ..CauseParams::default()
    };
    let symptom = q.symptom.as_deref().filter(|s| !s.trim().is_empty());
    // One text index for the call (the causes' neighbours and the similar work orders).
    let mut ix = None;
    if symptom.is_some() || !codes.is_empty() {
        ix = live_text::TextIndex::open(store, q.at)?;
        if ix.is_none() {
            return Ok(None);
        }
    }
    let Some(causes) = live::rank_causes_in(
        store,
        ix.as_mut(),
        rid,
        &asset,
        &codes,
        symptom,
        q.at,
        &params,
        q.limit,
    )?
    else {
        return Ok(None);
    };
    let similar_work_orders = match ix.as_mut() {
        Some(ix) => live_similar(store, ix, rid, &asset, &codes, symptom, q.limit)?,
        None => Vec::new(),
    };
    Ok(Some(Diagnosis {
        asset_tag: asset.tag.clone(),
        at: q.at,
        codes,
        causes,
        similar_work_orders,
    }))
}

/// [`similar::find`] over the replica's postings.
fn live_similar(
    store: &Store,
    ix: &mut live_text::TextIndex<'_>,
    rid: i64,
    asset: &faultline_core::store::AnalyticsAsset,
    codes: &[String],
    symptom: Option<&str>,
    limit: usize,
) -> Result<Vec<SimilarWorkOrder>, DiagnosisError> {
    let mut query: std::collections::HashSet<String> =
        codes.iter().map(|c| codes::key(c)).collect();
    query.extend(symptom.map(shorthand::tokens).unwrap_or_default());
    let mut out = Vec::new();
    for (score, id) in ix.top(&query, rid, asset, limit, false)? {
        if let Some(w) = store.diagnosis_work_order_by_rid(id)? {
            out.push(similar::row(score, &w));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
