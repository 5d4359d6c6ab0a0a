//! Procedure (job plan) import: one CSV row per step, grouped by the procedure code. Each
//! procedure in the file replaces the laptop's copy whole, so a step removed from the CMMS
//! disappears here too; procedures not in the file are left alone. Step numbers give the order
//! only: a CMMS numbers tasks 10, 20, 30…, a technician reads 1, 2, 3.

use super::mapping::RecordKind;
use super::reader::{CsvRows, FieldId};
use super::records::ImportSink;
use super::ImportError;
use crate::domain::{Procedure, ProcedureStep};
use crate::error::Result;
use std::collections::HashMap;

/// A procedure being gathered from its rows, with the line it started on.
struct Gathered {
    proc: Procedure,
    first_line: u64,
    step_lines: HashMap<u32, u64>,
}

/// The header fields a procedure's rows must agree on, by field name.
const HEADER: [&str; 5] = [
    "title",
    "manufacturer",
    "model",
    "equipment_class",
    "problem_code",
];

fn header_values(p: &Procedure) -> [Option<&str>; 5] {
    [
        Some(p.title.as_str()),
        p.manufacturer.as_deref(),
        p.model.as_deref(),
        p.equipment_class.as_deref(),
        p.problem_code.as_deref(),
    ]
}

/// Gathers the file's plans and hands each to `sink` whole, in the order they first appear.
pub(super) fn import<S: ImportSink>(sink: &mut S, rows: &mut CsvRows) -> Result<(u64, u64)> {
    let k = RecordKind::Procedures;
    let id = |n: &str| rows.fields.id(k, n);
    let [code, step, instruction, caution] = ["code", "step", "instruction", "caution"].map(id);
    let header: [FieldId; 5] = HEADER.map(id);
    let mut order: Vec<String> = Vec::new();
    let mut gathered: HashMap<String, Gathered> = HashMap::new();
    while let Some(line) = rows.next_row()? {
        let fl = &rows.fields;
        let rec = &rows.record;
        let code_v = fl
            .required(rec, code, line, "the procedure code")?
            .into_owned();
        let text = |f: FieldId| fl.text(rec, f).map(|v| v.trim().to_string());
        let row_proc = Procedure {
            code: code_v.clone(),
            title: fl
                .required(rec, header[0], line, "the title")?
                .trim()
                .to_string(),
            manufacturer: text(header[1]),
            model: text(header[2]),
            equipment_class: text(header[3]),
            problem_code: text(header[4]),
            steps: Vec::new(),
        };
        let number_text = fl.required(rec, step, line, "the step number")?;
        let number = number_text
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                fl.error(
                    line,
                    step,
                    format!("{number_text:?} is not a step number: a whole number that orders the steps (1, 2, 3… or 10, 20, 30…)"),
                )
            })?;
        let the_step = ProcedureStep {
            number,
            instruction: fl
                .required(rec, instruction, line, "the instruction")?
                .trim()
                .to_string(),
            caution: text(caution),
        };
        let g = match gathered.get_mut(&code_v) {
            Some(g) => g,
            None => {
                order.push(code_v.clone());
                gathered.entry(code_v.clone()).or_insert(Gathered {
                    proc: row_proc.clone(),
                    first_line: line,
                    step_lines: HashMap::new(),
                })
            }
        };
        for (i, (held, here)) in header_values(&g.proc)
            .into_iter()
            .zip(header_values(&row_proc))
            .enumerate()
        {
            if held != here {
                return Err(fl
                    .error(
                        line,
                        header[i],
                        format!(
                            "procedure {code_v} has {} {:?} here but {:?} on line {}; every \
                             row of a procedure must repeat the same {}",
                            HEADER[i],
                            here.unwrap_or(""),
                            held.unwrap_or(""),
                            g.first_line,
                            HEADER[i]
                        ),
                    )
                    .into());
            }
        }
        if let Some(earlier) = g.step_lines.insert(number, line) {
            return Err(fl
                .error(
                    line,
                    step,
                    format!("procedure {code_v} has a step {number} on line {earlier} already"),
                )
                .into());
        }
        g.proc.steps.push(the_step);
    }
    // The report counts procedures, not step rows.
    let n = order.len() as u64;
    let mut changes = 0u64;
    for c in order {
        let Some(mut g) = gathered.remove(&c) else {
            continue;
        };
        g.proc.steps.sort_by_key(|s| s.number);
        for (i, s) in g.proc.steps.iter_mut().enumerate() {
            s.number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        }
        g.proc.check().map_err(|m| ImportError {
            file: String::new(),
            line: Some(g.first_line),
            column: None,
            message: m,
        })?;
        changes += u64::from(sink.procedure(&g.proc)?);
    }
    Ok((n, changes))
}
