//! The plant the connector tests share: a hub on real PostgreSQL with site PLANT1 connected to
//! a `fake_maximo` (key `key-1`), one enrolled laptop's token, an asset Maximo knows (P-101)
//! and one it does not.

use super::{config, start, Shared};
use crate::common::{t, Hub};
use faultline_hub::connector::{configure, drain, DrainReport, Maximo};
use faultline_protocol::Mutation;
use std::time::Duration;
use uuid::Uuid;

pub struct Plant {
    pub hub: Hub,
    pub fake: Shared,
    pub url: String,
    pub token: String,
    pub asset: Uuid,
    pub bad_asset: Uuid,
}

pub async fn plant() -> Plant {
    let hub = Hub::start().await;
    hub.site("PLANT1").await;
    let (url, fake) = start("key-1", &["P-101"]).await;
    configure(&hub.store, &config(&url, "key-1")).await.unwrap();
    let token = hub.enroll("PLANT1", "laptop").await.token;
    let asset = hub.asset("PLANT1", "P-101").await;
    let bad_asset = hub.asset("PLANT1", "NOT-IN-MAXIMO").await;
    Plant {
        hub,
        fake,
        url,
        token,
        asset,
        bad_asset,
    }
}

impl Plant {
    /// One drain of the site's queue with `key`.
    pub async fn drain(&self, key: &str) -> DrainReport {
        let m = Maximo::new(&config(&self.url, key), Duration::from_secs(5)).unwrap();
        drain(&self.hub.store, "PLANT1", &m, 1000).await.unwrap()
    }
}

/// A breakdown created on a laptop: work order `number` on `asset`.
pub fn create(wo: Uuid, number: &str, asset: Uuid) -> Mutation {
    Mutation::CreateWorkOrder {
        work_order_id: wo,
        number: number.into(),
        asset_id: asset,
        wo_type: "breakdown".into(),
        priority: 1,
        title: "Pump P-101 leaks at the seal".into(),
        fault_code: None,
        reported_by: "ana".into(),
        reported_at: t(0),
        downtime_start: None,
    }
}
