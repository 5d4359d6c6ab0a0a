//! Where Faultline keeps its data: `FAULTLINE_DATA_DIR`, then `--data-dir DIR`, else the
//! platform's app-data directory.

use std::ffi::OsString;
use std::path::PathBuf;

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
