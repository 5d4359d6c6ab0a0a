//! The hub's doors: a laptop of site A can neither read nor write site B; a revoked token is
//! refused; an expired cursor makes the laptop replicate its site again; oversized and malformed
//! requests get clear 4xx answers with an error body.

use anyhow::{Context, Result};
use faultline_tests::hub::hub_admin;
use faultline_tests::sync_env::{SyncEnv, SITE};

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::new()
}

fn error_code(resp: reqwest::blocking::Response) -> Result<(u16, String)> {
    let status = resp.status().as_u16();
    let body: serde_json::Value = resp.json().context("error responses carry a JSON body")?;
    Ok((status, body["code"].as_str().unwrap_or("").to_string()))
}

#[test]
fn a_laptop_of_another_site_can_neither_read_nor_write_this_one() -> Result<()> {
    let env = SyncEnv::start()?;
    let other = env.device_at("laptop-north", "NORTH", &env.hub.url())?;
    let url = env.hub.url();
    let read = client()
        .get(format!("{url}/v1/sites/{SITE}/changes"))
        .header("faultline-protocol", "1")
        .bearer_auth(&other.token)
        .send()?;
    assert_eq!(error_code(read)?, (403, "forbidden".into()));
    let write = client()
        .post(format!("{url}/v1/sites/{SITE}/push"))
        .header("faultline-protocol", "1")
        .bearer_auth(&other.token)
        .json(&serde_json::json!({"user": "x", "mutations": []}))
        .send()?;
    assert_eq!(error_code(write)?, (403, "forbidden".into()));
    // Its own site's feed holds nothing of PLANT1.
    let r = other.sync_via(&url)?;
    assert_eq!(r["pending_left"], 0);
    assert_eq!(other.count("SELECT count(*) FROM work_orders")?, 0);
    assert_eq!(other.count("SELECT count(*) FROM assets")?, 0);
    assert_eq!(other.count("SELECT count(*) FROM procedures")?, 0);
    Ok(())
}

#[test]
fn a_revoked_token_is_refused_and_the_laptop_keeps_its_changes() -> Result<()> {
    let env = SyncEnv::start()?;
    let a = env.device("laptop-a")?;
    a.sync_via(&env.hub.url())?;
    let wo = a.log_breakdown("PMP-301", "no flow")?;
    let devices = hub_admin(&env.db, &["device", "list", "--json"])?;
    let list: serde_json::Value = serde_json::from_str(devices.trim())?;
    let id = list
        .as_array()
        .and_then(|l| l.iter().find(|d| d["name"] == "laptop-a"))
        .and_then(|d| d["device_id"].as_str().or(d["id"].as_str()))
        .with_context(|| format!("laptop-a in `device list`: {devices}"))?;
    hub_admin(&env.db, &["device", "revoke", id])?;
    let out = a.run(&["sync"])?;
    assert_eq!(out.status.code(), Some(8), "hub refused");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unauthorized"), "{err}");
    assert!(a.pending()? >= 1, "the change stays queued");
    assert!(a.ok(&["show", &wo]).is_ok());
    Ok(())
}

#[test]
fn an_expired_cursor_replicates_the_site_again() -> Result<()> {
    let env = SyncEnv::start()?;
    let a = env.device("laptop-a")?;
    a.sync_via(&env.hub.url())?;
    // A planner deletes a work order; its tombstone is compacted away before the laptop syncs.
    let gone = env.db.query(&format!(
        "SELECT id FROM work_orders WHERE site = '{SITE}' ORDER BY reported_at LIMIT 1"
    ))?;
    hub_admin(&env.db, &["purge", "--site", SITE, "--work-order", &gone])?;
    hub_admin(&env.db, &["compact", "--site", SITE, "--older-than", "0"])?;
    let hub_wos = env.db.count("SELECT count(*) FROM work_orders")?;
    let r = a.sync_via(&env.hub.url())?;
    assert_eq!(r["resynced"], true, "{r}");
    assert_eq!(a.count("SELECT count(*) FROM work_orders")?, hub_wos);
    assert_eq!(
        a.count(&format!(
            "SELECT count(*) FROM work_orders WHERE id = '{gone}'"
        ))?,
        0,
        "the deletion the laptop never saw is applied by the resync"
    );
    Ok(())
}

#[test]
fn oversized_and_malformed_requests_get_clear_errors() -> Result<()> {
    let env = SyncEnv::start()?;
    let a = env.device("laptop-a")?;
    let url = format!("{}/v1/sites/{SITE}/push", env.hub.url());
    let malformed = client()
        .post(&url)
        .header("faultline-protocol", "1")
        .header("content-type", "application/json")
        .bearer_auth(&a.token)
        .body("{\"user\": ")
        .send()?;
    assert_eq!(error_code(malformed)?, (400, "malformed_request".into()));
    let huge = format!(
        "{{\"user\":\"x\",\"mutations\":[],\"pad\":\"{}\"}}",
        "x".repeat(40 * 1024 * 1024)
    );
    let oversized = client()
        .post(&url)
        .header("faultline-protocol", "1")
        .header("content-type", "application/json")
        .bearer_auth(&a.token)
        .body(huge)
        .send();
    match oversized {
        Ok(resp) => assert_eq!(error_code(resp)?, (413, "too_large".into())),
        // The hub may close the connection once the body passes its limit.
        Err(e) => assert!(e.is_request() || e.is_body(), "{e}"),
    }
    let no_version = client()
        .get(format!("{}/v1/whoami", env.hub.url()))
        .bearer_auth(&a.token)
        .send()?;
    assert_eq!(
        error_code(no_version)?,
        (400, "unsupported_protocol".into())
    );
    let no_token = client()
        .get(format!("{}/v1/whoami", env.hub.url()))
        .header("faultline-protocol", "1")
        .send()?;
    assert_eq!(error_code(no_token)?, (401, "unauthorized".into()));
    Ok(())
}
