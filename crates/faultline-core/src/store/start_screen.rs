//! The app's first screen: machines down now and open breakdowns by priority.

use super::Store;
use crate::domain::StartScreen;
use crate::error::Result;
use chrono::{DateTime, Utc};

/// Most open breakdowns the start screen lists.
const MAX_BREAKDOWNS: i64 = 50;

impl Store {
    /// What is down and what is open as of `now`.
    pub fn start_screen(&self, now: DateTime<Utc>) -> Result<StartScreen> {
        let open_total: u32 = self
            .conn()
            .prepare_cached(
                "SELECT count(*) FROM work_orders WHERE status IN ('open', 'in_progress')",
            )?
            .query_row([], |r| r.get(0))?;
        Ok(StartScreen {
            now,
            down_now: self.down_now(now)?,
            open_breakdowns: self.open_items(now, true, MAX_BREAKDOWNS)?,
            open_total,
        })
    }
}
