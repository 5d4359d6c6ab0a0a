//! Executes a push step of the plan: uploads the photos the batch needs, sends the batch, and
//! records in one transaction the answers the planner says to record (a push cut anywhere is
//! simply sent again: the hub answers a replay as the first time).

use crate::client::HubClient;
use crate::error::SyncError;
use crate::local_state::{lock, photo_file};
use crate::plan::{self, AfterPush, PushBatch};
use crate::progress_feed::ProgressFeed;
use faultline_core::store::PushTally;
use faultline_core::Store;
use faultline_protocol::PushRequest;
use std::sync::Mutex;

/// What one push step did.
pub(crate) struct PushDone {
    pub(crate) tally: PushTally,
    pub(crate) photos_uploaded: u32,
    /// Changes kept pending to go again at the next sync.
    pub(crate) resend: u32,
    pub(crate) after: AfterPush,
}

pub(crate) fn push(
    store: &Mutex<Store>,
    client: &HubClient,
    site: &str,
    user: &str,
    batch: PushBatch,
    feed: &mut ProgressFeed<'_>,
) -> Result<PushDone, SyncError> {
    let PushBatch {
        mutations,
        upload,
        missing,
        sent,
    } = batch;
    let mut photos_uploaded = 0;
    if !upload.is_empty() || !missing.is_empty() {
        feed.phase("uploading photos");
        // The hub rejects these photo records with a reason a person sees.
        for sha in &missing {
            tracing::warn!("photo {sha} is missing from this laptop");
        }
        for sha in &upload {
            let Some(path) = photo_file(&*lock(store)?, sha) else {
                tracing::warn!("photo {sha} is missing from this laptop");
                continue;
            };
            client.upload_blob(site, sha, &path)?;
            photos_uploaded += 1;
        }
    }
    feed.phase("sending");
    let resp = client.push(
        site,
        &PushRequest {
            user: user.to_string(),
            mutations,
        },
    )?;
    let answers = plan::sort_push_answers(&sent, resp.results)?;
    let tally = lock(store)?.record_push_results(&answers.record)?;
    let after = plan::after_push(&sent, &tally, &answers)?;
    feed.now.sent += u32::try_from(answers.record.len()).unwrap_or(u32::MAX);
    feed.now.pending = lock(store)?.sync_status()?.pending;
    feed.send();
    Ok(PushDone {
        tally,
        photos_uploaded,
        resend: u32::try_from(answers.resend.len()).unwrap_or(u32::MAX),
        after,
    })
}
