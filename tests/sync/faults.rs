//! Plant Wi-Fi fails mid-sync: a fault-injecting proxy drops, delays, truncates and resets the
//! connection during a push and during a pull; the client and the hub are killed with -9 mid-sync.
//! Each time, the next sync converges with nothing lost and nothing doubled.

use anyhow::{Context, Result};
use faultline_tests::proxy::{Fault, FaultProxy};
use faultline_tests::sync_env::{Device, SyncEnv};
use std::time::{Duration, Instant};

/// Syncs through the proxy with `fault` set; returns whether that sync failed.
fn sync_with(d: &Device, proxy: &FaultProxy, fault: Fault) -> Result<bool> {
    proxy.set(fault);
    let out = d.run(&[
        "sync",
        "--hub",
        &proxy.url(),
        "--batch",
        "25",
        "--page",
        "200",
    ])?;
    proxy.set(Fault::Pass);
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(7),
            "a cut connection is 'hub unreachable' (exit 7), not another error:\n{err}"
        );
    }
    Ok(!out.status.success())
}

fn hub_notes_of(env: &SyncEnv, wo: &str) -> Result<i64> {
    env.db.count(&format!(
        "SELECT count(*) FROM notes WHERE work_order_id = '{wo}'"
    ))
}

#[test]
fn pushes_cut_in_every_way_converge_without_loss_or_doubles() -> Result<()> {
    let env = SyncEnv::start()?;
    let proxy = FaultProxy::start(&env.hub.addr)?;
    let a = env.device_at("laptop-a", "PLANT1", &proxy.url())?;
    assert!(
        !sync_with(&a, &proxy, Fault::Pass)?,
        "first sync through a clean proxy"
    );
    let wo = a.log_breakdown("CMP-301", "compressor trips on high temperature")?;
    let mut expected = 0;
    let faults = [
        Fault::Drop,
        Fault::CutUploadAfter(3_000),
        Fault::TruncateAfter(150),
        Fault::ResetAfter(400),
        Fault::Delay(Duration::from_millis(30)),
    ];
    for (i, fault) in faults.into_iter().enumerate() {
        a.add_notes(&wo, 120, &format!("reading {i}"))?;
        expected += 120;
        let failed = sync_with(&a, &proxy, fault)?;
        if !matches!(fault, Fault::Delay(_)) {
            assert!(failed, "{fault:?} must break the sync");
        }
        // The next sync on a good connection converges.
        assert!(
            !sync_with(&a, &proxy, Fault::Pass)?,
            "retry after {fault:?}"
        );
        assert_eq!(a.pending()?, 0, "after {fault:?}");
        assert_eq!(hub_notes_of(&env, &wo)?, expected, "after {fault:?}");
        assert_eq!(
            a.count(&format!(
                "SELECT count(*) FROM notes n JOIN work_orders w ON w.rid = n.work_order_rid
                 WHERE w.id = '{wo}'"
            ))?,
            expected
        );
    }
    assert!(proxy.faults_fired.load(std::sync::atomic::Ordering::SeqCst) >= 4);
    Ok(())
}

#[test]
fn pulls_cut_in_every_way_converge_to_the_hub() -> Result<()> {
    let env = SyncEnv::start()?;
    let proxy = FaultProxy::start(&env.hub.addr)?;
    let hub_wos = env.db.count("SELECT count(*) FROM work_orders")?;
    for (i, fault) in [
        Fault::TruncateAfter(60_000),
        Fault::ResetAfter(90_000),
        Fault::Drop,
    ]
    .into_iter()
    .enumerate()
    {
        let d = env.device_at(&format!("fresh-{i}"), "PLANT1", &proxy.url())?;
        assert!(
            sync_with(&d, &proxy, fault)?,
            "{fault:?} must break the pull"
        );
        // Whatever pages arrived are kept with their cursor; the rest comes next time.
        assert!(!sync_with(&d, &proxy, Fault::Pass)?);
        assert_eq!(
            d.count("SELECT count(*) FROM work_orders")?,
            hub_wos,
            "{fault:?}"
        );
        assert_eq!(d.count("SELECT count(*) FROM sync_orphans")?, 0);
    }
    Ok(())
}

/// Starts `faultline sync` in the background on a slow batch size.
fn spawn_sync(d: &Device, url: &str) -> Result<std::process::Child> {
    Ok(std::process::Command::new(faultline_tests::cli_binary()?)
        .arg("--data-dir")
        .arg(d.path())
        .args(["sync", "--hub", url, "--batch", "10"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?)
}

/// Waits until the hub has at least `n` notes on `wo` (the sync is under way).
fn wait_for_hub_notes(env: &SyncEnv, wo: &str, n: i64) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while hub_notes_of(env, wo)? < n {
        anyhow::ensure!(Instant::now() < deadline, "the sync never got going");
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}

#[test]
fn a_client_killed_mid_sync_converges_at_the_next_sync() -> Result<()> {
    let env = SyncEnv::start()?;
    let a = env.device("laptop-a")?;
    a.sync_via(&env.hub.url())?;
    let wo = a.log_breakdown("RBT-210", "gripper drops parts")?;
    a.add_notes(&wo, 1_500, "cycle")?;
    let mut child = spawn_sync(&a, &env.hub.url())?;
    wait_for_hub_notes(&env, &wo, 50)?;
    child.kill().context("kill -9 the client")?;
    child.wait()?;
    let sent_before = hub_notes_of(&env, &wo)?;
    assert!(sent_before < 1_500, "killed before the end ({sent_before})");
    a.sync_via(&env.hub.url())?;
    assert_eq!(hub_notes_of(&env, &wo)?, 1_500);
    assert_eq!(a.pending()?, 0);
    Ok(())
}

#[test]
fn a_hub_killed_mid_sync_converges_after_its_restart() -> Result<()> {
    let mut env = SyncEnv::start()?;
    let a = env.device("laptop-a")?;
    a.sync_via(&env.hub.url())?;
    let wo = a.log_breakdown("CNC-103", "spindle alarm 1021")?;
    a.add_notes(&wo, 1_500, "probe")?;
    let mut child = spawn_sync(&a, &env.hub.url())?;
    wait_for_hub_notes(&env, &wo, 50)?;
    env.hub.kill();
    let status = child.wait()?;
    assert!(!status.success(), "the sync fails when its hub dies");
    env.hub.restart()?;
    a.sync_via(&env.hub.url())?;
    assert_eq!(hub_notes_of(&env, &wo)?, 1_500);
    assert_eq!(a.pending()?, 0);
    // A second laptop pulls exactly what the hub holds.
    let b = env.device("laptop-b")?;
    b.sync_via(&env.hub.url())?;
    assert_eq!(
        b.count(&format!(
            "SELECT count(*) FROM notes n JOIN work_orders w ON w.rid = n.work_order_rid
             WHERE w.id = '{wo}'"
        ))?,
        1_500
    );
    Ok(())
}
