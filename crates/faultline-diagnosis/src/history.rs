//! The rows a diagnosis reads, held once: assets by tag, work orders oldest first, each asset's
//! alarms by time. Every lookup takes the diagnosis time and sees only what is strictly before it,
//! so one `History` read up to the end of the data serves a whole back-test.

use crate::codes;
use crate::index::DocIndex;
use faultline_core::store::{
    AnalyticsAlarm, AnalyticsAsset, ConfirmedConclusion, DiagnosisWorkOrder,
};
use faultline_core::{CoreError, Store};
use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Default)]
pub struct History {
    pub assets: Vec<AnalyticsAsset>,
    /// Oldest first.
    pub work_orders: Vec<DiagnosisWorkOrder>,
    by_tag: HashMap<String, usize>,
    /// Per asset tag: (time, code key, code as written), by time.
    alarms: HashMap<String, Vec<(i64, String, String)>>,
    /// Guide conclusions confirmed by the closing codes (`crate::confirmed`), oldest first.
    pub confirmed: Vec<ConfirmedConclusion>,
    /// The rows prepared for queries (`crate::index`), built on first use: with the learned
    /// shorthand table off and on (`crate::shorthand::use_learned_table`), as tokens differ.
    index: [OnceLock<DocIndex>; 2],
}

impl History {
    /// Everything recorded strictly before `before` (ms).
    pub fn read(store: &Store, before: i64) -> Result<Self, CoreError> {
        let mut h = Self::new(
            store.analytics_assets()?,
            store.diagnosis_work_orders(before)?,
            store.analytics_alarms(Some(before))?,
        );
        h.confirmed = store.confirmed_conclusions(before)?;
        Ok(h)
    }

    pub fn new(
        assets: Vec<AnalyticsAsset>,
        mut work_orders: Vec<DiagnosisWorkOrder>,
        alarms: Vec<AnalyticsAlarm>,
    ) -> Self {
        work_orders.sort_by_key(|w| w.reported_at);
        let by_tag = assets
            .iter()
            .enumerate()
            .map(|(i, a)| (a.tag.clone(), i))
            .collect();
        let mut by_asset: HashMap<String, Vec<(i64, String, String)>> = HashMap::new();
        for a in alarms {
            let k = codes::key(&a.code);
            by_asset
                .entry(a.asset_tag)
                .or_default()
                .push((a.occurred_at, k, a.code));
        }
        for v in by_asset.values_mut() {
            v.sort_by_key(|e| e.0);
        }
        Self {
            assets,
            work_orders,
            by_tag,
            alarms: by_asset,
            confirmed: Vec::new(),
            index: Default::default(),
        }
    }

    /// The rows prepared for queries, built on the first call (the work orders must not change
    /// afterwards).
    pub fn index(&self) -> &DocIndex {
        let on = usize::from(crate::shorthand::learned_table_on());
        self.index[on].get_or_init(|| DocIndex::build(self))
    }

    /// The position of the asset `tag` in [`History::assets`].
    pub fn asset_index(&self, tag: &str) -> Option<usize> {
        self.by_tag.get(tag).copied()
    }

    /// All of the asset's alarms: (time, code key, code as written), by time.
    pub fn alarms_of(&self, tag: &str) -> &[(i64, String, String)] {
        self.alarms.get(tag).map_or(&[], Vec::as_slice)
    }

    pub fn asset(&self, tag: &str) -> Option<&AnalyticsAsset> {
        self.by_tag.get(tag).and_then(|&i| self.assets.get(i))
    }

    /// The asset's alarms in `[at - window, at)`.
    fn alarms_in(&self, tag: &str, at: i64, window: i64) -> &[(i64, String, String)] {
        let Some(v) = self.alarms.get(tag) else {
            return &[];
        };
        let lo = v.partition_point(|e| e.0 < at.saturating_sub(window));
        let hi = v.partition_point(|e| e.0 < at);
        &v[lo..hi.max(lo)]
    }

    /// The codes (as written, latest spelling first, one per key) of the asset's alarms in the
    /// window strictly before `at`, most recent first.
    pub fn alarm_codes_before(&self, tag: &str, at: i64, window: i64) -> Vec<String> {
        let recent: Vec<String> = self
            .alarms_in(tag, at, window)
            .iter()
            .rev()
            .map(|e| e.2.clone())
            .collect();
        codes::distinct(&recent)
    }

    /// The code keys of a past work order: its fault code and the asset's alarms in the window
    /// before it was reported.
    pub fn work_order_code_keys(&self, w: &DiagnosisWorkOrder, window: i64) -> Vec<String> {
        let mut keys: Vec<String> = self
            .alarms_in(&w.asset_tag, w.reported_at, window)
            .iter()
            .map(|e| e.1.clone())
            .collect();
        if let Some(c) = w.fault_code.as_deref().filter(|c| !c.trim().is_empty()) {
            keys.push(codes::key(c));
        }
        keys.sort();
        keys.dedup();
        keys
    }
}
