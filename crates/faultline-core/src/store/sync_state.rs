//! The laptop's enrollment with a hub and the sync bookkeeping around it: the pull cursor, the
//! last attempt and its error, and the counts the status line shows.

use super::rows::opt_from_ms;
use super::Store;
use crate::domain::SyncStatus;
use crate::error::{CoreError, Result};
use rusqlite::{params, OptionalExtension};

/// How this laptop reaches its hub, as `faultline enroll` stored it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubEnrollment {
    pub hub_url: String,
    pub token: String,
    pub hub_device_id: String,
    pub device_name: String,
    pub site_code: String,
    pub site_name: String,
    /// PEM file of the plant's own certificate authority, if its hub uses one.
    pub ca_bundle: Option<String>,
    /// HTTP(S) proxy URL, if the plant network needs one.
    pub proxy: Option<String>,
}

impl Store {
    /// Stores (or replaces) the enrollment. Re-enrolling with another site starts the pull over.
    pub fn save_enrollment(&mut self, e: &HubEnrollment) -> Result<()> {
        let now = self.clock().now().timestamp_millis();
        let tx = self.conn_mut().transaction()?;
        let old_site: Option<String> = tx
            .query_row("SELECT site_code FROM sync_state WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?;
        tx.execute(
            "INSERT INTO sync_state (id, hub_url, token, hub_device_id, device_name, site_code,
                 site_name, ca_bundle, proxy, enrolled_at, change_kinds)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT(id) DO UPDATE SET hub_url = excluded.hub_url, token = excluded.token,
                 hub_device_id = excluded.hub_device_id, device_name = excluded.device_name,
                 site_code = excluded.site_code, site_name = excluded.site_name,
                 ca_bundle = excluded.ca_bundle, proxy = excluded.proxy,
                 enrolled_at = excluded.enrolled_at, last_error = NULL",
            params![
                e.hub_url,
                e.token,
                e.hub_device_id,
                e.device_name,
                e.site_code,
                e.site_name,
                e.ca_bundle,
                e.proxy,
                now,
                // A new enrollment pulls the whole feed with this build's kinds: nothing to catch up.
                faultline_protocol::CHANGE_KINDS
            ],
        )?;
        if old_site.as_deref() != Some(e.site_code.as_str()) {
            tx.execute("UPDATE sync_state SET cursor = NULL WHERE id = 1", [])?;
        }
        tx.execute(
            "INSERT INTO sites (code, name) VALUES (?1, ?2)
             ON CONFLICT(code) DO UPDATE SET name = excluded.name",
            params![e.site_code, e.site_name],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The enrollment, or `None` before `faultline enroll`.
    pub fn enrollment(&self) -> Result<Option<HubEnrollment>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT hub_url, token, hub_device_id, device_name, site_code, site_name,
                        ca_bundle, proxy FROM sync_state WHERE id = 1",
                [],
                |r| {
                    Ok(HubEnrollment {
                        hub_url: r.get(0)?,
                        token: r.get(1)?,
                        hub_device_id: r.get(2)?,
                        device_name: r.get(3)?,
                        site_code: r.get(4)?,
                        site_name: r.get(5)?,
                        ca_bundle: r.get(6)?,
                        proxy: r.get(7)?,
                    })
                },
            )
            .optional()?)
    }

    /// The enrollment, or an error telling the person how to enroll.
    pub fn require_enrollment(&self) -> Result<HubEnrollment> {
        self.enrollment()?.ok_or_else(|| {
            CoreError::InvalidState(
                "this laptop is not enrolled with a hub: ask plant IT for a device token, then run \
                 `faultline enroll --hub URL --token TOKEN`"
                    .into(),
            )
        })
    }

    /// Where the next pull starts (`None` = replicate the site from the beginning).
    pub fn sync_cursor(&self) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row("SELECT cursor FROM sync_state WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?
            .flatten())
    }

    /// Before a pull: when this build knows more kinds of change (`known`, the protocol's
    /// `CHANGE_KINDS`) than the builds that pulled so far, the feed starts over from the
    /// beginning — nothing is removed, pulled records are applied again as they are — so that
    /// the records of the new kinds, skipped before, arrive. Returns whether it started over.
    pub fn catch_up_change_kinds(&mut self, known: u32) -> Result<bool> {
        let tx = self.conn_mut().transaction()?;
        let n = tx.execute(
            "UPDATE sync_state SET cursor = NULL, change_kinds = ?1
             WHERE id = 1 AND change_kinds < ?1",
            params![known],
        )?;
        tx.commit()?;
        Ok(n > 0)
    }

    /// Forgets the cursor, after the hub said it is too old: the next pull replicates the site,
    /// noting what it receives so that [`Store::finish_resync`] can drop what the hub no longer
    /// has (its deletions were compacted away).
    pub fn reset_sync_cursor(&mut self) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        tx.execute(
            "UPDATE sync_state SET cursor = NULL, resyncing = 1 WHERE id = 1",
            [],
        )?;
        tx.execute("DELETE FROM sync_seen", [])?;
        tx.commit()?;
        Ok(())
    }

    /// Records the end of a sync attempt: its error, or success (which clears the error).
    pub fn record_sync_attempt(&mut self, error: Option<&str>) -> Result<()> {
        let now = self.clock().now().timestamp_millis();
        self.conn_mut().execute(
            "UPDATE sync_state SET last_attempt_at = ?1, last_error = ?2,
                 last_sync_at = CASE WHEN ?2 IS NULL THEN ?1 ELSE last_sync_at END
             WHERE id = 1",
            params![now, error],
        )?;
        Ok(())
    }

    /// Enrollment, counts and last attempt, for the status line and `faultline sync --status`.
    pub fn sync_status(&self) -> Result<SyncStatus> {
        let conn = self.conn();
        let count = |sql: &str| -> Result<u32> {
            let n: i64 = conn.query_row(sql, [], |r| r.get(0))?;
            Ok(u32::try_from(n).unwrap_or(u32::MAX))
        };
        let pending = count("SELECT count(*) FROM outbox WHERE state = 'pending'")?;
        let rejected = count("SELECT count(*) FROM outbox WHERE state = 'rejected'")?;
        let conflicts = count("SELECT count(*) FROM sync_conflicts WHERE resolution IS NULL")?;
        let row = conn
            .query_row(
                "SELECT hub_url, site_code, site_name, device_name, last_sync_at,
                        last_attempt_at, last_error FROM sync_state WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<i64>>(4)?,
                        r.get::<_, Option<i64>>(5)?,
                        r.get::<_, Option<String>>(6)?,
                    ))
                },
            )
            .optional()?;
        Ok(match row {
            Some((url, site, site_name, device, last_sync, last_attempt, last_error)) => {
                SyncStatus {
                    enrolled: true,
                    hub_url: Some(url),
                    site_code: Some(site),
                    site_name: Some(site_name),
                    device_name: Some(device),
                    pending,
                    rejected,
                    conflicts,
                    last_sync_at: opt_from_ms(last_sync),
                    last_attempt_at: opt_from_ms(last_attempt),
                    last_error,
                }
            }
            None => SyncStatus {
                enrolled: false,
                hub_url: None,
                site_code: None,
                site_name: None,
                device_name: None,
                pending,
                rejected,
                conflicts,
                last_sync_at: None,
                last_attempt_at: None,
                last_error: None,
            },
        })
    }
}
