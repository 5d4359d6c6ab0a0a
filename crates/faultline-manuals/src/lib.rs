//! The OEM manual library: text extraction from PDF manuals (in a guarded worker process, since
//! the PDF parser may panic, hang or exhaust memory on odd files) and the tantivy index of their
//! pages, searched the way technicians type. SQLite (faultline-core) stays the source of truth for
//! page text; the index is derived data and can always be rebuilt from it.

pub mod extract;
pub mod index;
pub mod library;
