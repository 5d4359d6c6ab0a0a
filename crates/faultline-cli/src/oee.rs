//! `faultline oee`: OEE per ISO 22400-2 of a line or an asset over a period, from its imported
//! production counts (import kind `production`) and the downtime of its breakdown work orders
//! (`faultline_analytics::oee_report`; definitions: docs/analytics.md, section "OEE").

use crate::print::Printer;
use crate::time_arg::parse;
use clap::Args;
use faultline_analytics::oee_report::{history_end, oee_report, OeeBy, OeeRow};
use faultline_analytics::{History, Scope};
use faultline_core::{CoreError, Store};

type Result<T> = std::result::Result<T, CoreError>;

#[derive(Debug, Args)]
#[group(id = "oee_scope", required = true, multiple = false)]
pub struct OeeScope {
    /// A line (location code) with production counts of its own.
    #[arg(long)]
    line: Option<String>,
    /// One asset, by tag, with production counts of its own.
    #[arg(long)]
    asset: Option<String>,
}

#[derive(Debug, Args)]
pub struct OeeArgs {
    #[command(flatten)]
    scope: OeeScope,
    /// Start: the counts whose period starts at or after it (RFC 3339, or "YYYY-MM-DD HH:MM").
    #[arg(long)]
    from: String,
    /// End, exclusive.
    #[arg(long)]
    to: String,
    /// Rows per shift (each count) or per day, under the total.
    #[arg(long, value_parser = ["shift", "day"])]
    by: Option<String>,
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{:.1} %", v * 100.0))
}

fn line_of(r: &OeeRow) -> String {
    format!(
        "{:<28} {:>3} {:>7.2} h {:>6.2} h {:>7}  {:>7}  {:>7}  {:>7}",
        r.label,
        r.counts,
        r.oee.planned_busy_hours,
        r.oee.downtime_hours,
        pct(r.oee.availability),
        pct(r.oee.effectiveness),
        pct(r.oee.quality_rate),
        pct(r.oee.oee)
    )
}

pub fn oee(store: &Store, out: &Printer, a: OeeArgs) -> Result<()> {
    let from = parse(&a.from)?.timestamp_millis();
    let to = parse(&a.to)?.timestamp_millis();
    if from >= to {
        return Err(CoreError::InvalidInput("--from must be before --to".into()));
    }
    let (kind, code, scope) = match (a.scope.line, a.scope.asset) {
        (Some(l), _) => ("line", l.clone(), Scope::Line(l)),
        (None, Some(t)) => ("asset", t.clone(), Scope::Asset(t)),
        (None, None) => return Err(CoreError::InvalidInput("give --line or --asset".into())),
    };
    let by = match a.by.as_deref() {
        None => None,
        Some("shift") => Some(OeeBy::Shift),
        Some("day") => Some(OeeBy::Day),
        Some(other) => {
            return Err(CoreError::InvalidInput(format!(
                "--by {other:?}: use shift or day"
            )))
        }
    };
    let counts = store.production_counts(kind, &code, from, to)?;
    if counts.is_empty() {
        return Err(CoreError::NotFound(format!(
            "no production counts for {kind} {code:?} starting in that period; import them with \
             `faultline import` (mapping kind `production`, docs/import-mapping.md)"
        )));
    }
    let before = history_end(&counts, to);
    // The breakdowns whose downtime can reach into a count (the same report as on the whole
    // history: faultline-analytics `period` tests).
    let h = History::load_period(store, from, before)?;
    let r = oee_report(&h, &scope, &counts, from, to, by);
    out.emit(&r, || {
        let mut s = format!(
            "{kind} {code}, {} .. {}\n{:<28} {:>3} {:>9} {:>8} {:>7}  {:>7}  {:>7}  {:>7}\n",
            r.from, r.to, "", "n", "PBT", "down", "avail", "perf", "quality", "OEE"
        );
        for row in &r.rows {
            s.push_str(&line_of(row));
            s.push('\n');
        }
        s.push_str(&line_of(&r.total));
        s.push_str(&format!(
            "\nlosses: downtime {:.2} h ({:.2} h from breakdowns), speed {:.2} h, quality {:.2} h; good output {:.2} h\nwork orders {}",
            r.total.oee.downtime_hours,
            r.total.breakdown_downtime_hours,
            r.total.oee.speed_loss_hours,
            r.total.oee.quality_loss_hours,
            r.total.oee.good_output_hours,
            r.work_orders.join(" ")
        ));
        s
    })
}
