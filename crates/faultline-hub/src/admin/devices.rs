//! Device enrollment: a random token shown once and stored as its SHA-256; revocation; listing.

use super::sites::site_name;
use crate::error::{HubError, Result};
use crate::pg::PgStore;
use crate::token::{new_token, token_hash};
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

/// What `device enroll` prints: the token appears here and nowhere else, ever.
#[derive(Debug, Clone, Serialize)]
pub struct Enrollment {
    pub device_id: Uuid,
    pub site_code: String,
    pub token: String,
}

pub async fn enroll_device(store: &PgStore, site: &str, name: &str) -> Result<Enrollment> {
    site_name(store, site).await?;
    let name = name.trim();
    if name.is_empty() {
        return Err(HubError::Invalid(
            "the device name is empty: name the laptop (e.g. its asset tag)".into(),
        ));
    }
    let token = new_token();
    let id = Uuid::now_v7();
    let client = store.client().await?;
    client
        .execute(
            "INSERT INTO devices (id, site, name, token_sha256) VALUES ($1, $2, $3, $4)",
            &[&id, &site, &name, &token_hash(&token)],
        )
        .await?;
    tracing::info!(device = %id, site, name, "device enrolled");
    Ok(Enrollment {
        device_id: id,
        site_code: site.to_string(),
        token,
    })
}

/// Revokes a device's token at once (every hub process checks on each request).
pub async fn revoke_device(store: &PgStore, id: Uuid) -> Result<()> {
    let client = store.client().await?;
    let n = client
        .execute(
            "UPDATE devices SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1",
            &[&id],
        )
        .await?;
    if n == 0 {
        return Err(HubError::NotFound(format!(
            "there is no device {id}: `faultline-hub device list` shows them"
        )));
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct DeviceInfo {
    pub device_id: Uuid,
    pub site_code: String,
    pub name: String,
    pub enrolled_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// When the hub last applied a mutation from it.
    pub last_push_at: Option<DateTime<Utc>>,
}

pub async fn list_devices(store: &PgStore) -> Result<Vec<DeviceInfo>> {
    let client = store.client().await?;
    let rows = client
        .query(
            "SELECT d.id, d.site, d.name, d.created_at, d.revoked_at,
                    (SELECT max(applied_at) FROM applied_mutations m WHERE m.device_id = d.id)
             FROM devices d ORDER BY d.site, d.name, d.created_at",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| DeviceInfo {
            device_id: r.get(0),
            site_code: r.get(1),
            name: r.get(2),
            enrolled_at: r.get(3),
            revoked_at: r.get(4),
            last_push_at: r.get(5),
        })
        .collect())
}
