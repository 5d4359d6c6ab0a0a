//! Text and JSON output of the sync commands.

use crate::print::Printer;
use faultline_core::domain::{RejectedChange, SyncConflict, SyncStatus};
use faultline_core::CoreError;

type Result<T> = std::result::Result<T, CoreError>;

impl Printer {
    pub fn sync_status(&self, s: &SyncStatus) -> Result<()> {
        self.emit(s, || {
            if !s.enrolled {
                return format!(
                    "not enrolled with a hub ({} changes wait on this laptop)\nenroll with `faultline enroll --hub URL --token TOKEN`",
                    s.pending
                );
            }
            let mut t = format!(
                "hub {} · site {} · device {}\npending {} · rejected {} · conflicts {}",
                s.hub_url.as_deref().unwrap_or("?"),
                s.site_code.as_deref().unwrap_or("?"),
                s.device_name.as_deref().unwrap_or("?"),
                s.pending,
                s.rejected,
                s.conflicts
            );
            match s.last_sync_at {
                Some(t0) => t.push_str(&format!("\nlast sync {}", t0.to_rfc3339())),
                None => t.push_str("\nnever synced"),
            }
            if let Some(e) = &s.last_error {
                t.push_str(&format!("\nlast attempt failed: {e}"));
            }
            t
        })
    }

    pub fn conflicts(&self, list: &[SyncConflict]) -> Result<()> {
        self.emit(&list, || {
            if list.is_empty() {
                return "no conflicts".into();
            }
            list.iter()
                .map(|c| {
                    format!(
                        "{}  {} {}  {}: hub {:?}{} · this laptop {:?}{}",
                        c.id,
                        c.work_order_number.as_deref().unwrap_or("?"),
                        c.asset_tag.as_deref().unwrap_or(""),
                        c.field,
                        c.server_value,
                        c.server_changed_by
                            .as_deref()
                            .map(|d| format!(" (by {d})"))
                            .unwrap_or_default(),
                        c.client_value,
                        c.resolution
                            .as_deref()
                            .map(|r| format!("  [kept: {r}]"))
                            .unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    pub fn rejected(&self, list: &[RejectedChange]) -> Result<()> {
        self.emit(&list, || {
            if list.is_empty() {
                return "the hub refused nothing".into();
            }
            list.iter()
                .map(|r| {
                    format!(
                        "{}  {:<18} {}: {}",
                        r.work_order_id, r.kind, r.code, r.reason
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
    }
}
