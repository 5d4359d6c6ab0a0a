//! A manual library in a temporary data directory, opened the way the CLI opens it.

use faultline_core::domain::{Manual, ManualState};
use faultline_core::Store;
use faultline_manuals::extract::{Limits, WorkerCommand};
use faultline_manuals::library::{ImportProgress, Library};
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;

pub type Error = Box<dyn std::error::Error>;

/// Opens the store and the library in `dir`: recovers, and builds the index when it needs it.
pub fn open(
    dir: &Path,
    worker: WorkerCommand,
    limits: Limits,
) -> Result<(Mutex<Store>, Library), Error> {
    let store = Mutex::new(Store::open(dir)?);
    let library = Library::open(dir, worker)?.with_limits(limits);
    library.recover(&store)?;
    if library.needs_rebuild() {
        library.rebuild(&store, |_| {}, &AtomicBool::new(false))?;
    }
    Ok((store, library))
}

/// Runs the queue without passwords, progress or cancel.
pub fn run_queue(library: &Library, store: &Mutex<Store>) -> Result<ImportProgress, Error> {
    Ok(library.process_queue(store, &HashMap::new(), &|_| {}, &AtomicBool::new(false))?)
}

/// The manual, as stored now.
pub fn manual(store: &Mutex<Store>, id: uuid::Uuid) -> Result<Manual, Error> {
    let s = store.lock().map_err(|_| "store lock poisoned")?;
    Ok(s.manual(id)?)
}

/// How many manuals are in `state`.
pub fn count(store: &Mutex<Store>, state: ManualState) -> Result<usize, Error> {
    let s = store.lock().map_err(|_| "store lock poisoned")?;
    Ok(s.manuals()?.iter().filter(|m| m.state == state).count())
}
