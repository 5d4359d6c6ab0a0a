//! `ManualIndex`, the handle the app and the CLI hold: opens the index directory of this schema
//! version (or reports that it needs a rebuild), searches, and queues writes to the writer
//! thread. It is cheap to clone and can be shared between threads.

use super::directory;
use super::error::{IndexError, Result};
use super::live::{Live, OpenFailure, WriterMode};
use super::search;
use super::types::{
    IndexStatus, PageDoc, RebuildReason, SearchHit, SearchQuery, SearchResults, WriteOutcome,
};
use super::weights::RankWeights;
use super::writer::Job;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use uuid::Uuid;

pub(crate) enum State {
    Ready(Arc<Live>),
    NeedsRebuild(RebuildReason),
    Rebuilding {
        /// The index answering searches meanwhile: the previous one, or else the partial new one.
        serving: Option<Arc<Live>>,
        /// The new index, which also receives the writes made during the rebuild.
        building: Arc<Live>,
        /// What to go back to if the rebuild is cancelled or fails without a previous index.
        reason: Option<RebuildReason>,
    },
}

pub(crate) struct Inner {
    pub root: PathBuf,
    pub state: RwLock<State>,
    /// Opened with [`ManualIndex::open_read_only`]: no writes, no rebuilds.
    pub read_only: bool,
    /// The exclusive lock on `<root>/writer.lock` a writing handle holds for its lifetime, so
    /// that a second process cannot clean up (or rebuild into) this one's directories.
    _root_lock: Option<std::fs::File>,
}

/// The page index of the manual library. See the module documentation for its life cycle.
#[derive(Clone)]
pub struct ManualIndex {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for ManualIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManualIndex")
            .field("root", &self.inner.root)
            .field("status", &self.status())
            .finish()
    }
}

/// Runs a search, turning an error or a panic (tantivy may panic on damaged files) into why.
fn search_guarded(
    live: &Live,
    query: &SearchQuery,
    weights: &RankWeights,
) -> std::result::Result<Vec<SearchHit>, String> {
    match std::panic::catch_unwind(AssertUnwindSafe(|| search::run(live, query, weights))) {
        Ok(Ok(hits)) => Ok(hits),
        Ok(Err(e)) => Err(e.to_string()),
        Err(panic) => Err(format!(
            "reading the index panicked: {}",
            panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default()
        )),
    }
}

impl ManualIndex {
    /// Opens the index under `root` (e.g. `<data dir>/index`), reading every file to verify its
    /// checksum. A missing, outdated or damaged index is not an error: [`ManualIndex::status`]
    /// then says [`IndexStatus::NeedsRebuild`], searches answer `rebuilding: true`, and the
    /// caller runs [`ManualIndex::rebuild`] from the store. Errors are for what a rebuild cannot
    /// fix: the directory cannot be created, or another process holds the index.
    pub fn open(root: impl AsRef<Path>) -> Result<ManualIndex> {
        let root = root.as_ref().to_path_buf();
        std::fs::create_dir_all(&root).map_err(|e| IndexError::io(&root, e))?;
        let lock = directory::lock_root(&root)?;
        directory::remove_leftovers(&root)?;
        let state = Self::initial_state(&root, WriterMode::Everyday)?;
        Ok(Self::with_state(root, state, Some(lock)))
    }

    /// Opens the index for searching only, without taking the writer lock — for a second
    /// process (the CLI while the app runs; [`ManualIndex::open`] then fails with
    /// [`IndexError::Locked`]). It neither verifies checksums nor touches the directory; writes
    /// and rebuilds fail with [`IndexError::ReadOnly`], and it follows the other process's
    /// commits.
    pub fn open_read_only(root: impl AsRef<Path>) -> Result<ManualIndex> {
        let root = root.as_ref().to_path_buf();
        let state = Self::initial_state(&root, WriterMode::ReadOnly)?;
        Ok(Self::with_state(root, state, None))
    }

    /// A writing handle when given the root lock, else a read-only one.
    fn with_state(root: PathBuf, state: State, lock: Option<std::fs::File>) -> ManualIndex {
        ManualIndex {
            inner: Arc::new(Inner {
                root,
                state: RwLock::new(state),
                read_only: lock.is_none(),
                _root_lock: lock,
            }),
        }
    }

    fn initial_state(root: &Path, mode: WriterMode) -> Result<State> {
        let current = directory::current_dir(root);
        if !current.exists() {
            let found = directory::other_versions(root)?;
            return Ok(State::NeedsRebuild(if found.is_empty() {
                RebuildReason::Missing
            } else {
                RebuildReason::SchemaChanged { found }
            }));
        }
        let verify = mode != WriterMode::ReadOnly;
        Ok(match Live::open(&current, verify, mode) {
            Ok(live) => State::Ready(Arc::new(live)),
            Err(OpenFailure::Corrupt(why)) => {
                tracing::warn!("index at {} needs a rebuild: {why}", current.display());
                State::NeedsRebuild(RebuildReason::Corrupt(why))
            }
            Err(OpenFailure::Fatal(e)) => return Err(e),
        })
    }

    /// Opened with [`ManualIndex::open_read_only`]: another process writes (and imports).
    pub fn is_read_only(&self) -> bool {
        self.inner.read_only
    }

    pub fn root(&self) -> &Path {
        &self.inner.root
    }

    pub(crate) fn read_state(&self) -> RwLockReadGuard<'_, State> {
        self.inner
            .state
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn write_state(&self) -> RwLockWriteGuard<'_, State> {
        self.inner
            .state
            .write()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub fn status(&self) -> IndexStatus {
        match &*self.read_state() {
            State::Ready(_) => IndexStatus::Ready,
            State::NeedsRebuild(r) => IndexStatus::NeedsRebuild(r.clone()),
            State::Rebuilding { .. } => IndexStatus::Rebuilding,
        }
    }

    /// Pages in the index that answers searches now.
    pub fn num_pages(&self) -> u64 {
        self.serving().0.map_or(0, |l| l.num_pages())
    }

    /// Segments of the index that answers searches now (tantivy merges them in the background;
    /// many small segments make searches slower).
    pub fn num_segments(&self) -> usize {
        self.serving()
            .0
            .map_or(0, |l| l.reader.searcher().segment_readers().len())
    }

    /// The index answering searches, and whether a rebuild is pending or running.
    fn serving(&self) -> (Option<Arc<Live>>, bool) {
        match &*self.read_state() {
            State::Ready(l) => (Some(l.clone()), false),
            State::NeedsRebuild(_) => (None, true),
            State::Rebuilding {
                serving, building, ..
            } => (
                Some(serving.clone().unwrap_or_else(|| building.clone())),
                true,
            ),
        }
    }

    /// Searches the pages. Never fails because of what was typed. While the index is missing
    /// or being rebuilt the answer says `rebuilding: true` and holds what can be found so far.
    ///
    /// An index that opened fine can still be found damaged by a search (a file changed on disk
    /// since): any failure (or panic) reading a ready index is taken as that; the index then
    /// needs a rebuild ([`IndexStatus::NeedsRebuild`] with `Corrupt`), and this and the next
    /// searches answer `rebuilding: true`, as for a corrupt index found at open.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchResults> {
        self.search_with_weights(query, RankWeights::shipped())
    }

    /// [`ManualIndex::search`] with other ranking weights than the shipped ones: what the
    /// relevance bench trains them with (`faultline-bench relevance --tune`).
    pub fn search_with_weights(
        &self,
        query: &SearchQuery,
        weights: &RankWeights,
    ) -> Result<SearchResults> {
        let (live, rebuilding) = self.serving();
        let hits = match live {
            None => Vec::new(),
            Some(live) => match search_guarded(&live, query, weights) {
                Ok(hits) => hits,
                Err(why) if rebuilding => {
                    tracing::warn!("search during a rebuild: {why}");
                    Vec::new()
                }
                Err(why) => {
                    self.found_damaged(&live, why);
                    return Ok(SearchResults {
                        hits: Vec::new(),
                        rebuilding: true,
                    });
                }
            },
        };
        Ok(SearchResults { hits, rebuilding })
    }

    /// Why the best pages of `query` rank where they do with `weights`: per page its file name,
    /// page, final score and tantivy's explanation of the union's score (JSON). A tuning aid
    /// (`faultline-bench relevance --explain`); empty while no index is ready.
    #[doc(hidden)]
    pub fn explain_with_weights(
        &self,
        query: &SearchQuery,
        weights: &RankWeights,
    ) -> Result<Vec<(String, u32, f32, String)>> {
        match self.serving().0 {
            Some(live) => search::explain(&live, query, weights),
            None => Ok(Vec::new()),
        }
    }

    /// The ready index `live` failed while reading its files: it needs a rebuild. Its writer is
    /// stopped (writes are deferred to the rebuild, which reads every page from the store).
    fn found_damaged(&self, live: &Arc<Live>, why: String) {
        let mut state = self.write_state();
        let State::Ready(current) = &*state else {
            return;
        };
        if !Arc::ptr_eq(current, live) {
            return;
        }
        tracing::warn!("the search index is damaged and needs a rebuild: {why}");
        let previous = std::mem::replace(
            &mut *state,
            State::NeedsRebuild(RebuildReason::Corrupt(format!(
                "found while searching: {why}"
            ))),
        );
        drop(state);
        if let State::Ready(old) = previous {
            old.stop_writer();
        }
    }

    /// Indexes the pages of one or more manuals, replacing what the index had for them, in one
    /// commit. Blocks until the commit is visible to searches (call it off the UI thread).
    pub fn add_manual(&self, pages: Vec<PageDoc>) -> Result<WriteOutcome> {
        let mut manual_ids: Vec<Uuid> = pages.iter().map(|p| p.manual_id).collect();
        manual_ids.sort_unstable();
        manual_ids.dedup();
        self.write(|reply| Job::ReplaceManuals {
            manual_ids,
            pages,
            reply,
        })
    }

    /// Removes every page of a manual, in one commit.
    pub fn delete_manual(&self, manual_id: Uuid) -> Result<WriteOutcome> {
        self.write(|reply| Job::DeleteManual { manual_id, reply })
    }

    /// Sends a write to the index that takes writes now. The read lock is held until the commit
    /// is done, so that a finishing rebuild cannot swap the index under the write.
    fn write(
        &self,
        make: impl FnOnce(std::sync::mpsc::SyncSender<Result<()>>) -> Job,
    ) -> Result<WriteOutcome> {
        let state = self.read_state();
        let live = match &*state {
            State::Ready(l) => l,
            State::Rebuilding { building, .. } => building,
            State::NeedsRebuild(_) => return Ok(WriteOutcome::Deferred),
        };
        live.writer()?.call(make)?;
        Ok(WriteOutcome::Committed)
    }
}
