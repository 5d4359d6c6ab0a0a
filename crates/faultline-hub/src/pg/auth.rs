//! Token lookup: the device (and its site) a token hash belongs to, unless revoked.

use super::PgStore;
use crate::error::Result;
use crate::store::Device;

pub async fn authenticate(store: &PgStore, token_sha256: &str) -> Result<Option<Device>> {
    let client = store.client().await?;
    let stmt = client
        .prepare_cached(
            "SELECT d.id, d.name, s.code, s.name FROM devices d JOIN sites s ON s.code = d.site
             WHERE d.token_sha256 = $1 AND d.revoked_at IS NULL",
        )
        .await?;
    let row = client.query_opt(&stmt, &[&token_sha256]).await?;
    Ok(row.map(|r| Device {
        id: r.get(0),
        name: r.get(1),
        site_code: r.get(2),
        site_name: r.get(3),
    }))
}
