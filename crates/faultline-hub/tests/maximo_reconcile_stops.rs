//! The periodic reconcile, continued: machine stops (asset status down/up pairs) entered in
//! `fake_maximo` for a work order the hub knows reach the hub and the laptop once, follow their
//! up row and their deletion; the hub's own stops never come back; a stop overlapping the hub's
//! is left out; a Maximo-made worklog edited there amends its note once, a technician's edited
//! there is kept. Real PostgreSQL, `fake_maximo` (never a real Maximo).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::fake_maximo;

use chrono::{DateTime, Duration as Span, SecondsFormat, SubsecRound, Utc};
use fake_maximo::config;
use fake_maximo::laptop::a_breakdown_in_maximo;
use fake_maximo::plant::Plant;
use faultline_hub::connector::{reconcile, Maximo, ReconcileReport};
use serde_json::json;
use std::time::Duration;
use uuid::Uuid;

async fn run(s: &Plant) -> ReconcileReport {
    let m = Maximo::new(&config(&s.url, "key-1"), Duration::from_secs(5)).unwrap();
    let r = reconcile(&s.hub.store, "PLANT1", &m).await.unwrap();
    assert!(r.error.is_none(), "{r:?}");
    r
}

/// `minutes` before `now`, to the second (as Maximo keeps times).
fn ago(now: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
    (now - Span::minutes(minutes)).trunc_subsecs(0)
}

/// A Maximo user records the asset down (`running` false) or up at `at` against `wonum`.
fn status(s: &Plant, wonum: &str, running: bool, at: DateTime<Utc>) -> u64 {
    s.fake.lock().unwrap().add_child(
        wonum,
        "assetstatus",
        json!({"assetnum": "P-101", "isrunning": running, "wonum": wonum,
               "code": if running { "RUNNING" } else { "BROKEN" },
               "changedate": at.to_rfc3339_opts(SecondsFormat::Secs, true)}),
    )
}

type Stop = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// The hub's current stop of the work order and its earlier ones.
async fn hub_stops(s: &Plant, wo: Uuid) -> (Stop, Vec<(DateTime<Utc>, DateTime<Utc>)>) {
    let c = s.hub.db.client().await;
    let cur = c
        .query_one(
            "SELECT downtime_start, downtime_end FROM work_orders WHERE site = 'PLANT1' AND id = $1",
            &[&wo],
        )
        .await
        .unwrap();
    let earlier = c
        .query(
            "SELECT start_at, end_at FROM downtime_intervals WHERE site = 'PLANT1'
             AND work_order_id = $1 ORDER BY start_at",
            &[&wo],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    ((cur.get(0), cur.get(1)), earlier)
}

fn stops_of(r: &ReconcileReport) -> (u64, u64, u64, u64) {
    (
        r.downtime_added,
        r.downtime_changed,
        r.downtime_removed,
        r.downtime_overlapping,
    )
}

async fn not_sent(s: &Plant) -> i64 {
    s.hub
        .count("SELECT count(*) FROM cmms_outbox WHERE site = 'PLANT1' AND state <> 'sent'")
        .await
}

#[tokio::test]
async fn a_stop_made_in_maximo_reaches_the_laptop_once_follows_its_restart_and_its_deletion() {
    let (s, mut laptop, wo, number) = a_breakdown_in_maximo().await;
    let now = Utc::now();
    let rowstamp = s.fake.lock().unwrap().wo(&number)["_rowstamp"].clone();
    let down = status(&s, &number, false, ago(now, 180));
    status(&s, &number, true, ago(now, 120));
    assert_eq!(s.fake.lock().unwrap().wo(&number)["_rowstamp"], rowstamp);

    let r = run(&s).await;
    assert_eq!(stops_of(&r), (1, 0, 0, 0), "{r:?}");
    assert_eq!(
        hub_stops(&s, wo).await,
        ((Some(ago(now, 180)), Some(ago(now, 120))), vec![])
    );
    laptop.sync(&s.hub).await;
    let w = laptop.store.work_order(wo).unwrap();
    assert_eq!(
        (w.summary.downtime_start, w.summary.downtime_end),
        (Some(ago(now, 180)), Some(ago(now, 120)))
    );

    // Read again: nothing changes, nothing is queued for Maximo.
    let r = run(&s).await;
    assert_eq!(stops_of(&r), (0, 0, 0, 0), "{r:?}");
    assert_eq!(not_sent(&s).await, 0, "a Maximo-made stop is not sent back");

    // Down again, still down in Maximo: an open stop after the first.
    status(&s, &number, false, ago(now, 60));
    let r = run(&s).await;
    assert_eq!(stops_of(&r), (1, 0, 0, 0), "{r:?}");
    assert_eq!(
        hub_stops(&s, wo).await,
        (
            (Some(ago(now, 60)), None),
            vec![(ago(now, 180), ago(now, 120))]
        )
    );
    laptop.sync(&s.hub).await;
    let w = laptop.store.work_order(wo).unwrap();
    assert_eq!(w.downtime_intervals.len(), 2, "{:?}", w.downtime_intervals);
    assert_eq!(w.downtime_intervals[1].end, None);

    // Its up row arrives: the open stop ends, once.
    status(&s, &number, true, ago(now, 30));
    let r = run(&s).await;
    assert_eq!(stops_of(&r), (0, 1, 0, 0), "{r:?}");
    assert_eq!(
        hub_stops(&s, wo).await.0,
        (Some(ago(now, 60)), Some(ago(now, 30)))
    );
    assert_eq!(stops_of(&run(&s).await), (0, 0, 0, 0));

    // The first down row deleted in Maximo: its stop leaves the hub and the laptop.
    s.fake
        .lock()
        .unwrap()
        .remove_child(&number, "assetstatus", down);
    let r = run(&s).await;
    assert_eq!(stops_of(&r), (0, 0, 1, 0), "{r:?}");
    assert_eq!(
        hub_stops(&s, wo).await,
        ((Some(ago(now, 60)), Some(ago(now, 30))), vec![])
    );
    laptop.sync(&s.hub).await;
    let w = laptop.store.work_order(wo).unwrap();
    assert!(
        w.downtime_intervals.len() <= 1,
        "{:?}",
        w.downtime_intervals
    );
    assert_eq!(
        (w.summary.downtime_start, w.summary.downtime_end),
        (Some(ago(now, 60)), Some(ago(now, 30)))
    );
    assert_eq!(stops_of(&run(&s).await), (0, 0, 0, 0));
    assert_eq!(not_sent(&s).await, 0);
}

#[tokio::test]
async fn the_hubs_own_stops_never_come_back_and_a_stop_overlapping_the_hubs_is_left_out() {
    let (s, mut laptop, wo, number) = a_breakdown_in_maximo().await;
    let now = Utc::now();
    laptop
        .store
        .machine_stopped(wo, Some(ago(now, 120)))
        .unwrap();
    laptop
        .store
        .back_in_service(wo, Some(ago(now, 60)))
        .unwrap();
    laptop.sync(&s.hub).await;
    assert_eq!(s.drain("key-1").await.sent, 2);
    // The hub's down row as a site's Maximo may keep it: without its reference (only its time,
    // the laptop's stop, tells it is the hub's).
    let down = {
        let f = s.fake.lock().unwrap();
        let rows = f.wo(&number)["assetstatus"].as_array().unwrap().clone();
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert!(rows.iter().all(|r| r["assetstatusid"].is_u64()), "{rows:?}");
        let down = rows.iter().find(|r| r["isrunning"] == false).unwrap();
        down["assetstatusid"].as_u64().unwrap()
    };
    s.fake.lock().unwrap().edit_child(
        &number,
        "assetstatus",
        down,
        "externalrefid",
        serde_json::Value::Null,
    );
    let before = hub_stops(&s, wo).await;
    let r = run(&s).await;
    assert_eq!(stops_of(&r), (0, 0, 0, 0), "{r:?}");
    assert_eq!(hub_stops(&s, wo).await, before);

    // The laptop records a later stop, not yet sent; a planner enters one that overlaps it.
    laptop
        .store
        .machine_stopped(wo, Some(ago(now, 50)))
        .unwrap();
    laptop
        .store
        .back_in_service(wo, Some(ago(now, 40)))
        .unwrap();
    laptop.sync(&s.hub).await;
    status(&s, &number, false, ago(now, 55));
    status(&s, &number, true, ago(now, 45));
    let before = hub_stops(&s, wo).await;
    assert_eq!(before.0, (Some(ago(now, 50)), Some(ago(now, 40))));
    let r = run(&s).await;
    assert_eq!(stops_of(&r), (0, 0, 0, 1), "{r:?}");
    assert_eq!(hub_stops(&s, wo).await, before, "the laptop's stop is kept");
    assert_eq!(stops_of(&run(&s).await), (0, 0, 0, 0), "logged once");
}

fn laptop_note(laptop: &fake_maximo::laptop::Laptop, wo: Uuid, author: &str) -> String {
    let w = laptop.store.work_order(wo).unwrap();
    w.notes
        .iter()
        .find(|n| n.author == author)
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_worklog_edited_in_maximo_amends_its_note_once_and_a_technicians_is_kept() {
    let (s, mut laptop, wo, number) = a_breakdown_in_maximo().await;
    let now = Utc::now();
    let id = s.fake.lock().unwrap().add_child(
        &number,
        "worklog",
        json!({"logtype": "WORK", "createby": "PLANNER", "description": "Spare seal ordered",
               "createdate": ago(now, 30).to_rfc3339_opts(SecondsFormat::Secs, true)}),
    );
    assert_eq!(run(&s).await.notes_added, 1);
    laptop.sync(&s.hub).await;
    assert_eq!(laptop_note(&laptop, wo, "PLANNER"), "Spare seal ordered");

    // The planner fixes the text in Maximo.
    {
        let mut f = s.fake.lock().unwrap();
        f.edit_child(
            &number,
            "worklog",
            id,
            "description",
            json!("Spare seal arrives Tuesday"),
        );
        f.edit_child(&number, "worklog", id, "modifyby", json!("PLANNER2"));
    }
    let r = run(&s).await;
    assert_eq!((r.notes_added, r.notes_updated), (0, 1), "{r:?}");
    let amended = s
        .hub
        .count(
            "SELECT count(*) FROM corrections WHERE site = 'PLANT1' AND target = 'note'
             AND action = 'amend' AND text = 'Spare seal arrives Tuesday' AND author = 'PLANNER2'",
        )
        .await;
    assert_eq!(amended, 1);
    laptop.sync(&s.hub).await;
    assert_eq!(
        laptop_note(&laptop, wo, "PLANNER"),
        "Spare seal arrives Tuesday"
    );
    let r = run(&s).await;
    assert_eq!(
        (r.notes_added, r.notes_updated, r.own_edits_kept),
        (0, 0, 0),
        "{r:?}"
    );

    // The technician's worklog edited in Maximo: the note stays as the laptop wrote it.
    let (tech_id, tech_text) = {
        let f = s.fake.lock().unwrap();
        let rows = f.wo(&number)["worklog"].as_array().unwrap().clone();
        let own = rows
            .iter()
            .find(|r| r["externalrefid"].is_string())
            .unwrap()
            .clone();
        (
            own["worklogid"].as_u64().unwrap(),
            own["description_longdescription"]
                .as_str()
                .unwrap()
                .to_string(),
        )
    };
    s.fake.lock().unwrap().edit_child(
        &number,
        "worklog",
        tech_id,
        "description_longdescription",
        json!("seal leaking (edited by the planner)"),
    );
    let r = run(&s).await;
    assert_eq!(
        (r.notes_added, r.notes_updated, r.own_edits_kept),
        (0, 0, 1),
        "{r:?}"
    );
    assert_eq!(
        s.hub
            .count("SELECT count(*) FROM corrections WHERE site = 'PLANT1'")
            .await,
        1
    );
    laptop.sync(&s.hub).await;
    assert_eq!(laptop_note(&laptop, wo, "ana"), tech_text);
    assert_eq!(not_sent(&s).await, 0);
}
