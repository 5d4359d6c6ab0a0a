//! `GET /metrics` (docs/cmms-connectors.md, "Metrics") against `fake_maximo` (never a real
//! Maximo), the hub on real PostgreSQL: off without a scrape token, refused without the right
//! one, and its values move with a drain — changes from pending to sent, the last send, the
//! send latency histogram, the outcomes — a fetch (its position's time and age) and Maximo
//! down (an unanswered error, the oldest waiting change).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod fake_maximo;

use common::{close, env, note};
use fake_maximo::plant::{create, plant};
use faultline_hub::connector::{drain_site, fetch_site, PAGE_SIZE};
use faultline_hub::http::{router, AppState};
use faultline_hub::token::token_hash;
use faultline_hub::Limits;
use uuid::Uuid;

const TOKEN: &str = "scrape-token-0123456789abcdef0123456789";

/// The value of the sample `name{labels}` (labels as written, in order), if there is one.
fn value(text: &str, sample: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(sample)?.strip_prefix(' ')?.parse().ok())
}

/// `GET /metrics` with `token`: (status, content type, body).
async fn scrape(addr: &str, token: Option<&str>) -> (u16, String, String) {
    let mut req = reqwest::Client::new().get(format!("http://{addr}/metrics"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let kind = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (status, kind, r.text().await.unwrap())
}

#[tokio::test]
async fn metrics_need_the_scrape_token_and_move_with_a_drain_a_fetch_and_maximo_down() {
    let s = plant().await;
    // The plant's own hub serves no metrics (no token configured).
    let off = s
        .hub
        .call(hyper::Method::GET, "/metrics", None, &[], Vec::new())
        .await;
    assert_eq!(off.status, 404);

    let app = router(AppState::with_metrics(
        s.hub.store.clone(),
        Limits::default(),
        Some(token_hash(TOKEN)),
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move { axum::serve(listener, app).await });
    assert_eq!(scrape(&addr, None).await.0, 401);
    assert_eq!(scrape(&addr, Some("not-the-token")).await.0, 401);

    let wo = Uuid::now_v7();
    s.hub
        .push(
            &s.token,
            "PLANT1",
            vec![
                env(0, create(wo, "FL-1", s.asset)),
                env(1, note(wo, "seal leaking")),
                env(2, close(wo, "REPLACE")),
            ],
        )
        .await;
    let (status, kind, before) = scrape(&addr, Some(TOKEN)).await;
    assert_eq!(status, 200, "{before}");
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    let l = r#"{site="PLANT1",connector="maximo""#;
    let changes = |text: &str, state: &str| {
        value(
            text,
            &format!("faultline_cmms_changes{l},state=\"{state}\"}}"),
        )
    };
    assert_eq!(changes(&before, "pending"), Some(3.0), "{before}");
    assert_eq!(changes(&before, "sent"), Some(0.0), "{before}");
    assert_eq!(changes(&before, "failed"), Some(0.0), "{before}");
    assert_eq!(
        value(&before, &format!("faultline_cmms_key_refused{l}}}")),
        Some(0.0)
    );
    assert!(
        value(
            &before,
            &format!("faultline_cmms_oldest_pending_seconds{l}}}")
        )
        .is_some_and(|a| a >= 0.0),
        "{before}"
    );
    assert_eq!(
        value(
            &before,
            &format!("faultline_cmms_last_sent_timestamp_seconds{l}}}")
        ),
        None,
        "nothing sent yet"
    );
    assert!(before.contains("# TYPE faultline_cmms_send_seconds histogram"));
    assert!(!before.contains("key-1"), "never the API key");

    // A drain: the changes are sent, timed and counted.
    let r = drain_site(&s.hub.store, "PLANT1", 1).await.unwrap();
    assert_eq!(r.sent, 3, "{r:?}");
    let (_, _, after) = scrape(&addr, Some(TOKEN)).await;
    assert_eq!(changes(&after, "pending"), Some(0.0), "{after}");
    assert_eq!(changes(&after, "sent"), Some(3.0), "{after}");
    assert_eq!(
        value(
            &after,
            &format!("faultline_cmms_oldest_pending_seconds{l}}}")
        ),
        Some(0.0)
    );
    let sent_at = value(
        &after,
        &format!("faultline_cmms_last_sent_timestamp_seconds{l}}}"),
    )
    .expect("a last send");
    let now = chrono::Utc::now().timestamp() as f64;
    assert!((now - sent_at).abs() < 120.0, "{sent_at} vs {now}");
    let rounds = value(&after, &format!("faultline_cmms_send_seconds_count{l}}}")).unwrap();
    assert!(rounds >= 1.0, "{after}");
    assert_eq!(
        value(
            &after,
            &format!("faultline_cmms_send_seconds_bucket{l},le=\"+Inf\"}}")
        ),
        Some(rounds)
    );
    assert_eq!(
        value(
            &after,
            &format!("faultline_cmms_outcomes_total{l},outcome=\"sent\"}}")
        ),
        Some(3.0),
        "{after}"
    );

    // A fetch: its position's time and age.
    fetch_site(&s.hub.store, "PLANT1", PAGE_SIZE).await.unwrap();
    let (_, _, fetched) = scrape(&addr, Some(TOKEN)).await;
    let o = r#",object="mxapiwodetail"}"#;
    assert!(
        value(
            &fetched,
            &format!("faultline_cmms_last_fetch_timestamp_seconds{l}{o}")
        )
        .is_some_and(|t| (now - t).abs() < 120.0),
        "{fetched}"
    );
    assert!(
        value(
            &fetched,
            &format!("faultline_cmms_fetch_position_age_seconds{l}{o}")
        )
        .is_some_and(|a| (0.0..120.0).contains(&a)),
        "{fetched}"
    );
    assert_eq!(
        value(&fetched, &format!("faultline_cmms_fetch_failing{l}{o}")),
        Some(0.0)
    );

    // Maximo down: the change waits, an unanswered error is counted.
    s.fake.lock().unwrap().down = true;
    s.hub
        .push(&s.token, "PLANT1", vec![env(3, note(wo, "checked again"))])
        .await;
    let r = drain_site(&s.hub.store, "PLANT1", 1).await.unwrap();
    assert_eq!(r.retried, 1, "{r:?}");
    let (_, _, down) = scrape(&addr, Some(TOKEN)).await;
    assert_eq!(changes(&down, "pending"), Some(1.0), "{down}");
    assert_eq!(
        value(
            &down,
            &format!("faultline_cmms_errors_total{l},kind=\"unanswered\"}}")
        ),
        Some(1.0),
        "{down}"
    );
    assert_eq!(
        value(
            &down,
            &format!("faultline_cmms_outcomes_total{l},outcome=\"retried\"}}")
        ),
        Some(1.0)
    );
}
