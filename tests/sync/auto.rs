//! Sync starts by itself: a laptop's background sync keeps trying (backoff with jitter) while the
//! hub is down, and sends the waiting change within moments of the hub coming back — nobody
//! presses anything.

use anyhow::Result;
use faultline_core::Store;
use faultline_sync::{AutoSync, AutoSyncEvent, SyncOptions};
use faultline_tests::sync_env::SyncEnv;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[test]
fn the_background_sync_sends_a_waiting_change_once_the_hub_is_back() -> Result<()> {
    let mut env = SyncEnv::start()?;
    let a = env.device("laptop-a")?;
    a.sync_via(&env.hub.url())?;
    env.hub.kill();
    let wo = a.log_breakdown("CMP-302", "air dryer alarm")?;
    assert!(a.pending()? >= 1);

    let store = Arc::new(Mutex::new(Store::open(a.path())?));
    let (failures, successes) = (Arc::new(AtomicU32::new(0)), Arc::new(AtomicU32::new(0)));
    let (f, s, st) = (failures.clone(), successes.clone(), store.clone());
    let auto = AutoSync::spawn(
        Box::new(move |run| run(&st)),
        SyncOptions::default(),
        Some(Duration::from_secs(3600)),
        Duration::from_millis(100),
        move |ev| match ev {
            AutoSyncEvent::Failed { retry_in, .. } => {
                assert!(retry_in.is_some_and(|d| d <= Duration::from_secs(300)));
                f.fetch_add(1, Ordering::SeqCst);
            }
            AutoSyncEvent::Finished(_) => {
                s.fetch_add(1, Ordering::SeqCst);
            }
            AutoSyncEvent::Progress(_) => {}
        },
    )?;
    // While the hub is down, attempts fail and are retried by themselves.
    let deadline = Instant::now() + Duration::from_secs(30);
    while failures.load(Ordering::SeqCst) < 2 {
        anyhow::ensure!(
            Instant::now() < deadline,
            "no retries while the hub was down"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(successes.load(Ordering::SeqCst), 0);
    env.hub.restart()?;
    let back = Instant::now();
    let deadline = back + Duration::from_secs(30);
    while successes.load(Ordering::SeqCst) == 0 {
        anyhow::ensure!(
            Instant::now() < deadline,
            "the background sync did not start by itself after the hub came back"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(auto);
    let status = store
        .lock()
        .map_err(|_| anyhow::anyhow!("store poisoned"))?
        .sync_status()?;
    assert_eq!(status.pending, 0);
    assert!(status.last_error.is_none());
    assert_eq!(
        env.db.count(&format!(
            "SELECT count(*) FROM work_orders WHERE id = '{wo}'"
        ))?,
        1
    );
    eprintln!(
        "synced {:.1} s after the hub came back, after {} failed tries",
        back.elapsed().as_secs_f64(),
        failures.load(Ordering::SeqCst)
    );
    Ok(())
}
