//! Per-asset facts the risk model reads, sorted by time: failure events, alarms and component
//! replacements, cut strictly before the ranking time. A replaced component is a part number
//! used on a work order, or the item of a remedy text "<item> replaced"; the same component
//! replaced on the same asset at the same instant by two work orders (a failure and its
//! replacement job) is one replacement.

use super::records::RiskRecords;
use crate::events::{stoppages, Stoppage};
use crate::time::DAY_MS;
use crate::{Alarm, Asset, History, WorkOrder};
use std::collections::HashMap;

/// (stoppage start, work order numbers), oldest first.
type Failures<'a> = Vec<(i64, Vec<&'a str>)>;

pub struct AssetFacts<'a> {
    pub asset: &'a Asset,
    /// (stoppage start, work order numbers), oldest first.
    pub failures: Failures<'a>,
    /// (time, code), oldest first.
    pub alarms: Vec<(i64, &'a str)>,
    /// (time, component), oldest first.
    pub replacements: Vec<(i64, String)>,
    /// Earliest record of any kind.
    pub first_seen: i64,
    /// The asset's equipment class and model as indexes into [`Facts::classes`] and
    /// [`Facts::models`] (the group rates count per index, not per name).
    pub class_group: usize,
    pub model_group: usize,
}

/// A finished replacement interval of one component on one asset.
pub struct Gap {
    /// When the later replacement was made.
    pub end: i64,
    pub days: f64,
    pub component: String,
    /// The asset's model as an index into [`Facts::models`] (`None`: no model).
    pub model_group: Option<usize>,
}

pub struct Facts<'a> {
    pub assets: Vec<AssetFacts<'a>>,
    /// Earliest record of the history (the start of exposure).
    pub start: i64,
    pub cut_off: i64,
    /// Every replacement interval, by end time.
    pub gaps: Vec<Gap>,
    /// The equipment classes and the models of the assets ("" for none).
    pub classes: Vec<&'a str>,
    pub models: Vec<&'a str>,
}

/// The components a work order replaced.
pub fn replaced_components(w: &WorkOrder) -> Vec<String> {
    if !w.parts.is_empty() {
        return w.parts.clone();
    }
    w.remedy_text
        .as_deref()
        .and_then(|t| t.trim().strip_suffix(" replaced"))
        .map(|c| vec![c.trim().to_string()])
        .filter(|v| v.iter().all(|c| !c.is_empty()))
        .unwrap_or_default()
}

impl<'a> Facts<'a> {
    /// Facts from every record strictly before `cut_off`, for assets with any history.
    pub fn new(h: &'a History, cut_off: i64) -> Self {
        let wos: Vec<&WorkOrder> = h
            .work_orders
            .iter()
            .filter(|w| w.reported_at < cut_off)
            .collect();
        let mut replacements: HashMap<&str, Vec<(i64, String)>> = HashMap::new();
        let mut first_wo: HashMap<&str, i64> = HashMap::new();
        for w in &wos {
            first_wo
                .entry(w.asset_tag.as_str())
                .or_insert(w.reported_at);
            if w.status == "cancelled" {
                continue;
            }
            let at = w.finished_at.unwrap_or(w.reported_at);
            if at >= cut_off {
                continue;
            }
            for c in replaced_components(w) {
                replacements
                    .entry(w.asset_tag.as_str())
                    .or_default()
                    .push((at, c));
            }
        }
        Self::assemble(
            &h.assets,
            stoppages(wos.iter().copied(), cut_off),
            &h.alarms,
            replacements,
            first_wo,
            cut_off,
        )
    }

    /// The same facts from the lean records of a ranking (`cut_off` is their `at`).
    pub fn from_records(r: &'a RiskRecords) -> Self {
        let cut_off = r.at;
        let mut replacements: HashMap<&str, Vec<(i64, String)>> = HashMap::new();
        for x in r.replacements.iter().filter(|x| x.at < cut_off) {
            replacements
                .entry(x.asset_tag.as_str())
                .or_default()
                .push((x.at, x.component.clone()));
        }
        let first_wo: HashMap<&str, i64> = r
            .first_work_orders
            .iter()
            .filter(|(_, t)| *t < cut_off)
            .map(|(tag, t)| (tag.as_str(), *t))
            .collect();
        Self::assemble(
            &r.assets,
            stoppages(r.breakdowns.iter(), cut_off),
            &r.alarms,
            replacements,
            first_wo,
            cut_off,
        )
    }

    fn assemble(
        all_assets: &'a [Asset],
        events: Vec<Stoppage<'a>>,
        all_alarms: &'a [Alarm],
        mut replacements: HashMap<&str, Vec<(i64, String)>>,
        first_wo: HashMap<&str, i64>,
        cut_off: i64,
    ) -> Self {
        // The stoppages come grouped by asset: one map entry per asset, not a hash per event.
        let mut failures: HashMap<&str, Failures<'a>> = HashMap::new();
        let mut run: Option<(&str, Failures<'a>)> = None;
        for e in events.into_iter().filter(|e| e.start < cut_off) {
            let numbers = e.work_orders.iter().map(|w| w.number.as_str()).collect();
            match &mut run {
                Some((tag, v)) if *tag == e.asset_tag => v.push((e.start, numbers)),
                _ => {
                    if let Some((tag, v)) = run.take() {
                        failures.entry(tag).or_default().extend(v);
                    }
                    run = Some((e.asset_tag, vec![(e.start, numbers)]));
                }
            }
        }
        if let Some((tag, v)) = run {
            failures.entry(tag).or_default().extend(v);
        }
        let mut alarms: HashMap<&str, Vec<(i64, &str)>> = HashMap::new();
        for a in all_alarms.iter().filter(|a| a.occurred_at < cut_off) {
            alarms
                .entry(a.asset_tag.as_str())
                .or_default()
                .push((a.occurred_at, a.code.as_str()));
        }
        let mut assets = Vec::new();
        let mut gaps = Vec::new();
        let mut start = i64::MAX;
        let (mut classes, mut models): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
        let (mut class_at, mut model_at): (HashMap<&str, usize>, HashMap<&str, usize>) =
            (HashMap::new(), HashMap::new());
        let group = |names: &mut Vec<&'a str>, at: &mut HashMap<&'a str, usize>, name| {
            *at.entry(name).or_insert_with(|| {
                names.push(name);
                names.len() - 1
            })
        };
        for a in all_assets {
            let tag = a.tag.as_str();
            let mut f = failures.remove(tag).unwrap_or_default();
            f.sort_by_key(|x| x.0);
            let mut al = alarms.remove(tag).unwrap_or_default();
            al.sort_by_key(|x| x.0);
            let mut r = replacements.remove(tag).unwrap_or_default();
            r.sort();
            r.dedup();
            let first_seen = [
                first_wo.get(tag).copied(),
                al.first().map(|x| x.0),
                f.first().map(|x| x.0),
            ]
            .into_iter()
            .flatten()
            .min();
            let Some(first_seen) = first_seen else {
                continue;
            };
            start = start.min(first_seen);
            let class_group = group(
                &mut classes,
                &mut class_at,
                a.equipment_class.as_deref().unwrap_or_default(),
            );
            let model_group = group(
                &mut models,
                &mut model_at,
                a.model.as_deref().unwrap_or_default(),
            );
            let mut last: HashMap<&str, i64> = HashMap::new();
            for (t, c) in &r {
                if let Some(prev) = last.insert(c.as_str(), *t) {
                    if *t > prev {
                        gaps.push(Gap {
                            end: *t,
                            days: (t - prev) as f64 / DAY_MS as f64,
                            component: c.clone(),
                            model_group: a.model.is_some().then_some(model_group),
                        });
                    }
                }
            }
            assets.push(AssetFacts {
                asset: a,
                failures: f,
                alarms: al,
                replacements: r,
                first_seen,
                class_group,
                model_group,
            });
        }
        gaps.sort_by_key(|g| g.end);
        Facts {
            assets,
            start: if start == i64::MAX { cut_off } else { start },
            cut_off,
            gaps,
            classes,
            models,
        }
    }
}
