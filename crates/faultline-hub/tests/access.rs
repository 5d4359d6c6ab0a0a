//! Who may do what, and the clear 4xx answers: version header, tokens, revocation, site
//! isolation, malformed and oversized requests, rate limits.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use bytes::Bytes;
use common::*;
use faultline_hub::admin;
use faultline_hub::Limits;
use faultline_protocol::push::reject_codes;
use faultline_protocol::{Capabilities, Mutation, Outcome, PushRequest, WhoAmI};
use hyper::Method;
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn capabilities_need_no_token_and_everything_else_needs_the_header_and_a_token() {
    let hub = Hub::start().await;
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;

    let caps = hub
        .call(Method::GET, "/v1/capabilities", None, &[], Bytes::new())
        .await;
    assert_eq!(caps.status, 200);
    let caps: Capabilities = caps.json();
    assert_eq!(caps.protocol_versions, vec![1]);
    assert_eq!(caps.max_pull_changes, 5_000);

    // No version header.
    let r = hub
        .call(
            Method::GET,
            "/v1/whoami",
            None,
            &[("authorization", format!("Bearer {}", dev.token))],
            Bytes::new(),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.error().code, "unsupported_protocol");
    assert!(
        r.error().message.contains("faultline-protocol: 1"),
        "{:?}",
        r.error()
    );
    // A version the hub does not speak.
    let r = hub
        .call(
            Method::GET,
            "/v1/whoami",
            None,
            &[
                ("faultline-protocol", "2".into()),
                ("authorization", format!("Bearer {}", dev.token)),
            ],
            Bytes::new(),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.error().code, "unsupported_protocol");
    // No token, an unknown token.
    let r = hub
        .call(
            Method::GET,
            "/v1/whoami",
            None,
            &[("faultline-protocol", "1".into())],
            Bytes::new(),
        )
        .await;
    assert_eq!((r.status, r.error().code.as_str()), (401, "unauthorized"));
    let r = hub.get("flt_not-a-real-token", "/v1/whoami").await;
    assert_eq!((r.status, r.error().code.as_str()), (401, "unauthorized"));

    let who: WhoAmI = hub.get(&dev.token, "/v1/whoami").await.json();
    assert_eq!(who.device_id, dev.device_id);
    assert_eq!(who.device_name, "lap-1");
    assert_eq!(who.site_code, "P1");
    assert_eq!(who.site_name, "Site P1");

    // Unknown routes and methods answer with an ApiError body too.
    let r = hub.get(&dev.token, "/v1/nothing-here").await;
    assert_eq!((r.status, r.error().code.as_str()), (404, "not_found"));
    let r = hub
        .call(
            Method::DELETE,
            "/v1/whoami",
            Some(&dev.token),
            &[],
            Bytes::new(),
        )
        .await;
    assert_eq!(r.status, 405);
    assert_eq!(r.error().code, "malformed_request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_is_refused_at_once() {
    let hub = Hub::start().await;
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;
    assert_eq!(hub.get(&dev.token, "/v1/whoami").await.status, 200);
    admin::revoke_device(&hub.store, dev.device_id)
        .await
        .unwrap();
    let r = hub.get(&dev.token, "/v1/whoami").await;
    assert_eq!((r.status, r.error().code.as_str()), (401, "unauthorized"));
    let r = hub.pull_raw(&dev.token, "P1", None, 10).await;
    assert_eq!(r.status, 401);
    // Only the hash is stored.
    assert_eq!(
        hub.count(&format!(
            "SELECT count(*) FROM devices WHERE token_sha256 = '{}'",
            faultline_hub::token::token_hash(&dev.token)
        ))
        .await,
        1
    );
    let listed = admin::list_devices(&hub.store).await.unwrap();
    assert!(listed[0].revoked_at.is_some());
    assert!(admin::revoke_device(&hub.store, Uuid::now_v7())
        .await
        .is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_of_site_a_can_neither_read_nor_write_site_b() {
    use sha2::{Digest, Sha256};
    let hub = Hub::start().await;
    hub.site("A").await;
    hub.site("B").await;
    let a = hub.enroll("A", "lap-a").await;
    let b = hub.enroll("B", "lap-b").await;
    let asset_b = hub.asset("B", "PMP-B").await;
    let wo_b = hub.work_order("B", asset_b, "open").await;

    // Site-scoped routes of another site: 403.
    let r = hub
        .push_raw(
            &a.token,
            "B",
            &PushRequest {
                user: "x".into(),
                mutations: vec![env(0, note(wo_b, "hi"))],
            },
        )
        .await;
    assert_eq!((r.status, r.error().code.as_str()), (403, "forbidden"));
    let r = hub.pull_raw(&a.token, "B", None, 10).await;
    assert_eq!((r.status, r.error().code.as_str()), (403, "forbidden"));
    let sha = hex::encode(Sha256::digest(b"b's photo"));
    for method in [Method::GET, Method::HEAD, Method::PATCH] {
        let r = hub
            .call(
                method.clone(),
                &format!("/v1/sites/B/blobs/{sha}"),
                Some(&a.token),
                &[("upload-offset", "0".into()), ("upload-length", "9".into())],
                Bytes::from_static(b"b's photo"),
            )
            .await;
        assert_eq!(r.status, 403, "{method}");
    }

    // Through its own site's route, a mutation on B's record is unknown (nothing leaks).
    let asset_a = hub.asset("A", "PMP-A").await;
    let r = hub
        .push(
            &a.token,
            "A",
            vec![
                env(0, note(wo_b, "writing into B")),
                env(0, set_status(wo_b, "cancelled")),
                env(
                    0,
                    Mutation::CreateWorkOrder {
                        work_order_id: Uuid::now_v7(),
                        number: "X-1".into(),
                        asset_id: asset_b,
                        wo_type: "breakdown".into(),
                        priority: 1,
                        title: "on B's asset".into(),
                        fault_code: None,
                        reported_by: "a".into(),
                        reported_at: t(0),
                        downtime_start: None,
                    },
                ),
                env(
                    0,
                    Mutation::CreateWorkOrder {
                        work_order_id: Uuid::now_v7(),
                        number: "X-2".into(),
                        asset_id: asset_a,
                        wo_type: "breakdown".into(),
                        priority: 1,
                        title: "on A's own asset".into(),
                        fault_code: None,
                        reported_by: "a".into(),
                        reported_at: t(0),
                        downtime_start: None,
                    },
                ),
            ],
        )
        .await;
    for res in &r.results[..3] {
        match &res.outcome {
            Outcome::Rejected { code, .. } => assert_eq!(code, reject_codes::UNKNOWN_RECORD),
            other => panic!("expected a rejection, got {other:?}"),
        }
    }
    assert!(matches!(
        r.results[3].outcome,
        Outcome::Applied { version: 1 }
    ));
    assert_eq!(hub.count("SELECT count(*) FROM notes").await, 0);
    assert_eq!(
        hub.count("SELECT count(*) FROM work_orders WHERE site = 'B' AND status = 'open'")
            .await,
        1
    );

    // A's pull holds nothing of B; B's blob is not readable by A even under A's own site.
    let (changes, _) = hub.pull_all(&a.token, "A", None, 100).await;
    assert!(changes
        .iter()
        .all(|c| c.record_id() != Some(wo_b) && c.record_id() != Some(asset_b)));
    let up = hub
        .call(
            Method::PATCH,
            &format!("/v1/sites/B/blobs/{sha}"),
            Some(&b.token),
            &[("upload-offset", "0".into()), ("upload-length", "9".into())],
            Bytes::from_static(b"b's photo"),
        )
        .await;
    assert_eq!(up.status, 201);
    let r = hub.get(&a.token, &format!("/v1/sites/A/blobs/{sha}")).await;
    assert_eq!((r.status, r.error().code.as_str()), (404, "not_found"));
    let r = hub
        .call(
            Method::HEAD,
            &format!("/v1/sites/A/blobs/{sha}"),
            Some(&a.token),
            &[],
            Bytes::new(),
        )
        .await;
    assert_eq!(
        (r.status, r.header("upload-offset").as_deref()),
        (404, Some("0"))
    );

    // A mutation id used on B cannot be replayed by A to learn B's answer, nor even that B used
    // it: mutation ids are scoped by site, so A's push is a new mutation of A's (here refused
    // because the work order is not on A).
    let m = env(0, note(wo_b, "b's note"));
    let rb = hub.push(&b.token, "B", vec![m.clone()]).await;
    assert!(matches!(rb.results[0].outcome, Outcome::Applied { .. }));
    let ra = hub.push(&a.token, "A", vec![m]).await;
    assert!(!ra.results[0].replayed);
    assert!(
        matches!(&ra.results[0].outcome, Outcome::Rejected { code, .. } if code == reject_codes::UNKNOWN_RECORD)
    );
    // And an id B used is applied on A as A's own change.
    let wo_a = hub
        .work_order("A", hub.asset("A", "PMP-A2").await, "open")
        .await;
    let shared_id = env(0, note(wo_a, "a's note"));
    let mut on_b = env(0, note(wo_b, "b's other note"));
    on_b.mutation_id = shared_id.mutation_id;
    assert!(matches!(
        hub.push(&b.token, "B", vec![on_b]).await.results[0].outcome,
        Outcome::Applied { .. }
    ));
    let ra = hub.push(&a.token, "A", vec![shared_id]).await;
    assert!(!ra.results[0].replayed);
    assert!(
        matches!(ra.results[0].outcome, Outcome::Applied { .. }),
        "{ra:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_oversized_requests_get_clear_api_errors() {
    let limits = Limits {
        max_body_bytes: 4 * 1024,
        max_push_mutations: 3,
        ..Limits::default()
    };
    let hub = Hub::start_with(limits).await;
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;
    let json_header = [("content-type", "application/json".to_string())];
    let push = |body: &'static str| {
        hub.call(
            Method::POST,
            "/v1/sites/P1/push",
            Some(&dev.token),
            &json_header,
            Bytes::from_static(body.as_bytes()),
        )
    };
    for (body, says) in [
        ("{\"user\": \"ana\", \"mutations\": [", "not valid JSON"),
        ("{\"user\": \"ana\"}", "missing field `mutations`"),
        (
            "{\"user\": \"ana\", \"mutations\": [{\"mutation_id\": \"nope\"}]}",
            "expected fields",
        ),
        ("", "empty"),
    ] {
        let r = push(body).await;
        assert_eq!(r.status, 400, "{body}");
        let e = r.error();
        assert_eq!(e.code, "malformed_request");
        assert!(e.message.contains(says), "{body}: {}", e.message);
    }
    // A body over the limit.
    let big = format!(
        "{{\"user\": \"{}\", \"mutations\": []}}",
        "x".repeat(5 * 1024)
    );
    let r = hub
        .call(
            Method::POST,
            "/v1/sites/P1/push",
            Some(&dev.token),
            &[],
            big,
        )
        .await;
    assert_eq!((r.status, r.error().code.as_str()), (413, "too_large"));
    // More mutations than the hub takes in one push.
    let wo = Uuid::now_v7();
    let r = hub
        .push_raw(
            &dev.token,
            "P1",
            &PushRequest {
                user: "ana".into(),
                mutations: (0..4).map(|i| env(0, note(wo, &format!("n{i}")))).collect(),
            },
        )
        .await;
    assert_eq!((r.status, r.error().code.as_str()), (413, "too_large"));
    // Bad query parameters.
    let r = hub.get(&dev.token, "/v1/sites/P1/changes?limit=lots").await;
    assert_eq!(
        (r.status, r.error().code.as_str()),
        (400, "malformed_request")
    );
    let r = hub.get(&dev.token, "/v1/sites/P1/changes?cursor=%%%").await;
    assert_eq!(r.status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_over_its_rate_is_told_when_to_retry() {
    let limits = Limits {
        rate_per_sec: 1.0,
        rate_burst: 3.0,
        ..Limits::default()
    };
    let hub = Hub::start_with(limits).await;
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;
    let other = hub.enroll("P1", "lap-2").await;
    for _ in 0..3 {
        assert_eq!(hub.get(&dev.token, "/v1/whoami").await.status, 200);
    }
    let r = hub.get(&dev.token, "/v1/whoami").await;
    assert_eq!((r.status, r.error().code.as_str()), (429, "rate_limited"));
    assert_eq!(r.header("retry-after").as_deref(), Some("1"));
    // Other devices are not slowed down.
    assert_eq!(hub.get(&other.token, "/v1/whoami").await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stalls_mid_body_gets_408_and_the_hub_goes_on() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let hub = Hub::start_with(Limits {
        request_timeout: std::time::Duration::from_secs(1),
        ..Limits::default()
    })
    .await;
    hub.site("P1").await;
    let dev = hub.enroll("P1", "lap-1").await;
    let mut tcp = tokio::net::TcpStream::connect(hub.addr).await.unwrap();
    let head = format!(
        "POST /v1/sites/P1/push HTTP/1.1\r\nhost: hub\r\nfaultline-protocol: 1\r\n\
         authorization: Bearer {}\r\ncontent-type: application/json\r\ncontent-length: 4000\r\n\r\n\
         {{\"user\": \"ana\", \"mutations\": [",
        dev.token
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    // ... and nothing more: a laptop whose Wi-Fi went away mid-request.
    let started = std::time::Instant::now();
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(std::time::Duration::from_secs(10), tcp.read(&mut answer))
        .await
        .expect("the hub answered a stalled request")
        .unwrap();
    let text = String::from_utf8_lossy(&answer[..n]);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("\"code\":\"timeout\""), "{text}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // Other laptops are served as usual.
    let who = hub.get(&dev.token, "/v1/whoami").await;
    assert_eq!(who.status, 200);
}
