//! The feed rows of corrections and shift handover notes (see `pull_rows::FEEDS`).

use faultline_protocol::{Change, CorrectionRecord, HandoverNoteRecord};
use tokio_postgres::{Error, Row};

pub const CORRECTION_COLUMNS: &str = "id, work_order_id, target, target_id, action, author,
    created_at, text, part_number, quantity, unit, caption, reason, hub_order";

pub const HANDOVER_COLUMNS: &str = "id, shift_start, shift_end, author, text, created_at";

pub fn correction(r: &Row) -> Result<Change, Error> {
    Ok(Change::Correction(CorrectionRecord {
        id: r.try_get(2)?,
        work_order_id: r.try_get(3)?,
        target: r.try_get(4)?,
        target_id: r.try_get(5)?,
        action: r.try_get(6)?,
        author: r.try_get(7)?,
        created_at: r.try_get(8)?,
        text: r.try_get(9)?,
        part_number: r.try_get(10)?,
        quantity: r.try_get(11)?,
        unit: r.try_get(12)?,
        caption: r.try_get(13)?,
        reason: r.try_get(14)?,
        hub_order: r.try_get(15)?,
    }))
}

pub fn handover_note(r: &Row) -> Result<Change, Error> {
    Ok(Change::HandoverNote(HandoverNoteRecord {
        id: r.try_get(2)?,
        shift_start: r.try_get(3)?,
        shift_end: r.try_get(4)?,
        author: r.try_get(5)?,
        text: r.try_get(6)?,
        created_at: r.try_get(7)?,
    }))
}
