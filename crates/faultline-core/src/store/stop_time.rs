//! The plausibility check of a "machine stopped at" time against what the replica knows of the
//! asset (when it was last back in service) and when the breakdown was reported
//! (`validate::check_stop_time`), shared by `log_breakdown` and `machine_stopped`.

use super::rows::from_ms;
use super::Store;
use crate::error::{CoreError, Result};
use crate::validate::{self, StopCheck, PLAUSIBLE_STOP_DAYS};
use chrono::{DateTime, Utc};
use rusqlite::params;

impl Store {
    /// When the asset was last back in service: the latest downtime end among its work orders
    /// other than `except_wo_rid`.
    fn last_back_in_service(
        &self,
        asset_rid: i64,
        except_wo_rid: Option<i64>,
    ) -> Result<Option<DateTime<Utc>>> {
        let end: Option<i64> = self
            .conn()
            .prepare_cached(
                "SELECT max(downtime_end) FROM work_orders
                 WHERE asset_rid = ?1 AND (?2 IS NULL OR rid <> ?2)",
            )?
            .query_row(params![asset_rid, except_wo_rid], |r| r.get(0))?;
        Ok(end.map(from_ms))
    }

    /// Refuses a stop time in the future, before 1970 or before the asset was last back in
    /// service; one more than [`PLAUSIBLE_STOP_DAYS`] before the report only when confirmed.
    pub(super) fn check_stop(
        &self,
        asset_rid: i64,
        except_wo_rid: Option<i64>,
        at: DateTime<Utc>,
        reported_at: DateTime<Utc>,
        confirmed: bool,
    ) -> Result<()> {
        let now = self.clock().now();
        if at > now {
            return Err(CoreError::InvalidInput(
                "the machine cannot have stopped in the future: check the time".into(),
            ));
        }
        let back = self.last_back_in_service(asset_rid, except_wo_rid)?;
        match validate::check_stop_time(at, reported_at, now, back)? {
            StopCheck::Plausible => Ok(()),
            StopCheck::NeedsConfirmation if confirmed => Ok(()),
            StopCheck::NeedsConfirmation => {
                let days = (reported_at - at).num_days();
                Err(CoreError::InvalidInput(format!(
                    "the stop time {} is {days} days before the breakdown was reported (more than {PLAUSIBLE_STOP_DAYS}): check the date, or confirm the old stop (--confirm-old-stop)",
                    at.format("%Y-%m-%d %H:%M UTC")
                )))
            }
        }
    }
}
