//! The failure-code hierarchy from Maximo: FAILURELIST rows made in `fake_maximo` reach the
//! hub's catalogue and a laptop's, page by page (a failed page loses and doubles nothing, a child
//! read before its parent is placed when the parent comes); a row removed in Maximo retires its
//! code on the hub and the laptop. Real PostgreSQL, `fake_maximo` (never a real Maximo).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::fake_maximo;

use fake_maximo::config;
use fake_maximo::laptop::Laptop;
use fake_maximo::plant::{plant as setup, Plant};
use faultline_hub::connector::inbound_rows::FAILURE_CODES;
use faultline_hub::connector::{fetch, sweep_codes, FetchReport, Maximo};
use serde_json::{json, Value};
use std::time::Duration;

const OS: &str = "mxapifailurelist";

/// A FAILURELIST row made by a Maximo user in organization EAGLENA.
fn row(id: u64, code: &str, parent: Option<u64>, kind: Option<&str>, text: &str) -> Value {
    json!({"failurelist": id, "failurecode": code, "parent": parent, "type": kind,
           "orgid": "EAGLENA", "description": text})
}

/// PUMPS → LEAK → SEAL → RESEAL, and PUMPS → NOISE.
fn hierarchy(s: &Plant) {
    let mut f = s.fake.lock().unwrap();
    f.add(OS, row(1, "PUMPS", None, None, "Pumps"));
    f.add(OS, row(2, "LEAK", Some(1), Some("PROBLEM"), "Leaking"));
    f.add(OS, row(3, "SEAL", Some(2), Some("CAUSE"), "Seal worn"));
    f.add(
        OS,
        row(4, "RESEAL", Some(3), Some("REMEDY"), "Replace the seal"),
    );
    f.add(OS, row(5, "NOISE", Some(1), Some("PROBLEM"), "Noisy"));
    // Another organization's code: not this plant's.
    let mut other = row(6, "VALVES", None, None, "Valves");
    other["orgid"] = json!("OTHERORG");
    f.add(OS, other);
}

/// A Maximo user deletes the failure-list row `id` (removed from its hierarchy: gone, so no
/// delta query shows it).
fn remove(f: &mut fake_maximo::Fake, id: Value) {
    if let Some(rows) = f.objects.get_mut(OS) {
        rows.retain(|r| r["failurelist"] != id);
    }
}

fn maximo(s: &Plant) -> Maximo {
    Maximo::new(&config(&s.url, "key-1"), Duration::from_secs(5)).unwrap()
}

async fn fetch_codes(s: &Plant, page_size: u32) -> FetchReport {
    fetch(
        &s.hub.store,
        "PLANT1",
        &maximo(s),
        &FAILURE_CODES,
        page_size,
        u64::MAX,
    )
    .await
    .unwrap()
}

/// The hub's catalogue of PLANT1 as `level|parent|code=description`, sorted.
async fn codes(s: &Plant) -> Vec<String> {
    s.hub
        .db
        .client()
        .await
        .query(
            "SELECT level || '|' || parent || '|' || code || '=' || description
             FROM failure_codes WHERE site = 'PLANT1' ORDER BY 1",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// A laptop's catalogue as `level|parent|code`, sorted.
fn laptop_codes(l: &Laptop) -> Vec<String> {
    let cat = l.store.failure_catalog().unwrap();
    let mut out: Vec<String> = [cat.classes, cat.problems, cat.causes, cat.remedies]
        .into_iter()
        .flatten()
        .map(|e| {
            format!(
                "{}|{}|{}",
                e.level.as_str(),
                e.parent.unwrap_or_default(),
                e.code
            )
        })
        .collect();
    out.sort();
    out
}

/// `level|parent|code=description` without the description.
fn keys(codes: &[String]) -> Vec<String> {
    codes
        .iter()
        .map(|c| c.split('=').next().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn codes_made_in_maximo_reach_the_hub_and_a_laptop_and_a_failed_page_loses_nothing() {
    let s = setup().await;
    let mut laptop = Laptop::enroll(&s.hub).await;
    hierarchy(&s);
    // Two pages answered, then Maximo is down.
    s.fake.lock().unwrap().queries_left = Some(2);
    let r = fetch_codes(&s, 2).await;
    assert_eq!((r.pages, r.records, r.inserted), (2, 4, 4), "{r:?}");
    assert!(r.error.is_some(), "{r:?}");
    {
        let f = s.fake.lock().unwrap();
        let q = f.queries.last().unwrap();
        assert_eq!(
            q.get("oslc.where").map(String::as_str),
            Some("orgid=\"EAGLENA\""),
            "{q:?}"
        );
    }
    s.fake.lock().unwrap().queries_left = None;
    let r = fetch_codes(&s, 2).await;
    assert_eq!((r.records, r.inserted, r.updated), (1, 1, 0), "{r:?}");
    assert!(r.error.is_none(), "{r:?}");
    let want = vec![
        "cause|LEAK|SEAL=Seal worn".to_string(),
        "class||PUMPS=Pumps".into(),
        "problem|PUMPS|LEAK=Leaking".into(),
        "problem|PUMPS|NOISE=Noisy".into(),
        "remedy|SEAL|RESEAL=Replace the seal".into(),
    ];
    assert_eq!(codes(&s).await, want, "every code once, none of OTHERORG");

    // The whole hierarchy read again (the position lost): nothing changes.
    s.hub
        .db
        .client()
        .await
        .execute(
            "UPDATE cmms_fetch_positions SET position = NULL WHERE object = $1",
            &[&OS],
        )
        .await
        .unwrap();
    let r = fetch_codes(&s, 10).await;
    assert_eq!((r.records, r.inserted, r.updated), (5, 0, 0), "{r:?}");
    assert_eq!(codes(&s).await, want);

    laptop.sync(&s.hub).await;
    assert_eq!(laptop_codes(&laptop), keys(&want));
}

#[tokio::test]
async fn a_child_read_before_its_parent_is_placed_when_the_parent_comes() {
    let s = setup().await;
    s.fake
        .lock()
        .unwrap()
        .add(OS, row(1, "MOTORS", None, None, "Motors"));
    assert_eq!(fetch_codes(&s, 10).await.inserted, 1);
    // A problem and its cause made in Maximo, then the problem's row edited: the cause comes
    // first in row-stamp order, its parent on the next page.
    {
        let mut f = s.fake.lock().unwrap();
        f.add(OS, row(3, "TRIP", Some(1), Some("PROBLEM"), "Trips"));
        f.add(OS, row(4, "OVERLOAD", Some(3), Some("CAUSE"), "Overloaded"));
        remove(&mut f, json!(3));
        f.add(OS, row(3, "TRIP", Some(1), Some("PROBLEM"), "Trips out"));
    }
    let first = fetch(&s.hub.store, "PLANT1", &maximo(&s), &FAILURE_CODES, 1, 1)
        .await
        .unwrap();
    assert_eq!((first.records, first.inserted), (1, 0), "{first:?}");
    assert_eq!(
        codes(&s).await,
        vec!["class||MOTORS=Motors"],
        "waits for its parent"
    );
    let r = fetch_codes(&s, 1).await;
    assert_eq!((r.records, r.inserted), (1, 2), "{r:?}");
    assert_eq!(
        codes(&s).await,
        vec![
            "cause|TRIP|OVERLOAD=Overloaded",
            "class||MOTORS=Motors",
            "problem|MOTORS|TRIP=Trips out"
        ]
    );
}

#[tokio::test]
async fn a_code_removed_in_maximo_is_retired_on_the_hub_and_the_laptop() {
    let s = setup().await;
    let mut laptop = Laptop::enroll(&s.hub).await;
    hierarchy(&s);
    // The same cause under the same problem code of another class: one catalogue entry.
    {
        let mut f = s.fake.lock().unwrap();
        f.add(OS, row(8, "MOTORS", None, None, "Motors"));
        f.add(OS, row(9, "LEAK", Some(8), Some("PROBLEM"), "Leaking"));
        f.add(OS, row(10, "SEAL", Some(9), Some("CAUSE"), "Seal worn"));
    }
    assert!(fetch_codes(&s, 100).await.error.is_none());
    laptop.sync(&s.hub).await;
    assert!(laptop_codes(&laptop).contains(&"problem|PUMPS|NOISE".to_string()));
    {
        let mut f = s.fake.lock().unwrap();
        remove(&mut f, json!(5));
        remove(&mut f, json!(10));
    }
    // The delta shows nothing: the rows are gone.
    let r = fetch_codes(&s, 100).await;
    assert_eq!(r.records, 0, "{r:?}");

    // A full read that stops short, or that finds nothing, retires nothing.
    s.fake.lock().unwrap().queries_left = Some(1);
    let sweep = sweep_codes(&s.hub.store, "PLANT1", &maximo(&s), 2)
        .await
        .unwrap();
    assert_eq!(sweep.retired, 0, "{sweep:?}");
    assert!(sweep.error.is_some(), "{sweep:?}");
    s.fake.lock().unwrap().queries_left = None;
    s.fake.lock().unwrap().blind_queries = 1;
    let sweep = sweep_codes(&s.hub.store, "PLANT1", &maximo(&s), 2)
        .await
        .unwrap();
    assert_eq!((sweep.rows, sweep.retired), (0, 0), "{sweep:?}");
    assert_eq!(codes(&s).await.len(), 7);

    let sweep = sweep_codes(&s.hub.store, "PLANT1", &maximo(&s), 2)
        .await
        .unwrap();
    assert_eq!((sweep.rows, sweep.retired), (6, 1), "{sweep:?}");
    let now = codes(&s).await;
    assert!(!now.iter().any(|c| c.contains("NOISE")), "{now:?}");
    assert!(
        now.contains(&"cause|LEAK|SEAL=Seal worn".to_string()),
        "still given by row 3: {now:?}"
    );
    assert_eq!(now.len(), 6, "{now:?}");
    laptop.sync(&s.hub).await;
    assert_eq!(laptop_codes(&laptop), keys(&now));

    // A second full read: nothing more to retire.
    let sweep = sweep_codes(&s.hub.store, "PLANT1", &maximo(&s), 100)
        .await
        .unwrap();
    assert_eq!(
        (sweep.rows, sweep.retired, sweep.loaded),
        (6, 0, 0),
        "{sweep:?}"
    );
}

#[tokio::test]
async fn a_row_of_a_type_the_catalogue_lacks_is_refused_and_blocks_no_other() {
    let s = setup().await;
    {
        let mut f = s.fake.lock().unwrap();
        f.add(OS, row(1, "FANS", None, None, "Fans"));
        f.add(OS, row(2, "HUM", Some(1), Some("SYMPTOM"), "Hums"));
        f.add(OS, row(3, "WOBBLE", Some(1), Some("PROBLEM"), "Wobbles"));
    }
    let r = fetch_codes(&s, 10).await;
    assert_eq!((r.inserted, r.refused), (2, 1), "{r:?}");
    assert_eq!(
        codes(&s).await,
        vec!["class||FANS=Fans", "problem|FANS|WOBBLE=Wobbles"]
    );
    let refused = s
        .hub
        .count(
            "SELECT count(*) FROM cmms_fetch_refused
             WHERE site = 'PLANT1' AND object = 'mxapifailurelist' AND key = '2'
               AND reason LIKE '%SYMPTOM%'",
        )
        .await;
    assert_eq!(refused, 1);
}
