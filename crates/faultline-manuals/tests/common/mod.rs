//! What the extraction tests share: where the corpus is, the worker binary, the limits.

#![allow(dead_code)]

pub mod library;
pub mod pdf;

use faultline_manuals::extract::{Limits, WorkerCommand};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The project root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `../shared/corpus` from the project root, or `FAULTLINE_CORPUS`. Absent only on machines
/// without the corpus; in CI it is always there, so its absence fails the test.
pub fn corpus() -> Option<PathBuf> {
    let p = std::env::var_os("FAULTLINE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/corpus"));
    if p.join("manuals").is_dir() && p.join("pdf-torture/pdfjs").is_dir() {
        return Some(p);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the corpus is missing at {} in CI",
        p.display()
    );
    eprintln!(
        "SKIPPED: no corpus at {} (set FAULTLINE_CORPUS)",
        p.display()
    );
    None
}

/// The PDFs of a corpus folder, sorted.
pub fn pdfs(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    files.sort();
    Ok(files)
}

/// The crate's own worker binary (`src/bin/faultline-extract-worker.rs`).
pub fn worker() -> WorkerCommand {
    WorkerCommand {
        exe: PathBuf::from(env!("CARGO_BIN_EXE_faultline-extract-worker")),
        args_before: Vec::new(),
    }
}

/// The limits in tests: the suite runs unoptimized builds on two shared cores.
pub fn limits() -> Limits {
    Limits {
        time: Duration::from_secs(20),
        ..Limits::default()
    }
}

/// How many workers the corpus tests run at once.
pub const PARALLELISM: usize = 2;
