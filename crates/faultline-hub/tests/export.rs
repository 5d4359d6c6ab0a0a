//! `faultline-hub export` on real PostgreSQL: what laptops pushed comes out as CSV in the CMMS's
//! columns (the shipped Maximo and generic mappings), each export only what is new since the
//! cursor, and a kill -9 mid-export never leaves a partial CSV nor moves the cursor.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{close, env, note, Hub};
use faultline_hub::export::{cursor_path, export_csv, ExportKind, ExportMapping, Since};
use std::path::{Path, PathBuf};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_faultline-hub");

fn mapping(name: &str) -> ExportMapping {
    ExportMapping::load(&mapping_path(name)).unwrap_or_else(|e| panic!("{e}"))
}

/// A shipped mapping's file (`assets/mappings/export/`).
fn mapping_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../assets/mappings/export")
        .join(name)
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn csv_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn pushed_notes_and_closing_codes_export_once_in_maximo_columns() {
    let hub = Hub::start().await;
    hub.site("PLANT1").await;
    let dev = hub.enroll("PLANT1", "laptop 1").await;
    let asset = hub.asset("PLANT1", "P-101").await;
    let wo = hub.work_order("PLANT1", asset, "in_progress").await;
    hub.push(
        &dev.token,
        "PLANT1",
        vec![env(0, note(wo, "seal leaking, line 2 stopped"))],
    )
    .await;
    let out = tempfile::tempdir().unwrap();
    let notes = mapping("maximo-notes.toml");

    let r = export_csv(&hub.store, "PLANT1", Since::Stored, &notes, out.path())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.rows, 1);
    let file = r.file.clone().expect("a file");
    let rows = read_csv(&file);
    assert_eq!(rows[0], ["EXTSYS1", "MXWOInterface", "AddChange", "EN"]);
    assert_eq!(rows[1][0], "RECORDKEY");
    assert_eq!(
        rows[2][0],
        wo.to_string(),
        "RECORDKEY is the work order number"
    );
    assert_eq!(rows[2][1], "WORKORDER");
    assert_eq!(rows[2][5], "seal leaking, line 2 stopped");
    assert_eq!(
        rows[2][7], "2025-11-23T12:13:30+00:00",
        "CREATEDATE in ISO 8601"
    );
    let stored =
        std::fs::read_to_string(cursor_path(out.path(), "PLANT1", ExportKind::Notes)).unwrap();
    assert_eq!(stored.trim(), r.cursor);

    // Nothing new: no file, the cursor stays.
    let again = export_csv(&hub.store, "PLANT1", Since::Stored, &notes, out.path())
        .await
        .unwrap();
    assert_eq!((again.rows, again.file.is_some()), (0, false));
    assert_eq!(again.cursor, r.cursor);

    // A second note and the closing codes: the next notes export holds only the new note.
    hub.push(
        &dev.token,
        "PLANT1",
        vec![
            env(0, note(wo, "seal replaced")),
            env(1, close(wo, "REPLACE")),
        ],
    )
    .await;
    let next = export_csv(&hub.store, "PLANT1", Since::Stored, &notes, out.path())
        .await
        .unwrap();
    assert_eq!(next.rows, 1);
    let rows = read_csv(next.file.as_ref().unwrap());
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[2][5], "seal replaced");
    assert_eq!(csv_files(out.path()).len(), 2);

    // Failure report: the work order's codes in Maximo's WORKORDER columns.
    let fr = mapping("maximo-failure-reports.toml");
    let r = export_csv(&hub.store, "PLANT1", Since::Stored, &fr, out.path())
        .await
        .unwrap();
    assert_eq!(r.rows, 1);
    let rows = read_csv(r.file.as_ref().unwrap());
    assert_eq!(
        rows[1],
        [
            "WONUM",
            "SITEID",
            "ASSETNUM",
            "FAILURECODE",
            "PROBLEMCODE",
            "FR1CODE",
            "FR2CODE"
        ]
    );
    assert_eq!(
        rows[2][1..],
        ["PLANT1", "P-101", "PUMP", "LEAK", "SEALWORN", "REPLACE"]
    );

    // Work orders through the Maximo mapping: status and type in Maximo's codes.
    let wos = mapping("maximo-work-orders.toml");
    let r = export_csv(
        &hub.store,
        "PLANT1",
        Since::Cursor(faultline_hub::cursor::Cursor::START),
        &wos,
        out.path(),
    )
    .await
    .unwrap();
    assert_eq!(r.rows, 1);
    let rows = read_csv(r.file.as_ref().unwrap());
    let col = |name: &str| rows[1].iter().position(|c| c == name).unwrap();
    assert_eq!(rows[2][col("STATUS")], "CLOSE");
    assert_eq!(rows[2][col("WORKTYPE")], "CM");
    assert_eq!(rows[2][col("EXTERNALREFID")], wo.to_string());
}

#[tokio::test]
async fn generic_downtime_lists_every_stop_of_a_changed_work_order() {
    let hub = Hub::start().await;
    hub.site("S").await;
    let asset = hub.asset("S", "M-1").await;
    let wo = hub.work_order("S", asset, "completed").await;
    let c = hub.db.client().await;
    c.batch_execute(&format!(
        "INSERT INTO downtime_intervals (site, work_order_id, start_at, end_at)
             VALUES ('S', '{wo}', '2026-01-05T08:00:00Z', '2026-01-05T09:30:00Z');
         UPDATE work_orders SET downtime_start = '2026-01-05T10:00:00Z',
                                downtime_end = '2026-01-05T10:15:00Z' WHERE id = '{wo}';"
    ))
    .await
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let r = export_csv(
        &hub.store,
        "S",
        Since::Stored,
        &mapping("generic-downtime.toml"),
        out.path(),
    )
    .await
    .unwrap();
    assert_eq!(r.rows, 2);
    let rows = read_csv(r.file.as_ref().unwrap());
    assert_eq!(rows[0][0], "key");
    assert_eq!(rows[1][0], format!("{wo}/2026-01-05T08:00:00Z"));
    assert_eq!(
        (rows[1][6].as_str(), rows[1][8].as_str()),
        ("2026-01-05T08:00:00Z", "1.500")
    );
    assert_eq!(
        (rows[2][6].as_str(), rows[2][8].as_str()),
        ("2026-01-05T10:00:00Z", "0.250")
    );
}

/// Runs `faultline-hub export` and kills it with SIGKILL after `delay` (if still running).
async fn export_killed_after(url: &str, out: &Path, delay: Duration) -> bool {
    let mut child = tokio::process::Command::new(BIN)
        .arg("--database-url")
        .arg(url)
        .args([
            "export",
            "--site",
            "K",
            "--kind",
            "work_orders",
            "--mapping",
        ])
        .arg(mapping_path("generic-work-orders.toml"))
        .arg("--out")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    match tokio::time::timeout(delay, child.wait()).await {
        Ok(status) => status.unwrap().success(),
        Err(_) => {
            child.start_kill().unwrap();
            child.wait().await.unwrap();
            false
        }
    }
}

#[tokio::test]
async fn a_kill_mid_export_leaves_no_csv_and_the_cursor_where_it_was() {
    const N: i64 = 40_000;
    let hub = Hub::start().await;
    hub.site("K").await;
    let asset = hub.asset("K", "K-1").await;
    hub.db
        .client()
        .await
        .execute(
            "INSERT INTO work_orders (site, id, number, asset_id, wo_type, status, priority,
                 title, description, reported_at)
             SELECT 'K', gen_random_uuid(), 'WO' || g, $1, 'breakdown', 'open', 3,
                    'Stopped ' || g, repeat('long text ', 20), now()
             FROM generate_series(1, $2::bigint) g",
            &[&asset, &N],
        )
        .await
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let cursor = cursor_path(out.path(), "K", ExportKind::WorkOrders);
    // Kill at growing delays: early (before the query), mid-stream, late.
    let mut killed_mid = 0;
    for ms in [50u64, 150, 300, 500, 800, 1200, 1800] {
        let completed =
            export_killed_after(&hub.db.url, out.path(), Duration::from_millis(ms)).await;
        let files = csv_files(out.path());
        if completed {
            break;
        }
        // Killed: no CSV under its final name and no cursor, whatever the moment. (A kill in
        // the instant between the rename and the cursor write would leave the CSV without the
        // cursor; the rerun then rewrites the same name from the same cursor.)
        if files.is_empty() {
            assert!(!cursor.exists(), "the cursor moved without its CSV");
            killed_mid += 1;
        } else {
            assert_eq!(
                read_csv(&files[0]).len() as i64,
                N + 1,
                "a CSV is always whole"
            );
        }
    }
    assert!(killed_mid > 0, "no kill landed mid-export: raise N");
    // A clean run sweeps the killed runs' temporary files and exports every row once.
    assert!(export_killed_after(&hub.db.url, out.path(), Duration::from_secs(120)).await);
    let names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.ends_with(".partial")),
        "temporary files left: {names:?}"
    );
    let files = csv_files(out.path());
    assert_eq!(files.len(), 1, "{names:?}");
    assert_eq!(read_csv(&files[0]).len() as i64, N + 1);
    assert!(cursor.exists());
    // And the next export finds nothing new.
    assert!(export_killed_after(&hub.db.url, out.path(), Duration::from_secs(120)).await);
    assert_eq!(csv_files(out.path()).len(), 1);
}

/// `faultline-hub export --site S --kind notes --mapping M --out DIR`: (success, stdout, stderr).
async fn export_cli(url: &str, site: &str, mapping: &str, out: &Path) -> (bool, String, String) {
    let o = tokio::process::Command::new(BIN)
        .arg("--database-url")
        .arg(url)
        .args([
            "export",
            "--site",
            site,
            "--kind",
            "notes",
            "--mapping",
            mapping,
        ])
        .arg("--out")
        .arg(out)
        .output()
        .await
        .unwrap();
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[tokio::test]
async fn the_cli_takes_a_built_in_mapping_by_name_or_a_file_and_lists_the_names_it_knows() {
    let hub = Hub::start().await;
    hub.site("PLANT1").await;
    let dev = hub.enroll("PLANT1", "laptop 1").await;
    let asset = hub.asset("PLANT1", "P-101").await;
    let wo = hub.work_order("PLANT1", asset, "in_progress").await;
    hub.push(&dev.token, "PLANT1", vec![env(0, note(wo, "seal leaking"))])
        .await;
    let (by_name, by_file) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (ok, stdout, stderr) =
        export_cli(&hub.db.url, "PLANT1", "maximo-notes", by_name.path()).await;
    assert!(ok, "{stderr}");
    assert!(stdout.contains("notes: 1 rows"), "{stdout}");
    let path = mapping_path("maximo-notes.toml");
    let (ok, _, stderr) = export_cli(
        &hub.db.url,
        "PLANT1",
        &path.to_string_lossy(),
        by_file.path(),
    )
    .await;
    assert!(ok, "{stderr}");
    let (a, b) = (csv_files(by_name.path()), csv_files(by_file.path()));
    assert_eq!((a.len(), b.len()), (1, 1));
    assert_eq!(
        read_csv(&a[0]),
        read_csv(&b[0]),
        "the built-in is the shipped file"
    );
    assert_eq!(read_csv(&a[0])[2][5], "seal leaking");

    let (ok, _, stderr) = export_cli(&hub.db.url, "PLANT1", "maximo-note", by_name.path()).await;
    assert!(!ok);
    assert!(
        stderr.contains("no export mapping \"maximo-note\"")
            && stderr.contains("maximo-work-orders, maximo-notes, maximo-parts")
            && stderr.contains("generic-failure-reports"),
        "an unknown name lists the built-in ones: {stderr}"
    );
}
