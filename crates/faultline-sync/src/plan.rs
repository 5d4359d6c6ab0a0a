//! The client's sync decisions, as pure functions (diff → plan → execute): from what the laptop
//! holds now and what the hub allows, the next step — push the oldest batch with the photos it
//! names, pull from the cursor, or stop — and what the hub's answers mean: which push answers to
//! record, which changes go again at the next sync, when pushing stops, which pulled photos and
//! manuals to download. Nothing here touches the network, SQLite or the disk: `engine.rs` reads
//! the [`LocalSyncState`] before each step, executes the [`SyncStep`] and feeds the answers
//! back. Table-tested in `plan_tests.rs`.

use crate::error::SyncError;
use faultline_core::store::PushTally;
use faultline_protocol::api::{codes, Capabilities};
use faultline_protocol::push::reject_codes;
use faultline_protocol::{
    Change, ManualRecord, Mutation, MutationEnvelope, MutationResult, Outcome,
};
use std::collections::HashSet;
use uuid::Uuid;

/// Mutations per push request and changes per pull page for this sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub push_batch: usize,
    pub pull_page: u32,
}

/// What was asked for, within the hub's caps, and never below one.
pub fn limits(push_batch: usize, pull_page: u32, caps: &Capabilities) -> Limits {
    Limits {
        push_batch: push_batch.clamp(
            1,
            usize::try_from(caps.max_push_mutations.max(1)).unwrap_or(1),
        ),
        pull_page: pull_page.clamp(1, caps.max_pull_changes.max(1)),
    }
}

/// What the laptop holds at one moment of a sync; the engine reads it before each step.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LocalSyncState {
    /// The oldest changes not yet answered by the hub, one batch at most, in device order.
    pub batch: Vec<MutationEnvelope>,
    /// How many changes are pending in all (the batch may be only the first of them).
    pub pending: u32,
    /// Of the photos the batch names, those whose file is on this laptop.
    pub photos_here: HashSet<String>,
    /// Where the last applied pull page ended; `None` pulls the site from the start.
    pub cursor: Option<String>,
}

/// What happened earlier in this sync that changes what comes next.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncSoFar {
    /// A change of the last batch stays pending to go again at the next sync: no more pushing.
    pub push_held: bool,
    /// The pull ran: the sync is over (changes made meanwhile go at the next sync).
    pub pulled: bool,
}

/// The next thing a sync does.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncStep {
    /// Upload the batch's photos, then push the batch.
    Push(PushBatch),
    /// Pull the site's changes page by page, from this cursor.
    Pull { from: Option<String> },
    /// Nothing left to do. `pull_skipped`: changes are still pending, so the cursor must not move
    /// past hub state they would still alter.
    Done { pull_skipped: bool },
}

/// One push request and what must go before it.
#[derive(Debug, Clone, PartialEq)]
pub struct PushBatch {
    pub mutations: Vec<MutationEnvelope>,
    /// Photos to upload before the request, each once, in batch order.
    pub upload: Vec<String>,
    /// Photos the batch names that are not on this laptop: their changes go anyway, and the hub
    /// refuses them with a reason a person sees.
    pub missing: Vec<String>,
    /// What the hub's answer is checked against.
    pub sent: SentBatch,
}

/// What a push answer is checked against, kept when the mutations go into the request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SentBatch {
    pub count: usize,
    /// Photo changes whose photo is uploaded before the request.
    pub photo_uploaded: HashSet<Uuid>,
}

/// Pushes while changes are pending (unless one was held back), then pulls once — only when
/// nothing is pending, so the cursor never moves past hub state our own unsent changes would
/// still alter — then stops.
pub fn next_step(state: LocalSyncState, so_far: &SyncSoFar) -> SyncStep {
    if so_far.pulled {
        return SyncStep::Done {
            pull_skipped: false,
        };
    }
    if !so_far.push_held && !state.batch.is_empty() {
        return SyncStep::Push(push_batch(state.batch, &state.photos_here));
    }
    if state.pending > 0 {
        return SyncStep::Done { pull_skipped: true };
    }
    SyncStep::Pull { from: state.cursor }
}

/// The batch with the photos to upload first (those on this laptop) and those it lacks.
pub fn push_batch(mutations: Vec<MutationEnvelope>, photos_here: &HashSet<String>) -> PushBatch {
    let mut upload = Vec::new();
    let mut missing = Vec::new();
    let mut photo_uploaded = HashSet::new();
    for e in &mutations {
        let Mutation::AddPhoto { sha256, .. } = &e.mutation else {
            continue;
        };
        if photos_here.contains(sha256) {
            photo_uploaded.insert(e.mutation_id);
            if !upload.contains(sha256) {
                upload.push(sha256.clone());
            }
        } else if !missing.contains(sha256) {
            missing.push(sha256.clone());
        }
    }
    let sent = SentBatch {
        count: mutations.len(),
        photo_uploaded,
    };
    PushBatch {
        mutations,
        upload,
        missing,
        sent,
    }
}

/// The hub's answers to one push, sorted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PushAnswers {
    /// Recorded in the store (applied, rejected, conflict).
    pub record: Vec<MutationResult>,
    /// Kept pending and sent again at the next sync, with their photo: the hub says it lacks a
    /// photo we have just uploaded (it lost it, e.g. a crash before the upload reached its disk).
    pub resend: Vec<Uuid>,
}

/// Checks that every change was answered and sorts the answers. A photo missing on this laptop
/// stays refused; only a photo we have just sent is worth sending again.
pub fn sort_push_answers(
    sent: &SentBatch,
    results: Vec<MutationResult>,
) -> Result<PushAnswers, SyncError> {
    if results.len() != sent.count {
        return Err(SyncError::Protocol(format!(
            "the hub answered {} of {} changes",
            results.len(),
            sent.count
        )));
    }
    let mut answers = PushAnswers::default();
    for r in results {
        let lost_photo = matches!(&r.outcome, Outcome::Rejected { code, .. } if code == reject_codes::MISSING_BLOB)
            && sent.photo_uploaded.contains(&r.mutation_id);
        if lost_photo {
            answers.resend.push(r.mutation_id);
        } else {
            answers.record.push(r);
        }
    }
    Ok(answers)
}

/// After a push's answers are recorded: push the next batch, or stop pushing for this sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterPush {
    NextBatch,
    /// Some changes wait for the next sync (see [`PushAnswers::resend`]).
    Hold,
}

/// What comes after a recorded batch; answers only for changes this laptop does not have mean
/// the hub is answering someone else's request.
pub fn after_push(
    sent: &SentBatch,
    recorded: &PushTally,
    answers: &PushAnswers,
) -> Result<AfterPush, SyncError> {
    if recorded.unknown as usize == sent.count {
        return Err(SyncError::Protocol(
            "the hub answered for changes this laptop did not send".into(),
        ));
    }
    Ok(if answers.resend.is_empty() {
        AfterPush::NextBatch
    } else {
        AfterPush::Hold
    })
}

/// True when the first pull page failed because the hub's history no longer reaches our cursor:
/// forget the cursor and replicate the site from the start.
pub fn replicate_again(first_page_error: &SyncError) -> bool {
    first_page_error.hub_code() == Some(codes::CURSOR_EXPIRED)
}

/// What the pulled pages name that is not in SQLite: photo files and manual PDFs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PulledFiles {
    pub photos: Vec<String>,
    pub manuals: Vec<ManualRecord>,
}

impl PulledFiles {
    /// Notes the files one page names.
    pub fn note(&mut self, changes: &[Change]) {
        for c in changes {
            match c {
                Change::Photo(ph) => self.photos.push(ph.sha256.clone()),
                Change::Manual(m) => self.manuals.push(m.clone()),
                _ => {}
            }
        }
    }

    /// Photos to download: those not already on this laptop, each once, in pull order.
    pub fn photos_to_fetch(&self, on_laptop: &HashSet<String>) -> Vec<String> {
        let mut seen = HashSet::new();
        self.photos
            .iter()
            .filter(|sha| !on_laptop.contains(*sha) && seen.insert(sha.as_str()))
            .cloned()
            .collect()
    }

    /// Manuals to download: those the library does not hold (by SHA-256). A manual published
    /// twice within one pull comes twice, each record with its models (the library keeps the
    /// file once and links both).
    pub fn manuals_to_fetch(&self, in_library: &HashSet<String>) -> Vec<&ManualRecord> {
        self.manuals
            .iter()
            .filter(|m| !in_library.contains(&m.sha256))
            .collect()
    }
}

/// A manual's model as the hub names it, `manufacturer|model`, split; a bare model has no
/// manufacturer.
pub fn manual_model(key: &str) -> (&str, &str) {
    key.split_once('|').unwrap_or(("", key))
}
