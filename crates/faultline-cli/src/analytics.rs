//! Reliability analytics from the command line: `metrics`, `pareto`, `trends` and `risk`, each
//! a thin layer over `faultline-analytics` (definitions: docs/analytics.md), `--json` for
//! scripts, aligned text for people.

use crate::print::Printer;
use crate::time_arg::parse_opt;
use clap::Args;
use faultline_analytics::risk::records::RiskRecords;
use faultline_analytics::trends::{before_after, monthly, BeforeAfter, MonthRow};
use faultline_analytics::{History, ParetoBy, Scope};
use faultline_core::{CoreError, Store};
use serde::Serialize;

type Result<T> = std::result::Result<T, CoreError>;

const DAY_MS: i64 = 24 * 3_600_000;

/// What the figures cover: one of these, or the whole replica.
#[derive(Debug, Args)]
#[group(multiple = false)]
pub struct ScopeArgs {
    /// A site code.
    #[arg(long)]
    site: Option<String>,
    /// A line (location code).
    #[arg(long)]
    line: Option<String>,
    /// An asset model.
    #[arg(long)]
    model: Option<String>,
    /// An equipment class.
    #[arg(long)]
    class: Option<String>,
    /// One asset, by tag.
    #[arg(long)]
    asset: Option<String>,
}

impl ScopeArgs {
    fn scope(&self) -> Scope {
        let pick = |v: &Option<String>, f: fn(String) -> Scope| v.clone().map(f);
        pick(&self.site, Scope::Site)
            .or_else(|| pick(&self.line, Scope::Line))
            .or_else(|| pick(&self.model, Scope::Model))
            .or_else(|| pick(&self.class, Scope::Class))
            .or_else(|| pick(&self.asset, Scope::Asset))
            .unwrap_or(Scope::All)
    }
}

/// The period `[from, to)`.
#[derive(Debug, Args)]
pub struct PeriodArgs {
    /// Start (default: one year before --to): RFC 3339, or "YYYY-MM-DD HH:MM" local time.
    #[arg(long)]
    from: Option<String>,
    /// End, exclusive (default: now).
    #[arg(long)]
    to: Option<String>,
}

impl PeriodArgs {
    fn period(&self, store: &Store) -> Result<(i64, i64)> {
        let to = parse_opt(self.to.as_deref())?
            .unwrap_or_else(|| store.clock().now())
            .timestamp_millis();
        let from =
            parse_opt(self.from.as_deref())?.map_or(to - 365 * DAY_MS, |t| t.timestamp_millis());
        if from >= to {
            return Err(CoreError::InvalidInput("--from must be before --to".into()));
        }
        Ok((from, to))
    }
}

#[derive(Debug, Args)]
pub struct MetricsArgs {
    #[command(flatten)]
    scope: ScopeArgs,
    #[command(flatten)]
    period: PeriodArgs,
}

#[derive(Debug, Args)]
pub struct ParetoArgs {
    /// What the bars are: cause, problem, class (failure class) or asset.
    #[arg(long, value_parser = ["cause", "problem", "class", "asset"])]
    by: String,
    #[command(flatten)]
    scope: ScopeArgs,
    #[command(flatten)]
    period: PeriodArgs,
    /// A repeat failure: the same asset and problem again within this many days.
    #[arg(long, default_value_t = 30)]
    repeat_days: u32,
}

#[derive(Debug, Args)]
pub struct TrendsArgs {
    #[command(flatten)]
    scope: ScopeArgs,
    #[command(flatten)]
    period: PeriodArgs,
    /// A date to compare before and after (e.g. when Faultline was introduced).
    #[arg(long)]
    marker: Option<String>,
}

#[derive(Debug, Args)]
pub struct RiskArgs {
    /// Rank as of this time, using only what was recorded strictly before it (default: now).
    #[arg(long)]
    at: Option<String>,
    /// The horizon: failure within this many days.
    #[arg(long, default_value_t = 30)]
    horizon_days: u32,
    /// Only the first K assets.
    #[arg(long)]
    limit: Option<usize>,
}

fn hours(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |h| format!("{h:.2} h"))
}

pub fn metrics(store: &Store, out: &Printer, a: MetricsArgs) -> Result<()> {
    let (from, to) = a.period.period(store)?;
    let h = History::load_period(store, from, to)?;
    let m = faultline_analytics::metrics(&h, &a.scope.scope(), from, to);
    out.emit(&m, || {
        format!(
            "{} .. {}, {} assets\nbreakdowns        {} ({} open, {} without downtime)\ndowntime          {:.2} h\nMTTR              {} (time to restore, {} restored)\nactive repair     {} ({} with start and finish)\nMTBF              {}\nMTTF              {}\navailability      {}\nwork orders       {}",
            m.from,
            m.to,
            m.assets,
            m.breakdowns,
            m.open_breakdowns,
            m.without_downtime,
            m.downtime_hours,
            hours(m.mttr_hours),
            m.restored,
            hours(m.active_repair_hours),
            m.active_repairs,
            hours(m.mtbf_hours),
            hours(m.mttf_hours),
            m.availability
                .map_or_else(|| "-".into(), |v| format!("{:.2} %", v * 100.0)),
            m.work_orders.join(" ")
        )
    })
}

pub fn pareto(store: &Store, out: &Printer, a: ParetoArgs) -> Result<()> {
    let by = ParetoBy::parse(&a.by).ok_or_else(|| {
        CoreError::InvalidInput(format!(
            "--by {:?}: use cause, problem, class or asset",
            a.by
        ))
    })?;
    let (from, to) = a.period.period(store)?;
    let h = History::load_period(store, from, to)?;
    let p = faultline_analytics::pareto(&h, &a.scope.scope(), by, from, to, a.repeat_days);
    out.emit(&p, || {
        let mut s = format!(
            "{} .. {}: {:.1} h over {} breakdowns\n",
            p.from, p.to, p.total_hours, p.total_count
        );
        for b in &p.bars {
            s.push_str(&format!(
                "{:<24} {:>8.1} h {:>4}  {:>5.1} %  cum {:>5.1} %\n",
                b.key,
                b.hours,
                b.count,
                b.share_of_hours * 100.0,
                b.cumulative_share * 100.0
            ));
        }
        for r in &p.repeats {
            s.push_str(&format!(
                "repeat: {} {} again after {:.1} days ({} then {})\n",
                r.asset_tag, r.problem, r.days_apart, r.first_work_order, r.repeat_work_order
            ));
        }
        s.trim_end().to_string()
    })
}

#[derive(Serialize)]
struct Trends {
    scope: Scope,
    months: Vec<MonthRow>,
    before_after: Option<BeforeAfter>,
}

pub fn trends(store: &Store, out: &Printer, a: TrendsArgs) -> Result<()> {
    let (from, to) = a.period.period(store)?;
    let scope = a.scope.scope();
    let h = History::load_period(store, from, to)?;
    let marker = parse_opt(a.marker.as_deref())?.map(|t| t.timestamp_millis());
    if marker.is_some_and(|m| m <= from || m >= to) {
        return Err(CoreError::InvalidInput(
            "--marker must lie inside the period".into(),
        ));
    }
    let t = Trends {
        months: monthly(&h, &scope, from, to),
        before_after: marker.map(|m| before_after(&h, &scope, from, m, to, 2024)),
        scope,
    };
    out.emit(&t, || {
        let mut s = String::from("month    breakdowns  downtime      MTTR\n");
        for m in &t.months {
            s.push_str(&format!(
                "{}  {:>10}  {:>8.1} h  {:>9}\n",
                m.month,
                m.breakdowns,
                m.downtime_hours,
                hours(m.mttr_hours)
            ));
        }
        if let Some(b) = &t.before_after {
            s.push_str(&format!(
                "MTTR before {}: {} ({} restored), after: {} ({}); difference {}{}\n",
                b.marker,
                hours(b.before_mttr_hours),
                b.before_restored,
                hours(b.after_mttr_hours),
                b.after_restored,
                hours(b.difference_hours),
                b.interval_95.map_or_else(String::new, |(lo, hi)| format!(
                    ", 95 % interval {lo:.2} .. {hi:.2} h"
                ))
            ));
        }
        s.trim_end().to_string()
    })
}

pub fn risk(store: &Store, out: &Printer, a: RiskArgs) -> Result<()> {
    let at = parse_opt(a.at.as_deref())?
        .unwrap_or_else(|| store.clock().now())
        .timestamp_millis();
    if a.horizon_days == 0 {
        return Err(CoreError::InvalidInput(
            "--horizon-days must be at least 1".into(),
        ));
    }
    // Only what the risk model reads (the same ranking as on the whole history).
    let records = RiskRecords::load(store, at, a.horizon_days)?;
    let mut r = faultline_analytics::risk::rank_records(&records);
    if let Some(k) = a.limit {
        r.assets.truncate(k);
    }
    out.emit(&r, || {
        let mut s = format!(
            "at {}, failure within {} days ({}):\n",
            r.at,
            r.horizon_days,
            if r.model.fitted {
                format!(
                    "model fitted on {} rows of this replica",
                    r.model.training_rows
                )
            } else {
                "too little history to fit: prior weights".into()
            }
        );
        for x in &r.assets {
            s.push_str(&format!(
                "{:<16} {:>5.1} %  {}\n",
                x.asset_tag,
                x.probability * 100.0,
                x.reasons.join("; ")
            ));
        }
        s.trim_end().to_string()
    })
}
