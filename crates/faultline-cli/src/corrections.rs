//! `faultline amend-note|void-note|amend-part|void-part|amend-photo|void-photo` (corrections:
//! append-only, the original stays in the item's history; ids are shown by `faultline show`)
//! and `faultline handover-note|handover-notes` (the shift lead's note per shift).

use crate::args::Who;
use crate::print::Printer;
use crate::time_arg::parse;
use clap::{Args, Subcommand};
use faultline_core::domain::{HandoverNote, NewCorrection, NewHandoverNote};
use faultline_core::{CoreError, Store};
use uuid::Uuid;

type Result<T> = std::result::Result<T, CoreError>;

#[derive(Debug, Subcommand)]
pub enum CorrectionCommand {
    /// Correct a note's text (the original stays in its history).
    AmendNote {
        /// The note's id (`faultline show WO`).
        note: String,
        /// The corrected text.
        text: String,
        #[command(flatten)]
        who: Who,
    },
    /// Void a note (it stays, struck through, with the reason).
    VoidNote(Void),
    /// Correct a part: its part number, quantity and/or unit.
    AmendPart {
        /// The part's id (`faultline show WO`).
        part: String,
        #[arg(long = "part")]
        part_number: Option<String>,
        #[arg(long)]
        qty: Option<f64>,
        #[arg(long)]
        unit: Option<String>,
        #[command(flatten)]
        who: Who,
    },
    /// Void a part (booked by mistake); it no longer counts.
    VoidPart(Void),
    /// Correct a photo's caption (an empty caption clears it).
    AmendPhoto {
        /// The photo's id (`faultline show WO`).
        photo: String,
        caption: String,
        #[command(flatten)]
        who: Who,
    },
    /// Void a photo.
    VoidPhoto(Void),
    /// Add the shift lead's handover note for the shift --from..--to.
    HandoverNote {
        /// Start of the shift: RFC 3339, or "YYYY-MM-DD HH:MM" local time.
        #[arg(long)]
        from: String,
        /// End of the shift.
        #[arg(long)]
        to: String,
        text: String,
        #[command(flatten)]
        who: Who,
    },
    /// The handover notes of the shifts overlapping --from..--to.
    HandoverNotes {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
    },
}

#[derive(Debug, Args)]
pub struct Void {
    /// The id of the note, part or photo (`faultline show WO`).
    pub id: String,
    /// Why it is voided.
    #[arg(long)]
    pub reason: String,
    #[command(flatten)]
    pub who: Who,
}

fn id(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| {
        CoreError::InvalidInput(format!(
            "{s:?} is not an id: use the id `faultline show WORK_ORDER` prints"
        ))
    })
}

fn correction(
    target: &str,
    target_id: &str,
    action: &str,
    author: String,
) -> Result<NewCorrection> {
    Ok(NewCorrection {
        target: target.into(),
        target_id: id(target_id)?,
        action: action.into(),
        author,
        text: None,
        part_number: None,
        quantity: None,
        unit: None,
        caption: None,
        reason: None,
    })
}

fn void(target: &str, v: Void, author: impl Fn(&Who) -> Result<String>) -> Result<NewCorrection> {
    let mut c = correction(target, &v.id, "void", author(&v.who)?)?;
    c.reason = Some(v.reason);
    Ok(c)
}

/// Runs one correction or handover command; `author` resolves `--author` as every command does.
pub fn run(
    store: &mut Store,
    out: &Printer,
    cmd: CorrectionCommand,
    author: impl Fn(&Who) -> Result<String>,
) -> Result<()> {
    let input = match cmd {
        CorrectionCommand::AmendNote { note, text, who } => {
            let mut c = correction("note", &note, "amend", author(&who)?)?;
            c.text = Some(text);
            c
        }
        CorrectionCommand::VoidNote(v) => void("note", v, &author)?,
        CorrectionCommand::AmendPart {
            part,
            part_number,
            qty,
            unit,
            who,
        } => {
            let mut c = correction("part", &part, "amend", author(&who)?)?;
            (c.part_number, c.quantity, c.unit) = (part_number, qty, unit);
            c
        }
        CorrectionCommand::VoidPart(v) => void("part", v, &author)?,
        CorrectionCommand::AmendPhoto {
            photo,
            caption,
            who,
        } => {
            let mut c = correction("photo", &photo, "amend", author(&who)?)?;
            c.caption = Some(caption);
            c
        }
        CorrectionCommand::VoidPhoto(v) => void("photo", v, &author)?,
        CorrectionCommand::HandoverNote {
            from,
            to,
            text,
            who,
        } => {
            let note = store.add_handover_note(&NewHandoverNote {
                shift_start: parse(&from)?,
                shift_end: parse(&to)?,
                author: author(&who)?,
                text,
            })?;
            return handover_notes(out, &[note]);
        }
        CorrectionCommand::HandoverNotes { from, to } => {
            let notes = store.handover_notes(parse(&from)?, parse(&to)?)?;
            return handover_notes(out, &notes);
        }
    };
    out.work_order(&store.correct(&input)?)
}

fn handover_notes(out: &Printer, notes: &[HandoverNote]) -> Result<()> {
    out.emit(&notes, || {
        if notes.is_empty() {
            return "no handover notes for these shifts".into();
        }
        notes
            .iter()
            .map(|n| {
                format!(
                    "shift {} – {}: {} ({}, {})",
                    n.shift_start.format("%Y-%m-%d %H:%M"),
                    n.shift_end.format("%Y-%m-%d %H:%M"),
                    n.text,
                    n.author,
                    match n.sync_state {
                        faultline_core::domain::SyncState::Synced => "synced",
                        _ => "not yet synced",
                    }
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    })
}
