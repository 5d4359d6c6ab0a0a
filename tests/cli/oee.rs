// `faultline oee` through the release CLI: a hand-computed example (a two-machine line over two
// shifts, imported as CSV: assets, work orders, production counts) gives the ISO 22400-2 figures
// worked out by hand, with the line's downtime taken from its breakdowns; and the demo plant's
// lines have counts (demo-load) that give a plausible OEE.

use anyhow::{Context, Result};
use faultline_tests::{demo_data_dir, run_cli, temp_data_dir};
use serde_json::Value;
use std::path::Path;

fn json(data: &Path, args: &[&str]) -> Result<Value> {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = run_cli(data, &all)?;
    serde_json::from_slice(&out.stdout).context("the CLI did not print JSON")
}

fn import(data: &Path, dir: &Path, name: &str, mapping: &str, csv: &str) -> Result<()> {
    let m = dir.join(format!("{name}.toml"));
    let c = dir.join(format!("{name}.csv"));
    std::fs::write(&m, mapping)?;
    std::fs::write(&c, csv)?;
    run_cli(
        data,
        &[
            "import",
            "--mapping",
            &m.to_string_lossy(),
            &c.to_string_lossy(),
        ],
    )?;
    Ok(())
}

fn num(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or(f64::NAN)
}

fn close(v: &Value, key: &str, want: f64) {
    let got = num(v, key);
    assert!((got - want).abs() < 1e-9, "{key}: {got} != {want} in {v}");
}

/// Line L1 = M1 + M2, 2026-03-02. Shift A 06:00-14:00: M1 down 07:00-08:00 and M2 07:30-09:00
/// (one line stop 07:00-09:00 = 2 h); 600 made at 30 s planned, 12 scrap. Shift B 14:00-22:00:
/// no breakdown, a planned job on M1 with downtime 15:00-16:00 (not a breakdown: no loss
/// here), a cancelled breakdown 17:00-18:00 (none either); the count states APT 7 h, so 0.5 h of
/// stops nobody logged; 780 made, 20 scrap. PBT 7.5 h each.
///
/// A: APT 5.5, PRI×PQ 5 h, PRI×GQ 4.9 h → availability 5.5/7.5, effectiveness 5/5.5,
///    quality 588/600, OEE 4.9/7.5.
/// B: APT 7, PRI×PQ 6.5, PRI×GQ 760×30 s = 6.3333 h → OEE 6.3333/7.5.
/// Total: PBT 15, downtime 2.5, APT 12.5 → availability 0.8333, effectiveness 11.5/12.5 = 0.92,
///    quality 1348/1380, OEE 1348×30/3600/15 = 0.748889.
#[test]
fn oee_of_a_line_by_hand() -> Result<()> {
    let data = temp_data_dir()?;
    let d = data.path();
    let files = tempfile::tempdir()?;
    let f = files.path();
    import(
        d,
        f,
        "assets",
        "kind = \"assets\"\n[fields]\ntag = \"{T}\"\nname = \"{T}\"\nlocation = \"{L}\"\n",
        "T,L\nM1,L1\nM2,L1\nX9,L2\n",
    )?;
    import(
        d,
        f,
        "wos",
        "kind = \"work_orders\"\n[fields]\nkey = \"{K}\"\nasset_tag = \"{A}\"\nwo_type = \"{Y}\"\n\
         status = \"{S}\"\ntitle = \"{K}\"\nreported_at = \"{F}\"\ndowntime_start = \"{F}\"\n\
         downtime_end = \"{E}\"\n",
        "K,A,Y,S,F,E\n\
         W1,M1,breakdown,closed,2026-03-02 07:00:00,2026-03-02 08:00:00\n\
         W2,M2,breakdown,closed,2026-03-02 07:30:00,2026-03-02 09:00:00\n\
         W3,M1,preventive,closed,2026-03-02 15:00:00,2026-03-02 16:00:00\n\
         W4,M2,breakdown,cancelled,2026-03-02 17:00:00,2026-03-02 18:00:00\n\
         W5,X9,breakdown,closed,2026-03-02 06:00:00,2026-03-02 22:00:00\n",
    )?;
    import(
        d,
        f,
        "counts",
        "kind = \"production\"\n[fields]\nline = \"{L}\"\nshift = \"{S}\"\nperiod_start = \"{F}\"\n\
         period_end = \"{E}\"\nplanned_busy_hours = \"{PBT}\"\nactual_production_hours = \"{APT}\"\n\
         run_time_per_unit_s = \"{PRI}\"\nproduced = \"{PQ}\"\nscrap = \"{SQ}\"\n",
        "L,S,F,E,PBT,APT,PRI,PQ,SQ\n\
         L1,A,2026-03-02 06:00:00,2026-03-02 14:00:00,7.5,,30,600,12\n\
         L1,B,2026-03-02 14:00:00,2026-03-02 22:00:00,7.5,7,30,780,20\n",
    )?;
    let r = json(
        d,
        &[
            "oee",
            "--line",
            "l1",
            "--from",
            "2026-03-02T00:00:00Z",
            "--to",
            "2026-03-03T00:00:00Z",
            "--by",
            "shift",
        ],
    )?;
    let t = &r["total"];
    close(t, "planned_busy_hours", 15.0);
    close(t, "downtime_hours", 2.5);
    close(t, "breakdown_downtime_hours", 2.0);
    close(t, "unlogged_stop_hours", 0.5);
    close(t, "actual_production_hours", 12.5);
    close(t, "availability", 12.5 / 15.0);
    close(t, "effectiveness", 0.92);
    close(t, "quality_rate", 1348.0 / 1380.0);
    close(t, "oee", 1348.0 * 30.0 / 3600.0 / 15.0);
    let product = num(t, "availability") * num(t, "effectiveness") * num(t, "quality_rate");
    close(t, "oee", product);
    // The waterfall adds up to the planned busy time.
    let parts: f64 = [
        "downtime_hours",
        "speed_loss_hours",
        "quality_loss_hours",
        "good_output_hours",
    ]
    .iter()
    .map(|k| num(t, k))
    .sum();
    assert!((parts - 15.0).abs() < 1e-9, "{t}");
    assert_eq!(r["work_orders"], serde_json::json!(["W1", "W2"]));
    let rows = r["rows"].as_array().context("rows")?;
    assert_eq!(rows.len(), 2);
    close(&rows[0], "oee", 4.9 / 7.5);
    close(&rows[0], "effectiveness", 5.0 / 5.5);
    close(&rows[1], "oee", (760.0 * 30.0 / 3600.0) / 7.5);
    close(&rows[1], "downtime_hours", 0.5);
    assert!(r["definitions"]["oee"]
        .as_str()
        .is_some_and(|s| s.contains("PRI x GQ / PBT")));

    // The text form names the line and the OEE.
    let text = run_cli(
        d,
        &[
            "oee",
            "--line",
            "L1",
            "--from",
            "2026-03-02T00:00:00Z",
            "--to",
            "2026-03-03T00:00:00Z",
        ],
    )?;
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("line L1") && text.contains("74.9 %"),
        "{text}"
    );
    Ok(())
}

#[test]
fn the_demo_lines_have_production_counts() -> Result<()> {
    let data = demo_data_dir()?;
    let d = data.path();
    for line in ["L1-MACH", "L2-ASSY", "L3-PACK"] {
        let r = json(
            d,
            &[
                "oee",
                "--line",
                line,
                "--from",
                "2026-08-01T00:00:00Z",
                "--to",
                "2026-11-01T00:00:00Z",
                "--by",
                "day",
            ],
        )?;
        let t = &r["total"];
        let oee = num(t, "oee");
        assert!(oee > 0.6 && oee < 0.97, "{line}: {t}");
        assert!(
            num(t, "availability") <= 1.0 && num(t, "downtime_hours") > 0.0,
            "{line}: {t}"
        );
        assert!(r["rows"].as_array().map_or(0, Vec::len) > 60, "{line}");
        // Every breakdown behind the downtime is one the work orders list.
        let wo = r["work_orders"][0].as_str().context("a work order")?;
        let shown = run_cli(d, &["--json", "show", wo])?;
        let shown: Value = serde_json::from_slice(&shown.stdout)?;
        assert_eq!(shown["summary"]["wo_type"], "breakdown", "{shown}");
    }
    Ok(())
}
