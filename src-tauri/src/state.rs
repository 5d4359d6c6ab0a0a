//! State managed by Tauri for the whole app: where Faultline keeps its data, and the open store.

use faultline_core::{ErrorBody, Store};
use faultline_manuals::extract::WorkerCommand;
use faultline_manuals::library::Library;
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

/// The open replica (or why it could not be opened), shared by every command.
pub struct AppState {
    store: Result<Mutex<Store>, ErrorBody>,
    /// When the app process began starting: the zero of the cold-start measurement.
    pub started: Instant,
    /// The manual library (its search index); `None` when it could not be opened.
    pub library: Option<faultline_manuals::library::Library>,
    /// A manual import runs on a background thread.
    pub importing: AtomicBool,
    /// Set by "Cancel": the import takes no new manual.
    pub cancel_import: AtomicBool,
}

impl AppState {
    pub fn open(dir: &std::path::Path, started: Instant) -> Self {
        let store = Store::open(dir).map(Mutex::new).map_err(|e| {
            tracing::error!(data_dir = %dir.display(), "cannot open the replica: {e}");
            ErrorBody::from(&e)
        });
        let library = WorkerCommand::current_exe()
            .map_err(|e| e.to_string())
            .and_then(|w| Library::open(dir, w).map_err(|e| e.to_string()))
            .map_err(|e| tracing::error!("cannot open the manual library: {e}"))
            .ok();
        AppState {
            store,
            started,
            library,
            importing: AtomicBool::new(false),
            cancel_import: AtomicBool::new(false),
        }
    }

    /// The store's mutex itself, for the manual library (which locks it only briefly).
    pub fn store_mutex(&self) -> Result<&Mutex<Store>, ErrorBody> {
        self.store.as_ref().map_err(Clone::clone)
    }

    /// The store, locked for one command. A panic in an earlier command does not poison it for
    /// good: SQLite rolled back whatever that command had not committed.
    pub fn store(&self) -> Result<MutexGuard<'_, Store>, ErrorBody> {
        match &self.store {
            Ok(m) => Ok(m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())),
            Err(e) => Err(e.clone()),
        }
    }
}

/// Environment variable that names the data directory; it wins over `--data-dir`.
pub const DATA_DIR_ENV: &str = "FAULTLINE_DATA_DIR";

/// Command-line flag that names the data directory (`--data-dir DIR` or `--data-dir=DIR`).
pub const DATA_DIR_FLAG: &str = "--data-dir";

/// The directory that holds the replica, the manual library and the sync queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppDataDir(pub PathBuf);

/// Why the data directory given by the user cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DataDirError {
    #[error("`{DATA_DIR_FLAG}` needs a directory after it")]
    MissingValue,
    #[error("cannot resolve data directory {path:?}: {source}")]
    Resolve {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The data directory the user asked for, if any: `FAULTLINE_DATA_DIR` (when not empty) first,
/// then `--data-dir DIR`. `None` means "use the platform's app-data directory".
/// Arguments other than `--data-dir` are ignored (WebDriver and GTK may add their own).
pub fn requested_data_dir(
    env_value: Option<OsString>,
    args: impl IntoIterator<Item = OsString>,
) -> Result<Option<PathBuf>, DataDirError> {
    if let Some(value) = env_value.filter(|v| !v.is_empty()) {
        return absolute(PathBuf::from(value)).map(Some);
    }
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == DATA_DIR_FLAG {
            let value = args
                .next()
                .filter(|v| !v.is_empty())
                .ok_or(DataDirError::MissingValue)?;
            return absolute(PathBuf::from(value)).map(Some);
        }
        if let Some(value) = arg
            .to_str()
            .and_then(|a| a.strip_prefix(DATA_DIR_FLAG))
            .and_then(|rest| rest.strip_prefix('='))
        {
            if value.is_empty() {
                return Err(DataDirError::MissingValue);
            }
            return absolute(PathBuf::from(value)).map(Some);
        }
    }
    Ok(None)
}

fn absolute(path: PathBuf) -> Result<PathBuf, DataDirError> {
    std::path::absolute(&path).map_err(|source| DataDirError::Resolve { path, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn env_wins_over_flag() -> Result<(), DataDirError> {
        let dir = requested_data_dir(
            Some("/tmp/from-env".into()),
            args(&["--data-dir", "/tmp/from-arg"]),
        )?;
        assert_eq!(dir, Some(PathBuf::from("/tmp/from-env")));
        Ok(())
    }

    #[test]
    fn flag_forms_and_empty_env() -> Result<(), DataDirError> {
        let spaced = requested_data_dir(Some("".into()), args(&["-x", "--data-dir", "/d"]))?;
        assert_eq!(spaced, Some(PathBuf::from("/d")));
        let joined = requested_data_dir(None, args(&["--data-dir=/e"]))?;
        assert_eq!(joined, Some(PathBuf::from("/e")));
        assert_eq!(requested_data_dir(None, args(&["--other"]))?, None);
        Ok(())
    }

    #[test]
    fn relative_dir_becomes_absolute() -> Result<(), DataDirError> {
        let dir = requested_data_dir(None, args(&["--data-dir", "rel/dir"]))?;
        assert!(dir.is_some_and(|d| d.is_absolute() && d.ends_with("rel/dir")));
        Ok(())
    }

    #[test]
    fn missing_value_is_an_error() {
        assert!(matches!(
            requested_data_dir(None, args(&["--data-dir"])),
            Err(DataDirError::MissingValue)
        ));
        assert!(matches!(
            requested_data_dir(None, args(&["--data-dir="])),
            Err(DataDirError::MissingValue)
        ));
    }
}
