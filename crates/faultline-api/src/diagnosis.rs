//! The Diagnose screen's commands: `diagnose` (likely causes with their evidence, similar past
//! work orders, manual pages, the guide or the checklist generated from the causes) and the
//! diagnosis session (`diagnosis_start`, `diagnosis_answer`, `diagnosis_back`,
//! `diagnosis_session`) — the same core and `faultline-diagnosis` functions the CLI's
//! `diagnose` and `diagnosis` call. [`manual_pages`] is the one manual search behind the
//! `manual_pages` of both the screen and `faultline diagnose --json`.

use crate::app::App;
use crate::convert::{err, id, invalid, ApiResult};
use crate::events::DataKind;
use chrono::{DateTime, SecondsFormat, Utc};
use faultline_core::domain::{Asset, DiagnosisSession, Guide, GuideAnswer};
use faultline_core::store::NewDiagnosisSession;
use faultline_core::{CoreError, Store};
use faultline_diagnosis::{Diagnosis, DiagnosisError, Query};
use faultline_manuals::index::SearchHit;
use faultline_manuals::library::Library;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::Mutex;
use ts_rs::TS;
use uuid::Uuid;

/// Alarms in this many hours before now are the codes when none are given (as the CLI).
pub const DIAGNOSE_WINDOW_HOURS: u32 = 48;
/// Causes and similar work orders when the screen names no limit (as the CLI).
pub const DIAGNOSE_LIMIT: u32 = 5;
/// Manual pages `diagnose` answers.
pub const MANUAL_PAGES_LIMIT: usize = 5;

const WO: &[DataKind] = &[DataKind::WorkOrders];

/// `diagnose`: an asset, the codes on its display (absent: its alarms of the last 48 hours) and
/// a few words of symptom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
pub struct DiagnoseArgs {
    pub asset_id: String,
    pub codes: Option<Vec<String>>,
    pub symptom: Option<String>,
    pub limit: Option<u32>,
}

/// One level of a cause's evidence (this asset, its model, its class, …): how many of the
/// matching past breakdowns had this cause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CauseLevelCount {
    pub level: String,
    pub name: String,
    pub matched: u32,
    pub of: u32,
    pub probability: f64,
}

/// A likely cause with its explanation and evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DiagnoseCause {
    pub cause_code: String,
    pub failure_class: Option<String>,
    pub problem_code: Option<String>,
    pub remedy_code: Option<String>,
    pub score: f64,
    pub explanation: String,
    pub levels: Vec<CauseLevelCount>,
    pub last_at: Option<String>,
    pub last_number: Option<String>,
    pub last_remedy_text: Option<String>,
    pub median_repair_minutes: Option<f64>,
}

/// A similar past work order ("what fixed it last time").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SimilarWorkOrderRow {
    pub id: String,
    pub number: String,
    pub asset_tag: String,
    pub reported_at: String,
    pub title: String,
    pub cause_code: Option<String>,
    pub remedy_code: Option<String>,
    pub remedy_text: Option<String>,
    pub repair_minutes: Option<f64>,
    pub score: f64,
}

/// What `diagnose` answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DiagnoseResult {
    pub asset_id: String,
    pub asset_tag: String,
    pub at: String,
    /// The codes used, as written (given, or the asset's recent alarms).
    pub codes: Vec<String>,
    pub causes: Vec<DiagnoseCause>,
    pub similar_work_orders: Vec<SimilarWorkOrderRow>,
    /// The asset model's manuals first, then the others.
    pub manual_pages: Vec<SearchHit>,
    /// The manual index is being rebuilt: the pages may be incomplete.
    pub manuals_rebuilding: bool,
    pub guide: Guide,
    /// A checklist generated from the causes (no authored guide matched).
    pub generated: bool,
}

/// `diagnosis_start`: on a work order (its asset; its fault code when no codes are given) or on
/// an asset; both named, the work order must be on that asset (refused otherwise, saying so).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
pub struct DiagnosisStartArgs {
    pub work_order_id: Option<String>,
    pub asset_id: Option<String>,
    pub codes: Option<Vec<String>>,
    pub symptom: Option<String>,
    /// Walk this guide (by id) instead of the one selected.
    pub guide_id: Option<String>,
    pub by: String,
}

/// `diagnosis_answer`: the answer to the session's current step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DiagnosisAnswerArgs {
    pub session_id: String,
    pub step_id: String,
    pub answer: GuideAnswer,
    pub by: String,
}

/// `diagnosis_back`: one step back (the answer stays in the record, superseded).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DiagnosisBackArgs {
    pub session_id: String,
    pub by: String,
}

/// `diagnosis_session`: one session by id, or every session on a work order (oldest first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
pub struct DiagnosisSessionArgs {
    pub session_id: Option<String>,
    pub work_order_id: Option<String>,
}

fn iso(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

fn diagnosis_err(e: DiagnosisError) -> CoreError {
    match e {
        DiagnosisError::Core(e) => e,
        other => CoreError::NotFound(other.to_string()),
    }
}

/// The text the manual search runs for a diagnosis: the codes, then the symptom words.
pub fn manual_query(codes: &[String], symptom: Option<&str>) -> String {
    let mut words: Vec<&str> = codes.iter().map(|c| c.trim()).collect();
    words.extend(symptom.map(str::trim));
    words.retain(|w| !w.is_empty());
    words.join(" ")
}

/// Puts the hits from `first` manuals ahead of the others, each group in its own order.
pub fn model_manuals_first(hits: Vec<SearchHit>, first: &HashSet<Uuid>) -> Vec<SearchHit> {
    let (mut own, others): (Vec<_>, Vec<_>) =
        hits.into_iter().partition(|h| first.contains(&h.manual_id));
    own.extend(others);
    own
}

/// Manual pages for a diagnosis of `asset_id`: the manual search for the codes and symptom,
/// the asset model's manuals first. The screen (`diagnose`) and `faultline diagnose --json`
/// both answer through this. No codes and no symptom: no pages.
pub fn manual_pages(
    library: &Library,
    store: &Mutex<Store>,
    asset_id: Uuid,
    codes: &[String],
    symptom: Option<&str>,
    limit: usize,
) -> Result<(Vec<SearchHit>, bool), CoreError> {
    let text = manual_query(codes, symptom);
    if text.is_empty() {
        return Ok((Vec::new(), false));
    }
    let results = library.search(store, &text, Some(asset_id), limit)?;
    let own: HashSet<Uuid> = {
        let s = store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let models: HashSet<String> = s
            .asset_model_names(asset_id)?
            .into_iter()
            .map(|m| m.to_lowercase())
            .collect();
        let mut own = HashSet::new();
        for h in &results.hits {
            if own.contains(&h.manual_id) {
                continue;
            }
            let m = s.manual(h.manual_id)?;
            if m.models.iter().any(|n| models.contains(&n.to_lowercase())) {
                own.insert(h.manual_id);
            }
        }
        own
    };
    Ok((model_manuals_first(results.hits, &own), results.rebuilding))
}

/// Work orders per step of [`catch_up_in_background`]: one transaction with the store locked.
const CATCH_UP_STEP: usize = 5_000;

/// Brings the replica's diagnosis tables (totals and text index, migrations 18 and 19) up to
/// date on a thread, a step at a time with the store unlocked in between, so the first
/// Diagnose after an upgrade does not wait for the backfill of the whole history (a Diagnose
/// during it finishes what is left itself). Logs its progress.
pub(crate) fn catch_up_in_background(shared: &std::sync::Arc<crate::app::Shared>) {
    let shared = shared.clone();
    let spawned = std::thread::Builder::new()
        .name("faultline-diagnosis-catch-up".into())
        .spawn(move || {
            let began = std::time::Instant::now();
            let mut done = 0usize;
            loop {
                let Ok(store) = shared.store_mutex() else {
                    return;
                };
                let step = match store.lock() {
                    Ok(s) => faultline_diagnosis::live::catch_up_step(&s, CATCH_UP_STEP),
                    Err(_) => return,
                };
                match step {
                    Ok(0) => break,
                    Ok(n) => {
                        done += n;
                        tracing::info!(work_orders = done, "diagnosis tables: catching up");
                    }
                    Err(e) => {
                        tracing::error!("diagnosis tables: catch-up failed: {e}");
                        return;
                    }
                }
            }
            if done > 0 {
                tracing::info!(
                    work_orders = done,
                    ms = began.elapsed().as_millis() as u64,
                    "diagnosis tables up to date"
                );
            }
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start the diagnosis catch-up: {e}");
    }
}

/// The causes and similar work orders for `asset` now, and the guide for them.
pub fn diagnose_asset(
    store: &Store,
    asset: &Asset,
    codes: Vec<String>,
    symptom: Option<&str>,
    limit: usize,
) -> Result<(Diagnosis, Guide, bool), CoreError> {
    let q = Query {
        asset_tag: asset.tag.clone(),
        codes,
        symptom: symptom.map(str::to_string),
        at: store.clock().now().timestamp_millis(),
        window_hours: DIAGNOSE_WINDOW_HOURS,
        limit,
    };
    let d = faultline_diagnosis::diagnose_store(store, &q).map_err(diagnosis_err)?;
    let (guide, generated) =
        faultline_diagnosis::guide::guide_for(store, asset, &d.codes, symptom, &d.causes)?;
    Ok((d, guide, generated))
}

fn cause_row(c: &faultline_diagnosis::Cause) -> DiagnoseCause {
    DiagnoseCause {
        cause_code: c.cause_code.clone(),
        failure_class: c.failure_class.clone(),
        problem_code: c.problem_code.clone(),
        remedy_code: c.remedy_code.clone(),
        score: c.score,
        explanation: c.explanation.clone(),
        levels: c
            .evidence
            .levels
            .iter()
            .map(|l| CauseLevelCount {
                level: l.level.to_string(),
                name: l.name.clone(),
                matched: l.matched,
                of: l.of,
                probability: l.probability,
            })
            .collect(),
        last_at: c.evidence.last_at.map(iso),
        last_number: c.evidence.last_number.clone(),
        last_remedy_text: c.evidence.last_remedy_text.clone(),
        median_repair_minutes: c.evidence.median_repair_minutes,
    }
}

fn similar_row(w: &faultline_diagnosis::SimilarWorkOrder) -> SimilarWorkOrderRow {
    SimilarWorkOrderRow {
        id: w.id.clone(),
        number: w.number.clone(),
        asset_tag: w.asset_tag.clone(),
        reported_at: iso(w.reported_at),
        title: w.title.clone(),
        cause_code: w.cause_code.clone(),
        remedy_code: w.remedy_code.clone(),
        remedy_text: w.remedy_text.clone(),
        repair_minutes: w.repair_minutes,
        score: w.score,
    }
}

fn clean_codes(codes: Option<Vec<String>>) -> Vec<String> {
    codes
        .unwrap_or_default()
        .into_iter()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect()
}

impl App {
    pub fn diagnose(&self, a: DiagnoseArgs) -> ApiResult<DiagnoseResult> {
        let asset_id = id(&a.asset_id, "asset")?;
        let symptom = a.symptom.filter(|s| !s.trim().is_empty());
        let limit = a.limit.unwrap_or(DIAGNOSE_LIMIT).clamp(1, 50) as usize;
        let codes = clean_codes(a.codes);
        let (asset, d, guide, generated) = self.with_store(|s| {
            let asset = s.resolve_asset(&asset_id.to_string())?;
            let (d, g, generated) = diagnose_asset(s, &asset, codes, symptom.as_deref(), limit)?;
            Ok((asset, d, g, generated))
        })?;
        // Manual pages are a help, not the answer: without a library the rest still shows.
        let (pages, rebuilding) = match self.shared.library() {
            Ok(library) => manual_pages(
                library,
                self.shared.store_mutex()?,
                asset_id,
                &d.codes,
                symptom.as_deref(),
                MANUAL_PAGES_LIMIT,
            )
            .map_err(err)?,
            Err(_) => (Vec::new(), false),
        };
        Ok(DiagnoseResult {
            asset_id: asset.id.to_string(),
            asset_tag: d.asset_tag.clone(),
            at: iso(d.at),
            codes: d.codes.clone(),
            causes: d.causes.iter().map(cause_row).collect(),
            similar_work_orders: d.similar_work_orders.iter().map(similar_row).collect(),
            manual_pages: pages,
            manuals_rebuilding: rebuilding,
            guide,
            generated,
        })
    }

    pub fn diagnosis_start(&self, a: DiagnosisStartArgs) -> ApiResult<DiagnosisSession> {
        let work_order = a
            .work_order_id
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|w| id(w, "work order"))
            .transpose()?;
        let asset = a
            .asset_id
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|w| id(w, "asset"))
            .transpose()?;
        if work_order.is_none() && asset.is_none() {
            return Err(invalid(
                "name the work order or the asset to diagnose".into(),
            ));
        }
        let mut codes = clean_codes(a.codes);
        let symptom = a.symptom.filter(|s| !s.trim().is_empty());
        self.write(WO, |s| {
            let asset = match (work_order, asset) {
                (Some(wo), named) => {
                    let wo = s.work_order(wo)?;
                    if codes.is_empty() {
                        codes.extend(wo.summary.fault_code.clone());
                    }
                    // Both named: they must agree (core refuses the session otherwise).
                    let asset = named.unwrap_or(wo.summary.asset_id);
                    s.resolve_asset(&asset.to_string())?
                }
                (None, Some(a)) => s.resolve_asset(&a.to_string())?,
                (None, None) => {
                    return Err(CoreError::InvalidInput(
                        "name the work order or the asset to diagnose".into(),
                    ))
                }
            };
            let (guide, generated, codes) = match a.guide_id.as_deref() {
                Some(g) if !g.trim().is_empty() => (s.guide(g.trim())?, false, codes),
                _ => {
                    let limit = faultline_diagnosis::guide::CHECKLIST_CAUSES;
                    let (d, g, generated) =
                        diagnose_asset(s, &asset, codes, symptom.as_deref(), limit)?;
                    (g, generated, d.codes)
                }
            };
            s.start_diagnosis_session(&NewDiagnosisSession {
                asset_id: asset.id.to_string(),
                work_order_id: work_order.map(|w| w.to_string()),
                guide,
                generated,
                codes,
                started_by: a.by.clone(),
            })
        })
    }

    pub fn diagnosis_answer(&self, a: DiagnosisAnswerArgs) -> ApiResult<DiagnosisSession> {
        self.write(WO, |s| {
            s.answer_diagnosis_step(&a.session_id, &a.step_id, &a.answer, &a.by)
        })
    }

    pub fn diagnosis_back(&self, a: DiagnosisBackArgs) -> ApiResult<DiagnosisSession> {
        self.write(WO, |s| s.diagnosis_back(&a.session_id, &a.by))
    }

    pub fn diagnosis_session(&self, a: DiagnosisSessionArgs) -> ApiResult<Vec<DiagnosisSession>> {
        match (a.session_id, a.work_order_id) {
            (Some(sid), _) if !sid.trim().is_empty() => {
                self.with_store(|s| Ok(vec![s.diagnosis_session(sid.trim())?]))
            }
            (_, Some(w)) if !w.trim().is_empty() => {
                let wo = id(&w, "work order")?;
                self.with_store(|s| s.diagnosis_sessions_for_work_order(&wo.to_string()))
            }
            _ => Err(invalid(
                "name the session or the work order whose sessions to show".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(manual: u128, page: u32) -> SearchHit {
        SearchHit {
            manual_id: Uuid::from_u128(manual),
            file_name: format!("m{manual}.pdf"),
            title: None,
            page,
            score: 1.0,
            snippet: String::new(),
            highlights: Vec::new(),
        }
    }

    #[test]
    fn the_query_is_the_codes_then_the_symptom() {
        let codes = vec!["OC1".to_string(), "  ".to_string(), " E.OC.1 ".to_string()];
        assert_eq!(
            manual_query(&codes, Some(" trips on accel ")),
            "OC1 E.OC.1 trips on accel"
        );
        assert_eq!(manual_query(&[], None), "");
    }

    #[test]
    fn the_models_manuals_come_first_each_group_in_its_order() {
        let hits = vec![hit(1, 3), hit(2, 7), hit(1, 9), hit(3, 1), hit(2, 2)];
        let first: HashSet<Uuid> = [Uuid::from_u128(2)].into_iter().collect();
        let order: Vec<(u128, u32)> = model_manuals_first(hits, &first)
            .iter()
            .map(|h| (h.manual_id.as_u128(), h.page))
            .collect();
        assert_eq!(order, vec![(2, 7), (2, 2), (1, 3), (1, 9), (3, 1)]);
    }
}
