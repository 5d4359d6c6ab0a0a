//! Sites: the unit of authorization (a device reads and writes exactly one site).

use crate::error::{HubError, Result};
use crate::pg::PgStore;

/// Site codes appear in URLs: letters, digits, `-`, `_`, `.`; at most 64.
pub fn valid_site_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Creates a site, or renames it if it exists.
pub async fn add_site(store: &PgStore, code: &str, name: &str) -> Result<()> {
    if !valid_site_code(code) {
        return Err(HubError::Invalid(format!(
            "site code {code:?} is not valid: use 1 to 64 letters, digits, '-', '_' or '.'"
        )));
    }
    let name = name.trim();
    if name.is_empty() {
        return Err(HubError::Invalid("the site name is empty".into()));
    }
    let mut client = store.client().await?;
    let tx = client.transaction().await?;
    tx.execute(
        "INSERT INTO sites (code, name) VALUES ($1, $2)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name",
        &[&code, &name],
    )
    .await?;
    tx.execute(
        "INSERT INTO site_history (site) VALUES ($1) ON CONFLICT DO NOTHING",
        &[&code],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The name of site `code`, or a NotFound error that says how to create it.
pub async fn site_name(store: &PgStore, code: &str) -> Result<String> {
    let client = store.client().await?;
    client
        .query_opt("SELECT name FROM sites WHERE code = $1", &[&code])
        .await?
        .map(|r| r.get(0))
        .ok_or_else(|| {
            HubError::NotFound(format!(
                "there is no site {code:?}: create it with `faultline-hub site add {code} NAME`"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_codes_are_url_safe_words() {
        assert!(valid_site_code("PLANT1"));
        assert!(valid_site_code("north-2.b_x"));
        assert!(!valid_site_code(""));
        assert!(!valid_site_code("a b"));
        assert!(!valid_site_code("a/b"));
        assert!(!valid_site_code(&"x".repeat(65)));
    }
}
