//! Blobs: chunked upload, resume after a partial upload, offset and hash mismatches, size caps,
//! whole and ranged downloads.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use bytes::Bytes;
use common::*;
use faultline_hub::Limits;
use hyper::Method;
use sha2::{Digest, Sha256};

fn blob(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 % 251) as u8).collect()
}

async fn patch(
    hub: &Hub,
    token: &str,
    sha: &str,
    offset: usize,
    total: usize,
    body: &[u8],
) -> Resp {
    hub.call(
        Method::PATCH,
        &format!("/v1/sites/P1/blobs/{sha}"),
        Some(token),
        &[
            ("upload-offset", offset.to_string()),
            ("upload-length", total.to_string()),
        ],
        Bytes::copy_from_slice(body),
    )
    .await
}

async fn head(hub: &Hub, token: &str, sha: &str) -> Resp {
    hub.call(
        Method::HEAD,
        &format!("/v1/sites/P1/blobs/{sha}"),
        Some(token),
        &[],
        Bytes::new(),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blob_uploads_in_chunks_resumes_and_downloads_whole_or_from_an_offset() {
    let hub = Hub::start().await;
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;
    let bytes = blob(250_000);
    let sha = hex::encode(Sha256::digest(&bytes));
    let total = bytes.len();

    let h = head(&hub, &dev.token, &sha).await;
    assert_eq!(
        (h.status, h.header("upload-offset").as_deref()),
        (404, Some("0"))
    );

    let r = patch(&hub, &dev.token, &sha, 0, total, &bytes[..100_000]).await;
    assert_eq!(
        (r.status, r.header("upload-offset").as_deref()),
        (204, Some("100000"))
    );
    // The connection dropped here; the device asks where to resume.
    let h = head(&hub, &dev.token, &sha).await;
    assert_eq!(
        (h.status, h.header("upload-offset").as_deref()),
        (404, Some("100000"))
    );
    // A chunk sent from the wrong offset is refused with the held offset.
    let r = patch(
        &hub,
        &dev.token,
        &sha,
        50_000,
        total,
        &bytes[50_000..150_000],
    )
    .await;
    assert_eq!(r.status, 409);
    assert_eq!(r.error().code, "offset_mismatch");
    assert_eq!(r.header("upload-offset").as_deref(), Some("100000"));

    let r = patch(
        &hub,
        &dev.token,
        &sha,
        100_000,
        total,
        &bytes[100_000..200_000],
    )
    .await;
    assert_eq!(r.status, 204);
    let r = patch(&hub, &dev.token, &sha, 200_000, total, &bytes[200_000..]).await;
    assert_eq!(
        (r.status, r.header("upload-offset").as_deref()),
        (201, Some("250000"))
    );
    // A repeated last chunk (its answer was lost) is answered as complete.
    let r = patch(&hub, &dev.token, &sha, 200_000, total, &bytes[200_000..]).await;
    assert_eq!(r.status, 201);

    let h = head(&hub, &dev.token, &sha).await;
    assert_eq!(h.status, 200);
    assert_eq!(h.header("content-length").as_deref(), Some("250000"));

    let g = hub
        .get(&dev.token, &format!("/v1/sites/P1/blobs/{sha}"))
        .await;
    assert_eq!(g.status, 200);
    assert_eq!(g.body.as_ref(), bytes.as_slice());

    let g = hub
        .call(
            Method::GET,
            &format!("/v1/sites/P1/blobs/{sha}"),
            Some(&dev.token),
            &[("range", "bytes=123456-".into())],
            Bytes::new(),
        )
        .await;
    assert_eq!(g.status, 206);
    assert_eq!(
        g.header("content-range").as_deref(),
        Some("bytes 123456-249999/250000")
    );
    assert_eq!(g.body.as_ref(), &bytes[123_456..]);

    let g = hub
        .call(
            Method::GET,
            &format!("/v1/sites/P1/blobs/{sha}"),
            Some(&dev.token),
            &[("range", "bytes=250000-".into())],
            Bytes::new(),
        )
        .await;
    assert_eq!(g.status, 416);
    // Uploads leave no partial rows behind.
    assert_eq!(hub.count("SELECT count(*) FROM blob_uploads").await, 0);
    assert_eq!(
        hub.count("SELECT count(*) FROM blob_upload_chunks").await,
        0
    );
    assert_eq!(
        hub.count("SELECT sum(len)::int8 FROM blob_chunks").await,
        250_000
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bytes_that_do_not_hash_to_the_name_are_refused_and_discarded() {
    let hub = Hub::start().await;
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;
    let bytes = blob(1_000);
    let sha = hex::encode(Sha256::digest(b"something else"));
    let r = patch(&hub, &dev.token, &sha, 0, 1_000, &bytes[..600]).await;
    assert_eq!(r.status, 204);
    let r = patch(&hub, &dev.token, &sha, 600, 1_000, &bytes[600..]).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.error().code, "hash_mismatch");
    let h = head(&hub, &dev.token, &sha).await;
    assert_eq!(
        (h.status, h.header("upload-offset").as_deref()),
        (404, Some("0"))
    );
    assert_eq!(hub.count("SELECT count(*) FROM blobs").await, 0);
    // Not a blob name at all.
    let r = hub.get(&dev.token, "/v1/sites/P1/blobs/ABC").await;
    assert_eq!(
        (r.status, r.error().code.as_str()),
        (400, "malformed_request")
    );
    // Missing upload headers.
    let r = hub
        .call(
            Method::PATCH,
            &format!("/v1/sites/P1/blobs/{sha}"),
            Some(&dev.token),
            &[],
            Bytes::from_static(b"x"),
        )
        .await;
    assert_eq!(
        (r.status, r.error().code.as_str()),
        (400, "malformed_request")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blobs_and_chunks_over_the_caps_are_413() {
    let limits = Limits {
        max_blob_bytes: 10_000,
        max_chunk_bytes: 4_000,
        ..Limits::default()
    };
    let hub = Hub::start_with(limits).await;
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;
    let sha = hex::encode(Sha256::digest(b"big"));
    let r = patch(&hub, &dev.token, &sha, 0, 10_001, b"x").await;
    assert_eq!((r.status, r.error().code.as_str()), (413, "too_large"));
    let r = patch(&hub, &dev.token, &sha, 0, 9_000, &blob(5_000)).await;
    assert_eq!((r.status, r.error().code.as_str()), (413, "too_large"));
    let r = patch(&hub, &dev.token, &sha, 0, 9_000, &blob(4_000)).await;
    assert_eq!(r.status, 204);
}
