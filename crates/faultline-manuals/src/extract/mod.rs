//! PDF text extraction, page by page, in a worker process with time and memory limits.
//!
//! - [`extract_pages`]: in-process extraction of one PDF. lopdf 0.47 opens and decrypts it;
//!   `plan`, `textops`, `resources` and `fonts` prepare it for pdf-extract (text operators
//!   only, document-wide font names, pages read in batches); `convert` hands it to
//!   pdf-extract's lopdf 0.42; `glyphs` collects positioned glyphs; `layout` rebuilds lines and
//!   words; `clean` tidies the text.
//! - [`run_worker`]: what the hidden `extract-worker PDF` subcommand runs: limits itself,
//!   extracts, prints the [`Outcome`] as JSON.
//! - [`extract_in_worker`] and [`extract_many`]: the app's side, starting workers, enforcing
//!   the wall-clock limit and classifying how a worker ended.
//! - [`quality`]: word-level comparison with another extraction (pdftotext), for tests and
//!   the benchmark.

mod annots;
mod cid_fonts;
mod clean;
mod cmap;
mod content;
mod convert;
mod fonts;
mod forms;
mod glyphs;
mod layout;
mod limits;
mod load;
mod many;
mod outcome;
mod pagebox;
mod pages;
mod plan;
mod prune;
pub mod quality;
mod resources;
mod simple_fonts;
mod supervise;
mod textops;
mod type1;
mod worker;

pub use clean::clean_page;
pub use limits::{Limits, MEMORY_ENV, PASSWORD_ENV, TIME_ENV};
pub use many::{default_parallelism, extract_many, ExtractJob, Progress};
pub use outcome::{Extracted, FailureKind, Outcome};
pub use pages::extract_pages;
pub(crate) use supervise::supervise;
pub use supervise::{extract_in_worker, WorkerCommand, WorkerError};
pub use worker::{run_worker, EXIT_OK, EXIT_OUTPUT, EXIT_USAGE};
