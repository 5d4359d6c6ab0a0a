//! The single writer thread of one index directory: it owns the tantivy `IndexWriter`, receives
//! jobs over a bounded channel, commits (one commit per manual) and reloads the reader after
//! every commit so that the next search sees the change.

use super::error::{IndexError, Result};
use super::schema::{page_document, Fields};
use super::types::PageDoc;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Mutex, PoisonError};
use std::thread::JoinHandle;
use tantivy::{IndexReader, IndexWriter, Term};
use uuid::Uuid;

/// Jobs queued before the sender blocks (back-pressure during a rebuild).
const QUEUE_DEPTH: usize = 8;

type Reply = SyncSender<Result<()>>;

pub(crate) enum Job {
    /// Delete every page of these manuals, add `pages`, commit.
    ReplaceManuals {
        manual_ids: Vec<Uuid>,
        pages: Vec<PageDoc>,
        reply: Reply,
    },
    /// Delete the manual's pages, commit.
    DeleteManual {
        manual_id: Uuid,
        reply: Reply,
    },
    /// Rebuild batch: delete these manuals (pages an import added during the rebuild), add the
    /// pages, no commit. A failure is reported by the next `Commit`.
    AddBatch {
        delete_first: Vec<Uuid>,
        pages: Vec<PageDoc>,
    },
    Commit {
        reply: Reply,
    },
    /// Commit, merge all segments into one and wait for the merge (end of a rebuild).
    CommitAndMerge {
        reply: Reply,
    },
}

/// The sending side; dropping it stops the thread (uncommitted work is rolled back).
pub(crate) struct WriterHandle {
    tx: Mutex<Option<SyncSender<Job>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl WriterHandle {
    pub fn spawn(writer: IndexWriter, reader: IndexReader, fields: Fields) -> Result<Self> {
        let (tx, rx) = mpsc::sync_channel(QUEUE_DEPTH);
        let thread = std::thread::Builder::new()
            .name("faultline-index-writer".into())
            .spawn(move || run(writer, reader, fields, rx))
            .map_err(|e| IndexError::io("writer thread", e))?;
        Ok(WriterHandle {
            tx: Mutex::new(Some(tx)),
            thread: Mutex::new(Some(thread)),
        })
    }

    fn sender(&self) -> Result<SyncSender<Job>> {
        self.tx
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or(IndexError::WriterStopped)
    }

    /// Queues a job that has no reply.
    pub fn send(&self, job: Job) -> Result<()> {
        self.sender()?
            .send(job)
            .map_err(|_| IndexError::WriterStopped)
    }

    /// Queues the job built around a reply channel and waits for its result.
    pub fn call(&self, make: impl FnOnce(Reply) -> Job) -> Result<()> {
        let (reply, answer) = mpsc::sync_channel(1);
        self.send(make(reply))?;
        answer.recv().map_err(|_| IndexError::WriterStopped)?
    }

    /// Stops the thread after the queued jobs and waits for it (and so for the writer's lock on
    /// the directory to be released).
    pub fn stop(&self) {
        self.tx
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let thread = self
            .thread
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(t) = thread {
            if t.join().is_err() {
                tracing::error!("the index writer thread panicked");
            }
        }
    }
}

impl Drop for WriterHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

fn manual_term(fields: &Fields, id: Uuid) -> Term {
    Term::from_field_text(fields.manual_id, &id.hyphenated().to_string())
}

fn add_pages(writer: &IndexWriter, fields: &Fields, pages: Vec<PageDoc>) -> Result<()> {
    for page in pages {
        writer.add_document(page_document(fields, &page))?;
    }
    Ok(())
}

fn commit(writer: &mut IndexWriter, reader: &IndexReader) -> Result<()> {
    writer.commit()?;
    reader.reload()?;
    Ok(())
}

fn run(mut writer: IndexWriter, reader: IndexReader, fields: Fields, rx: Receiver<Job>) {
    // The first failure of an `AddBatch`, reported by the next commit.
    let mut batch_error: Option<IndexError> = None;
    for job in rx.iter() {
        match job {
            Job::ReplaceManuals {
                manual_ids,
                pages,
                reply,
            } => {
                let result = (|| {
                    for id in manual_ids {
                        writer.delete_term(manual_term(&fields, id));
                    }
                    add_pages(&writer, &fields, pages)?;
                    commit(&mut writer, &reader)
                })();
                if result.is_err() {
                    // Leave nothing half-added for the next commit to pick up.
                    let _ = writer.rollback();
                }
                let _ = reply.send(result);
            }
            Job::DeleteManual { manual_id, reply } => {
                writer.delete_term(manual_term(&fields, manual_id));
                let _ = reply.send(commit(&mut writer, &reader));
            }
            Job::AddBatch {
                delete_first,
                pages,
            } => {
                if batch_error.is_none() {
                    for id in delete_first {
                        writer.delete_term(manual_term(&fields, id));
                    }
                    if let Err(e) = add_pages(&writer, &fields, pages) {
                        batch_error = Some(e);
                    }
                }
            }
            Job::Commit { reply } => {
                let result = match batch_error.take() {
                    Some(e) => Err(e),
                    None => commit(&mut writer, &reader),
                };
                let _ = reply.send(result);
            }
            Job::CommitAndMerge { reply } => {
                let result = match batch_error.take() {
                    Some(e) => Err(e),
                    None => commit(&mut writer, &reader).map(|()| {
                        // A failed merge leaves more segments, not wrong results.
                        if let Err(e) = merge_all(&mut writer, &reader) {
                            tracing::warn!("index: merging segments after a rebuild: {e}");
                        }
                    }),
                };
                let _ = reply.send(result);
            }
        }
    }
    if let Err(e) = writer.wait_merging_threads() {
        tracing::warn!("index writer: waiting for merges at shutdown: {e}");
    }
}

/// Merges every segment into one (faster searches after a rebuild), then reloads the reader.
fn merge_all(writer: &mut IndexWriter, reader: &IndexReader) -> Result<()> {
    let ids = writer.index().searchable_segment_ids()?;
    if ids.len() > 1 {
        writer.merge(&ids).wait()?;
        reader.reload()?;
    }
    Ok(())
}
