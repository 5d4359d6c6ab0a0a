//! Shift handover notes: a shift lead's note for a shift of the site, written on this laptop
//! (queued for sync with the note in one transaction) or pulled from the hub. Append-only.

use super::outbox::append;
use super::rows::{from_ms, ms, DbUuid};
use super::work_order_reads::ENTITY_SYNC_STATE;
use super::Store;
use crate::domain::{HandoverNote, NewHandoverNote, SyncState};
use crate::error::{CoreError, Result};
use crate::validate::{self, MAX_SHORT_TEXT_CHARS, MAX_TEXT_CHARS};
use chrono::{DateTime, Utc};
use faultline_protocol::{HandoverNoteRecord, Mutation};
use rusqlite::{params, Transaction};

/// Longest shift a handover note may cover.
const MAX_SHIFT_DAYS: i64 = 7;

/// The columns `note_row` reads, before the sync state (`ENTITY_SYNC_STATE`).
const COLUMNS: &str = "x.id, x.shift_start, x.shift_end, x.author, x.text, x.created_at";

fn note_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<HandoverNote> {
    Ok(HandoverNote {
        id: r.get::<_, DbUuid>(0)?.0,
        shift_start: from_ms(r.get(1)?),
        shift_end: from_ms(r.get(2)?),
        author: r.get(3)?,
        text: r.get(4)?,
        created_at: from_ms(r.get(5)?),
        sync_state: super::rows::parse_enum(r.get(6)?, SyncState::parse)?,
    })
}

/// The shift must end after it starts and last at most [`MAX_SHIFT_DAYS`].
fn check_shift(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<()> {
    if end <= start {
        return Err(CoreError::InvalidInput(
            "the shift must end after it starts: check the shift's times".into(),
        ));
    }
    if end - start > chrono::Duration::days(MAX_SHIFT_DAYS) {
        return Err(CoreError::InvalidInput(format!(
            "a shift of more than {MAX_SHIFT_DAYS} days is not a shift: pick the shift the note is for"
        )));
    }
    Ok(())
}

impl Store {
    /// Adds a handover note for a shift; it is queued for sync in the same transaction.
    pub fn add_handover_note(&mut self, input: &NewHandoverNote) -> Result<HandoverNote> {
        let now = self.clock().now();
        check_shift(input.shift_start, input.shift_end)?;
        let text = validate::clean_text(
            "text",
            "the handover note",
            &input.text,
            MAX_TEXT_CHARS,
            true,
        )?
        .unwrap_or_default();
        let author = validate::clean_text(
            "author",
            "the shift lead's name",
            &input.author,
            MAX_SHORT_TEXT_CHARS,
            true,
        )?
        .unwrap_or_default();
        let (id, mutation_id) = (self.ids().new_id(), self.ids().new_id());
        let tx = self.conn_mut().transaction()?;
        tx.execute(
            "INSERT INTO handover_notes (id, shift_start, shift_end, author, text, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                id.to_string(),
                ms(input.shift_start),
                ms(input.shift_end),
                author,
                text,
                ms(now)
            ],
        )?;
        let m = Mutation::AddHandoverNote {
            note_id: id,
            shift_start: input.shift_start,
            shift_end: input.shift_end,
            author,
            text,
            created_at: now,
        };
        append(&tx, mutation_id, id, 0, now, &m)?;
        tx.commit()?;
        self.conn()
            .prepare_cached(&format!(
                "SELECT {COLUMNS}, {ENTITY_SYNC_STATE} FROM handover_notes x WHERE x.id = ?1"
            ))?
            .query_row(params![id.to_string()], note_row)
            .map_err(Into::into)
    }

    /// The handover notes of the shifts that overlap `[from, to)`, by shift then time written.
    pub fn handover_notes(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<HandoverNote>> {
        if to <= from {
            return Err(CoreError::InvalidInput(
                "the range must end after it starts: check --from and --to".into(),
            ));
        }
        let rows = self
            .conn()
            .prepare_cached(&format!(
                "SELECT {COLUMNS}, {ENTITY_SYNC_STATE} FROM handover_notes x
                 WHERE x.shift_start < ?2 AND x.shift_end > ?1
                 ORDER BY x.shift_start, x.created_at, x.rid"
            ))?
            .query_map(params![ms(from), ms(to)], note_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

/// Stores a pulled handover note (the same id twice is one note).
pub(super) fn apply_pulled(tx: &Transaction<'_>, n: &HandoverNoteRecord) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO handover_notes (id, shift_start, shift_end, author, text, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(id) DO NOTHING",
    )?
    .execute(params![
        n.id.to_string(),
        ms(n.shift_start),
        ms(n.shift_end),
        n.author,
        n.text,
        ms(n.created_at)
    ])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{clock, store_with, T0};
    use super::*;
    use chrono::TimeZone;

    fn t(h: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(T0 + h * 3600, 0)
            .single()
            .unwrap_or_default()
    }

    fn note(start: i64, end: i64, text: &str) -> NewHandoverNote {
        NewHandoverNote {
            shift_start: t(start),
            shift_end: t(end),
            author: " Lead Ana ".into(),
            text: text.into(),
        }
    }

    #[test]
    fn a_handover_note_is_stored_queued_and_listed_by_shift() -> Result<()> {
        let mut s = store_with(clock());
        let n = s.add_handover_note(&note(-8, 0, "Press 4 tripped twice on OC1\u{1b}"))?;
        assert_eq!(n.author, "Lead Ana");
        assert_eq!(
            n.text, "Press 4 tripped twice on OC1",
            "control characters cleaned"
        );
        assert_eq!(n.sync_state, SyncState::Pending);
        s.add_handover_note(&note(-16, -8, "night shift: quiet"))?;
        let outbox = s.outbox(true, 10)?;
        assert_eq!(outbox.len(), 2);
        assert!(matches!(
            &outbox[0].envelope.mutation,
            Mutation::AddHandoverNote { note_id, .. } if *note_id == n.id
        ));
        assert_eq!(outbox[0].envelope.mutation.work_order_id(), None);
        // The shift just ended: only its own note.
        let listed = s.handover_notes(t(-8), t(0))?;
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0], n);
        // A day: both, the earlier shift first.
        let both = s.handover_notes(t(-24), t(1))?;
        assert_eq!(both.len(), 2);
        assert_eq!(both[0].text, "night shift: quiet");
        Ok(())
    }

    #[test]
    fn a_handover_note_needs_text_and_a_real_shift() {
        let mut s = store_with(clock());
        for bad in [note(0, -8, "x"), note(0, 24 * 8, "x"), note(-8, 0, "  ")] {
            assert!(
                matches!(s.add_handover_note(&bad), Err(CoreError::InvalidInput(_))),
                "{bad:?}"
            );
        }
        assert!(s.handover_notes(t(0), t(0)).is_err());
    }
}
