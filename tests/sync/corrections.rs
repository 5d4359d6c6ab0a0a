//! Corrections, several downtime intervals and handover notes travel between two laptops
//! through a real hub on a real PostgreSQL: laptop A voids a part and amends a note, stops and
//! restarts the machine twice and writes the shift's handover note; laptop B sees the corrected
//! items with their history, the two intervals with their sum, and the note.

use anyhow::{Context, Result};
use chrono::{Duration, SecondsFormat, Utc};
use faultline_tests::sync_env::SyncEnv;

fn ago(minutes: i64) -> String {
    (Utc::now() - Duration::minutes(minutes)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn first_id(wo: &serde_json::Value, list: &str) -> Result<String> {
    wo[list][0]["id"]
        .as_str()
        .map(str::to_string)
        .with_context(|| format!("no {list} in {wo}"))
}

#[test]
fn a_voided_part_an_amended_note_two_stops_and_a_handover_note_reach_the_other_laptop() -> Result<()>
{
    let env = SyncEnv::start()?;
    let a = env.device("laptop-a")?;
    let b = env.device("laptop-b")?;
    for d in [&a, &b] {
        d.sync_via(&env.hub.url())?;
    }

    // Laptop A: a breakdown whose drive trips twice (stopped 20 min, then 15 min).
    let wo = a.ok(&[
        "log-breakdown",
        "--asset",
        "VFD-202",
        "--symptom",
        "drive trips intermittently",
        "--stopped-at",
        &ago(120),
        "--note",
        "tripped on OC1 at 40 Hz",
    ])?;
    let id = wo["summary"]["id"].as_str().context("no id")?.to_string();
    a.ok(&["back-in-service", &id, "--at", &ago(100)])?;
    a.ok(&["stopped", &id, "--at", &ago(60)])?;
    a.ok(&["back-in-service", &id, "--at", &ago(45)])?;
    let wo = a.ok(&["add-part", &id, "--part", "FUSE-32A", "--qty", "2"])?;
    let (note, part) = (first_id(&wo, "notes")?, first_id(&wo, "parts")?);
    a.ok(&["amend-note", &note, "tripped on OC1 at 45 Hz"])?;
    a.ok(&[
        "void-part",
        &part,
        "--reason",
        "fuse came from the spares kit",
    ])?;
    a.ok(&[
        "handover-note",
        "--from",
        &ago(8 * 60),
        "--to",
        &ago(0),
        "VFD-202 trips intermittently; watch it",
    ])?;

    a.sync_via(&env.hub.url())?;
    assert_eq!(a.pending()?, 0, "everything accepted by the hub");
    b.sync_via(&env.hub.url())?;

    let seen = b.ok(&["show", &id])?;
    assert_eq!(
        seen["notes"][0]["text"], "tripped on OC1 at 45 Hz",
        "{seen}"
    );
    assert_eq!(
        seen["notes"][0]["corrections"][0]["was"],
        "tripped on OC1 at 40 Hz"
    );
    assert_eq!(seen["notes"][0]["corrections"][0]["author"], "laptop-a");
    assert_eq!(seen["parts"][0]["voided"], true);
    assert_eq!(
        seen["parts"][0]["corrections"][0]["reason"],
        "fuse came from the spares kit"
    );
    assert_eq!(
        seen["downtime_intervals"].as_array().map(Vec::len),
        Some(2),
        "{seen}"
    );
    assert_eq!(seen["summary"]["downtime_minutes"], 35, "20 + 15 minutes");
    let notes = b.ok(&["handover-notes", "--from", &ago(24 * 60), "--to", &ago(-1)])?;
    assert_eq!(notes.as_array().map(Vec::len), Some(1), "{notes}");
    assert_eq!(notes[0]["text"], "VFD-202 trips intermittently; watch it");
    assert_eq!(notes[0]["sync_state"], "synced");

    // Both laptops and the hub hold the corrections once.
    assert_eq!(env.db.count("SELECT count(*) FROM corrections")?, 2);
    assert_eq!(b.count("SELECT count(*) FROM corrections")?, 2);
    assert_eq!(
        a.count("SELECT count(*) FROM corrections WHERE hub_order IS NULL")?,
        0
    );
    Ok(())
}
