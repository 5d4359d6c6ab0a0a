//! Reliability analytics for the Analytics screen: MTTR/MTBF/MTTF/availability, the downtime
//! Pareto, monthly trends with a before/after difference, the assets at risk and OEE per
//! ISO 22400-2 — the same `faultline-analytics` functions the CLI's `metrics`, `pareto`,
//! `trends`, `risk` and `oee` call, with the same defaults — plus the work orders behind a
//! figure, the pickers' choices, and the production counts a shift lead types per shift.
//! Figures over a period share one kept period read (`analytics_cache`: read again only when
//! the replica changed; a work-order write of the App re-reads just that work order); the risk
//! ranking reads only what its model uses (`RiskRecords`) and is kept per state of the replica
//! and horizon (`risk_cache`), first ranked in the background once the window shows its first
//! screen ([`App::prepare_analytics`]).

use crate::app::App;
use crate::convert::{err, invalid, time, ApiResult};
use crate::events::DataKind;
use faultline_analytics::oee_report::{history_end, oee_report, OeeBy, OeeReport};
use faultline_analytics::trends::{before_after, monthly, BeforeAfter, MonthRow};
use faultline_analytics::{Metrics, Pareto, ParetoBy, RiskRanking, Scope};
use faultline_core::domain::WorkOrderSummary;
use faultline_core::store::ProductionCountRow;
use faultline_core::validate::{self, ProductionFigures};
use faultline_core::{CoreError, Store};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashSet};
use ts_rs::TS;

const DAY_MS: i64 = 24 * 3_600_000;
/// The period when none is given: the year before `to` (as the CLI).
pub const DEFAULT_PERIOD_DAYS: i64 = 365;
/// The risk horizon when none is given (as the CLI).
pub const DEFAULT_HORIZON_DAYS: u32 = 30;
/// How long after the first screen [`App::prepare_analytics`] starts the risk ranking.
pub const PREPARE_DELAY: std::time::Duration = std::time::Duration::from_secs(2);
/// A repeat failure when none is given: the same asset and problem within this many days.
pub const DEFAULT_REPEAT_DAYS: u32 = 30;
/// Most work orders `work_orders_behind` answers at once.
pub const MAX_WORK_ORDERS_BEHIND: usize = 500;
/// Most counts one `set_production_counts` saves.
pub const MAX_COUNTS_PER_SAVE: usize = 200;
/// The seed of the before/after bootstrap (the CLI's, so both give the same interval).
const BOOTSTRAP_SEED: u64 = 2024;

/// What a figure covers: one of these (codes in any case), or the whole replica.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
pub struct AnalyticsScopeArgs {
    pub site: Option<String>,
    pub line: Option<String>,
    pub model: Option<String>,
    pub class: Option<String>,
    pub asset: Option<String>,
}

/// `analytics_metrics`: a scope and the period `[from, to)` (RFC 3339; default the year before
/// now).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
pub struct AnalyticsArgs {
    #[serde(flatten)]
    pub scope: AnalyticsScopeArgs,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// `analytics_pareto`: bars `by` cause, problem, class or asset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
pub struct AnalyticsParetoArgs {
    #[serde(flatten)]
    pub range: AnalyticsArgs,
    pub by: String,
    /// A repeat failure: the same asset and problem again within this many days (default 30).
    pub repeat_days: Option<u32>,
}

/// `analytics_trends`: months of the period, and before/after `marker` when given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
pub struct AnalyticsTrendsArgs {
    #[serde(flatten)]
    pub range: AnalyticsArgs,
    /// E.g. the day Faultline was introduced (RFC 3339, inside the period).
    pub marker: Option<String>,
}

/// `analytics_risk`: the ranking as of `at` (default now) for a failure within `horizon_days`
/// (default 30), the scope's assets only, the first `limit`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
pub struct AnalyticsRiskArgs {
    #[serde(flatten)]
    pub scope: AnalyticsScopeArgs,
    pub at: Option<String>,
    pub horizon_days: Option<u32>,
    pub limit: Option<u32>,
}

/// `analytics_oee`: a line or an asset with production counts, the counts starting in the
/// period, rows `by` "shift" or "day" under the total.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
pub struct AnalyticsOeeArgs {
    pub line: Option<String>,
    pub asset: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub by: Option<String>,
}

/// `work_orders_behind`: the work orders behind a figure or a bar, by number.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
pub struct WorkOrdersBehindArgs {
    pub numbers: Vec<String>,
}

/// One production count a shift lead typed: of an asset (tag) or a line (location code), for
/// the shift `period_start`..`period_end` (RFC 3339); hours, seconds per unit, whole
/// quantities; good or scrap (or both, adding up to produced).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
pub struct ProductionCountInput {
    pub asset: Option<String>,
    pub line: Option<String>,
    pub shift: Option<String>,
    pub period_start: String,
    pub period_end: String,
    pub planned_busy_hours: f64,
    pub actual_production_hours: Option<f64>,
    pub run_time_per_unit_s: f64,
    pub produced: f64,
    pub good: Option<f64>,
    pub scrap: Option<f64>,
}

/// `set_production_counts`: all saved, or none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
pub struct SetProductionCountsArgs {
    pub counts: Vec<ProductionCountInput>,
}

/// What `analytics_trends` answers.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AnalyticsTrends {
    pub scope: Scope,
    pub from: String,
    pub to: String,
    pub months: Vec<MonthRow>,
    pub before_after: Option<BeforeAfter>,
}

/// The pickers' choices: codes present in the replica, and which lines and assets have
/// production counts (for OEE).
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AnalyticsScopes {
    pub sites: Vec<String>,
    pub lines: Vec<String>,
    pub models: Vec<String>,
    pub classes: Vec<String>,
    pub production_lines: Vec<String>,
    pub production_assets: Vec<String>,
    /// The store's clock (the default end of every period), RFC 3339.
    pub now: String,
}

impl AnalyticsScopeArgs {
    fn scope(&self) -> ApiResult<Scope> {
        let given: Vec<Scope> = [
            (&self.site, Scope::Site as fn(String) -> Scope),
            (&self.line, Scope::Line),
            (&self.model, Scope::Model),
            (&self.class, Scope::Class),
            (&self.asset, Scope::Asset),
        ]
        .into_iter()
        .filter_map(|(v, f)| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| f(s.to_string()))
        })
        .collect();
        match given.len() {
            0 => Ok(Scope::All),
            1 => Ok(given.into_iter().next().unwrap_or_default()),
            _ => Err(invalid(
                "give one of site, line, model, class or asset (or none: the whole replica)".into(),
            )),
        }
    }
}

/// `[from, to)` in ms: `to` default now, `from` default a year before it.
fn period(store: &Store, from: Option<&str>, to: Option<&str>) -> ApiResult<(i64, i64)> {
    let to = time(to)?
        .unwrap_or_else(|| store.clock().now())
        .timestamp_millis();
    let from = time(from)?.map_or(to - DEFAULT_PERIOD_DAYS * DAY_MS, |t| t.timestamp_millis());
    if from >= to {
        return Err(invalid("the period must start before it ends".into()));
    }
    Ok((from, to))
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn sorted(set: BTreeSet<String>) -> Vec<String> {
    set.into_iter().collect()
}

impl App {
    /// MTTR, MTBF, MTTF, availability with their definitions (`faultline metrics`).
    pub fn analytics_metrics(&self, a: AnalyticsArgs) -> ApiResult<Metrics> {
        let scope = a.scope.scope()?;
        let store = self.shared.store()?;
        let (from, to) = period(&store, a.from.as_deref(), a.to.as_deref())?;
        self.analytics
            .metrics(&store, &scope, from, to)
            .map_err(err)
    }

    /// The downtime Pareto and the repeat failures (`faultline pareto`).
    pub fn analytics_pareto(&self, a: AnalyticsParetoArgs) -> ApiResult<Pareto> {
        let by = ParetoBy::parse(a.by.trim())
            .ok_or_else(|| invalid(format!("by {:?}: use cause, problem, class or asset", a.by)))?;
        let scope = a.range.scope.scope()?;
        let store = self.shared.store()?;
        let (from, to) = period(&store, a.range.from.as_deref(), a.range.to.as_deref())?;
        let h = self.analytics.period(&store, from, to).map_err(err)?;
        drop(store);
        let repeat = a.repeat_days.unwrap_or(DEFAULT_REPEAT_DAYS);
        Ok(faultline_analytics::pareto(
            &h, &scope, by, from, to, repeat,
        ))
    }

    /// Month by month, and MTTR before/after `marker` with its bootstrap interval
    /// (`faultline trends`).
    pub fn analytics_trends(&self, a: AnalyticsTrendsArgs) -> ApiResult<AnalyticsTrends> {
        let scope = a.range.scope.scope()?;
        let store = self.shared.store()?;
        let (from, to) = period(&store, a.range.from.as_deref(), a.range.to.as_deref())?;
        let marker = time(a.marker.as_deref())?.map(|t| t.timestamp_millis());
        if marker.is_some_and(|m| m <= from || m >= to) {
            return Err(invalid(
                "the marker must lie inside the period: move it or widen the period".into(),
            ));
        }
        let h = self.analytics.period(&store, from, to).map_err(err)?;
        drop(store);
        Ok(AnalyticsTrends {
            months: monthly(&h, &scope, from, to),
            before_after: marker.map(|m| before_after(&h, &scope, from, m, to, BOOTSTRAP_SEED)),
            from: faultline_analytics::time::iso(from),
            to: faultline_analytics::time::iso(to),
            scope,
        })
    }

    /// The assets at risk of a failure within the horizon, riskiest first, with reasons and
    /// contributions (`faultline risk`); the model is fitted on the whole replica, the list
    /// keeps the scope's assets.
    pub fn analytics_risk(&self, a: AnalyticsRiskArgs) -> ApiResult<RiskRanking> {
        let scope = a.scope.scope()?;
        let horizon = a.horizon_days.unwrap_or(DEFAULT_HORIZON_DAYS);
        if horizon == 0 {
            return Err(invalid("the horizon must be at least 1 day".into()));
        }
        let at = time(a.at.as_deref())?.map(|t| t.timestamp_millis());
        // Kept per state of the replica (`risk_cache`): scope and limit cut the kept ranking.
        let kept = self.risk.ranking(&self.shared, at, horizon)?;
        let tags: Option<HashSet<&str>> = (scope != Scope::All).then(|| {
            kept.assets
                .iter()
                .filter(|x| scope.matches(x))
                .map(|x| x.tag.as_str())
                .collect()
        });
        let r = &kept.ranking;
        Ok(RiskRanking {
            at: r.at.clone(),
            horizon_days: r.horizon_days,
            model: r.model.clone(),
            assets: r
                .assets
                .iter()
                .filter(|x| {
                    tags.as_ref()
                        .is_none_or(|t| t.contains(x.asset_tag.as_str()))
                })
                .take(a.limit.map_or(usize::MAX, |k| k as usize))
                .cloned()
                .collect(),
        })
    }

    /// Ranks the assets at risk (the screen's default horizon, "now") on a thread of its own
    /// and keeps the ranking, so the Analytics screen's risk list is ready when opened. The
    /// window calls this once its first screen is shown, and the ranking starts
    /// [`PREPARE_DELAY`] later: its read holds the store for a moment (0.3 s on 1,000,000 work
    /// orders), which the first screen's own follow-up calls (status line) should not wait for.
    pub fn prepare_analytics(&self) {
        self.risk
            .warm_in_background(self.shared.clone(), DEFAULT_HORIZON_DAYS, PREPARE_DELAY);
    }

    /// OEE per ISO 22400-2 of a line or an asset from its production counts and the downtime
    /// of its breakdowns (`faultline oee`).
    pub fn analytics_oee(&self, a: AnalyticsOeeArgs) -> ApiResult<OeeReport> {
        let (kind, code, scope) = match (non_empty(&a.line), non_empty(&a.asset)) {
            (Some(l), None) => ("line", l.to_string(), Scope::Line(l.to_string())),
            (None, Some(t)) => ("asset", t.to_string(), Scope::Asset(t.to_string())),
            _ => return Err(invalid("give a line or an asset (one of them)".into())),
        };
        let by = match a.by.as_deref().map(str::trim) {
            None | Some("") => None,
            Some("shift") => Some(OeeBy::Shift),
            Some("day") => Some(OeeBy::Day),
            Some(other) => return Err(invalid(format!("by {other:?}: use shift or day"))),
        };
        let store = self.shared.store()?;
        let (from, to) = period(&store, a.from.as_deref(), a.to.as_deref())?;
        let counts = store
            .production_counts(kind, &code, from, to)
            .map_err(err)?;
        if counts.is_empty() {
            return Err(err(CoreError::NotFound(format!(
                "no production counts for {kind} {code:?} starting in that period: type them \
                 per shift, or import them (mapping kind `production`)"
            ))));
        }
        // The breakdowns whose downtime can reach into a count: the period read up to the end
        // of the last count (the same report as on the whole history).
        let h = self
            .analytics
            .period(&store, from, history_end(&counts, to))
            .map_err(err)?;
        drop(store);
        Ok(oee_report(&h, &scope, &counts, from, to, by))
    }

    /// The work orders behind a figure or a bar (numbers from its `work_orders`), in the
    /// order given; numbers not in the replica are left out.
    pub fn work_orders_behind(&self, a: WorkOrdersBehindArgs) -> ApiResult<Vec<WorkOrderSummary>> {
        if a.numbers.len() > MAX_WORK_ORDERS_BEHIND {
            return Err(invalid(format!(
                "{} work orders at once is too many: at most {MAX_WORK_ORDERS_BEHIND}; narrow the period or the scope",
                a.numbers.len()
            )));
        }
        self.with_store(|s| {
            let mut out = Vec::with_capacity(a.numbers.len());
            let mut seen = HashSet::new();
            for n in &a.numbers {
                let n = n.trim();
                if n.is_empty() || !seen.insert(n.to_lowercase()) {
                    continue;
                }
                if let Some(w) = s
                    .find_work_orders(n, 1)?
                    .into_iter()
                    .find(|w| w.number.eq_ignore_ascii_case(n))
                {
                    out.push(w);
                }
            }
            Ok(out)
        })
    }

    /// The sites, lines, models and classes of the replica, and the lines and assets with
    /// production counts.
    pub fn analytics_scopes(&self) -> ApiResult<AnalyticsScopes> {
        self.with_store(|s| {
            let assets = s.analytics_assets()?;
            let mut out = AnalyticsScopes {
                now: faultline_analytics::time::iso(s.clock().now().timestamp_millis()),
                ..AnalyticsScopes::default()
            };
            let (mut sites, mut lines, mut models, mut classes) = (
                BTreeSet::new(),
                BTreeSet::new(),
                BTreeSet::new(),
                BTreeSet::new(),
            );
            for a in &assets {
                sites.insert(a.site.clone());
                lines.extend(a.location.clone());
                models.extend(a.model.clone());
                classes.extend(a.equipment_class.clone());
            }
            // The targets with counts in one read (codes match in any ASCII case, as
            // `production_counts` looks them up).
            let targets: HashSet<(String, String)> = s
                .production_targets()?
                .into_iter()
                .map(|(kind, code)| (kind, code.to_ascii_lowercase()))
                .collect();
            let has = |kind: &str, code: &str| {
                targets.contains(&(kind.to_string(), code.to_ascii_lowercase()))
            };
            out.production_lines = lines.iter().filter(|l| has("line", l)).cloned().collect();
            out.production_assets = assets
                .iter()
                .filter(|a| has("asset", &a.tag))
                .map(|a| a.tag.clone())
                .collect();
            out.sites = sorted(sites);
            out.lines = sorted(lines);
            out.models = sorted(models);
            out.classes = sorted(classes);
            Ok(out)
        })
    }

    /// Saves production counts a shift lead typed (all or none, one transaction); emits
    /// `DataChanged { production }`. Answers how many were saved.
    pub fn set_production_counts(&self, a: SetProductionCountsArgs) -> ApiResult<u32> {
        if a.counts.is_empty() {
            return Err(invalid("no count to save: fill in a shift's counts".into()));
        }
        if a.counts.len() > MAX_COUNTS_PER_SAVE {
            return Err(invalid(format!(
                "at most {MAX_COUNTS_PER_SAVE} counts at once"
            )));
        }
        let rows = a
            .counts
            .iter()
            .enumerate()
            .map(|(i, c)| count_row(c).map_err(|m| invalid(format!("count {}: {m}", i + 1))))
            .collect::<ApiResult<Vec<_>>>()?;
        let n = self.write(&[DataKind::Production], |s| s.set_production_counts(&rows))?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }
}

/// A typed count as the store's row: times parsed, what it is of, good from good or scrap.
fn count_row(c: &ProductionCountInput) -> Result<ProductionCountRow, String> {
    let pick = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let (scope_kind, scope_code) = match (pick(&c.asset), pick(&c.line)) {
        (Some(t), None) => ("asset", t),
        (None, Some(l)) => ("line", l),
        (Some(_), Some(_)) => return Err("a count is of one asset or of one line, not both".into()),
        (None, None) => return Err("name the line or the asset the count is of".into()),
    };
    let parse = |t: &str, what: &str| {
        chrono::DateTime::parse_from_rfc3339(t.trim())
            .map(|d| d.timestamp_millis())
            .map_err(|_| format!("the {what} {t:?} is not a time (RFC 3339 expected)"))
    };
    let start = parse(&c.period_start, "period start")?;
    let end = parse(&c.period_end, "period end")?;
    let good = validate::check_production_count(&ProductionFigures {
        period_hours: (end - start) as f64 / 3_600_000.0,
        planned_busy_hours: c.planned_busy_hours,
        actual_production_hours: c.actual_production_hours,
        run_time_per_unit_s: c.run_time_per_unit_s,
        produced: c.produced,
        good: c.good,
        scrap: c.scrap,
    })
    .map_err(|e| e.reason)?;
    Ok(ProductionCountRow {
        scope_kind: scope_kind.into(),
        scope_code,
        shift: pick(&c.shift),
        period_start: start,
        period_end: end,
        planned_busy_hours: c.planned_busy_hours,
        actual_production_hours: c.actual_production_hours,
        run_time_per_unit_s: c.run_time_per_unit_s,
        produced: c.produced,
        good,
    })
}
