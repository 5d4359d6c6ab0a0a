//! Which guide a diagnosis walks: the authored guide for the asset's model (then its class, then
//! any asset) that answers the codes (across spellings) or, without codes, the symptom; when none
//! does, a checklist generated from the top causes — their typical remedies and the job plans
//! for their problem — marked `generated`.

use crate::causes::Cause;
use crate::codes::key;
use faultline_core::domain::{
    Asset, FailureCatalog, Guide, GuideChoice, GuideStep, ProcedureSummary, StepKind,
};
use faultline_core::Store;
use std::collections::HashSet;

/// How many causes a generated checklist walks.
pub const CHECKLIST_CAUSES: usize = 3;

/// The first of `candidates` (already in model → class → general order) that answers the most
/// of `codes`; without codes, the one whose symptom words the symptom shares most.
pub fn select(candidates: Vec<Guide>, codes: &[String], symptom: Option<&str>) -> Option<Guide> {
    let wanted: HashSet<String> = codes.iter().map(|c| key(c)).collect();
    let words: HashSet<String> = symptom
        .unwrap_or_default()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2)
        .map(str::to_lowercase)
        .collect();
    let mut best: Option<(usize, Guide)> = None;
    for g in candidates {
        let score = if wanted.is_empty() {
            g.symptoms
                .iter()
                .flat_map(|s| s.split(|c: char| !c.is_alphanumeric()))
                .filter(|w| words.contains(&w.to_lowercase()))
                .count()
        } else {
            g.codes.iter().filter(|c| wanted.contains(&key(c))).count()
        };
        if score > 0 && best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, g));
        }
    }
    best.map(|(_, g)| g)
}

fn describe(
    entries: &[faultline_core::domain::CatalogEntry],
    code: Option<&str>,
) -> Option<String> {
    let code = code?;
    entries
        .iter()
        .find(|e| e.code.eq_ignore_ascii_case(code))
        .map(|e| e.description.clone())
}

/// A checklist from the top causes: for each, "is it this?" (with the evidence sentence, the
/// typical remedy and the job plan for its problem) → yes: its conclusion, no: the next cause;
/// the last "no" ends in a conclusion without codes.
pub fn checklist(
    asset_tag: &str,
    codes: &[String],
    causes: &[Cause],
    catalog: &FailureCatalog,
    procedures: &[ProcedureSummary],
) -> Guide {
    let top: Vec<&Cause> = causes.iter().take(CHECKLIST_CAUSES).collect();
    let mut steps = Vec::new();
    for (i, c) in top.iter().enumerate() {
        let next_no = if i + 1 < top.len() {
            format!("cause-{}", i + 2)
        } else {
            "none".to_string()
        };
        let what =
            describe(&catalog.causes, Some(&c.cause_code)).unwrap_or_else(|| c.cause_code.clone());
        let remedy =
            describe(&catalog.remedies, c.remedy_code.as_deref()).or_else(|| c.remedy_code.clone());
        let mut text = format!("Check: {what} ({}). {}", c.cause_code, c.explanation);
        if let Some(r) = &remedy {
            text.push_str(&format!(" Typical remedy: {r}."));
        }
        text.push_str(" Is this the cause?");
        let job_plan = procedures
            .iter()
            .find(|p| {
                p.problem_code.is_some() && p.problem_code.as_deref() == c.problem_code.as_deref()
            })
            .map(|p| p.code.clone());
        steps.push(GuideStep {
            id: format!("cause-{}", i + 1),
            text,
            caution: None,
            manual: None,
            job_plan,
            kind: StepKind::Question {
                choices: vec![
                    GuideChoice {
                        value: "yes".into(),
                        label: "Yes".into(),
                        next: format!("fix-{}", i + 1),
                    },
                    GuideChoice {
                        value: "no".into(),
                        label: "No".into(),
                        next: next_no,
                    },
                ],
            },
        });
        steps.push(GuideStep {
            id: format!("fix-{}", i + 1),
            text: match &remedy {
                Some(r) => format!("{what}: {r}."),
                None => format!("{what}."),
            },
            caution: None,
            manual: None,
            job_plan: None,
            kind: StepKind::Conclusion {
                failure_class: c.failure_class.clone(),
                problem_code: c.problem_code.clone(),
                cause_code: Some(c.cause_code.clone()),
                remedy_code: c.remedy_code.clone(),
            },
        });
    }
    steps.push(GuideStep {
        id: "none".into(),
        text: "None of the likely causes: write down what you found and pick the codes at Close."
            .into(),
        caution: None,
        manual: None,
        job_plan: None,
        kind: StepKind::Conclusion {
            failure_class: None,
            problem_code: None,
            cause_code: None,
            remedy_code: None,
        },
    });
    let start = steps.first().map(|s| s.id.clone()).unwrap_or_default();
    Guide {
        id: format!("generated:{asset_tag}"),
        version: 1,
        title: if codes.is_empty() {
            format!("Checklist from the likely causes on {asset_tag}")
        } else {
            format!(
                "Checklist from the likely causes of {} on {asset_tag}",
                codes.join(", ")
            )
        },
        models: Vec::new(),
        equipment_classes: Vec::new(),
        codes: codes.to_vec(),
        symptoms: Vec::new(),
        start,
        steps,
    }
}

/// The guide for `asset` with these codes (or symptom), else the checklist from `causes`;
/// the flag says whether it was generated.
pub fn guide_for(
    store: &Store,
    asset: &Asset,
    codes: &[String],
    symptom: Option<&str>,
    causes: &[Cause],
) -> faultline_core::error::Result<(Guide, bool)> {
    let candidates = store.guides_for(asset.model.as_deref(), asset.equipment_class.as_deref())?;
    if let Some(g) = select(candidates, codes, symptom) {
        return Ok((g, false));
    }
    let catalog = store.failure_catalog()?;
    let procedures = store.procedures_for(asset)?;
    Ok((
        checklist(&asset.tag, codes, causes, &catalog, &procedures),
        true,
    ))
}
