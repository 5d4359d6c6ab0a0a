// The analytics commands on the demo plant through the release CLI: `metrics`, `pareto`, `trends`
// and `risk` answer the JSON the CLI contract names, agree with each other (the Pareto's
// breakdowns are the metrics' work orders), and `risk --at` reads nothing from that time on.

use anyhow::{Context, Result};
use faultline_tests::{demo_data_dir, run_cli};
use serde_json::Value;
use std::path::Path;

fn json(data: &Path, args: &[&str]) -> Result<Value> {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = run_cli(data, &all)?;
    serde_json::from_slice(&out.stdout).context("the CLI did not print JSON")
}

const FROM: &str = "2024-09-01T00:00:00Z";
const TO: &str = "2025-09-01T00:00:00Z";

#[test]
fn metrics_pareto_trends_and_risk_on_the_demo_plant() -> Result<()> {
    let data = demo_data_dir()?;
    let d = data.path();
    let m = json(
        d,
        &["metrics", "--site", "PLANT1", "--from", FROM, "--to", TO],
    )?;
    for key in [
        "scope",
        "from",
        "to",
        "mttr_hours",
        "mtbf_hours",
        "availability",
        "breakdowns",
        "downtime_hours",
        "definitions",
    ] {
        assert!(m.get(key).is_some(), "metrics has no {key}: {m}");
    }
    assert_eq!(m["scope"]["site"], "PLANT1");
    assert!(m["breakdowns"].as_u64().unwrap_or(0) > 0, "{m}");
    let a = m["availability"].as_f64().unwrap_or(0.0);
    assert!(a > 0.9 && a < 1.0, "{a}");
    assert!(m["definitions"]["mttr_hours"]
        .as_str()
        .is_some_and(|s| s.contains("time to restore")));

    let p = json(
        d,
        &["pareto", "--by", "problem", "--from", FROM, "--to", TO],
    )?;
    let bars = p["bars"].as_array().context("bars")?;
    let counted: u64 = bars.iter().map(|b| b["count"].as_u64().unwrap_or(0)).sum();
    assert_eq!(Some(counted), m["breakdown_work_orders"].as_u64());
    let hours: Vec<f64> = bars
        .iter()
        .map(|b| b["hours"].as_f64().unwrap_or(0.0))
        .collect();
    assert!(hours.windows(2).all(|w| w[0] >= w[1]), "{hours:?}");

    let t = json(
        d,
        &[
            "trends",
            "--site",
            "PLANT1",
            "--from",
            FROM,
            "--to",
            TO,
            "--marker",
            "2025-03-01T00:00:00Z",
        ],
    )?;
    assert_eq!(t["months"].as_array().map(Vec::len), Some(12));
    assert!(t["before_after"]["difference_hours"].is_number(), "{t}");

    let at = "2025-06-01T00:00:00Z";
    let r = json(d, &["risk", "--at", at, "--horizon-days", "30"])?;
    assert_eq!(r["at"], at);
    assert_eq!(r["horizon_days"], 30);
    let assets = r["assets"].as_array().context("assets")?;
    assert!(assets.len() > 10);
    for x in assets {
        let sum: f64 = x["contributions"]
            .as_object()
            .context("contributions")?
            .values()
            .filter_map(Value::as_f64)
            .sum();
        assert!(
            (sum - x["score"].as_f64().unwrap_or(f64::NAN)).abs() < 1e-6,
            "{x}"
        );
        assert!(!x["reasons"].as_array().is_none_or(Vec::is_empty), "{x}");
    }
    let top = json(
        d,
        &["risk", "--at", at, "--horizon-days", "30", "--limit", "3"],
    )?;
    assert_eq!(top["assets"].as_array().map(Vec::len), Some(3));
    assert_eq!(top["assets"][0], assets[0]);

    // Work logged from `--at` on changes nothing in that ranking.
    run_cli(
        d,
        &[
            "log-breakdown",
            "--asset",
            "CMP-301",
            "--symptom",
            "Trips on start",
            "--author",
            "test",
        ],
    )?;
    let again = json(d, &["risk", "--at", at, "--horizon-days", "30"])?;
    assert_eq!(again["assets"], r["assets"]);
    Ok(())
}
