//! One open index directory: the tantivy index with our analyzers, a reader reloaded by the
//! writer after each commit, and the writer thread. Opening checks the schema and the files'
//! checksums, and classifies failures as "corrupt" so the caller can rebuild.

use super::analyzers;
use super::error::{IndexError, Result};
use super::schema::{build_schema, Fields};
use super::writer::WriterHandle;
use std::path::Path;
use tantivy::indexer::NoMergePolicy;
use tantivy::{Index, IndexReader, IndexSettings, ReloadPolicy, TantivyError};

/// Writer memory for everyday writes (one manual at a time).
const WRITER_MEMORY: usize = 50_000_000;
/// Writer memory per indexing thread during a rebuild.
const REBUILD_MEMORY_PER_THREAD: usize = 64_000_000;
/// Stored text is compressed (LZ4) in blocks of this many bytes: four times tantivy's default,
/// for a better ratio on page text (the index shrinks by more than the heading fields added);
/// a hit's snippet decompresses one block, tens of microseconds.
const DOC_STORE_BLOCK_BYTES: usize = 65_536;
/// Blocks of stored text kept decompressed by the reader (snippets read stored text): 1 MiB,
/// as 64 blocks of tantivy's default 16 KiB were.
const DOC_STORE_CACHE_BLOCKS: usize = 16;

/// How the writer of a live index is set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WriterMode {
    /// One indexing thread, tantivy's merge policy.
    Everyday,
    /// Up to two indexing threads, no background merges (one merge at the end).
    Rebuild,
    /// No writer (another process holds it); the reader follows that process's commits.
    ReadOnly,
}

pub(crate) struct Live {
    pub reader: IndexReader,
    pub fields: Fields,
    /// `None` when opened read-only.
    writer: Option<WriterHandle>,
}

/// Why an existing directory could not be opened.
pub(crate) enum OpenFailure {
    /// Rebuild: the index is damaged or from an incompatible build.
    Corrupt(String),
    /// Do not touch the directory: another process uses it, or the disk failed.
    Fatal(IndexError),
}

impl Live {
    /// Creates an empty index in `dir` (which must not hold one).
    pub fn create(dir: &Path, mode: WriterMode) -> Result<Live> {
        std::fs::create_dir_all(dir).map_err(|e| IndexError::io(dir, e))?;
        let (schema, fields) = build_schema();
        let settings = IndexSettings {
            docstore_blocksize: DOC_STORE_BLOCK_BYTES,
            ..IndexSettings::default()
        };
        let index = Index::builder()
            .schema(schema)
            .settings(settings)
            .create_in_dir(dir)?;
        Self::start(index, fields, mode)
    }

    /// Opens the index in `dir`; with `verify`, reads every file to check its checksum.
    pub fn open(dir: &Path, verify: bool, mode: WriterMode) -> Result<Live, OpenFailure> {
        let corrupt =
            |what: &str, e: &dyn std::fmt::Display| OpenFailure::Corrupt(format!("{what}: {e}"));
        let index = Index::open_in_dir(dir).map_err(|e| classify(e, "cannot open"))?;
        let (schema, fields) = build_schema();
        if index.schema() != schema {
            return Err(OpenFailure::Corrupt(
                "the fields differ from this build's schema".into(),
            ));
        }
        if verify {
            let damaged = index
                .validate_checksum()
                .map_err(|e| classify(e, "checksum check failed"))?;
            if !damaged.is_empty() {
                let mut names: Vec<String> =
                    damaged.iter().map(|p| p.display().to_string()).collect();
                names.sort();
                return Err(corrupt("damaged files", &names.join(", ")));
            }
        }
        Self::start(index, fields, mode).map_err(|e| match e {
            IndexError::Tantivy(t) => classify(t, "cannot load"),
            other => OpenFailure::Fatal(other),
        })
    }

    fn start(index: Index, fields: Fields, mode: WriterMode) -> Result<Live> {
        analyzers::register(index.tokenizers());
        let reload = if mode == WriterMode::ReadOnly {
            ReloadPolicy::OnCommitWithDelay
        } else {
            // Our own writer reloads the reader after each commit.
            ReloadPolicy::Manual
        };
        let reader = index
            .reader_builder()
            .reload_policy(reload)
            .doc_store_cache_num_blocks(DOC_STORE_CACHE_BLOCKS)
            .try_into()?;
        let writer = match mode {
            WriterMode::ReadOnly => None,
            WriterMode::Everyday => Some(index.writer_with_num_threads(1, WRITER_MEMORY)),
            WriterMode::Rebuild => {
                let threads = std::thread::available_parallelism()
                    .map_or(1, |n| n.get())
                    .clamp(1, 2);
                Some(index.writer_with_num_threads(threads, threads * REBUILD_MEMORY_PER_THREAD))
            }
        };
        let writer = match writer {
            None => None,
            Some(w) => {
                let w = w.map_err(|e| match e {
                    TantivyError::LockFailure(..) => IndexError::Locked,
                    other => IndexError::Tantivy(other),
                })?;
                if mode == WriterMode::Rebuild {
                    w.set_merge_policy(Box::new(NoMergePolicy));
                }
                Some(WriterHandle::spawn(w, reader.clone(), fields.clone())?)
            }
        };
        Ok(Live {
            reader,
            fields,
            writer,
        })
    }

    /// The writer thread, or `ReadOnly`.
    pub fn writer(&self) -> Result<&WriterHandle> {
        self.writer.as_ref().ok_or(IndexError::ReadOnly)
    }

    /// Stops the writer thread (if any) and waits for it, releasing the directory lock.
    pub fn stop_writer(&self) {
        if let Some(w) = &self.writer {
            w.stop();
        }
    }

    pub fn num_pages(&self) -> u64 {
        self.reader.searcher().num_docs()
    }
}

/// Another process's lock is fatal; anything else (missing or truncated files, bad JSON, I/O
/// errors reading them) means the files are unusable and a rebuild in a fresh directory is the
/// way out — if the disk itself is failing, the rebuild reports it.
fn classify(e: TantivyError, what: &str) -> OpenFailure {
    match e {
        TantivyError::LockFailure(..) => OpenFailure::Fatal(IndexError::Locked),
        other => OpenFailure::Corrupt(format!("{what}: {other}")),
    }
}
