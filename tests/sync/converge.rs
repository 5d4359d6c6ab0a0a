//! Two laptops work offline, sync through a real hub on a real PostgreSQL, and converge; a
//! replayed batch changes nothing; a field both changed becomes a conflict a person settles; the
//! hub's procedures (job plans) reach the laptop and a changed one replaces its copy whole.

use anyhow::{Context, Result};
use faultline_tests::sync_env::{SyncEnv, SITE};

fn first_open_work_order(d: &faultline_tests::sync_env::Device, tag: &str) -> Result<String> {
    let page = d.ok(&["history", tag])?;
    page["open_work_orders"]
        .as_array()
        .and_then(|a| a.first())
        .or_else(|| page["history"].as_array().and_then(|a| a.first()))
        .and_then(|w| w["id"].as_str())
        .map(str::to_string)
        .with_context(|| format!("no work order on {tag}: {page}"))
}

#[test]
fn two_laptops_work_offline_then_converge_with_the_hub() -> Result<()> {
    let env = SyncEnv::start()?;
    // The hub is stateless: laptop B talks to a second hub process on the same database.
    let second = faultline_tests::hub::Hub::start(&env.db, None)?;
    let a = env.device("laptop-a")?;
    let b = env.device_at("laptop-b", SITE, &second.url())?;
    let url_of = |d: &faultline_tests::sync_env::Device| {
        if d.name == "laptop-b" {
            second.url()
        } else {
            env.hub.url()
        }
    };
    let hub_wos = env.db.count("SELECT count(*) FROM work_orders")?;
    assert!(hub_wos > 800, "demo plant loaded on the hub: {hub_wos}");
    for d in [&a, &b] {
        let r = d.sync_via(&url_of(d))?;
        assert_eq!(r["pending_left"], 0, "{r}");
        assert_eq!(
            d.count("SELECT count(*) FROM work_orders")?,
            hub_wos,
            "initial replication"
        );
        assert_eq!(d.count("SELECT count(*) FROM sync_orphans")?, 0);
    }

    // Offline work on both laptops.
    let wo_a = a.log_breakdown("VFD-202", "drive trips on start")?;
    a.add_notes(&wo_a, 3, "checked")?;
    let shared = first_open_work_order(&b, "PMP-302")?;
    b.add_notes(&shared, 2, "seal weeping")?;
    a.add_notes(&shared, 1, "pump noisy")?;
    assert!(a.pending()? >= 5 && b.pending()? >= 2);

    // Shift end: both sync (twice, in either order) and hold the same records as the hub.
    a.sync_via(&url_of(&a))?;
    b.sync_via(&url_of(&b))?;
    a.sync_via(&url_of(&a))?;
    for d in [&a, &b] {
        assert_eq!(d.pending()?, 0);
        let shown = d.ok(&["show", &shared])?;
        assert_eq!(
            shown["notes"].as_array().map(Vec::len),
            Some(3),
            "{}",
            d.name
        );
        let shown = d.ok(&["show", &wo_a])?;
        assert_eq!(
            shown["notes"].as_array().map(Vec::len),
            Some(3),
            "{}",
            d.name
        );
        assert!(shown["notes"]
            .as_array()
            .is_some_and(|n| n.iter().all(|x| x["sync_state"] == "synced")));
    }
    let hub_notes = env.db.count(&format!(
        "SELECT count(*) FROM notes WHERE work_order_id = '{shared}'"
    ))?;
    assert_eq!(hub_notes, 3);
    assert_eq!(
        a.count("SELECT count(*) FROM notes")?,
        b.count("SELECT count(*) FROM notes")?
    );
    assert_eq!(
        a.count("SELECT count(*) FROM work_orders")?,
        env.db.count("SELECT count(*) FROM work_orders")?
    );
    Ok(())
}

#[test]
fn the_same_batch_pushed_twice_changes_nothing() -> Result<()> {
    let env = SyncEnv::start()?;
    let a = env.device("laptop-a")?;
    a.sync_via(&env.hub.url())?;
    let wo = a.log_breakdown("CNV-202", "belt slipping")?;
    a.add_notes(&wo, 5, "tensioned")?;
    let batch = a.ok(&["outbox", "--limit", "100"])?;
    let envelopes: Vec<serde_json::Value> = batch
        .as_array()
        .context("outbox is a list")?
        .iter()
        .map(|e| e["envelope"].clone())
        .collect();
    assert_eq!(envelopes.len(), 6, "{batch}");
    let push = |body: &serde_json::Value| -> Result<serde_json::Value> {
        let resp = reqwest::blocking::Client::new()
            .post(format!("{}/v1/sites/{SITE}/push", env.hub.url()))
            .header("faultline-protocol", "1")
            .bearer_auth(&a.token)
            .json(body)
            .send()?;
        assert!(resp.status().is_success(), "{}", resp.status());
        Ok(resp.json()?)
    };
    let body = serde_json::json!({"user": "laptop-a", "mutations": envelopes});
    let first = push(&body)?;
    let notes_after_first = env.db.count("SELECT count(*) FROM notes")?;
    let audit_after_first = env.db.count("SELECT count(*) FROM applied_mutations")?;
    let second = push(&body)?;
    assert_eq!(
        env.db.count("SELECT count(*) FROM notes")?,
        notes_after_first
    );
    assert_eq!(
        env.db.count("SELECT count(*) FROM applied_mutations")?,
        audit_after_first
    );
    let (r1, r2) = (
        first["results"].as_array().context("results")?,
        second["results"].as_array().context("results")?,
    );
    for (x, y) in r1.iter().zip(r2) {
        assert_eq!(x["outcome"], y["outcome"], "same answer as the first time");
        assert_eq!(y["replayed"], true);
    }
    // The laptop's own sync then meets the replays and ends synced, nothing doubled.
    a.sync_via(&env.hub.url())?;
    assert_eq!(a.pending()?, 0);
    assert_eq!(
        env.db.count("SELECT count(*) FROM notes")?,
        notes_after_first
    );
    Ok(())
}

#[test]
fn a_field_both_laptops_changed_is_a_conflict_a_person_settles() -> Result<()> {
    let env = SyncEnv::start()?;
    let a = env.device("laptop-a")?;
    let b = env.device("laptop-b")?;
    a.sync_via(&env.hub.url())?;
    let wo = a.log_breakdown("PMP-302", "pump cavitates")?;
    a.sync_via(&env.hub.url())?;
    b.sync_via(&env.hub.url())?;
    a.ok(&[
        "close",
        &wo,
        "--fixed",
        "replaced the impeller",
        "--author",
        "Ana",
    ])?;
    b.ok(&[
        "close",
        &wo,
        "--fixed",
        "cleaned the suction strainer",
        "--author",
        "Bo",
    ])?;
    let ra = a.sync_via(&env.hub.url())?;
    assert_eq!(ra["pushed"]["conflicts"], 0, "{ra}");
    let rb = b.sync_via(&env.hub.url())?;
    assert!(rb["pushed"]["conflicts"].as_u64().unwrap_or(0) >= 1, "{rb}");
    let conflicts = b.ok(&["conflicts"])?;
    let c = conflicts
        .as_array()
        .and_then(|l| l.iter().find(|c| c["field"] == "remedy_text"))
        .with_context(|| format!("no remedy_text conflict: {conflicts}"))?;
    assert_eq!(c["server_value"], "replaced the impeller");
    assert_eq!(c["client_value"], "cleaned the suction strainer");
    assert_eq!(
        b.ok(&["show", &wo])?["summary"]["sync_state"],
        "conflict",
        "shown on the work order"
    );
    // Nothing was silently overwritten on the hub.
    assert_eq!(
        env.db.query(&format!(
            "SELECT remedy_text FROM work_orders WHERE id = '{wo}'"
        ))?,
        "replaced the impeller"
    );
    // Bo keeps his value; after both sync, everyone has it.
    let id = c["id"].as_str().context("conflict id")?;
    b.ok(&["resolve", id, "--keep", "client"])?;
    for other in b.ok(&["conflicts"])?.as_array().into_iter().flatten() {
        if let Some(id) = other["id"].as_str() {
            b.ok(&["resolve", id, "--keep", "server"])?;
        }
    }
    b.sync_via(&env.hub.url())?;
    a.sync_via(&env.hub.url())?;
    assert_eq!(
        env.db.query(&format!(
            "SELECT remedy_text FROM work_orders WHERE id = '{wo}'"
        ))?,
        "cleaned the suction strainer"
    );
    assert_eq!(
        a.ok(&["show", &wo])?["summary"]["remedy_text"],
        "cleaned the suction strainer"
    );
    assert_eq!(b.ok(&["conflicts"])?.as_array().map(Vec::len), Some(0));
    Ok(())
}

#[test]
fn a_manual_published_on_the_hub_reaches_the_laptop_indexed_and_searchable() -> Result<()> {
    let corpus = std::env::var_os("FAULTLINE_CORPUS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| faultline_tests::workspace_root().join("../shared/corpus"));
    let pdf = corpus
        .join("manuals")
        .join("RobertOlechowski_Huanyang_VFD__HY_Series_Inverter_20100627.pdf");
    anyhow::ensure!(pdf.is_file(), "corpus manual missing: {}", pdf.display());
    let env = SyncEnv::start()?;
    faultline_tests::hub::hub_admin(
        &env.db,
        &[
            "load-manual",
            "--site",
            SITE,
            "--model",
            "Vantor Drives|VX-300",
            &pdf.to_string_lossy(),
        ],
    )?;
    let a = env.device("laptop-a")?;
    let r = a.sync_via(&env.hub.url())?;
    assert_eq!(r["manuals_added"], 1, "{r}");
    let list = a.ok(&["manuals", "list"])?;
    let m = list
        .as_array()
        .and_then(|l| l.first())
        .with_context(|| format!("no manual on the laptop: {list}"))?;
    assert_eq!(m["state"], "indexed", "{m}");
    let hits = a.ok(&["search", "overcurrent", "--asset", "VFD-202"])?;
    assert!(
        hits["hits"].as_array().is_some_and(|h| !h.is_empty()),
        "{hits}"
    );
    // A second sync fetches nothing again.
    assert_eq!(a.sync_via(&env.hub.url())?["manuals_added"], 0);
    Ok(())
}

#[test]
fn a_refused_change_is_shown_with_its_reason_and_does_not_block_the_next() -> Result<()> {
    let env = SyncEnv::start()?;
    let a = env.device("laptop-a")?;
    a.sync_via(&env.hub.url())?;
    let doomed = first_open_work_order(&a, "CMP-301")?;
    let kept = first_open_work_order(&a, "PMP-302")?;
    // A planner deletes a work order on the hub while the laptop is offline…
    faultline_tests::hub::hub_admin(&env.db, &["purge", "--site", SITE, "--work-order", &doomed])?;
    // …where the technician notes on it, then on another one.
    a.add_notes(&doomed, 1, "oil topped up")?;
    a.add_notes(&kept, 1, "pressure normal")?;
    let r = a.sync_via(&env.hub.url())?;
    assert_eq!(r["pushed"]["rejected"], 1, "{r}");
    assert_eq!(
        r["pushed"]["applied"], 1,
        "the next change went through: {r}"
    );
    let refused = a.ok(&["rejected"])?;
    let first = refused
        .as_array()
        .and_then(|l| l.first())
        .with_context(|| format!("nothing listed as refused: {refused}"))?;
    assert_eq!(first["work_order_id"], doomed.as_str());
    assert!(
        first["reason"].as_str().is_some_and(|s| !s.is_empty()),
        "a reason a person can read: {first}"
    );
    assert_eq!(a.status()?["rejected"], 1);
    assert_eq!(a.pending()?, 0, "a refused change is not retried forever");
    assert_eq!(
        env.db.count(&format!(
            "SELECT count(*) FROM notes WHERE work_order_id = '{kept}'"
        ))?,
        a.count(&format!(
            "SELECT count(*) FROM notes n JOIN work_orders w ON w.rid = n.work_order_rid
             WHERE w.id = '{kept}'"
        ))?
    );
    Ok(())
}

#[test]
fn a_photo_goes_up_with_its_work_order_and_comes_down_to_a_colleague() -> Result<()> {
    let env = SyncEnv::start()?;
    let a = env.device("laptop-a")?;
    let b = env.device("laptop-b")?;
    a.sync_via(&env.hub.url())?;
    b.sync_via(&env.hub.url())?;
    let wo = a.log_breakdown("RBT-211", "gripper finger cracked")?;
    let (photo, bytes) = a.photo_file("finger.jpg", 300_000)?;
    let shown = a.ok(&[
        "add-photo",
        &wo,
        &photo.to_string_lossy(),
        "--caption",
        "crack at the root",
    ])?;
    let sha = shown["photos"][0]["sha256"]
        .as_str()
        .context("no photo on the work order")?
        .to_string();
    let r = a.sync_via(&env.hub.url())?;
    assert_eq!(r["photos_uploaded"], 1, "{r}");
    assert_eq!(
        env.db.count(&format!(
            "SELECT count(*) FROM photos WHERE work_order_id = '{wo}' AND sha256 = '{sha}'"
        ))?,
        1
    );
    let r = b.sync_via(&env.hub.url())?;
    assert_eq!(r["photos_downloaded"], 1, "{r}");
    let on_b = b.path().join("blobs").join(&sha[..2]).join(&sha[2..]);
    assert_eq!(
        std::fs::read(&on_b)?,
        bytes,
        "the colleague has the same photo"
    );
    let shown = b.ok(&["show", &wo])?;
    assert_eq!(shown["photos"][0]["caption"], "crack at the root");
    Ok(())
}

/// (code, scope) of each procedure in `faultline procedures --json` output.
fn procedure_list(list: &serde_json::Value) -> Vec<(String, String)> {
    list.as_array()
        .map(|l| {
            l.iter()
                .map(|p| {
                    (
                        p["code"].as_str().unwrap_or_default().to_string(),
                        p["scope"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_hubs_procedures_reach_the_laptop_and_a_changed_one_replaces_its_copy() -> Result<()> {
    let env = SyncEnv::start()?;
    assert_eq!(env.db.count("SELECT count(*) FROM procedures")?, 9);
    let a = env.device("laptop-a")?;
    a.sync_via(&env.hub.url())?;
    assert_eq!(a.count("SELECT count(*) FROM procedures")?, 9);
    // VFD-202 is a Vantor Drives VX-300: its model's plans first, then the general one.
    let list = a.ok(&["procedures", "--asset", "VFD-202"])?;
    let want = [
        ("JP-VX-OC1", "model"),
        ("JP-VX-OH", "model"),
        ("JP-LOTO", "general"),
    ]
    .map(|(c, s)| (c.to_string(), s.to_string()));
    assert_eq!(procedure_list(&list), want, "{list}");
    let oc1 = a.ok(&["procedure", "JP-VX-OC1"])?;
    assert_eq!(oc1["steps"].as_array().map(Vec::len), Some(7), "{oc1}");
    assert_eq!(oc1["steps"][0]["number"], 1);
    let loto = a.ok(&["procedure", "JP-LOTO"])?;
    assert_eq!(loto["steps"].as_array().map(Vec::len), Some(6), "{loto}");

    // The planner drops the last task of JP-LOTO in the CMMS; the hub loads the new export and
    // the laptop's copy is replaced whole at its next sync.
    let demo = faultline_tests::workspace_root()
        .join("assets")
        .join("demo");
    let text = std::fs::read_to_string(demo.join("procedures.csv"))?;
    let edited: String = text
        .lines()
        .filter(|l| !(l.starts_with("JP-LOTO,") && l.contains(",60,")))
        .map(|l| format!("{l}\n"))
        .collect();
    anyhow::ensure!(edited.lines().count() + 1 == text.lines().count());
    let dir = tempfile::tempdir()?;
    let csv = dir.path().join("procedures.csv");
    std::fs::write(&csv, edited)?;
    faultline_tests::hub::hub_admin(
        &env.db,
        &[
            "load",
            "--site",
            SITE,
            "--mapping",
            &demo.join("procedures.toml").to_string_lossy(),
            &csv.to_string_lossy(),
        ],
    )?;
    let r = a.sync_via(&env.hub.url())?;
    assert_eq!(
        r["pulled"]["applied"], 1,
        "only the changed plan comes: {r}"
    );
    let loto = a.ok(&["procedure", "JP-LOTO"])?;
    assert_eq!(loto["steps"].as_array().map(Vec::len), Some(5), "{loto}");
    assert_eq!(a.count("SELECT count(*) FROM procedures")?, 9);

    // The plant withdraws the KM-600 plan: the hub leaves a tombstone, the laptop drops it.
    faultline_tests::hub::hub_admin(
        &env.db,
        &["purge", "--site", SITE, "--procedure", "JP-KM-AL2040"],
    )?;
    a.sync_via(&env.hub.url())?;
    assert_eq!(a.count("SELECT count(*) FROM procedures")?, 8);
    assert_eq!(
        a.count("SELECT count(*) FROM procedures WHERE code = 'JP-KM-AL2040'")?,
        0
    );
    // Withdrawing it again says there is no such plan.
    let again = faultline_tests::hub::hub_admin(
        &env.db,
        &["purge", "--site", SITE, "--procedure", "JP-KM-AL2040"],
    );
    let said = again.err().map(|e| format!("{e:#}")).unwrap_or_default();
    anyhow::ensure!(said.contains("no procedure"), "{said}");
    Ok(())
}
