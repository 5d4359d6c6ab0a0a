//! Rebuilding the index from the store's pages into `v{N}.building`, committing every few
//! thousand pages so that searches meanwhile see the pages indexed so far (or keep using the
//! previous index, when there is one), then swapping the new index in.

use super::directory;
use super::error::{IndexError, Result};
use super::live::{Live, OpenFailure, WriterMode};
use super::manual_index::{ManualIndex, State};
use super::types::{PageDoc, RebuildOutcome, RebuildProgress, RebuildReason};
use super::writer::Job;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Pages sent to the writer thread at a time.
const BATCH_PAGES: usize = 256;
/// Commit (and so show the pages to searches) after this many pages…
const COMMIT_PAGES: u64 = 5_000;
/// …or this long after the last commit.
const COMMIT_INTERVAL: Duration = Duration::from_secs(3);

impl ManualIndex {
    /// Rebuilds the index from `pages` (every page of every manual, from the store, in any
    /// order) on the calling thread — run it on a background thread. `progress` is called after
    /// every batch; setting `cancel` stops the rebuild and discards it. Searches keep working
    /// meanwhile (`rebuilding: true`), and writes made meanwhile go to the new index. Returns
    /// `RebuildInProgress` when another rebuild runs.
    pub fn rebuild<I, P>(
        &self,
        pages: I,
        mut progress: P,
        cancel: &AtomicBool,
    ) -> Result<RebuildOutcome>
    where
        I: IntoIterator<Item = PageDoc>,
        P: FnMut(RebuildProgress),
    {
        let building = self.start_rebuild()?;
        match feed(&building, pages, &mut progress, cancel) {
            Ok(Some(done)) => {
                self.finish_rebuild(building)?;
                Ok(RebuildOutcome::Completed {
                    pages: done.pages,
                    manuals: done.manuals,
                })
            }
            Ok(None) => {
                self.abandon_rebuild(building);
                Ok(RebuildOutcome::Cancelled)
            }
            Err(e) => {
                self.abandon_rebuild(building);
                Err(e)
            }
        }
    }

    fn start_rebuild(&self) -> Result<Arc<Live>> {
        if self.inner.read_only {
            return Err(IndexError::ReadOnly);
        }
        let mut state = self.write_state();
        let (serving, reason) = match &*state {
            State::Rebuilding { .. } => return Err(IndexError::RebuildInProgress),
            State::Ready(l) => (Some(l.clone()), None),
            State::NeedsRebuild(r) => (None, Some(r.clone())),
        };
        let dir = directory::fresh_building_dir(&self.inner.root)?;
        let building = Arc::new(Live::create(&dir, WriterMode::Rebuild)?);
        *state = State::Rebuilding {
            serving,
            building: building.clone(),
            reason,
        };
        Ok(building)
    }

    /// Puts the state back as it was before the rebuild and deletes the partial index.
    fn abandon_rebuild(&self, building: Arc<Live>) {
        let mut state = self.write_state();
        building.stop_writer();
        let previous = std::mem::replace(&mut *state, State::NeedsRebuild(RebuildReason::Missing));
        *state = match previous {
            State::Rebuilding {
                serving: Some(l), ..
            } => State::Ready(l),
            State::Rebuilding { reason, .. } => {
                State::NeedsRebuild(reason.unwrap_or(RebuildReason::Missing))
            }
            other => other,
        };
        drop(building);
        if let Err(e) = directory::discard_building_dir(&self.inner.root) {
            tracing::warn!("index: removing an abandoned rebuild: {e}");
        }
    }

    /// Merges the new index, then (with writes held off) swaps it in for the old one.
    fn finish_rebuild(&self, building: Arc<Live>) -> Result<()> {
        // The long merge runs while searches and writes go on.
        let merged = building
            .writer()
            .and_then(|w| w.call(|reply| Job::CommitAndMerge { reply }));
        if let Err(e) = merged {
            self.abandon_rebuild(building);
            return Err(e);
        }
        let mut state = self.write_state();
        // Writes that came in since the merge.
        let last = building
            .writer()
            .and_then(|w| w.call(|reply| Job::Commit { reply }));
        if let Err(e) = last {
            drop(state);
            self.abandon_rebuild(building);
            return Err(e);
        }
        building.stop_writer();
        let previous = std::mem::replace(&mut *state, State::NeedsRebuild(RebuildReason::Missing));
        if let State::Rebuilding {
            serving: Some(old), ..
        } = &previous
        {
            old.stop_writer();
        }
        drop(previous);
        drop(building);
        let root = &self.inner.root;
        let opened = directory::promote_building_dir(root).and_then(|()| {
            Live::open(&directory::current_dir(root), false, WriterMode::Everyday).map_err(|f| {
                match f {
                    OpenFailure::Corrupt(why) => IndexError::Unusable(why),
                    OpenFailure::Fatal(e) => e,
                }
            })
        });
        match opened {
            Ok(live) => {
                *state = State::Ready(Arc::new(live));
                Ok(())
            }
            Err(e) => {
                *state = State::NeedsRebuild(RebuildReason::Corrupt(e.to_string()));
                Err(e)
            }
        }
    }
}

struct Done {
    pages: u64,
    manuals: u64,
}

/// Sends the pages to the building index; `None` when cancelled.
fn feed<I, P>(
    building: &Live,
    pages: I,
    progress: &mut P,
    cancel: &AtomicBool,
) -> Result<Option<Done>>
where
    I: IntoIterator<Item = PageDoc>,
    P: FnMut(RebuildProgress),
{
    let mut manuals: HashSet<Uuid> = HashSet::new();
    let mut batch: Vec<PageDoc> = Vec::with_capacity(BATCH_PAGES);
    let mut new_in_batch: Vec<Uuid> = Vec::new();
    let mut pages_done: u64 = 0;
    let mut since_commit: u64 = 0;
    let mut last_commit = Instant::now();
    let send = |batch: &mut Vec<PageDoc>, new_in_batch: &mut Vec<Uuid>| -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        building.writer()?.send(Job::AddBatch {
            // Pages a write added to the new index before the rebuild reached this manual.
            delete_first: std::mem::take(new_in_batch),
            pages: std::mem::replace(batch, Vec::with_capacity(BATCH_PAGES)),
        })
    };
    for page in pages {
        if cancel.load(Ordering::Relaxed) {
            return Ok(None);
        }
        if manuals.insert(page.manual_id) {
            new_in_batch.push(page.manual_id);
        }
        batch.push(page);
        pages_done += 1;
        since_commit += 1;
        if batch.len() >= BATCH_PAGES {
            send(&mut batch, &mut new_in_batch)?;
            if since_commit >= COMMIT_PAGES || last_commit.elapsed() >= COMMIT_INTERVAL {
                building.writer()?.call(|reply| Job::Commit { reply })?;
                since_commit = 0;
                last_commit = Instant::now();
            }
            progress(RebuildProgress {
                pages: pages_done,
                manuals: manuals.len() as u64,
            });
        }
    }
    if cancel.load(Ordering::Relaxed) {
        return Ok(None);
    }
    send(&mut batch, &mut new_in_batch)?;
    building.writer()?.call(|reply| Job::Commit { reply })?;
    progress(RebuildProgress {
        pages: pages_done,
        manuals: manuals.len() as u64,
    });
    Ok(Some(Done {
        pages: pages_done,
        manuals: manuals.len() as u64,
    }))
}
