//! The progress a running sync shows (phase, pending, sent, received), kept in one place and sent
//! to the caller's callback at each step.

use faultline_core::domain::SyncProgress;

pub(crate) struct ProgressFeed<'a> {
    pub(crate) now: SyncProgress,
    sink: &'a dyn Fn(&SyncProgress),
}

impl<'a> ProgressFeed<'a> {
    pub(crate) fn new(pending: u32, sink: &'a dyn Fn(&SyncProgress)) -> Self {
        ProgressFeed {
            now: SyncProgress {
                phase: "connecting".into(),
                pending,
                ..SyncProgress::default()
            },
            sink,
        }
    }

    /// Enters `phase` and says so.
    pub(crate) fn phase(&mut self, phase: &str) {
        self.now.phase = phase.into();
        self.send();
    }

    pub(crate) fn send(&self) {
        (self.sink)(&self.now);
    }
}
