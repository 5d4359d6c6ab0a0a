//! Pushed corrections (a note, part or photo amended or voided) and shift handover notes,
//! checked with the laptop's rules (`faultline_core::validate`) and written at the end of the
//! push. A correction must name a work order of the device's site and a note/part/photo of that
//! work order that exists on the hub or arrives earlier in the same batch. Corrections are
//! append-only and never conflict: two corrections of the same item from two laptops are both
//! kept, in the hub's order (`hub_order`), and the later one is current.

use super::push_appends::text;
use super::push_batch::{rejected, Batch, Decision};
use super::Tx as Transaction;
use crate::error::Result;
use chrono::{DateTime, Utc};
use faultline_core::validate::{
    self, Invalid, MAX_CODE_CHARS, MAX_SHORT_TEXT_CHARS, MAX_TEXT_CHARS,
};
use faultline_protocol::correction::{actions, targets};
use faultline_protocol::push::reject_codes;
use faultline_protocol::{CorrectionRecord, HandoverNoteRecord, Mutation, Outcome};

/// Longest shift a handover note may cover, in days (as the app).
const MAX_SHIFT_DAYS: i64 = 7;

fn invalid(reason: impl Into<String>) -> Decision {
    Decision::Record(rejected(reject_codes::INVALID_VALUE, reason))
}

/// The values a correction must carry for its target and action, checked as the app does.
fn check_values(c: &CorrectionRecord, now: DateTime<Utc>) -> std::result::Result<(), Invalid> {
    if !targets::ALL.contains(&c.target.as_str()) {
        return Err(Invalid::new(
            "target",
            format!(
                "{:?} cannot be corrected: a note, a part or a photo can",
                c.target
            ),
        ));
    }
    if !actions::ALL.contains(&c.action.as_str()) {
        return Err(Invalid::new(
            "action",
            format!("{:?} is not a correction: amend or void", c.action),
        ));
    }
    text(
        "author",
        "the name of who corrects it",
        &c.author,
        MAX_SHORT_TEXT_CHARS,
        true,
    )?;
    validate::check_time("created_at", "the correction's time", c.created_at, now)?;
    if c.action == actions::VOID {
        let reason = c.reason.as_deref().unwrap_or_default();
        return text(
            "reason",
            "the reason for voiding it",
            reason,
            MAX_SHORT_TEXT_CHARS,
            true,
        );
    }
    match c.target.as_str() {
        targets::NOTE => text(
            "text",
            "the note",
            c.text.as_deref().unwrap_or_default(),
            MAX_TEXT_CHARS,
            true,
        ),
        targets::PART => {
            let number = c.part_number.as_deref().unwrap_or_default();
            text(
                "part_number",
                "the part number",
                number,
                MAX_CODE_CHARS,
                true,
            )?;
            let Some(quantity) = c.quantity else {
                return Err(Invalid::new(
                    "quantity",
                    "an amended part needs its quantity",
                ));
            };
            validate::check_quantity(quantity, c.unit.as_deref()).map(|_| ())
        }
        _ => c.caption.as_deref().map_or(Ok(()), |caption| {
            text(
                "caption",
                "the caption",
                caption,
                MAX_SHORT_TEXT_CHARS,
                false,
            )
        }),
    }
}

/// Decides one correction against the batch's view of the site.
pub fn correct(b: &mut Batch<'_>, c: &CorrectionRecord) -> Decision {
    if let Err(e) = check_values(c, b.now) {
        return invalid(e.reason);
    }
    let Some(version) = b.version(c.work_order_id) else {
        return Decision::Record(rejected(
            reject_codes::UNKNOWN_RECORD,
            format!("work order {} is not on site {}", c.work_order_id, b.site()),
        ));
    };
    let in_batch = match c.target.as_str() {
        targets::NOTE => b
            .notes
            .iter()
            .any(|n| n.id == c.target_id && n.work_order_id == c.work_order_id),
        targets::PART => b
            .parts
            .iter()
            .any(|p| p.id == c.target_id && p.work_order_id == c.work_order_id),
        _ => b
            .photos
            .iter()
            .any(|p| p.id == c.target_id && p.work_order_id == c.work_order_id),
    };
    let on_hub =
        b.extra.targets.get(&c.target_id) == Some(&(target_kind(&c.target), c.work_order_id));
    if !(in_batch || on_hub) {
        return Decision::Record(rejected(
            reject_codes::UNKNOWN_RECORD,
            format!(
                "there is no {} {} on work order {} of site {}: it cannot be corrected",
                c.target,
                c.target_id,
                c.work_order_id,
                b.site()
            ),
        ));
    }
    if !b.extra.corrections.iter().any(|k| k.id == c.id) {
        let mut kept = c.clone();
        kept.author = kept.author.trim().to_string();
        b.extra.corrections.push(kept);
    }
    Decision::Record(Outcome::Applied { version })
}

fn target_kind(target: &str) -> &'static str {
    match target {
        targets::NOTE => targets::NOTE,
        targets::PART => targets::PART,
        _ => targets::PHOTO,
    }
}

/// Decides one handover note: text and times as the app checks them.
pub fn handover_note(b: &mut Batch<'_>, m: &Mutation) -> Decision {
    let Mutation::AddHandoverNote {
        note_id,
        shift_start,
        shift_end,
        author,
        text: body,
        created_at,
    } = m
    else {
        return invalid("not a handover note");
    };
    let checked = text("text", "the handover note", body, MAX_TEXT_CHARS, true)
        .and_then(|()| {
            text(
                "author",
                "the shift lead's name",
                author,
                MAX_SHORT_TEXT_CHARS,
                true,
            )
        })
        .and_then(|()| {
            validate::check_time("shift_start", "the shift's start", *shift_start, b.now)
        })
        .and_then(|()| {
            validate::check_time(
                "shift_end",
                "the shift's end",
                *shift_end,
                b.now + chrono::Duration::days(MAX_SHIFT_DAYS),
            )
        })
        .and_then(|()| validate::check_time("created_at", "the note's time", *created_at, b.now));
    if let Err(e) = checked {
        return invalid(e.reason);
    }
    if *shift_end <= *shift_start
        || *shift_end - *shift_start > chrono::Duration::days(MAX_SHIFT_DAYS)
    {
        return invalid(format!(
            "the shift must end after it starts and last at most {MAX_SHIFT_DAYS} days"
        ));
    }
    if !b.extra.handover_notes.iter().any(|n| n.id == *note_id) {
        b.extra.handover_notes.push(HandoverNoteRecord {
            id: *note_id,
            shift_start: *shift_start,
            shift_end: *shift_end,
            author: author.trim().to_string(),
            text: body.trim().to_string(),
            created_at: *created_at,
        });
    }
    Decision::Record(Outcome::Applied { version: 0 })
}

/// Writes the batch's corrections, handover notes and finished downtime intervals (after the
/// work orders, which they refer to). An id already there is left alone.
pub async fn write(tx: &Transaction<'_>, b: &Batch<'_>) -> Result<()> {
    let site = b.site();
    let device = b.device.id;
    if !b.extra.corrections.is_empty() {
        let stmt = tx
            .prepare_cached(
                "INSERT INTO corrections (site, device_id, id, work_order_id, target, target_id,
                     action, author, created_at, text, part_number, quantity, unit, caption, reason)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
                 ON CONFLICT (site, id) DO NOTHING",
            )
            .await?;
        for c in &b.extra.corrections {
            tx.execute(
                &stmt,
                &[
                    &site,
                    &device,
                    &c.id,
                    &c.work_order_id,
                    &c.target,
                    &c.target_id,
                    &c.action,
                    &c.author,
                    &c.created_at,
                    &c.text,
                    &c.part_number,
                    &c.quantity,
                    &c.unit,
                    &c.caption,
                    &c.reason,
                ],
            )
            .await?;
        }
    }
    if !b.extra.handover_notes.is_empty() {
        let stmt = tx
            .prepare_cached(
                "INSERT INTO handover_notes (site, device_id, id, shift_start, shift_end, author,
                     text, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (site, id) DO NOTHING",
            )
            .await?;
        for n in &b.extra.handover_notes {
            tx.execute(
                &stmt,
                &[
                    &site,
                    &device,
                    &n.id,
                    &n.shift_start,
                    &n.shift_end,
                    &n.author,
                    &n.text,
                    &n.created_at,
                ],
            )
            .await?;
        }
    }
    super::push_diagnosis::write(tx, b).await?;
    super::downtime_intervals::write(tx, site, &b.extra.past_intervals).await
}
