//! The laptop-first gate measured fairly: the CMMS drain (`cmms_drain.rs`) run with the
//! senders waiting for laptop sync (`--cmms-yield-ms`) and never waiting, alternately within
//! one invocation (on, off, on, off, … `--cmms-rounds` pairs), so both settings meet the same
//! machine load; each run has a hub and a database of its own. Reports every run and, per
//! setting, the medians of the laptops' push p50/p99 (during the drain and the baseline with
//! nothing draining), pull p50 and the drain time.

use super::cmms_drain::{once, DrainRun};
use super::SyncBenchArgs;
use crate::doc;
use anyhow::Result;

/// The median of `v` (the mean of the two middle values for an even count; NaN when empty).
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn setting(yield_ms: u64) -> String {
    if yield_ms == 0 {
        "never (0)".into()
    } else {
        format!("≤ {yield_ms} ms per claim")
    }
}

/// One row of the per-setting medians.
fn medians_row(runs: &[&DrainRun], yield_ms: u64) -> String {
    let m = |f: &dyn Fn(&DrainRun) -> f64| median(runs.iter().map(|r| f(r)).collect());
    format!(
        "| {} | {} | {:.0} → {:.0} ms | {:.0} → {:.0} ms | {:.0} → {:.0} ms | {:.1} s |\n",
        setting(yield_ms),
        runs.len(),
        m(&|r| r.quiet_push.p50_ms),
        m(&|r| r.busy_push.p50_ms),
        m(&|r| r.quiet_push.p99_ms),
        m(&|r| r.busy_push.p99_ms),
        m(&|r| r.quiet_pull.p50_ms),
        m(&|r| r.busy_pull.p50_ms),
        m(&|r| r.drain_secs),
    )
}

pub fn run(args: &SyncBenchArgs) -> Result<()> {
    let load = doc::load_average();
    let on = args.cmms_yield_ms.max(1);
    let rounds = args.cmms_rounds.max(1);
    let mut runs = Vec::with_capacity(rounds * 2);
    for r in 0..rounds {
        for yield_ms in [on, 0] {
            println!(
                "drain {} of {}: senders {}",
                runs.len() + 1,
                rounds * 2,
                setting(yield_ms)
            );
            runs.push(once(args, &format!("cmms_{r}_{yield_ms}"), yield_ms)?);
        }
    }
    let mut md = format!(
        "### CMMS drain at shift end, with laptops syncing: the gate on and off alternately\n\n{ctx}\n\
{n} drains in one invocation, alternately with the connector's senders waiting for laptop sync \
(≤ {on} ms per claim, `FAULTLINE_HUB_CMMS_YIELD_MS={on}`) and never waiting (`0`): on, off, \
on, off, … Each drain is the same run on a hub and a database of its own (the run below). \
Latencies are what a laptop measured; \"quiet → drain\" is the same fleet with nothing \
draining (the run's baseline) and during the drain.\n\n\
| # | senders wait | load at start | push p50, quiet → drain | push p99 | pull p50 | drain | check |\n\
|---:|---|---:|---|---|---|---:|---|\n",
        ctx = doc::context_lines(&load),
        n = runs.len(),
    );
    for (i, r) in runs.iter().enumerate() {
        md.push_str(&format!(
            "| {} | {} | {} | {:.0} → {:.0} ms | {:.0} → {:.0} ms | {:.0} → {:.0} ms | {:.1} s | {} |\n",
            i + 1,
            setting(r.yield_ms),
            r.load,
            r.quiet_push.p50_ms,
            r.busy_push.p50_ms,
            r.quiet_push.p99_ms,
            r.busy_push.p99_ms,
            r.quiet_pull.p50_ms,
            r.busy_pull.p50_ms,
            r.drain_secs,
            if r.ok { "ok" } else { "MISMATCH" },
        ));
    }
    md.push_str(
        "\nMedians per setting (of each run's p50 and p99):\n\n\
| senders wait | runs | push p50, quiet → drain | push p99, quiet → drain | pull p50, quiet → drain | drain |\n\
|---|---:|---|---|---|---:|\n",
    );
    for yield_ms in [on, 0] {
        let of: Vec<&DrainRun> = runs.iter().filter(|r| r.yield_ms == yield_ms).collect();
        md.push_str(&medians_row(&of, yield_ms));
    }
    if let Some(last) = runs.last() {
        md.push_str(&format!("\nThe last run in full:\n\n{}", last.table));
    }
    println!("{md}");
    if let Some(path) = &args.write_doc {
        doc::write_section(path, "sync-cmms-drain", &md)?;
    }
    anyhow::ensure!(
        runs.iter().all(|r| r.ok),
        "a drain check failed: see the tables above"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn the_median_of_odd_and_even_counts() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(Vec::new()).is_nan());
    }
}
