//! Mutations that only add facts and never conflict: new work orders, notes, parts, photos,
//! and downtime start/end (the earliest start and the latest end are kept). Each is decided in
//! memory against the batch's view of its work orders; the rows are written at the end of the
//! push, one multi-row insert per table. Every value is first checked with the laptop's rules
//! (`faultline_core::validate`: text lengths and control characters, times, priority, quantity
//! per unit, a stop not before the machine was last back in service); a new record whose id is
//! already taken on the site is refused (`duplicate_id`).

use super::push_batch::{rejected, Batch, Decision, NewNote, NewPart, NewPhoto, SimWo};
use super::wo_state::{NewWo, WoState};
use super::Tx as Transaction;
use crate::error::Result;
use chrono::{DateTime, Utc};
use faultline_core::validate::{
    self, Invalid, MAX_CODE_CHARS, MAX_SHORT_TEXT_CHARS, MAX_TEXT_CHARS,
};
use faultline_protocol::push::reject_codes;
use faultline_protocol::{Mutation, Outcome};
use uuid::Uuid;

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

/// The hub's text rule (`validate::check_text`: no control character, at most `max`
/// characters), and not empty when `required`.
pub fn text(
    field: &'static str,
    what: &str,
    value: &str,
    max: usize,
    required: bool,
) -> Result<(), Invalid> {
    if required && value.trim().is_empty() {
        return Err(Invalid::new(field, format!("{what} is empty")));
    }
    validate::check_text(field, what, value, max)
}

/// [`text`] for an optional value.
fn opt_text(
    field: &'static str,
    what: &str,
    value: Option<&str>,
    max: usize,
) -> Result<(), Invalid> {
    value.map_or(Ok(()), |v| text(field, what, v, max, false))
}

/// A note, part or photo id already taken on the site (by another mutation).
fn duplicate(kind: &str, id: Uuid) -> Decision {
    Decision::Record(rejected(
        reject_codes::DUPLICATE_ID,
        format!("{kind} id {id} is already taken on this site by another change: record it again as a new {kind}"),
    ))
}

fn applied(version: i64) -> Decision {
    Decision::Record(Outcome::Applied { version })
}

pub fn create_work_order(b: &mut Batch<'_>, m: &Mutation) -> Decision {
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
        return invalid("not a new work order");
    };
    if !WO_TYPES.contains(&wo_type.as_str()) {
        return invalid(format!(
            "work order type {wo_type:?} is not one of {}",
            WO_TYPES.join(", ")
        ));
    }
    if !(1..=5).contains(priority) {
        return invalid(format!(
            "priority {priority} is out of range 1 (highest) to 5"
        ));
    }
    let checked = text("title", "the title", title, MAX_TEXT_CHARS, true)
        .and_then(|()| {
            text(
                "number",
                "the work order number",
                number,
                MAX_CODE_CHARS,
                true,
            )
        })
        .and_then(|()| {
            opt_text(
                "fault_code",
                "the fault code",
                fault_code.as_deref(),
                MAX_CODE_CHARS,
            )
        })
        .and_then(|()| {
            text(
                "reported_by",
                "the reporter's name",
                reported_by,
                MAX_SHORT_TEXT_CHARS,
                false,
            )
        })
        .and_then(|()| validate::check_time("reported_at", "the report time", *reported_at, b.now))
        .and_then(|()| {
            downtime_start.map_or(Ok(()), |at| {
                super::push_context::check_stop(
                    at,
                    b.now,
                    b.back_in_service.get(work_order_id).copied(),
                )
            })
        });
    if let Err(e) = checked {
        return invalid(e.reason);
    }
    if !b.assets.contains(asset_id) {
        return Decision::Record(rejected(
            reject_codes::UNKNOWN_RECORD,
            format!("asset {asset_id} is not on site {}", b.site()),
        ));
    }
    // The work order is already there: its id was used by another mutation.
    if b.wos.contains_key(work_order_id) {
        return Decision::Record(rejected(
            reject_codes::DUPLICATE_ID,
            format!("work order {work_order_id} already exists on this site, created by another change: record the breakdown again as a new work order"),
        ));
    }
    let fault_code = fault_code
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    b.wos.insert(
        *work_order_id,
        SimWo {
            st: WoState::created(*downtime_start),
            dirty: false,
            created: Some(NewWo {
                id: *work_order_id,
                number: number.trim().to_string(),
                asset_id: *asset_id,
                wo_type: wo_type.clone(),
                priority: i16::from(*priority),
                title: title.trim().to_string(),
                fault_code,
                reported_by: reported_by.trim().to_string(),
                reported_at: *reported_at,
            }),
        },
    );
    applied(1)
}

pub fn add_note(
    b: &mut Batch<'_>,
    wo_id: Uuid,
    note_id: Uuid,
    author: &str,
    text: &str,
    created_at: DateTime<Utc>,
) -> Decision {
    let checked = self::text("text", "the note", text, MAX_TEXT_CHARS, true)
        .and_then(|()| self::text("author", "the author", author, MAX_SHORT_TEXT_CHARS, true))
        .and_then(|()| validate::check_time("created_at", "the note's time", created_at, b.now));
    if let Err(e) = checked {
        return invalid(e.reason);
    }
    let Some(version) = b.version(wo_id) else {
        return unknown_work_order(wo_id, b.site());
    };
    if !b.taken_ids.insert(note_id) {
        return duplicate("note", note_id);
    }
    b.notes.push(NewNote {
        id: note_id,
        work_order_id: wo_id,
        author: author.trim().to_string(),
        text: text.trim().to_string(),
        created_at,
    });
    applied(version)
}

pub fn add_part(b: &mut Batch<'_>, m: &Mutation) -> Decision {
    let Mutation::AddPart {
        part_id,
        work_order_id,
        part_number,
        description,
        quantity,
        unit,
        created_at,
    } = m
    else {
        return invalid("not a part");
    };
    let checked = text(
        "part_number",
        "the part number",
        part_number,
        MAX_CODE_CHARS,
        true,
    )
    .and_then(|()| {
        opt_text(
            "description",
            "the part description",
            description.as_deref(),
            MAX_SHORT_TEXT_CHARS,
        )
    })
    .and_then(|()| opt_text("unit", "the unit", unit.as_deref(), MAX_CODE_CHARS))
    .and_then(|()| validate::check_quantity(*quantity, unit.as_deref()))
    .and_then(|unit| {
        validate::check_time("created_at", "the part's time", *created_at, b.now).map(|()| unit)
    });
    let unit = match checked {
        Ok(unit) => unit,
        Err(e) => return invalid(e.reason),
    };
    let Some(version) = b.version(*work_order_id) else {
        return unknown_work_order(*work_order_id, b.site());
    };
    if !b.taken_ids.insert(*part_id) {
        return duplicate("part", *part_id);
    }
    b.parts.push(NewPart {
        id: *part_id,
        work_order_id: *work_order_id,
        part_number: part_number.trim().to_string(),
        description: description.clone(),
        quantity: *quantity,
        unit: unit.to_string(),
        created_at: *created_at,
    });
    applied(version)
}

/// True for a lowercase SHA-256 hex digest.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

pub fn add_photo(b: &mut Batch<'_>, m: &Mutation) -> Decision {
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
        return invalid("not a photo");
    };
    if !is_sha256_hex(sha256) {
        return invalid(format!("{sha256:?} is not a lowercase SHA-256 hex digest"));
    }
    let checked = text("mime", "the picture type", mime, MAX_CODE_CHARS, true)
        .and_then(|()| {
            opt_text(
                "caption",
                "the caption",
                caption.as_deref(),
                MAX_SHORT_TEXT_CHARS,
            )
        })
        .and_then(|()| validate::check_time("created_at", "the photo's time", *created_at, b.now));
    if let Err(e) = checked {
        return invalid(e.reason);
    }
    if !mime.starts_with("image/") {
        return invalid(format!("{mime} is not a picture type"));
    }
    if *size_bytes < 0 {
        return invalid(format!("a photo of {size_bytes} bytes cannot exist"));
    }
    let Some(version) = b.version(*work_order_id) else {
        return unknown_work_order(*work_order_id, b.site());
    };
    if b.taken_ids.contains(photo_id) {
        return duplicate("photo", *photo_id);
    }
    let Some(held) = b.blobs.get(sha256).copied() else {
        return Decision::Forget(rejected(
            reject_codes::MISSING_BLOB,
            format!("the photo's bytes (blob {sha256}) are not on the hub yet: upload them, then push again"),
        ));
    };
    if held != *size_bytes {
        return invalid(format!(
            "the photo is said to be {size_bytes} bytes but blob {sha256} is {held} bytes"
        ));
    }
    b.taken_ids.insert(*photo_id);
    b.photos.push(NewPhoto {
        id: *photo_id,
        work_order_id: *work_order_id,
        sha256: sha256.clone(),
        mime: mime.clone(),
        size_bytes: *size_bytes,
        caption: caption.clone(),
        created_at: *created_at,
    });
    applied(version)
}

/// DowntimeStart (`start`) or DowntimeEnd: sets the time when unset, keeps the earliest start
/// and the latest end; bumps the version only when something changed.
pub fn downtime(b: &mut Batch<'_>, wo_id: Uuid, at: DateTime<Utc>, start: bool) -> Decision {
    let checked = if start {
        super::push_context::check_stop(at, b.now, b.back_in_service.get(&wo_id).copied())
    } else {
        validate::check_time(
            "downtime_end",
            "the time the machine was back in service",
            at,
            b.now,
        )
    };
    if let Err(e) = checked {
        return invalid(e.reason);
    }
    let site = b.site().to_string();
    let Some(w) = b.wos.get_mut(&wo_id) else {
        return unknown_work_order(wo_id, &site);
    };
    // Stopped again after it was back in service (an intermittent trip): a new interval.
    if start && super::downtime_intervals::restart(w, &mut b.extra.past_intervals, wo_id, at) {
        return applied(w.st.version);
    }
    let current = if start {
        w.st.downtime_start
    } else {
        w.st.downtime_end
    };
    let keep = match current {
        None => Some(at),
        Some(c) if start && at < c => Some(at),
        Some(c) if !start && at > c => Some(at),
        Some(_) => None,
    };
    let Some(new) = keep else {
        return applied(w.st.version);
    };
    if start {
        w.st.downtime_start = Some(new);
    } else {
        w.st.downtime_end = Some(new);
    }
    w.st.version += 1;
    w.dirty = true;
    applied(w.st.version)
}

/// The site's existing assets among `ids`.
pub async fn known_assets(
    tx: &Transaction<'_>,
    site: &str,
    ids: &[Uuid],
) -> Result<std::collections::HashSet<Uuid>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let stmt = tx
        .prepare_cached("SELECT id FROM assets WHERE site = $1 AND id = ANY($2)")
        .await?;
    let rows = tx.query(&stmt, &[&site, &ids]).await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// The sizes of the blobs among `shas` that `site` may use.
pub async fn site_blobs(
    tx: &Transaction<'_>,
    site: &str,
    shas: &[&str],
) -> Result<std::collections::HashMap<String, i64>> {
    if shas.is_empty() {
        return Ok(Default::default());
    }
    let stmt = tx
        .prepare_cached(
            "SELECT b.sha256, b.size_bytes FROM blob_sites s JOIN blobs b ON b.sha256 = s.sha256
             WHERE s.site = $1 AND s.sha256 = ANY($2)",
        )
        .await?;
    let rows = tx.query(&stmt, &[&site, &shas]).await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// Inserts the batch's notes, parts and photos: one statement per table, pipelined. An id
/// already there is left alone (`ON CONFLICT DO NOTHING`).
pub async fn write(tx: &Transaction<'_>, b: &Batch<'_>) -> Result<()> {
    let site = b.site();
    let device = b.device.id;
    let notes = async {
        if b.notes.is_empty() {
            return Ok(0);
        }
        let stmt = tx
            .prepare_cached(
                "INSERT INTO notes (site, device_id, id, work_order_id, author, text, created_at)
                 SELECT $1::text, $2::uuid, u.* FROM unnest($3::uuid[], $4::uuid[], $5::text[],
                     $6::text[], $7::timestamptz[]) AS u
                 ON CONFLICT (site, id) DO NOTHING",
            )
            .await?;
        let ids: Vec<Uuid> = b.notes.iter().map(|n| n.id).collect();
        let wos: Vec<Uuid> = b.notes.iter().map(|n| n.work_order_id).collect();
        let authors: Vec<&str> = b.notes.iter().map(|n| n.author.as_str()).collect();
        let texts: Vec<&str> = b.notes.iter().map(|n| n.text.as_str()).collect();
        let times: Vec<DateTime<Utc>> = b.notes.iter().map(|n| n.created_at).collect();
        tx.execute(
            &stmt,
            &[&site, &device, &ids, &wos, &authors, &texts, &times],
        )
        .await
    };
    let parts = async {
        if b.parts.is_empty() {
            return Ok(0);
        }
        let stmt = tx
            .prepare_cached(
                "INSERT INTO parts (site, device_id, id, work_order_id, part_number, description,
                     quantity, created_at, unit)
                 SELECT $1::text, $2::uuid, u.* FROM unnest($3::uuid[], $4::uuid[], $5::text[],
                     $6::text[], $7::float8[], $8::timestamptz[], $9::text[]) AS u
                 ON CONFLICT (site, id) DO NOTHING",
            )
            .await?;
        let ids: Vec<Uuid> = b.parts.iter().map(|p| p.id).collect();
        let wos: Vec<Uuid> = b.parts.iter().map(|p| p.work_order_id).collect();
        let numbers: Vec<&str> = b.parts.iter().map(|p| p.part_number.as_str()).collect();
        let descs: Vec<Option<&str>> = b.parts.iter().map(|p| p.description.as_deref()).collect();
        let qty: Vec<f64> = b.parts.iter().map(|p| p.quantity).collect();
        let times: Vec<DateTime<Utc>> = b.parts.iter().map(|p| p.created_at).collect();
        let units: Vec<&str> = b.parts.iter().map(|p| p.unit.as_str()).collect();
        tx.execute(
            &stmt,
            &[
                &site, &device, &ids, &wos, &numbers, &descs, &qty, &times, &units,
            ],
        )
        .await
    };
    let photos = async {
        if b.photos.is_empty() {
            return Ok(0);
        }
        let stmt = tx
            .prepare_cached(
                "INSERT INTO photos (site, device_id, id, work_order_id, sha256, mime, size_bytes,
                     caption, created_at)
                 SELECT $1::text, $2::uuid, u.* FROM unnest($3::uuid[], $4::uuid[], $5::text[],
                     $6::text[], $7::int8[], $8::text[], $9::timestamptz[]) AS u
                 ON CONFLICT (site, id) DO NOTHING",
            )
            .await?;
        let ids: Vec<Uuid> = b.photos.iter().map(|p| p.id).collect();
        let wos: Vec<Uuid> = b.photos.iter().map(|p| p.work_order_id).collect();
        let shas: Vec<&str> = b.photos.iter().map(|p| p.sha256.as_str()).collect();
        let mimes: Vec<&str> = b.photos.iter().map(|p| p.mime.as_str()).collect();
        let sizes: Vec<i64> = b.photos.iter().map(|p| p.size_bytes).collect();
        let captions: Vec<Option<&str>> = b.photos.iter().map(|p| p.caption.as_deref()).collect();
        let times: Vec<DateTime<Utc>> = b.photos.iter().map(|p| p.created_at).collect();
        tx.execute(
            &stmt,
            &[
                &site, &device, &ids, &wos, &shas, &mimes, &sizes, &captions, &times,
            ],
        )
        .await
    };
    tokio::try_join!(notes, parts, photos)?;
    Ok(())
}
