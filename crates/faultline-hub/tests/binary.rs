//! The real `faultline-hub` binary: admin commands, `serve` announcing its address, TLS, and
//! several processes migrating one database at once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use faultline_hub::PgStore;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

const BIN: &str = env!("CARGO_BIN_EXE_faultline-hub");

async fn run(db: &TestDb, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .arg("--database-url")
        .arg(&db.url)
        .args(args)
        .output()
        .await
        .expect("run faultline-hub");
    assert!(
        out.status.success(),
        "faultline-hub {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Starts `serve` and returns the child and the address it printed.
async fn serve(db: &TestDb, extra: &[&str]) -> (Child, String) {
    let mut child = Command::new(BIN)
        .arg("--database-url")
        .arg(&db.url)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn faultline-hub serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("serve printed its address in time")
        .expect("read stdout")
        .expect("a line");
    let addr = line
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    (child, addr)
}

async fn http_get(addr: &str, path: &str, headers: &str) -> String {
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n{headers}\r\n")
            .as_bytes(),
    )
    .await
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_enrolls_a_device_and_serves_it() {
    let db = TestDb::new().await;
    let out = run(&db, &["site", "add", "PLANT1", "Riverside Components"]).await;
    assert!(out.contains("PLANT1"), "{out}");
    let out = run(
        &db,
        &[
            "device", "enroll", "--site", "PLANT1", "--name", "lap-7", "--json",
        ],
    )
    .await;
    let e: serde_json::Value = serde_json::from_str(out.trim()).expect("enroll --json");
    let token = e["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("flt_"));
    assert_eq!(e["site_code"], "PLANT1");
    let out = run(&db, &["device", "list", "--json"]).await;
    assert!(
        out.contains("lap-7") && !out.contains(&token),
        "the token is never shown again: {out}"
    );
    let out = run(
        &db,
        &[
            "load",
            "--site",
            "PLANT1",
            "--mapping",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/demo/assets.toml"),
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/demo/assets.csv"),
            "--json",
        ],
    )
    .await;
    assert!(out.contains("\"inserted\":41"), "{out}");

    let (mut child, addr) = serve(&db, &[]).await;
    let caps = http_get(&addr, "/v1/capabilities", "").await;
    assert!(caps.starts_with("HTTP/1.1 200"), "{caps}");
    assert!(caps.contains("\"protocol_versions\":[1]"), "{caps}");
    let who = http_get(
        &addr,
        "/v1/whoami",
        &format!("faultline-protocol: 1\r\nauthorization: Bearer {token}\r\n"),
    )
    .await;
    assert!(who.contains("\"device_name\":\"lap-7\""), "{who}");
    let id = e["device_id"].as_str().unwrap().to_string();
    run(&db, &["device", "revoke", &id]).await;
    let who = http_get(
        &addr,
        "/v1/whoami",
        &format!("faultline-protocol: 1\r\nauthorization: Bearer {token}\r\n"),
    )
    .await;
    assert!(who.starts_with("HTTP/1.1 401"), "{who}");
    child.kill().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_serves_https_with_the_given_certificate() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
        ])
        .args(["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await
        .expect("this test needs the openssl command to make a certificate");
    assert!(status.success(), "openssl req failed");
    let (mut child, addr) = serve(
        &db,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    )
    .await;
    let out = Command::new("curl")
        .args(["-sS", "--cacert"])
        .arg(&cert)
        .arg(format!("https://{addr}/v1/capabilities"))
        .output()
        .await
        .expect("this test needs the curl command as its HTTPS client");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("\"protocol_versions\":[1]"),
        "{} {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // Plain HTTP on the TLS port gets nothing useful.
    let plain = tokio::time::timeout(
        Duration::from_secs(5),
        http_get(&addr, "/v1/capabilities", ""),
    )
    .await
    .unwrap_or_default();
    assert!(!plain.contains("protocol_versions"));
    child.kill().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_hubs_starting_at_once_migrate_the_database_once() {
    let db = TestDb::new().await;
    let opens = (0..4).map(|_| {
        let url = db.url.clone();
        tokio::spawn(async move { PgStore::open(&url, 2).await.map(|_| ()) })
    });
    for o in opens {
        o.await.unwrap().expect("migrate");
    }
    let client = db.client().await;
    let n: i64 = client
        .query_one("SELECT count(*) FROM schema_migrations", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n as usize, faultline_hub::pg::MIGRATIONS.len());
}
