//! `faultline diagnose`: likely causes of a fault on an asset with their evidence, and similar
//! past work orders, from what was recorded strictly before `--at` (default now); `--json` prints
//! the issue-11 contract: `manual_pages` are the manual search for the codes and symptom, the
//! asset model's manuals first (`faultline_api::diagnosis::manual_pages`, as the Diagnose
//! screen); `guide` is the authored guide for the asset's model/class and codes, else a
//! checklist generated from the top causes.

use crate::print::Printer;
use crate::time_arg::parse_opt;
use chrono::{DateTime, Utc};
use clap::Args;
use faultline_core::domain::Guide;
use faultline_core::{CoreError, Store};
use faultline_diagnosis::{Diagnosis, DiagnosisError, Query};
use faultline_manuals::index::SearchHit;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::Mutex;

type Result<T> = std::result::Result<T, CoreError>;

/// A diagnosis error as the CLI's store error: the store's own as it is, any other (an unknown
/// asset, a bad query) by its message.
pub(crate) fn core_error(e: DiagnosisError) -> CoreError {
    match e {
        DiagnosisError::Core(e) => e,
        other => CoreError::NotFound(other.to_string()),
    }
}

#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// The asset (tag or id).
    #[arg(long)]
    asset: String,
    /// A code on the display, any spelling (OC1, "oc 1", E.OC.1); repeat for more. Without one,
    /// the asset's alarms in the window before --at are the codes.
    #[arg(long = "code")]
    codes: Vec<String>,
    /// A few words of symptom.
    #[arg(long)]
    symptom: Option<String>,
    /// Use only what was recorded strictly before this time (RFC 3339; default now).
    #[arg(long)]
    at: Option<String>,
    /// Alarms in this many hours before --at (and before each past breakdown) are its codes.
    #[arg(long, default_value_t = 48)]
    window_hours: u32,
    /// At most this many causes and similar work orders.
    #[arg(long, default_value_t = 5)]
    limit: usize,
}

fn iso(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

pub fn diagnose(dir: &Path, store: Store, out: &Printer, a: DiagnoseArgs) -> Result<()> {
    let at = parse_opt(a.at.as_deref())?
        .unwrap_or_else(|| store.clock().now())
        .timestamp_millis();
    let asset = store.resolve_asset(&a.asset)?;
    let q = Query {
        asset_tag: asset.tag.clone(),
        codes: a.codes,
        symptom: a.symptom.clone(),
        at,
        window_hours: a.window_hours,
        limit: a.limit,
    };
    crate::progress::catch_up(&store)?;
    let d = faultline_diagnosis::diagnose_store(&store, &q).map_err(core_error)?;
    let (guide, generated) = faultline_diagnosis::guide::guide_for(
        &store,
        &asset,
        &d.codes,
        a.symptom.as_deref(),
        &d.causes,
    )?;
    let store = Mutex::new(store);
    let library = crate::manuals::open_library(dir, &store, out)?;
    let (pages, _rebuilding) = faultline_api::diagnosis::manual_pages(
        &library,
        &store,
        asset.id,
        &d.codes,
        a.symptom.as_deref(),
        faultline_api::diagnosis::MANUAL_PAGES_LIMIT,
    )?;
    out.emit(&to_json(&d, Some((&guide, generated)), &pages), || {
        format!(
            "{}{}\nGuide: {}{}",
            text(&d),
            pages_text(&pages),
            guide.title,
            if generated { " (generated)" } else { "" }
        )
    })
}

/// The contract's `guide`: what it is, its first step, and all its steps for the screen.
pub fn guide_json(g: &Guide, generated: bool) -> Value {
    json!({
        "id": g.id,
        "version": g.version,
        "title": g.title,
        "generated": generated,
        "start": g.start,
        "first_step": crate::diagnosis_cmd::step_json(g.step(&g.start)),
        "steps": g.steps,
    })
}

/// The contract's object.
pub fn to_json(d: &Diagnosis, guide: Option<(&Guide, bool)>, pages: &[SearchHit]) -> Value {
    let causes: Vec<Value> = d
        .causes
        .iter()
        .map(|c| {
            let mut evidence = serde_json::to_value(&c.evidence).unwrap_or(Value::Null);
            if let Some(t) = c.evidence.last_at {
                evidence["last_at"] = Value::String(iso(t));
            }
            json!({
                "cause_code": c.cause_code,
                "failure_class": c.failure_class,
                "problem_code": c.problem_code,
                "remedy_code": c.remedy_code,
                "score": c.score,
                "explanation": c.explanation,
                "evidence": evidence,
            })
        })
        .collect();
    let similar: Vec<Value> = d
        .similar_work_orders
        .iter()
        .map(|w| {
            json!({
                "id": w.id,
                "number": w.number,
                "asset_tag": w.asset_tag,
                "reported_at": iso(w.reported_at),
                "title": w.title,
                "failure_class": w.failure_class,
                "problem_code": w.problem_code,
                "cause_code": w.cause_code,
                "remedy_code": w.remedy_code,
                "remedy_text": w.remedy_text,
                "repair_minutes": w.repair_minutes,
                "score": w.score,
            })
        })
        .collect();
    json!({
        "asset": d.asset_tag,
        "at": iso(d.at),
        "codes": d.codes,
        "causes": causes,
        "similar_work_orders": similar,
        "manual_pages": serde_json::to_value(pages).unwrap_or(Value::Null),
        "guide": guide.map_or(Value::Null, |(g, generated)| guide_json(g, generated)),
    })
}

fn pages_text(pages: &[SearchHit]) -> String {
    let mut s = String::from("\nManual pages:");
    if pages.is_empty() {
        s.push_str("\n  none");
    }
    for p in pages {
        s.push_str(&format!(
            "\n  {} p. {}: {}",
            p.title.as_deref().unwrap_or(&p.file_name),
            p.page,
            p.snippet
        ));
    }
    s
}

fn text(d: &Diagnosis) -> String {
    let mut s = format!(
        "{} at {}, codes: {}\nLikely causes:\n",
        d.asset_tag,
        iso(d.at),
        if d.codes.is_empty() {
            "(none)".to_string()
        } else {
            d.codes.join(", ")
        }
    );
    if d.causes.is_empty() {
        s.push_str("  no closed breakdown with a cause yet\n");
    }
    for c in &d.causes {
        s.push_str(&format!(
            "  {:>5.1} %  {:<12} {}\n",
            c.score * 100.0,
            c.cause_code,
            c.explanation
        ));
    }
    s.push_str("Similar past work orders:\n");
    if d.similar_work_orders.is_empty() {
        s.push_str("  none\n");
    }
    for w in &d.similar_work_orders {
        s.push_str(&format!(
            "  {:<10} {} {:<12} {} -> {}\n",
            w.number,
            &iso(w.reported_at)[..10.min(iso(w.reported_at).len())],
            w.asset_tag,
            w.title,
            w.remedy_text.as_deref().unwrap_or("-")
        ));
    }
    s.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_core::store::{AnalyticsAsset, DiagnosisWorkOrder};
    use faultline_diagnosis::History;

    const AT: i64 = 1_790_000_000_000;

    #[test]
    fn the_json_has_the_contract_fields_and_at_excludes_a_work_order_exactly_at_it() {
        let asset = AnalyticsAsset {
            tag: "VFD-202".into(),
            site: "PLANT1".into(),
            location: None,
            model: Some("VX-300".into()),
            equipment_class: None,
            description: None,
        };
        let wo = |n: &str, cause: &str, t: i64| DiagnosisWorkOrder {
            id: format!("id-{n}"),
            number: n.into(),
            asset_tag: "VFD-202".into(),
            wo_type: "breakdown".into(),
            status: "closed".into(),
            reported_at: t,
            started_at: None,
            finished_at: None,
            title: "OC1 trip".into(),
            description: None,
            fault_code: Some("OC1".into()),
            failure_class: None,
            problem_code: None,
            cause_code: Some(cause.into()),
            remedy_code: None,
            remedy_text: None,
            notes: Vec::new(),
            parts: Vec::new(),
        };
        let h = History::new(
            vec![asset],
            vec![wo("1", "ADJACC", AT - 1), wo("2", "ANSWER", AT)],
            Vec::new(),
        );
        let q = Query {
            asset_tag: "VFD-202".into(),
            codes: vec!["oc 1".into()],
            symptom: None,
            at: AT,
            window_hours: 48,
            limit: 5,
        };
        let d = match faultline_diagnosis::diagnose(&h, &q) {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        };
        let v = to_json(&d, None, &[]);
        assert_eq!(v["asset"], "VFD-202");
        assert_eq!(v["codes"], json!(["oc 1"]));
        assert_eq!(v["manual_pages"], json!([]));
        assert!(v["guide"].is_null());
        assert_eq!(v["causes"][0]["cause_code"], "ADJACC");
        assert!(v["causes"][0]["explanation"].is_string());
        let causes = v["causes"].as_array().map(Vec::len);
        assert_eq!(
            causes,
            Some(1),
            "the work order at --at is not evidence: {v}"
        );
        assert_eq!(v["similar_work_orders"][0]["number"], "1");
        assert_eq!(v["similar_work_orders"].as_array().map(Vec::len), Some(1));
        for k in [
            "id",
            "asset_tag",
            "reported_at",
            "title",
            "cause_code",
            "remedy_text",
            "score",
        ] {
            assert!(v["similar_work_orders"][0].get(k).is_some(), "{k}");
        }
    }
}
