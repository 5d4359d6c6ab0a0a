//! The limits one extraction runs under, and how the app passes them (and the password) to a
//! worker: environment variables, never arguments, so that a password does not show in the
//! process list.

use std::time::Duration;

/// The PDF's password, when the user gave one.
pub const PASSWORD_ENV: &str = "FAULTLINE_PDF_PASSWORD";
/// Bytes of memory the extraction may use on top of what the worker uses when it starts.
pub const MEMORY_ENV: &str = "FAULTLINE_EXTRACT_MEMORY_BYTES";
/// The wall-clock limit in seconds (the worker limits its CPU time to a little more, in case
/// the app that started it is gone and cannot kill it).
pub const TIME_ENV: &str = "FAULTLINE_EXTRACT_TIME_SECS";

/// Time and memory one PDF's extraction may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock time; the worker is killed when it is over.
    pub time: Duration,
    /// Memory (address space) the extraction may take on top of the worker's own.
    pub memory_bytes: u64,
}

impl Default for Limits {
    /// 60 s and 1 GiB.
    fn default() -> Self {
        Limits {
            time: Duration::from_secs(60),
            memory_bytes: 1 << 30,
        }
    }
}

impl Limits {
    /// The limits a worker was started with (the defaults for what is not set).
    pub(crate) fn from_env() -> Limits {
        let default = Limits::default();
        let number = |name: &str| std::env::var(name).ok().and_then(|v| v.trim().parse().ok());
        Limits {
            time: number(TIME_ENV).map_or(default.time, Duration::from_secs),
            memory_bytes: number(MEMORY_ENV).unwrap_or(default.memory_bytes),
        }
    }

    /// The largest file accepted: the file itself and the parsed document must both fit.
    pub(crate) fn max_file_bytes(&self) -> u64 {
        self.memory_bytes / 2
    }
}
