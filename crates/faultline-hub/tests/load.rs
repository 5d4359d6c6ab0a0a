//! Admin loads with the app's own mapping files: the demo plant comes down in a pull with the
//! same ids the app derives; re-loading changes nothing; a corrected export makes stale device
//! edits conflict; manuals are published with their blob; job plans are published whole, once per
//! content, to their own site only.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use faultline_hub::admin;
use faultline_protocol::{Change, Outcome};
use std::path::{Path, PathBuf};
use uuid::Uuid;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

async fn load_demo(hub: &Hub) -> Vec<admin::LoadReport> {
    let mut reports = Vec::new();
    for kind in ["failure_codes", "assets", "work_orders"] {
        reports.push(
            admin::load_csv(
                &hub.store,
                "PLANT1",
                &repo(&format!("assets/demo/{kind}.toml")),
                &repo(&format!("assets/demo/{kind}.csv")),
            )
            .await
            .unwrap_or_else(|e| panic!("load {kind}: {e}")),
        );
    }
    reports
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_plant_loads_and_pulls_with_the_ids_the_app_derives() {
    let hub = Hub::start().await;
    hub.site("PLANT1").await;
    let dev = hub.enroll("PLANT1", "lap-1").await;
    let reports = load_demo(&hub).await;
    let counts: Vec<(u64, u64)> = reports.iter().map(|r| (r.rows, r.inserted)).collect();
    assert_eq!(counts, vec![(360, 360), (41, 41), (853, 853)]);

    let (changes, _) = hub.pull_all(&dev.token, "PLANT1", None, 500).await;
    let mut n = (0, 0, 0);
    for c in &changes {
        match c {
            Change::FailureCode(_) => n.0 += 1,
            Change::Asset(a) => {
                n.1 += 1;
                assert_eq!(a.site_code, "PLANT1");
            }
            Change::WorkOrder(_) => n.2 += 1,
            other => panic!("unexpected change {other:?}"),
        }
    }
    assert_eq!(n, (360, 41, 853));

    // The app importing the same files derives the same ids.
    let dir = tempfile::tempdir().unwrap();
    let mut app = faultline_core::Store::open(dir.path()).unwrap();
    for kind in ["failure_codes", "assets", "work_orders"] {
        app.import_csv(
            &repo(&format!("assets/demo/{kind}.toml")),
            &repo(&format!("assets/demo/{kind}.csv")),
        )
        .unwrap();
    }
    for c in &changes {
        match c {
            Change::Asset(a) => {
                let local = app.asset_by_tag(&a.tag).unwrap().expect("asset in the app");
                assert_eq!(local.id, a.id, "asset {}", a.tag);
            }
            Change::WorkOrder(w) => {
                let local = app.work_order(w.id).unwrap();
                assert_eq!(local.summary.number, w.number);
            }
            _ => {}
        }
    }
    let parents = changes
        .iter()
        .filter(|c| matches!(c, Change::Asset(a) if a.parent_id.is_some()))
        .count();
    assert!(parents > 0, "parents are carried");

    // Loading the same files again changes nothing, not even the change feed.
    let (_, cursor) = hub.pull_all(&dev.token, "PLANT1", None, 5_000).await;
    let again = load_demo(&hub).await;
    assert!(
        again.iter().all(|r| r.inserted == 0 && r.updated == 0),
        "{again:?}"
    );
    let p = hub.pull(&dev.token, "PLANT1", Some(&cursor), 10).await;
    assert!(p.changes.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrected_export_bumps_versions_and_a_stale_device_edit_then_conflicts() {
    let hub = Hub::start().await;
    hub.site("PLANT1").await;
    let dev = hub.enroll("PLANT1", "lap-1").await;
    load_demo(&hub).await;
    // Work order 41835 is WAPPR (open) in the export; the planner cancels it in the CMMS.
    let original = std::fs::read_to_string(repo("assets/demo/work_orders.csv")).unwrap();
    let corrected = original.replace("41835,PMP-302,CM,WAPPR,", "41835,PMP-302,CM,CAN,");
    assert_ne!(original, corrected);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("work_orders.csv");
    std::fs::write(&csv, corrected).unwrap();
    let r = admin::load_csv(
        &hub.store,
        "PLANT1",
        &repo("assets/demo/work_orders.toml"),
        &csv,
    )
    .await
    .unwrap();
    assert_eq!((r.inserted, r.updated, r.unchanged), (0, 1, 852));
    let row = hub
        .db
        .client()
        .await
        .query_one(
            "SELECT id, version, status FROM work_orders WHERE external_key = '41835'",
            &[],
        )
        .await
        .unwrap();
    let (id, version, status): (Uuid, i64, String) = (row.get(0), row.get(1), row.get(2));
    assert_eq!((version, status.as_str()), (1, "cancelled"));
    // The technician started it on the version they had (0).
    let res = hub
        .push(
            &dev.token,
            "PLANT1",
            vec![env(0, set_status(id, "in_progress"))],
        )
        .await;
    match &res.results[0].outcome {
        Outcome::Conflict { conflict } => {
            assert_eq!(conflict.server_value, serde_json::json!("cancelled"));
            assert_eq!(conflict.server_changed_by, None);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_go_to_the_named_site_and_fault_events_are_not_served() {
    let hub = Hub::start().await;
    hub.site("PLANT1").await;
    hub.site("MINE").await;
    let dev = hub.enroll("PLANT1", "lap-1").await;
    // The export names its own site (MINE); the hub site is the one the admin names.
    let r = admin::load_csv(
        &hub.store,
        "PLANT1",
        &repo("tests/fixtures/mappings/excavator-assets.toml"),
        &repo("tests/fixtures/mappings/excavator-assets.csv"),
    )
    .await
    .unwrap();
    assert_eq!(r.inserted, 5);
    let (changes, _) = hub.pull_all(&dev.token, "PLANT1", None, 100).await;
    assert_eq!(changes.len(), 5);
    assert!(changes
        .iter()
        .all(|c| matches!(c, Change::Asset(a) if a.site_code == "PLANT1")));
    // The same file for another hub site: its own rows, the same deterministic ids.
    let r = admin::load_csv(
        &hub.store,
        "MINE",
        &repo("tests/fixtures/mappings/excavator-assets.toml"),
        &repo("tests/fixtures/mappings/excavator-assets.csv"),
    )
    .await
    .unwrap();
    assert_eq!(r.inserted, 5);
    assert_eq!(
        hub.count("SELECT count(DISTINCT id) FROM assets").await,
        5,
        "ids are derived from the key, per site"
    );
    let err = admin::load_csv(
        &hub.store,
        "PLANT1",
        &repo("assets/demo/fault_events.toml"),
        &repo("assets/demo/fault_events.csv"),
    )
    .await
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(err.contains("fault events"), "{err}");
    let err = admin::load_csv(
        &hub.store,
        "PLANT1",
        &repo("assets/demo/production.toml"),
        &repo("assets/demo/production.csv"),
    )
    .await
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(err.contains("not loaded on the hub yet"), "{err}");
    // A bad row stops the load with the importer's own FILE:LINE message; nothing is kept.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("wo.csv");
    std::fs::write(
        &csv,
        "WONUM,ASSETNUM,WORKTYPE,STATUS,WOPRIORITY,DESCRIPTION,REPORTDATE\n1,EX-A,EM,CLOSE,2,ok,2024-01-01T00:00:00\n2,NOPE,EM,CLOSE,2,bad,2024-01-01T00:00:00\n",
    )
    .unwrap();
    let mapping = dir.path().join("wo.toml");
    std::fs::write(
        &mapping,
        "kind = \"work_orders\"\n[csv]\ndate_formats = [\"%Y-%m-%dT%H:%M:%S\"]\n[fields]\nkey = \"{WONUM}\"\nasset_tag = \"{ASSETNUM}\"\nwo_type = \"{WORKTYPE}\"\nstatus = \"{STATUS}\"\npriority = \"{WOPRIORITY}\"\ntitle = \"{DESCRIPTION}\"\nreported_at = \"{REPORTDATE}\"\n[values.wo_type]\nEM = \"breakdown\"\n[values.status]\nCLOSE = \"closed\"\n",
    )
    .unwrap();
    let err = admin::load_csv(&hub.store, "MINE", &mapping, &csv)
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("wo.csv:3") && err.contains("NOPE"), "{err}");
    assert_eq!(hub.count("SELECT count(*) FROM work_orders").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manual_is_published_to_its_site_with_its_blob() {
    use sha2::{Digest, Sha256};
    let hub = Hub::start().await;
    hub.site("PLANT1").await;
    hub.site("OTHER").await;
    let dev = hub.enroll("PLANT1", "lap-1").await;
    let other = hub.enroll("OTHER", "lap-2").await;
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("KM-600 service.pdf");
    let bytes: Vec<u8> = b"%PDF-1.4\n"
        .iter()
        .copied()
        .chain((0..3_000_000u32).map(|i| (i % 253) as u8))
        .collect();
    std::fs::write(&pdf, &bytes).unwrap();
    let m = admin::load_manual(
        &hub.store,
        "PLANT1",
        &["Kessler Mechatronik|KM-600".into()],
        Some("KM-600 service manual"),
        &pdf,
    )
    .await
    .unwrap();
    assert_eq!(m.sha256, hex::encode(Sha256::digest(&bytes)));
    // Again with another model: the models add up, the blob is stored once.
    let m = admin::load_manual(&hub.store, "PLANT1", &["|KM-800".into()], None, &pdf)
        .await
        .unwrap();
    assert_eq!(m.models, vec!["Kessler Mechatronik|KM-600", "|KM-800"]);
    assert_eq!(m.title.as_deref(), Some("KM-600 service manual"));
    assert_eq!(hub.count("SELECT count(*) FROM blobs").await, 1);

    let (changes, _) = hub.pull_all(&dev.token, "PLANT1", None, 100).await;
    let manuals: Vec<_> = changes
        .iter()
        .filter_map(|c| match c {
            Change::Manual(m) => Some(m.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(manuals, vec![m.clone()]);
    let g = hub
        .get(&dev.token, &format!("/v1/sites/PLANT1/blobs/{}", m.sha256))
        .await;
    assert_eq!(g.status, 200);
    assert_eq!(g.body.as_ref(), bytes.as_slice());
    // Not published to the other site.
    let g = hub
        .get(&other.token, &format!("/v1/sites/OTHER/blobs/{}", m.sha256))
        .await;
    assert_eq!(g.status, 404);
    let err = admin::load_manual(&hub.store, "PLANT1", &["KM-600".into()], None, &pdf)
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("MANUFACTURER|MODEL"), "{err}");
}

fn procedures_in(changes: &[Change]) -> Vec<faultline_protocol::ProcedureRecord> {
    changes
        .iter()
        .filter_map(|c| match c {
            Change::Procedure(p) => Some(p.clone()),
            _ => None,
        })
        .collect()
}

async fn load_procedures(hub: &Hub, site: &str, csv: &Path) -> admin::LoadReport {
    admin::load_csv(&hub.store, site, &repo("assets/demo/procedures.toml"), csv)
        .await
        .unwrap_or_else(|e| panic!("load procedures: {e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn job_plans_are_published_whole_once_per_content_and_to_their_site_only() {
    let hub = Hub::start().await;
    hub.site("PLANT1").await;
    hub.site("OTHER").await;
    let dev = hub.enroll("PLANT1", "lap-1").await;
    let other = hub.enroll("OTHER", "lap-2").await;
    let demo = repo("assets/demo/procedures.csv");

    // 48 step rows make 9 plans; the report counts plans.
    let r = load_procedures(&hub, "PLANT1", &demo).await;
    assert_eq!((r.kind.as_str(), r.rows, r.inserted), ("procedures", 9, 9));
    let (changes, cursor) = hub.pull_all(&dev.token, "PLANT1", None, 4).await;
    let plans = procedures_in(&changes);
    assert_eq!(plans.len(), changes.len(), "only procedures: {changes:?}");
    let mut counts: Vec<(&str, usize)> = plans
        .iter()
        .map(|p| (p.code.as_str(), p.steps.len()))
        .collect();
    counts.sort();
    assert_eq!(
        counts,
        vec![
            ("JP-AR-BATT", 4),
            ("JP-CNC-LUBE", 3),
            ("JP-KM-AL2040", 5),
            ("JP-LOTO", 6),
            ("JP-NSC-E101", 5),
            ("JP-PUMP-SEAL", 7),
            ("JP-PUMP-VIB", 6),
            ("JP-VX-OC1", 7),
            ("JP-VX-OH", 5),
        ]
    );
    for p in &plans {
        let numbers: Vec<u32> = p.steps.iter().map(|s| s.number).collect();
        let want: Vec<u32> = (1..=p.steps.len() as u32).collect();
        assert_eq!(numbers, want, "{} is renumbered 1..n", p.code);
    }
    let oc1 = plans.iter().find(|p| p.code == "JP-VX-OC1").unwrap();
    assert_eq!(
        (
            oc1.manufacturer.as_deref(),
            oc1.model.as_deref(),
            oc1.equipment_class.as_deref(),
            oc1.problem_code.as_deref()
        ),
        (
            Some("Vantor Drives"),
            Some("VX-300"),
            None,
            Some("OVERCURR")
        )
    );
    assert!(oc1.steps[1]
        .caution
        .as_deref()
        .is_some_and(|c| c.contains("JP-LOTO")));
    assert_eq!(oc1.steps[0].caution, None);

    // The app importing the same file holds the same plans, step for step.
    let dir = tempfile::tempdir().unwrap();
    let mut app = faultline_core::Store::open(dir.path()).unwrap();
    app.import_csv(&repo("assets/demo/procedures.toml"), &demo)
        .unwrap();
    for p in &plans {
        let local = app.procedure(&p.code).unwrap();
        let as_sent = serde_json::to_value(&p.steps).unwrap();
        assert_eq!(
            serde_json::to_value(&local.steps).unwrap(),
            as_sent,
            "{}",
            p.code
        );
        assert_eq!(
            (&local.title, &local.model, &local.equipment_class),
            (&p.title, &p.model, &p.equipment_class)
        );
    }

    // The other site sees none of them.
    let (seen, other_cursor) = hub.pull_all(&other.token, "OTHER", None, 100).await;
    assert!(seen.is_empty(), "{seen:?}");

    // The same file again: nothing changes, nothing new in the feed.
    let r = load_procedures(&hub, "PLANT1", &demo).await;
    assert_eq!((r.rows, r.inserted, r.updated, r.unchanged), (9, 0, 0, 9));
    let p = hub.pull(&dev.token, "PLANT1", Some(&cursor), 100).await;
    assert!(p.changes.is_empty(), "{:?}", p.changes);

    // The planner rewords one step of JP-LOTO and drops the last task of JP-AR-BATT: those two
    // plans come again, whole; the other seven do not.
    let original = std::fs::read_to_string(&demo).unwrap();
    let corrected: String = original
        .replace(
            "with a tested voltage tester.",
            "with a tested two-pole voltage tester.",
        )
        .lines()
        .filter(|l| !l.starts_with("JP-AR-BATT,") || !l.contains(",40,"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(original, corrected);
    let edited = dir.path().join("procedures.csv");
    std::fs::write(&edited, corrected).unwrap();
    let r = load_procedures(&hub, "PLANT1", &edited).await;
    assert_eq!((r.rows, r.inserted, r.updated, r.unchanged), (9, 0, 2, 7));
    let (again, cursor) = hub.pull_all(&dev.token, "PLANT1", Some(cursor), 100).await;
    let mut again = procedures_in(&again);
    again.sort_by(|a, b| a.code.cmp(&b.code));
    let codes: Vec<&str> = again.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, vec!["JP-AR-BATT", "JP-LOTO"]);
    assert_eq!(again[0].steps.len(), 3);
    assert_eq!(again[1].steps.len(), 6);
    assert!(again[1].steps[5].instruction.contains("two-pole"));
    assert!(
        again[1].steps[2].caution.is_some(),
        "the unchanged steps come along"
    );
    let p = hub.pull(&dev.token, "PLANT1", Some(&cursor), 100).await;
    assert!(p.changes.is_empty());

    // Loading the plans into the other site gives it its own copies; PLANT1 sees nothing new.
    let r = load_procedures(&hub, "OTHER", &demo).await;
    assert_eq!((r.inserted, r.updated), (9, 0));
    let (theirs, _) = hub
        .pull_all(&other.token, "OTHER", Some(other_cursor), 100)
        .await;
    assert_eq!(procedures_in(&theirs).len(), 9);
    let p = hub.pull(&dev.token, "PLANT1", Some(&cursor), 100).await;
    assert!(p.changes.is_empty(), "{:?}", p.changes);
    assert_eq!(
        hub.count("SELECT count(*) FROM procedures WHERE site = 'PLANT1' AND code = 'JP-AR-BATT' AND jsonb_array_length(steps) = 3")
            .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_job_plan_row_stops_the_load_and_keeps_nothing() {
    let hub = Hub::start().await;
    hub.site("PLANT1").await;
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("plans.csv");
    std::fs::write(
        &csv,
        "JPNUM,DESCRIPTION,MANUFACTURER,MODELNUM,EQUIPCLASS,FAILURECODE,JPTASK,TASKDESC,CAUTION\n\
         JP-A,Fine plan,,,,,10,Do it.,\n\
         JP-B,Bad plan,,,,,10,First.,\n\
         JP-B,Bad plan,,,,,ten,Second.,\n",
    )
    .unwrap();
    let err = admin::load_csv(
        &hub.store,
        "PLANT1",
        &repo("assets/demo/procedures.toml"),
        &csv,
    )
    .await
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(err.contains("plans.csv:4") && err.contains("step"), "{err}");
    assert_eq!(hub.count("SELECT count(*) FROM procedures").await, 0);
}

/// What the throw-away replica used to decide is now the hub sink's: a location renamed by a
/// partial export is renamed for the site's other assets there too, a tag another asset holds
/// is refused at its line, and a catalogue entry given twice keeps its last description.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_export_renames_locations_refuses_taken_tags_and_keeps_the_last_code() {
    let hub = Hub::start().await;
    hub.site("PLANT1").await;
    load_demo(&hub).await;
    let dir = tempfile::tempdir().unwrap();
    let at_machining = "SELECT count(*) FROM assets WHERE location_code = 'L1-MACH'";
    let renamed = "SELECT count(*) FROM assets WHERE location_name = 'Machining hall'";
    let with_parent = "SELECT count(*) FROM assets WHERE parent_id IS NOT NULL";
    let parents = hub.count(with_parent).await;
    assert!(parents > 0);
    let demo = std::fs::read_to_string(repo("assets/demo/assets.csv")).unwrap();
    let mut lines = demo.lines();
    let header = lines.next().unwrap();
    let first = lines.next().unwrap();
    assert!(first.contains(",L1-MACH,Line 1 - Machining,"), "{first}");
    let csv = dir.path().join("one.csv");
    std::fs::write(
        &csv,
        format!(
            "{header}\n{}\n",
            first.replace(",L1-MACH,Line 1 - Machining,", ",L1-MACH,Machining hall,")
        ),
    )
    .unwrap();
    let r = admin::load_csv(&hub.store, "PLANT1", &repo("assets/demo/assets.toml"), &csv)
        .await
        .unwrap();
    let n = hub.count(at_machining).await;
    assert!(n > 1, "{n}");
    assert_eq!((r.rows, r.inserted, r.updated), (1, 0, n as u64));
    assert_eq!(hub.count(renamed).await, n);
    assert_eq!(
        hub.count(with_parent).await,
        parents,
        "the assets not in the export keep their parents"
    );

    // A new asset whose tag (in another case) is an existing asset's.
    let mapping = dir.path().join("taken.toml");
    std::fs::write(
        &mapping,
        "kind = \"assets\"\n[fields]\nkey = \"{K}\"\ntag = \"{T}\"\nname = \"{N}\"\n",
    )
    .unwrap();
    let csv = dir.path().join("taken.csv");
    std::fs::write(&csv, "K,T,N\nNEW-1,NEW-1,Fine\nNEW-2,cnc-102,Taken\n").unwrap();
    let before = hub.count("SELECT count(*) FROM assets").await;
    let err = admin::load_csv(&hub.store, "PLANT1", &mapping, &csv)
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("taken.csv:3") && err.contains("\"cnc-102\" is already used"),
        "{err}"
    );
    assert_eq!(hub.count("SELECT count(*) FROM assets").await, before);

    // The same catalogue entry twice in one file: one row, the last description.
    let csv = dir.path().join("codes.csv");
    std::fs::write(
        &csv,
        "TYPE,FAILURECODE,PARENT,DESCRIPTION\nFAILURECLASS,NEWCLS,,First\nFAILURECLASS,NEWCLS,,Second\n",
    )
    .unwrap();
    let r = admin::load_csv(
        &hub.store,
        "PLANT1",
        &repo("assets/demo/failure_codes.toml"),
        &csv,
    )
    .await
    .unwrap();
    assert_eq!((r.rows, r.inserted), (2, 1));
    assert_eq!(
        hub.count(
            "SELECT count(*) FROM failure_codes WHERE code = 'NEWCLS' AND description = 'Second'"
        )
        .await,
        1
    );
}
