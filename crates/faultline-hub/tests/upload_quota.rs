//! Unfinished blob uploads cannot fill the hub: a per-device quota (count and declared bytes),
//! expiry of untouched uploads (the sweep `serve` runs, and `compact`), and the per-site storage
//! budget with its alarm.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use bytes::Bytes;
use common::*;
use faultline_hub::{admin, Limits};
use hyper::Method;
use sha2::{Digest, Sha256};
use std::time::Duration;

/// One PATCH of blob `sha` on site P1.
async fn patch(
    hub: &Hub,
    token: &str,
    sha: &str,
    offset: usize,
    total: usize,
    body: Vec<u8>,
) -> Resp {
    hub.call(
        Method::PATCH,
        &format!("/v1/sites/P1/blobs/{sha}"),
        Some(token),
        &[
            ("upload-offset", offset.to_string()),
            ("upload-length", total.to_string()),
        ],
        Bytes::from(body),
    )
    .await
}

/// The name of made-up blob `n` (a hash no bytes sent here match).
fn made_up(n: u8) -> String {
    hex::encode(Sha256::digest([n]))
}

/// The first `first` bytes of made-up blob `name` of `total` bytes.
async fn start_upload(hub: &Hub, token: &str, name: u8, total: usize, first: usize) -> Resp {
    patch(hub, token, &made_up(name), 0, total, vec![7u8; first]).await
}

/// A blob sent whole in one chunk.
async fn whole_blob(hub: &Hub, token: &str, bytes: &[u8]) -> Resp {
    let sha = hex::encode(Sha256::digest(bytes));
    patch(hub, token, &sha, 0, bytes.len(), bytes.to_vec()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_over_its_quota_of_unfinished_uploads_is_refused_with_upload_quota() {
    let hub = Hub::start_with(Limits {
        max_open_uploads_per_device: 2,
        max_open_upload_bytes_per_device: 10_000,
        ..Limits::default()
    })
    .await;
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;
    let other = hub.enroll("P1", "lap-2").await;

    assert_eq!(
        start_upload(&hub, &dev.token, 1, 1_000, 10).await.status,
        204
    );
    assert_eq!(
        start_upload(&hub, &dev.token, 2, 1_000, 10).await.status,
        204
    );
    let r = start_upload(&hub, &dev.token, 3, 1_000, 10).await;
    assert_eq!(r.status, 507, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.error().code, "upload_quota");
    assert!(
        r.error().message.contains("2 unfinished uploads"),
        "{:?}",
        r.error()
    );
    // Continuing an upload it holds is not a new one.
    let r = patch(&hub, &dev.token, &made_up(1), 10, 1_000, vec![7u8; 10]).await;
    assert_eq!(r.status, 204);
    // A photo sent whole leaves nothing unfinished: never refused by the quota.
    assert_eq!(whole_blob(&hub, &dev.token, b"a photo").await.status, 201);
    // Another device has its own quota.
    assert_eq!(
        start_upload(&hub, &other.token, 3, 1_000, 10).await.status,
        204
    );
    // Declared bytes count too.
    let r = start_upload(&hub, &other.token, 4, 9_500, 10).await;
    assert_eq!((r.status, r.error().code.as_str()), (507, "upload_quota"));
    assert_eq!(
        hub.count("SELECT count(*) FROM blob_uploads").await,
        3,
        "refused uploads hold nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn untouched_uploads_expire_by_the_sweep_and_by_compact_and_stop_counting() {
    let hub = Hub::start_with(Limits {
        max_open_uploads_per_device: 1,
        ..Limits::default()
    })
    .await;
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;
    assert_eq!(
        start_upload(&hub, &dev.token, 1, 1_000, 100).await.status,
        204
    );
    assert_eq!(
        start_upload(&hub, &dev.token, 2, 1_000, 100).await.status,
        507
    );

    // A day and more untouched: it no longer counts, even before a sweep deleted it.
    let db = hub.db.client().await;
    db.execute(
        "UPDATE blob_uploads SET updated_at = now() - interval '25 hours'",
        &[],
    )
    .await
    .unwrap();
    assert_eq!(
        start_upload(&hub, &dev.token, 2, 1_000, 100).await.status,
        204
    );

    let expired = faultline_hub::pg::expire_uploads(&hub.store, Duration::from_secs(24 * 3600))
        .await
        .unwrap();
    assert_eq!(expired, 1);
    assert_eq!(hub.count("SELECT count(*) FROM blob_uploads").await, 1);
    assert_eq!(
        hub.count("SELECT count(*) FROM blob_upload_chunks").await,
        1
    );

    db.execute(
        "UPDATE blob_uploads SET updated_at = now() - interval '25 hours'",
        &[],
    )
    .await
    .unwrap();
    let r = admin::compact(&hub.store, "P1", 30).await.unwrap();
    assert_eq!(r.uploads_expired, 1);
    assert_eq!(
        hub.count("SELECT count(*) FROM blob_upload_chunks").await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn site_storage_is_listed_against_its_budget_and_a_site_over_it_is_warned_about() {
    let hub = Hub::start().await;
    hub.site("P1").await;
    hub.site("P2").await;
    let dev = hub.enroll("P1", "lap-1").await;
    hub.asset("P1", "P-101").await;
    assert_eq!(
        whole_blob(&hub, &dev.token, &[1u8; 5_000]).await.status,
        201
    );
    assert_eq!(
        start_upload(&hub, &dev.token, 9, 100_000, 3_000)
            .await
            .status,
        204
    );

    let list = admin::site_storage(&hub.store, 1 << 30, None)
        .await
        .unwrap();
    assert_eq!(list.len(), 2);
    let p1 = &list[0];
    assert_eq!(
        (p1.site.as_str(), p1.blob_bytes, p1.upload_bytes),
        ("P1", 5_000, 3_000)
    );
    assert!(
        p1.record_bytes > 0,
        "the site's asset is not counted: {p1:?}"
    );
    assert_eq!(p1.total_bytes, p1.record_bytes + 8_000);
    assert_eq!((p1.budget_bytes, p1.state), (1 << 30, "ok"));

    // A budget of its own, below what it holds: over, and the alarm names it alone.
    admin::set_site_budget(&hub.store, "P1", Some(6_000))
        .await
        .unwrap();
    let full = admin::warn_over_budget(&hub.store, 1 << 30).await.unwrap();
    assert_eq!(full.len(), 1);
    assert_eq!((full[0].site.as_str(), full[0].state), ("P1", "over"));
    // Near: 90% of the budget or more.
    admin::set_site_budget(&hub.store, "P1", Some(p1.total_bytes + 1))
        .await
        .unwrap();
    let one = admin::site_storage(&hub.store, 1 << 30, Some("P1"))
        .await
        .unwrap();
    assert_eq!(one[0].state, "near");
    // Back to the hub's default.
    admin::set_site_budget(&hub.store, "P1", None)
        .await
        .unwrap();
    assert!(admin::warn_over_budget(&hub.store, 1 << 30)
        .await
        .unwrap()
        .is_empty());
    assert!(admin::site_storage(&hub.store, 1, Some("NOPE"))
        .await
        .is_err());
}
