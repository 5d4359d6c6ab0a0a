//! Test support: a fresh PostgreSQL database per test (`faultline-pgtest`;
//! FAULTLINE_TEST_DATABASE_URL is required, `scripts/pg.sh start` prints it), a hub served
//! in-process on 127.0.0.1:0, a small HTTP client, and builders for mutations and records.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use bytes::Bytes;
use chrono::{DateTime, TimeZone, Utc};
use faultline_hub::admin::{self, Enrollment};
use faultline_hub::http::{router, AppState};
use faultline_hub::{Limits, PgStore};
use faultline_protocol::{
    ApiError, Mutation, MutationEnvelope, PullResponse, PushRequest, PushResponse,
    PROTOCOL_VERSION, VERSION_HEADER,
};
use http_body_util::{BodyExt, Full};
use hyper::{HeaderMap, Method, Request};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use uuid::Uuid;

/// A database created for one test and dropped when it ends (also after a panic): the
/// workspace's one harness, `faultline_pgtest::TestDb`.
pub struct TestDb {
    pub url: String,
    _db: faultline_pgtest::TestDb,
}

impl TestDb {
    pub async fn new() -> TestDb {
        let db = faultline_pgtest::TestDb::create("hub_test").unwrap_or_else(|e| panic!("{e}"));
        TestDb {
            url: db.url.clone(),
            _db: db,
        }
    }

    pub async fn client(&self) -> tokio_postgres::Client {
        let (client, conn) = tokio_postgres::connect(&self.url, tokio_postgres::NoTls)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to {}: {e}", self.url));
        tokio::spawn(conn);
        client
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Resp {
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "HTTP {}: body is not the expected JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn error(&self) -> ApiError {
        self.json()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

/// A hub served in-process on a fresh database.
pub struct Hub {
    pub addr: SocketAddr,
    pub store: PgStore,
    pub db: TestDb,
    http: Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
}

impl Hub {
    pub async fn start() -> Hub {
        Hub::start_with(Limits::default()).await
    }

    pub async fn start_with(limits: Limits) -> Hub {
        // RUST_LOG=faultline_hub=debug shows the hub's log in a failing test's output.
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .try_init();
        let db = TestDb::new().await;
        let store = PgStore::open(&db.url, 16)
            .await
            .expect("open the hub store");
        let app = router(AppState::new(store.clone(), limits));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Hub {
            addr,
            store,
            db,
            http: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    /// A hub served the way `faultline-hub serve` serves (send deadline, header-read timeout) with
    /// a pool of `connections`, on a fresh database.
    pub async fn serve_with(limits: Limits, connections: usize) -> Hub {
        let db = TestDb::new().await;
        let store = PgStore::open(&db.url, connections)
            .await
            .expect("open the hub store");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let opts = faultline_hub::server::ServeOptions {
            listen: addr.to_string(),
            tls: None,
            limits,
            metrics_token: None,
            laptops: Default::default(),
        };
        tokio::spawn(faultline_hub::server::serve_on(
            listener,
            store.clone(),
            opts,
            std::future::pending(),
        ));
        Hub {
            addr,
            store,
            db,
            http: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    pub async fn site(&self, code: &str) {
        admin::add_site(&self.store, code, &format!("Site {code}"))
            .await
            .expect("add site");
    }

    pub async fn enroll(&self, site: &str, name: &str) -> Enrollment {
        admin::enroll_device(&self.store, site, name)
            .await
            .expect("enroll")
    }

    /// Any request; `token` adds the version header and the bearer token.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, String)],
        body: impl Into<Bytes>,
    ) -> Resp {
        let mut req = Request::builder()
            .method(method)
            .uri(format!("http://{}{path}", self.addr));
        if let Some(t) = token {
            req = req
                .header(VERSION_HEADER, PROTOCOL_VERSION.to_string())
                .header("authorization", format!("Bearer {t}"));
        }
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        let req = req.body(Full::new(body.into())).expect("request");
        let resp = self.http.request(req).await.expect("HTTP request");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = resp
            .into_body()
            .collect()
            .await
            .expect("response body")
            .to_bytes();
        Resp {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, token: &str, path: &str) -> Resp {
        self.call(Method::GET, path, Some(token), &[], Bytes::new())
            .await
    }

    pub async fn push_raw(&self, token: &str, site: &str, req: &PushRequest) -> Resp {
        let body = serde_json::to_vec(req).expect("json");
        self.call(
            Method::POST,
            &format!("/v1/sites/{site}/push"),
            Some(token),
            &[("content-type", "application/json".into())],
            body,
        )
        .await
    }

    pub async fn push(
        &self,
        token: &str,
        site: &str,
        mutations: Vec<MutationEnvelope>,
    ) -> PushResponse {
        let r = self
            .push_raw(
                token,
                site,
                &PushRequest {
                    user: "ana".into(),
                    mutations,
                },
            )
            .await;
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        r.json()
    }

    pub async fn pull_raw(
        &self,
        token: &str,
        site: &str,
        cursor: Option<&str>,
        limit: u32,
    ) -> Resp {
        let mut path = format!("/v1/sites/{site}/changes?limit={limit}");
        if let Some(c) = cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        self.get(token, &path).await
    }

    pub async fn pull(
        &self,
        token: &str,
        site: &str,
        cursor: Option<&str>,
        limit: u32,
    ) -> PullResponse {
        let r = self.pull_raw(token, site, cursor, limit).await;
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        r.json()
    }

    /// Every change of the site from `cursor` on, and the final cursor.
    pub async fn pull_all(
        &self,
        token: &str,
        site: &str,
        cursor: Option<String>,
        limit: u32,
    ) -> (Vec<faultline_protocol::Change>, String) {
        let mut cursor = cursor;
        let mut all = Vec::new();
        loop {
            let page = self.pull(token, site, cursor.as_deref(), limit).await;
            all.extend(page.changes);
            cursor = Some(page.next_cursor);
            if !page.has_more {
                break;
            }
        }
        (all, cursor.unwrap_or_default())
    }

    /// An asset of `site` written straight into the database.
    pub async fn asset(&self, site: &str, tag: &str) -> Uuid {
        let id = Uuid::now_v7();
        self.db
            .client()
            .await
            .execute(
                "INSERT INTO assets (site, id, external_key, tag, name) VALUES ($1, $2, $3, $3, $3)",
                &[&site, &id, &tag],
            )
            .await
            .expect("insert asset");
        id
    }

    /// A work order of `site` on `asset` at version 0 (as loaded from the CMMS).
    pub async fn work_order(&self, site: &str, asset: Uuid, status: &str) -> Uuid {
        let id = Uuid::now_v7();
        self.db
            .client()
            .await
            .execute(
                "INSERT INTO work_orders (site, id, external_key, number, asset_id, wo_type, status,
                     priority, title, reported_at)
                 VALUES ($1, $2, $3, $3, $4, 'corrective', $5, 3, 'Pump leaks', now())",
                &[&site, &id, &id.to_string(), &asset, &status],
            )
            .await
            .expect("insert work order");
        id
    }

    pub async fn count(&self, sql: &str) -> i64 {
        self.db
            .client()
            .await
            .query_one(sql, &[])
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .get(0)
    }
}

static SEQ: AtomicI64 = AtomicI64::new(1);

pub fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_763_900_000 + secs, 0)
        .single()
        .unwrap_or_default()
}

/// An envelope with a fresh mutation id.
pub fn env(base_version: i64, mutation: Mutation) -> MutationEnvelope {
    MutationEnvelope {
        mutation_id: Uuid::now_v7(),
        device_seq: SEQ.fetch_add(1, Ordering::Relaxed),
        base_version,
        created_at: t(0),
        mutation,
    }
}

pub fn note(wo: Uuid, text: &str) -> Mutation {
    Mutation::AddNote {
        note_id: Uuid::now_v7(),
        work_order_id: wo,
        author: "ana".into(),
        text: text.into(),
        created_at: t(10),
    }
}

pub fn set_status(wo: Uuid, status: &str) -> Mutation {
    Mutation::SetStatus {
        work_order_id: wo,
        status: status.into(),
        at: t(20),
    }
}

pub fn close(wo: Uuid, remedy: &str) -> Mutation {
    Mutation::CloseWorkOrder {
        work_order_id: wo,
        finished_at: t(3600),
        failure_class: Some("PUMP".into()),
        problem_code: Some("LEAK".into()),
        cause_code: Some("SEALWORN".into()),
        remedy_code: Some(remedy.into()),
        iso_failure_mode: None,
        iso_failure_mechanism: None,
        iso_failure_cause: None,
        remedy_text: Some("seal replaced".into()),
    }
}

/// The version of an `applied` outcome (panics on any other outcome).
pub fn applied(o: &faultline_protocol::Outcome) -> i64 {
    match o {
        faultline_protocol::Outcome::Applied { version } => *version,
        other => panic!("expected applied, got {other:?}"),
    }
}

/// The code of a `rejected` outcome (panics on any other outcome).
pub fn rejected_code(o: &faultline_protocol::Outcome) -> &str {
    match o {
        faultline_protocol::Outcome::Rejected { code, .. } => code,
        other => panic!("expected rejected, got {other:?}"),
    }
}

/// The rejection code of an outcome, or "applied" / "conflict".
pub fn outcome_code(o: &faultline_protocol::Outcome) -> &str {
    match o {
        faultline_protocol::Outcome::Rejected { code, .. } => code,
        faultline_protocol::Outcome::Applied { .. } => "applied",
        faultline_protocol::Outcome::Conflict { .. } => "conflict",
    }
}
