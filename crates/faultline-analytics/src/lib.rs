//! Reliability analytics over the replica's history, offline: MTTR, MTBF, MTTF and availability
//! for a scope and period (`metrics`), downtime Pareto and repeat failures (`pareto`), monthly
//! trends with a before/after difference (`trends`), the assets at risk next with every score
//! split into named contributions (`risk`), and ranking measures for back-tests (`eval`).
//! `period` reads only what figures over a period need and follows writes incrementally.
//!
//! Everything here is a pure function of a [`History`] (plain rows read through the core's
//! `analytics_*` reads); no SQL, no clock. Definitions: docs/analytics.md.

pub mod eval;
pub mod events;
pub mod metrics;
pub mod oee;
pub mod oee_report;
pub mod pareto;
pub mod period;
pub mod prng;
pub mod risk;
pub mod scope;
pub mod time;
pub mod trends;

pub use faultline_core::store::{
    AnalyticsAlarm as Alarm, AnalyticsAsset as Asset, AnalyticsWorkOrder as WorkOrder,
};
pub use metrics::{metrics, Metrics};
pub use pareto::{pareto, Pareto, ParetoBy};
pub use period::PeriodCache;
pub use risk::{rank, RiskRanking};
pub use scope::Scope;

use faultline_core::Store;

/// What analytics reads: every asset, and the work orders and alarms recorded before a time.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub assets: Vec<Asset>,
    /// Oldest first (by `reported_at`).
    pub work_orders: Vec<WorkOrder>,
    /// Oldest first.
    pub alarms: Vec<Alarm>,
}

impl History {
    /// Reads the replica: work orders reported and alarms raised strictly before `before`
    /// (everything with `None`).
    pub fn load(store: &Store, before: Option<i64>) -> faultline_core::error::Result<Self> {
        Ok(History {
            assets: store.analytics_assets()?,
            work_orders: store.analytics_work_orders(before)?,
            alarms: store.analytics_alarms(before)?,
        })
    }

    /// The assets a scope selects.
    pub fn assets_in<'a>(&'a self, scope: &'a Scope) -> impl Iterator<Item = &'a Asset> + 'a {
        self.assets.iter().filter(move |a| scope.matches(a))
    }
}
