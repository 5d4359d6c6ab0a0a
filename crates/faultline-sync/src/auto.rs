//! Sync by itself: a background thread that syncs every `interval`, and sooner on "Sync now".
//! While the hub is unreachable it probes with exponential backoff and jitter, so the sync starts
//! on its own within moments of the laptop reaching plant Wi-Fi.

use crate::backoff::Backoff;
use crate::engine::{sync_once, SyncOptions, SyncReport};
use faultline_core::domain::SyncProgress;
use faultline_core::Store;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::Duration;

/// What the background sync tells the app.
#[derive(Debug, Clone)]
pub enum AutoSyncEvent {
    Progress(SyncProgress),
    Finished(SyncReport),
    /// The attempt failed; `retry_in` is when the next one starts by itself.
    /// `None`: the next attempt starts only on "Sync now".
    Failed {
        error: String,
        retry_in: Option<Duration>,
    },
}

enum Command {
    SyncNow,
    Stop,
}

/// Runs `f` with the store's mutex, if the store is open.
pub type WithStore = Box<dyn Fn(&mut dyn FnMut(&Mutex<Store>)) + Send>;

pub struct AutoSync {
    tx: Sender<Command>,
    handle: Option<JoinHandle<()>>,
}

impl AutoSync {
    /// Starts the thread; the first attempt runs after `first_delay`. With `interval` `None`,
    /// it syncs only on [`AutoSync::sync_now`] (no timer, no retries by itself).
    pub fn spawn(
        with_store: WithStore,
        opts: SyncOptions,
        interval: Option<Duration>,
        first_delay: Duration,
        on_event: impl Fn(AutoSyncEvent) + Send + 'static,
    ) -> std::io::Result<Self> {
        let (tx, rx) = mpsc::channel();
        let handle = std::thread::Builder::new()
            .name("faultline-sync".into())
            .spawn(move || {
                let mut backoff = Backoff::new(Duration::from_secs(2), Duration::from_secs(300));
                let mut wait = interval.map(|_| first_delay);
                loop {
                    let next = match wait {
                        Some(w) => rx.recv_timeout(w),
                        None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
                    };
                    match next {
                        Ok(Command::Stop) | Err(RecvTimeoutError::Disconnected) => break,
                        Ok(Command::SyncNow) | Err(RecvTimeoutError::Timeout) => {}
                    }
                    let mut outcome = None;
                    with_store(&mut |store| {
                        let enrolled = store
                            .lock()
                            .ok()
                            .and_then(|s| s.enrollment().ok().flatten())
                            .is_some();
                        if enrolled {
                            let progress =
                                |p: &SyncProgress| on_event(AutoSyncEvent::Progress(p.clone()));
                            outcome = Some(sync_once(store, &opts, &progress));
                        }
                    });
                    wait = match outcome {
                        None => interval,
                        Some(Ok(report)) => {
                            backoff.succeed();
                            on_event(AutoSyncEvent::Finished(report));
                            interval
                        }
                        Some(Err(e)) => {
                            let retry_in = match interval {
                                Some(_) if e.is_retryable() => Some(backoff.fail()),
                                other => other,
                            };
                            tracing::info!("sync failed, next try in {retry_in:?}: {e}");
                            on_event(AutoSyncEvent::Failed {
                                error: e.to_string(),
                                retry_in,
                            });
                            retry_in
                        }
                    };
                }
            })?;
        Ok(AutoSync {
            tx,
            handle: Some(handle),
        })
    }

    /// Starts a sync now (or right after the one running).
    pub fn sync_now(&self) {
        let _ = self.tx.send(Command::SyncNow);
    }
}

impl Drop for AutoSync {
    fn drop(&mut self) {
        let _ = self.tx.send(Command::Stop);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
