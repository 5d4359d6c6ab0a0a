//! A laptop in the connector tests: its own replica (faultline-core's store), synced the way
//! faultline-sync does (push every pending change and record the answers, then pull from its
//! cursor and apply).

use super::plant::{plant, Plant};
use crate::common::Hub;
use faultline_core::domain::{CloseWorkOrder, FailureCodes, NewBreakdown};
use uuid::Uuid;

/// A laptop: its own replica, synced the way faultline-sync does (push every pending change and
/// record the answers, then pull from its cursor and apply).
pub struct Laptop {
    pub store: faultline_core::Store,
    token: String,
    cursor: Option<String>,
    _dir: tempfile::TempDir,
}

impl Laptop {
    pub async fn enroll(hub: &Hub) -> Laptop {
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

    pub async fn sync(&mut self, hub: &Hub) {
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

    pub fn breakdown(&mut self, asset: Uuid) -> (Uuid, String) {
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

    pub fn close(&mut self, wo: Uuid, remedy: &str) {
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
pub async fn a_breakdown_in_maximo() -> (Plant, Laptop, Uuid, String) {
    let s = plant().await;
    let mut laptop = Laptop::enroll(&s.hub).await;
    let (wo, number) = laptop.breakdown(s.asset);
    laptop.sync(&s.hub).await;
    assert_eq!(s.drain("key-1").await.sent, 2);
    (s, laptop, wo, number)
}
