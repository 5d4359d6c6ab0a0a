//! Initial replication: a fresh laptop enrolls with a site of 1,000,000 work orders and pulls it
//! all (`faultline sync`, pages applied with their cursor). The anchor is PostgreSQL's own
//! `COPY (SELECT …) TO STDOUT` of the same rows, measured in the same run.

use super::hub_proc::{cli, BenchHub};
use super::SyncBenchArgs;
use crate::doc;
use crate::generate::{ensure_plant, PlantSpec};
use anyhow::Result;
use std::process::{Command, Stdio};
use std::time::Instant;

const SITE: &str = "BENCH";

pub fn run(args: &SyncBenchArgs) -> Result<()> {
    let load = doc::load_average();
    let plant = ensure_plant(
        &args.out.join("plant"),
        PlantSpec {
            assets: args.assets,
            work_orders: args.work_orders,
        },
    )?;
    let hub = BenchHub::start("replication")?;
    hub.admin(&["site", "add", SITE, "Bench plant"])?;
    let t = Instant::now();
    for (mapping, csv) in [
        (&plant.assets_toml, &plant.assets_csv),
        (&plant.work_orders_toml, &plant.work_orders_csv),
    ] {
        hub.admin(&[
            "load",
            "--site",
            SITE,
            "--mapping",
            &mapping.to_string_lossy(),
            &csv.to_string_lossy(),
        ])?;
    }
    let load_secs = t.elapsed().as_secs_f64();
    let wos = hub.count(&format!(
        "SELECT count(*) FROM work_orders WHERE site = '{SITE}'"
    ))?;
    let assets = hub.count(&format!(
        "SELECT count(*) FROM assets WHERE site = '{SITE}'"
    ))?;
    let rows = wos + assets;
    hub.query("VACUUM ANALYZE")?;

    // Anchor: PostgreSQL streaming the same rows out, as text, to a pipe.
    let t = Instant::now();
    let status = Command::new("psql")
        .args([
            hub.db_url.as_str(),
            "-qAtc",
            &format!(
                "COPY (SELECT * FROM assets WHERE site = '{SITE}' ORDER BY change_xid, change_seq) TO STDOUT; \
                 COPY (SELECT * FROM work_orders WHERE site = '{SITE}' ORDER BY change_xid, change_seq) TO STDOUT"
            ),
        ])
        .stdout(Stdio::null())
        .status()?;
    anyhow::ensure!(status.success(), "COPY failed");
    let copy_secs = t.elapsed().as_secs_f64();

    // The laptop: enroll, then one `faultline sync` replicates the site.
    let dir = args.out.join("replication-laptop");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let token = hub.enroll(SITE, "fresh-laptop")?;
    cli(&dir, &["enroll", "--hub", &hub.url, "--token", &token])?;
    let t = Instant::now();
    cli(&dir, &["--json", "sync", "--page", "5000"])?;
    let sync_secs = t.elapsed().as_secs_f64();
    let conn = rusqlite::Connection::open(dir.join("faultline.db"))?;
    let local: i64 = conn.query_row("SELECT count(*) FROM work_orders", [], |r| r.get(0))?;
    let orphans: i64 = conn.query_row("SELECT count(*) FROM sync_orphans", [], |r| r.get(0))?;
    let size = std::fs::metadata(dir.join("faultline.db"))?.len();
    let ok = local == wos && orphans == 0;
    let md = format!(
        "### Initial replication of a site with {wos} work orders to a fresh laptop\n\n{ctx}\n\
| measure | value |\n|---|---|\n\
| site rows (assets + work orders) | {rows} |\n\
| hub `load` of the CSV exports (not part of the sync) | {load_secs:.1} s |\n\
| anchor: `COPY (SELECT …) TO STDOUT` of the same rows | {copy_secs:.1} s ({copy_rate:.0} rows/s) |\n\
| **`faultline sync` on a fresh laptop** (aim < 60 s) | **{sync_secs:.1} s** ({sync_rate:.0} rows/s, {ratio:.1}× the COPY anchor) |\n\
| work orders on the laptop / left waiting for a parent | {local} / {orphans} — {verdict} |\n\
| laptop database size | {mib:.0} MiB |\n",
        ctx = doc::context_lines(&load),
        copy_rate = rows as f64 / copy_secs,
        sync_rate = rows as f64 / sync_secs,
        ratio = sync_secs / copy_secs,
        mib = size as f64 / 1_048_576.0,
        verdict = if ok { "complete" } else { "INCOMPLETE" },
    );
    println!("{md}");
    if let Some(path) = &args.write_doc {
        doc::write_section(path, "sync-replication", &md)?;
    }
    anyhow::ensure!(ok, "the laptop does not hold the whole site");
    Ok(())
}
