//! Mutations that only add facts and never conflict: new work orders, notes, parts, photos,
//! and downtime start/end (the earliest start and the latest end are kept).

use super::push::{rejected, Decision};
use super::wo_state;
use super::Tx as Transaction;
use crate::error::Result;
use crate::store::Device;
use chrono::{DateTime, Utc};
use faultline_protocol::push::reject_codes;
use faultline_protocol::{Mutation, Outcome};
use uuid::Uuid;

/// Longest text accepted in a note, title or caption, in characters (as the app).
const MAX_TEXT: usize = 20_000;
const WO_TYPES: [&str; 3] = ["breakdown", "corrective", "preventive"];

fn invalid(reason: impl Into<String>) -> Decision {
    Decision::Record(rejected(reject_codes::INVALID_VALUE, reason))
}

fn unknown_work_order(id: Uuid, site: &str) -> Decision {
    Decision::Record(rejected(
        reject_codes::UNKNOWN_RECORD,
        format!("work order {id} is not on site {site}"),
    ))
}

/// `Some(reason)` when `text` is empty (and required) or too long.
fn text_problem(what: &str, text: &str, required: bool) -> Option<String> {
    let t = text.trim();
    if required && t.is_empty() {
        Some(format!("{what} is empty"))
    } else if t.chars().count() > MAX_TEXT {
        Some(format!("{what} is longer than {MAX_TEXT} characters"))
    } else {
        None
    }
}

fn applied(version: i64) -> Decision {
    Decision::Record(Outcome::Applied { version })
}

pub async fn create_work_order(
    tx: &Transaction<'_>,
    device: &Device,
    m: &Mutation,
) -> Result<Decision> {
    let Mutation::CreateWorkOrder {
        work_order_id,
        number,
        asset_id,
        wo_type,
        priority,
        title,
        fault_code,
        reported_by,
        reported_at,
        downtime_start,
    } = m
    else {
        return Ok(invalid("not a new work order"));
    };
    let site = device.site_code.as_str();
    if !WO_TYPES.contains(&wo_type.as_str()) {
        return Ok(invalid(format!(
            "work order type {wo_type:?} is not one of {}",
            WO_TYPES.join(", ")
        )));
    }
    if !(1..=5).contains(priority) {
        return Ok(invalid(format!(
            "priority {priority} is out of range 1 (highest) to 5"
        )));
    }
    if let Some(p) = text_problem("the title", title, true)
        .or_else(|| text_problem("the work order number", number, true))
    {
        return Ok(invalid(p));
    }
    let asset = tx
        .query_opt(
            "SELECT 1 FROM assets WHERE site = $1 AND id = $2",
            &[&site, asset_id],
        )
        .await?;
    if asset.is_none() {
        return Ok(Decision::Record(rejected(
            reject_codes::UNKNOWN_RECORD,
            format!("asset {asset_id} is not on site {site}"),
        )));
    }
    let stmt = tx
        .prepare_cached(
            "INSERT INTO work_orders (site, id, number, asset_id, wo_type, status, priority, title,
                 fault_code, reported_by, reported_at, downtime_start, version, created_by)
             VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $8, $9, $10, $11, 1, $12)
             ON CONFLICT (site, id) DO NOTHING
             RETURNING version",
        )
        .await?;
    let fault_code = fault_code
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let inserted = tx
        .query_opt(
            &stmt,
            &[
                &site,
                work_order_id,
                &number.trim(),
                asset_id,
                wo_type,
                &i16::from(*priority),
                &title.trim(),
                &fault_code,
                &reported_by.trim(),
                reported_at,
                downtime_start,
                &device.id,
            ],
        )
        .await?;
    let version = match inserted {
        Some(r) => r.get(0),
        // The work order is already there (the same creation under another mutation id).
        None => wo_state::version(tx, site, *work_order_id)
            .await?
            .unwrap_or(1),
    };
    Ok(applied(version))
}

pub async fn add_note(
    tx: &Transaction<'_>,
    device: &Device,
    wo_id: Uuid,
    note_id: Uuid,
    author: &str,
    text: &str,
    created_at: DateTime<Utc>,
) -> Result<Decision> {
    let site = device.site_code.as_str();
    if let Some(p) =
        text_problem("the note", text, true).or_else(|| text_problem("the author", author, true))
    {
        return Ok(invalid(p));
    }
    let Some(version) = wo_state::version(tx, site, wo_id).await? else {
        return Ok(unknown_work_order(wo_id, site));
    };
    let stmt = tx
        .prepare_cached(
            "INSERT INTO notes (site, id, work_order_id, author, text, created_at, device_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (site, id) DO NOTHING",
        )
        .await?;
    tx.execute(
        &stmt,
        &[
            &site,
            &note_id,
            &wo_id,
            &author.trim(),
            &text.trim(),
            &created_at,
            &device.id,
        ],
    )
    .await?;
    Ok(applied(version))
}

pub async fn add_part(tx: &Transaction<'_>, device: &Device, m: &Mutation) -> Result<Decision> {
    let Mutation::AddPart {
        part_id,
        work_order_id,
        part_number,
        description,
        quantity,
        created_at,
    } = m
    else {
        return Ok(invalid("not a part"));
    };
    let site = device.site_code.as_str();
    if let Some(p) = text_problem("the part number", part_number, true).or_else(|| {
        description
            .as_deref()
            .and_then(|d| text_problem("the part description", d, false))
    }) {
        return Ok(invalid(p));
    }
    if !(quantity.is_finite() && *quantity > 0.0) {
        return Ok(invalid("the quantity must be a number above 0"));
    }
    let Some(version) = wo_state::version(tx, site, *work_order_id).await? else {
        return Ok(unknown_work_order(*work_order_id, site));
    };
    let stmt = tx
        .prepare_cached(
            "INSERT INTO parts (site, id, work_order_id, part_number, description, quantity,
                 created_at, device_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (site, id) DO NOTHING",
        )
        .await?;
    tx.execute(
        &stmt,
        &[
            &site,
            part_id,
            work_order_id,
            &part_number.trim(),
            description,
            quantity,
            created_at,
            &device.id,
        ],
    )
    .await?;
    Ok(applied(version))
}

/// True for a lowercase SHA-256 hex digest.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

pub async fn add_photo(tx: &Transaction<'_>, device: &Device, m: &Mutation) -> Result<Decision> {
    let Mutation::AddPhoto {
        photo_id,
        work_order_id,
        sha256,
        mime,
        size_bytes,
        caption,
        created_at,
    } = m
    else {
        return Ok(invalid("not a photo"));
    };
    let site = device.site_code.as_str();
    if !is_sha256_hex(sha256) {
        return Ok(invalid(format!(
            "{sha256:?} is not a lowercase SHA-256 hex digest"
        )));
    }
    if !mime.starts_with("image/") {
        return Ok(invalid(format!("{mime} is not a picture type")));
    }
    if let Some(p) = caption
        .as_deref()
        .and_then(|c| text_problem("the caption", c, false))
    {
        return Ok(invalid(p));
    }
    let Some(version) = wo_state::version(tx, site, *work_order_id).await? else {
        return Ok(unknown_work_order(*work_order_id, site));
    };
    let blob = tx
        .query_opt(
            "SELECT b.size_bytes FROM blob_sites s JOIN blobs b ON b.sha256 = s.sha256
             WHERE s.site = $1 AND s.sha256 = $2",
            &[&site, sha256],
        )
        .await?;
    let Some(blob) = blob else {
        return Ok(Decision::Forget(rejected(
            reject_codes::MISSING_BLOB,
            format!("the photo's bytes (blob {sha256}) are not on the hub yet: upload them, then push again"),
        )));
    };
    let held: i64 = blob.get(0);
    if held != *size_bytes {
        return Ok(invalid(format!(
            "the photo is said to be {size_bytes} bytes but blob {sha256} is {held} bytes"
        )));
    }
    let stmt = tx
        .prepare_cached(
            "INSERT INTO photos (site, id, work_order_id, sha256, mime, size_bytes, caption,
                 created_at, device_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (site, id) DO NOTHING",
        )
        .await?;
    tx.execute(
        &stmt,
        &[
            &site,
            photo_id,
            work_order_id,
            sha256,
            mime,
            size_bytes,
            caption,
            created_at,
            &device.id,
        ],
    )
    .await?;
    Ok(applied(version))
}

/// DowntimeStart (`start`) or DowntimeEnd: sets the time when unset, keeps the earliest start
/// and the latest end; bumps the version only when something changed.
pub async fn downtime(
    tx: &Transaction<'_>,
    site: &str,
    wo_id: Uuid,
    at: DateTime<Utc>,
    start: bool,
) -> Result<Decision> {
    let Some(st) = wo_state::lock(tx, site, wo_id).await? else {
        return Ok(unknown_work_order(wo_id, site));
    };
    let (current, column) = if start {
        (st.downtime_start, "downtime_start")
    } else {
        (st.downtime_end, "downtime_end")
    };
    let keep = match current {
        None => Some(at),
        Some(c) if start && at < c => Some(at),
        Some(c) if !start && at > c => Some(at),
        Some(_) => None,
    };
    let Some(new) = keep else {
        return Ok(applied(st.version));
    };
    let version = st.version + 1;
    let sql =
        format!("UPDATE work_orders SET {column} = $3, version = $4 WHERE site = $1 AND id = $2");
    tx.execute(sql.as_str(), &[&site, &wo_id, &new, &version])
        .await?;
    Ok(applied(version))
}
