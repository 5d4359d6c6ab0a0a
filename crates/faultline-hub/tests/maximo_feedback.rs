//! What Maximo makes of a change reaches the laptop that made it: a refusal (BMXAA validation
//! error) shows there as a rejected change, a field changed in Maximo meanwhile as a conflict
//! with both values, settled by a person on the laptop and sent back to Maximo. A laptop replica
//! (faultline-core's store) against the hub on real PostgreSQL and `fake_maximo` (never a real
//! Maximo).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod fake_maximo;

use common::Hub;
use fake_maximo::plant::{plant as setup, Plant};
use faultline_core::domain::{CloseWorkOrder, ConflictChoice, FailureCodes, NewBreakdown};
use faultline_hub::connector::retry_failed;
use faultline_protocol::push::reject_codes::CMMS_REJECTED;
use uuid::Uuid;

/// A laptop: its own replica, synced the way faultline-sync does (push every pending change and
/// record the answers, then pull from its cursor and apply).
struct Laptop {
    store: faultline_core::Store,
    token: String,
    cursor: Option<String>,
    _dir: tempfile::TempDir,
}

impl Laptop {
    async fn enroll(hub: &Hub) -> Laptop {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Laptop {
            store: faultline_core::Store::open(dir.path()).unwrap(),
            token: hub.enroll("PLANT1", "laptop").await.token,
            cursor: None,
            _dir: dir,
        };
        l.sync(hub).await;
        l
    }

    async fn sync(&mut self, hub: &Hub) {
        loop {
            let pending = self.store.pending_envelopes(200).unwrap();
            if pending.is_empty() {
                break;
            }
            let answer = hub.push(&self.token, "PLANT1", pending).await;
            self.store.record_push_results(&answer.results).unwrap();
        }
        let (changes, cursor) = hub
            .pull_all(&self.token, "PLANT1", self.cursor.clone(), 500)
            .await;
        self.store.apply_pulled(&changes, &cursor).unwrap();
        self.cursor = Some(cursor);
    }

    fn breakdown(&mut self, asset: Uuid) -> (Uuid, String) {
        let wo = self
            .store
            .log_breakdown(&NewBreakdown {
                asset_id: asset,
                fault_code: None,
                symptom: "Pump leaks at the seal".into(),
                note: Some("seal leaking, line 2 stopped".into()),
                machine_stopped: false,
                stopped_at: None,
                confirm_old_stop: false,
                priority: None,
                author: "ana".into(),
            })
            .unwrap();
        (wo.summary.id, wo.summary.number)
    }

    fn close(&mut self, wo: Uuid, remedy: &str) {
        self.store
            .close_work_order(&CloseWorkOrder {
                work_order_id: wo,
                failure: FailureCodes {
                    failure_class: Some("PUMP".into()),
                    problem_code: Some("LEAK".into()),
                    cause_code: Some("SEALWORN".into()),
                    remedy_code: Some(remedy.into()),
                    ..FailureCodes::default()
                },
                clear: vec![],
                remedy_text: None,
                finished_at: None,
                author: "ana".into(),
            })
            .unwrap();
    }
}

/// A breakdown logged on a laptop, synced and sent to Maximo (work order and note).
async fn a_breakdown_in_maximo() -> (Plant, Laptop, Uuid, String) {
    let s = setup().await;
    let mut laptop = Laptop::enroll(&s.hub).await;
    let (wo, number) = laptop.breakdown(s.asset);
    laptop.sync(&s.hub).await;
    assert_eq!(s.drain("key-1").await.sent, 2);
    (s, laptop, wo, number)
}

#[tokio::test]
async fn a_maximo_refusal_shows_on_the_laptop_as_rejected_and_clears_once_sent() {
    let s = setup().await;
    let mut laptop = Laptop::enroll(&s.hub).await;
    let (wo, _) = laptop.breakdown(s.bad_asset);
    laptop.sync(&s.hub).await;
    assert!(
        laptop.store.rejected_changes(10).unwrap().is_empty(),
        "the hub applied it"
    );

    let r = s.drain("key-1").await;
    assert_eq!((r.sent, r.rejected), (0, 1), "{r:?}");
    laptop.sync(&s.hub).await;
    let rejected = laptop.store.rejected_changes(10).unwrap();
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    let r0 = &rejected[0];
    assert_eq!(
        (r0.code.as_str(), r0.kind.as_str()),
        (CMMS_REJECTED, "create_work_order")
    );
    assert_eq!(r0.work_order_id, wo);
    assert!(
        r0.reason.contains("BMXAA4195E") && r0.reason.contains("NOT-IN-MAXIMO"),
        "Maximo's code and sentence: {}",
        r0.reason
    );

    // Fixed in Maximo, retried by the admin: the laptop shows it synced again.
    s.fake
        .lock()
        .unwrap()
        .valid_assets
        .push("NOT-IN-MAXIMO".into());
    retry_failed(&s.hub.store, "PLANT1", None).await.unwrap();
    assert_eq!(s.drain("key-1").await.sent, 2, "the create and its note");
    laptop.sync(&s.hub).await;
    assert!(laptop.store.rejected_changes(10).unwrap().is_empty());
}

#[tokio::test]
async fn a_field_changed_in_maximo_meanwhile_reaches_the_laptop_as_a_conflict_with_both_values() {
    let (s, mut laptop, wo, number) = a_breakdown_in_maximo().await;

    // A planner sets the remedy in Maximo while the technician, offline, closes with another.
    s.fake
        .lock()
        .unwrap()
        .edit(&number, "fr2code", serde_json::json!("ADJUST"));
    laptop.close(wo, "REPLACE");
    laptop.sync(&s.hub).await;
    let r = s.drain("key-1").await;
    assert_eq!((r.sent, r.conflicts, r.rejected), (0, 1, 0), "{r:?}");
    {
        let f = s.fake.lock().unwrap();
        let m = f.wo(&number);
        assert_eq!(m["fr2code"], "ADJUST", "Maximo keeps its value");
        assert_eq!(
            (
                m["failurecode"].as_str(),
                m["fr1code"].as_str(),
                m["status"].as_str()
            ),
            (Some("PUMP"), Some("SEALWORN"), Some("COMP")),
            "the fields Maximo did not change are sent"
        );
    }

    laptop.sync(&s.hub).await;
    let conflicts = laptop.store.conflicts(true).unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    let c = &conflicts[0];
    assert_eq!(c.field, "remedy_code");
    assert!(c.server_value.contains("ADJUST"), "{c:?}");
    assert!(c.client_value.contains("REPLACE"), "{c:?}");
    assert_eq!(c.server_changed_by.as_deref(), Some("Maximo"));

    // The technician keeps their value: it goes to Maximo as a deliberate choice.
    laptop
        .store
        .resolve_conflict(c.id, ConflictChoice::Client)
        .unwrap();
    laptop.sync(&s.hub).await;
    let r = s.drain("key-1").await;
    assert_eq!((r.sent, r.conflicts), (1, 0), "{r:?}");
    assert_eq!(s.fake.lock().unwrap().wo(&number)["fr2code"], "REPLACE");
}

#[tokio::test]
async fn a_maximo_edit_of_a_field_the_change_leaves_alone_is_no_conflict() {
    let (s, mut laptop, wo, number) = a_breakdown_in_maximo().await;
    // Maximo changes the description and sets the same remedy the technician will.
    {
        let mut f = s.fake.lock().unwrap();
        f.edit(
            &number,
            "description",
            serde_json::json!("Seal leak, P-101"),
        );
        f.edit(&number, "fr2code", serde_json::json!("REPLACE"));
    }
    laptop.close(wo, "REPLACE");
    laptop.sync(&s.hub).await;
    let r = s.drain("key-1").await;
    assert_eq!((r.sent, r.conflicts), (1, 0), "{r:?}");
    laptop.sync(&s.hub).await;
    assert!(laptop.store.conflicts(true).unwrap().is_empty());
    assert_eq!(s.fake.lock().unwrap().wo(&number)["status"], "COMP");
}
