//! The hub's connections under clients that misbehave on the wire, over real TCP against the
//! server as `faultline-hub serve` runs it: downloads that stop being read (the pool stays free,
//! the connection is cut after the send deadline), slow and idle connections (closed after the
//! header-read timeout).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use faultline_hub::Limits;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A manual of `n` bytes published to site P1; its SHA-256.
async fn large_blob(hub: &Hub, n: usize) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.pdf");
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.extend((0..n).map(|i| (i * 31 % 251) as u8));
    std::fs::write(&path, &bytes).unwrap();
    faultline_hub::admin::load_manual(&hub.store, "P1", &[], None, &path)
        .await
        .expect("load the manual")
        .sha256
}

/// Sends a GET for the blob and reads nothing.
async fn stalled_reader(hub: &Hub, token: &str, sha: &str) -> TcpStream {
    let mut s = TcpStream::connect(hub.addr).await.unwrap();
    s.write_all(
        format!(
            "GET /v1/sites/P1/blobs/{sha} HTTP/1.1\r\nhost: hub\r\nfaultline-protocol: 1\r\n\
             authorization: Bearer {token}\r\n\r\n"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    s
}

/// Reads the response head and the first bytes of a stalled reader's download.
async fn assert_download_started(s: &mut TcpStream) {
    let mut head = [0u8; 64];
    let n = tokio::time::timeout(Duration::from_secs(10), s.read(&mut head))
        .await
        .expect("the download starts")
        .unwrap();
    assert!(
        head[..n].starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&head[..n])
    );
}

/// Reads what is left until the hub closes the connection (or `limit` passes): the byte count.
async fn drain(s: &mut TcpStream, limit: Duration) -> Option<usize> {
    let mut total = 0;
    let mut buf = vec![0u8; 64 * 1024];
    let end = Instant::now() + limit;
    loop {
        let left = end.checked_duration_since(Instant::now())?;
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(total),
            Ok(Ok(n)) => total += n,
        }
    }
}

/// Bytes of the large blob: far more than loopback socket buffers hold.
const LARGE: usize = 48 * 1024 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_downloads_leave_the_pool_free_for_pushes_pulls_and_whoami() {
    let connections = 4;
    // The default send deadline (30 s) is longer than this test: nothing is cut meanwhile.
    let hub = Hub::serve_with(Limits::default(), connections).await;
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;
    let other = hub.enroll("P1", "lap-2").await;
    let asset = hub.asset("P1", "P-101").await;
    let wo = hub.work_order("P1", asset, "open").await;
    let sha = large_blob(&hub, LARGE).await;

    // More readers than the pool has connections, none of them reading.
    let mut stalled = Vec::new();
    for _ in 0..connections + 2 {
        stalled.push(stalled_reader(&hub, &dev.token, &sha).await);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Another laptop syncs meanwhile, within seconds.
    let quick = Duration::from_secs(5);
    let who = tokio::time::timeout(quick, hub.get(&other.token, "/v1/whoami"))
        .await
        .expect("whoami answers while downloads stall");
    assert_eq!(who.status, 200);
    let pushed = tokio::time::timeout(
        quick,
        hub.push(&other.token, "P1", vec![env(0, note(wo, "seal checked"))]),
    )
    .await
    .expect("a push is served while downloads stall");
    assert_eq!(pushed.results.len(), 1);
    let pulled = tokio::time::timeout(quick, hub.pull_raw(&other.token, "P1", None, 100))
        .await
        .expect("a pull is served while downloads stall");
    assert_eq!(pulled.status, 200);
    // Every stalled download did start (none waits for a connection).
    for s in &mut stalled {
        assert_download_started(s).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_nobody_reads_is_cut_after_the_send_deadline() {
    let hub = Hub::serve_with(
        Limits {
            send_stall_timeout: Duration::from_secs(2),
            ..Limits::default()
        },
        4,
    )
    .await;
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;
    let sha = large_blob(&hub, LARGE).await;
    let mut stalled = stalled_reader(&hub, &dev.token, &sha).await;
    assert_download_started(&mut stalled).await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    // What it still gets is what was in flight in the socket buffers, not the whole blob.
    let got = drain(&mut stalled, Duration::from_secs(20))
        .await
        .expect("the hub closed the stalled connection");
    assert!(got < LARGE, "a stalled reader still got the whole blob");
    // A reader that keeps reading gets it all.
    let r = hub
        .get(&dev.token, &format!("/v1/sites/P1/blobs/{sha}"))
        .await;
    assert_eq!((r.status, r.body.len()), (200, LARGE + 9));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_headers_and_idle_connections_are_closed_after_the_header_timeout() {
    let hub = Hub::serve_with(
        Limits {
            header_read_timeout: Duration::from_secs(1),
            ..Limits::default()
        },
        2,
    )
    .await;

    // Headers that never finish.
    let mut slow = TcpStream::connect(hub.addr).await.unwrap();
    slow.write_all(b"GET /v1/capabilities HTTP/1.1\r\nhost: hub\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    assert!(
        drain(&mut slow, Duration::from_secs(10)).await.is_some(),
        "a connection whose headers never end stays open"
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    // A kept-alive connection that sends nothing after its request.
    let mut idle = TcpStream::connect(hub.addr).await.unwrap();
    idle.write_all(b"GET /v1/capabilities HTTP/1.1\r\nhost: hub\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 16];
    let n = idle.read(&mut buf).await.unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    let started = Instant::now();
    assert!(
        drain(&mut idle, Duration::from_secs(10)).await.is_some(),
        "an idle connection stays open"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_tokens_are_rate_limited_by_peer_address_before_any_lookup() {
    let hub = Hub::serve_with(
        Limits {
            auth_failures_per_sec: 0.01,
            auth_failure_burst: 5.0,
            ..Limits::default()
        },
        2,
    )
    .await;
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;
    // A valid token is not charged.
    for _ in 0..10 {
        assert_eq!(hub.get(&dev.token, "/v1/whoami").await.status, 200);
    }
    for i in 0..5 {
        let r = hub.get(&format!("flt_made_up_{i}"), "/v1/whoami").await;
        assert_eq!(r.status, 401);
    }
    let r = hub.get("flt_made_up_6", "/v1/whoami").await;
    assert_eq!((r.status, r.error().code.as_str()), (429, "rate_limited"));
    assert!(r.header("retry-after").is_some());
    assert!(
        r.error().message.contains("unknown tokens"),
        "{:?}",
        r.error()
    );
}
