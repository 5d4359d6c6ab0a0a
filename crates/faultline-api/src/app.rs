//! The `App`: the open replica, the manual library, the import runner, the index rebuild and the
//! background sync, shared by every front end (the Tauri window, the CLI, dev-serve). Opening
//! never fails: a store that cannot open answers every command with why.

use crate::convert::{err, ApiResult};
use crate::events::{AppEvent, DataKind, EventSink};
use faultline_core::{Clock, CoreError, ErrorBody, IdSource, Store};
use faultline_manuals::extract::WorkerCommand;
use faultline_manuals::library::Library;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Seconds between syncs while the hub is reachable (`FAULTLINE_SYNC_INTERVAL_SECS` overrides).
pub const DEFAULT_SYNC_INTERVAL_SECS: u64 = 120;

/// How the background sync runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncSettings {
    /// Sync by itself every `interval`; `false`: only on "Sync now".
    pub automatic: bool,
    pub interval: Duration,
    /// The first attempt, after start (off the cold path).
    pub first_delay: Duration,
    /// Who the changes are from (the OS user).
    pub user: String,
}

impl Default for SyncSettings {
    fn default() -> Self {
        SyncSettings {
            automatic: true,
            interval: Duration::from_secs(DEFAULT_SYNC_INTERVAL_SECS),
            first_delay: Duration::from_secs(3),
            user: "technician".into(),
        }
    }
}

impl SyncSettings {
    /// The settings of the app: `FAULTLINE_SYNC_INTERVAL_SECS`, `FAULTLINE_SYNC_AUTO=0` (sync
    /// only on "Sync now", for tests that must see the button work), `USER`.
    pub fn from_env() -> SyncSettings {
        let interval = std::env::var("FAULTLINE_SYNC_INTERVAL_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(DEFAULT_SYNC_INTERVAL_SECS);
        SyncSettings {
            automatic: std::env::var("FAULTLINE_SYNC_AUTO").map_or(true, |v| v != "0"),
            interval: Duration::from_secs(interval.max(5)),
            first_delay: Duration::from_secs(3),
            user: std::env::var("USER").unwrap_or_else(|_| "technician".into()),
        }
    }
}

/// What the front end tells the App when it opens it.
#[derive(Clone)]
pub struct AppOptions {
    /// The version `app_info` reports (the front end's package version).
    pub version: String,
    /// How to start a manual extraction worker (the binary's `extract-worker`).
    pub worker: WorkerCommand,
    pub sync: SyncSettings,
    /// When the process began starting (the zero of the cold-start measurement).
    pub started: Instant,
    /// The store's clock and ids (tests: FixedClock, SequentialIds); `None`: wall clock, UUIDv7.
    pub clock: Option<(Arc<dyn Clock>, Arc<dyn IdSource>)>,
}

impl AppOptions {
    pub fn new(version: impl Into<String>, worker: WorkerCommand) -> AppOptions {
        AppOptions {
            version: version.into(),
            worker,
            sync: SyncSettings::default(),
            started: Instant::now(),
            clock: None,
        }
    }
}

/// What background threads share with the App (never the sync runner itself, so that dropping
/// the App stops the sync thread and no thread ever joins itself).
pub(crate) struct Shared {
    pub(crate) store: Result<Mutex<Store>, ErrorBody>,
    pub(crate) library: Option<Library>,
    pub(crate) sink: Arc<dyn EventSink>,
    /// A manual import runs on a background thread.
    pub(crate) importing: AtomicBool,
    /// Set by "Cancel": the import takes no new manual.
    pub(crate) cancel_import: AtomicBool,
}

impl Shared {
    pub(crate) fn emit(&self, event: AppEvent) {
        self.sink.emit(&event);
    }

    pub(crate) fn changed(&self, what: &[DataKind]) {
        self.emit(AppEvent::data_changed(what));
    }

    pub(crate) fn store_mutex(&self) -> ApiResult<&Mutex<Store>> {
        self.store.as_ref().map_err(Clone::clone)
    }

    /// The store, locked for one command. A panic in an earlier command does not poison it for
    /// good: SQLite rolled back whatever that command had not committed.
    pub(crate) fn store(&self) -> ApiResult<MutexGuard<'_, Store>> {
        Ok(self
            .store_mutex()?
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    pub(crate) fn library(&self) -> ApiResult<&Library> {
        self.library.as_ref().ok_or_else(|| {
            err(CoreError::InvalidState(
                "the manual library could not be opened; see the log".into(),
            ))
        })
    }
}

/// The application: one method per user action (see `COMMANDS` for the list front ends call).
pub struct App {
    pub(crate) shared: Arc<Shared>,
    pub(crate) options: AppOptions,
    pub(crate) data_dir: PathBuf,
    /// The background sync thread, once started.
    pub(crate) sync: Mutex<Option<faultline_sync::AutoSync>>,
    /// The Analytics screen's period read, kept while the replica does not change.
    pub(crate) analytics: crate::analytics_cache::PeriodReads,
    /// The risk rankings, kept while the replica does not change (ranked in the background).
    pub(crate) risk: Arc<crate::risk_cache::RiskCache>,
}

impl App {
    /// Opens the replica and the manual library in `dir`. Starts no background work: call
    /// [`App::start_background`] for that (the window does; the CLI and tests choose).
    pub fn open(dir: &Path, options: AppOptions, sink: Arc<dyn EventSink>) -> App {
        let opened = match &options.clock {
            Some((clock, ids)) => Store::open_with(dir, clock.clone(), ids.clone()),
            None => Store::open(dir),
        };
        let store = opened.map(Mutex::new).map_err(|e| {
            tracing::error!(data_dir = %dir.display(), "cannot open the replica: {e}");
            ErrorBody::from(&e)
        });
        tracing::debug!(target: "faultline::startup", ms = options.started.elapsed().as_millis() as u64, "store opened");
        let library = match &store {
            Ok(_) => Library::open(dir, options.worker.clone())
                .map_err(|e| tracing::error!("cannot open the manual library: {e}"))
                .ok(),
            Err(_) => None,
        };
        tracing::debug!(target: "faultline::startup", ms = options.started.elapsed().as_millis() as u64, "library opened");
        App {
            shared: Arc::new(Shared {
                store,
                library,
                sink,
                importing: AtomicBool::new(false),
                cancel_import: AtomicBool::new(false),
            }),
            options,
            data_dir: dir.to_path_buf(),
            sync: Mutex::new(None),
            analytics: Default::default(),
            risk: Default::default(),
        }
    }

    /// The data directory the App opened.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn options(&self) -> &AppOptions {
        &self.options
    }

    /// The store's mutex (for front-end code that needs the core directly, e.g. the CLI).
    pub fn store_mutex(&self) -> ApiResult<&Mutex<Store>> {
        self.shared.store_mutex()
    }

    /// Runs `f` with the store locked; a core error becomes the command's ErrorBody.
    pub(crate) fn with_store<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, CoreError>,
    ) -> ApiResult<T> {
        let mut guard = self.shared.store()?;
        f(&mut guard).map_err(err)
    }

    /// Like `with_store` for a write: on success, emits `DataChanged { what }`.
    pub(crate) fn write<T>(
        &self,
        what: &[DataKind],
        f: impl FnOnce(&mut Store) -> Result<T, CoreError>,
    ) -> ApiResult<T> {
        let value = self.with_store(f)?;
        self.shared.changed(what);
        Ok(value)
    }
}
