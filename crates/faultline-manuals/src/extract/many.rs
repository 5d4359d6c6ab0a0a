//! Extracting many PDFs with up to `parallelism` workers at once (biggest files first, so that
//! no worker is left with a big one at the end), reporting each result as it comes (on the calling thread, in completion order) and stopping when asked: running workers
//! are killed and the PDFs not started are reported as cancelled.

use super::limits::Limits;
use super::outcome::Outcome;
use super::supervise::{supervise, WorkerCommand, WorkerError};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

/// One PDF to extract, with its password when the user gave one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractJob {
    pub path: PathBuf,
    pub password: Option<String>,
}

impl From<PathBuf> for ExtractJob {
    fn from(path: PathBuf) -> Self {
        ExtractJob {
            path,
            password: None,
        }
    }
}

/// One finished PDF, as reported to the progress callback.
#[derive(Debug)]
pub struct Progress<'a> {
    /// How many PDFs are finished, this one included.
    pub done: usize,
    pub total: usize,
    /// This PDF's index in the jobs.
    pub index: usize,
    pub job: &'a ExtractJob,
    pub result: &'a Result<Outcome, WorkerError>,
}

/// How many workers to run at once by default: one per core.
pub fn default_parallelism() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Extracts every job with up to `parallelism` workers at once, the biggest files first.
/// `progress` is called on the calling thread as each PDF finishes. When `cancel` becomes true, running workers are killed
/// and the remaining jobs end as [`WorkerError::Cancelled`]. Results are in the jobs' order.
pub fn extract_many(
    worker: &WorkerCommand,
    jobs: &[ExtractJob],
    limits: Limits,
    parallelism: usize,
    cancel: &AtomicBool,
    mut progress: impl FnMut(Progress<'_>),
) -> Vec<Result<Outcome, WorkerError>> {
    let mut results: Vec<Option<Result<Outcome, WorkerError>>> =
        std::iter::repeat_with(|| None).take(jobs.len()).collect();
    // The biggest files first: the last file to start then is a small one, and no worker
    // waits long for another to finish a big one at the end.
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    let size = |i: &usize| std::fs::metadata(&jobs[*i].path).map_or(0, |m| m.len());
    order.sort_by_cached_key(|i| std::cmp::Reverse(size(i)));
    let order = &order;
    let next = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..parallelism.clamp(1, jobs.len().max(1)) {
            let sender = sender.clone();
            let next = &next;
            scope.spawn(move || loop {
                if cancel.load(Ordering::Relaxed) {
                    break;
                }
                let Some(&index) = order.get(next.fetch_add(1, Ordering::Relaxed)) else {
                    break;
                };
                let Some(job) = jobs.get(index) else { break };
                let result = supervise(
                    worker,
                    &job.path,
                    job.password.as_deref(),
                    limits,
                    Some(cancel),
                );
                if sender.send((index, result)).is_err() {
                    break;
                }
            });
        }
        drop(sender);
        for (finished, (index, result)) in receiver.into_iter().enumerate() {
            let done = finished + 1;
            if let (Some(job), Some(slot)) = (jobs.get(index), results.get_mut(index)) {
                progress(Progress {
                    done,
                    total: jobs.len(),
                    index,
                    job,
                    result: &result,
                });
                *slot = Some(result);
            }
        }
    });
    results
        .into_iter()
        .map(|r| r.unwrap_or(Err(WorkerError::Cancelled)))
        .collect()
}
