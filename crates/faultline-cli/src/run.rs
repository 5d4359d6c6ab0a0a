//! Runs one parsed command against the replica.

use crate::args::{Cli, CloseArgs, CodeField, Command, LogBreakdownArgs, Who};
use crate::print::Printer;
use crate::time_arg::parse_opt;
use faultline_core::domain::{
    CloseWorkOrder, FailureCodes, FailureField, NewBreakdown, NewPart, StopMachine,
};
use faultline_core::{CoreError, Store};
use std::io::BufRead;
use std::path::PathBuf;

type Result<T> = std::result::Result<T, CoreError>;

fn data_dir(cli: &Cli) -> Result<PathBuf> {
    if let Some(d) = &cli.data_dir {
        return Ok(d.clone());
    }
    // The same directory the desktop app uses by default (Tauri's app data dir: the platform
    // data directory + the app identifier).
    directories::BaseDirs::new()
        .map(|b| b.data_dir().join("org.faultline.app"))
        .ok_or_else(|| CoreError::InvalidInput("no home directory: pass --data-dir DIR".into()))
}

pub(crate) fn author(who: &Who) -> Result<String> {
    who.author
        .clone()
        .or_else(|| std::env::var("FAULTLINE_USER").ok())
        .or_else(|| std::env::var("USER").ok())
        .filter(|a| !a.trim().is_empty())
        .ok_or_else(|| CoreError::InvalidInput("who is writing? pass --author NAME".into()))
}

pub fn run(cli: Cli) -> Result<()> {
    if let Command::ExtractWorker { args } = &cli.command {
        // A guarded worker: no store, no data directory; exits with the worker's own code.
        let code = faultline_manuals::extract::run_worker(args);
        std::process::exit(if code == std::process::ExitCode::SUCCESS {
            0
        } else {
            1
        });
    }
    if let Command::DevServe { port, demo } = &cli.command {
        // Its own replica: a throw-away demo copy unless --data-dir names one.
        return crate::dev_serve::dev_serve(cli.data_dir.clone(), *port, demo);
    }
    let dir = data_dir(&cli)?;
    let mut store = Store::open(&dir)?;
    let out = Printer { json: cli.json };
    match cli.command {
        Command::ExtractWorker { .. } | Command::DevServe { .. } => Ok(()),
        Command::Manuals(cmd) => crate::manuals::manuals(&dir, store, &out, cmd),
        Command::Search { text, asset, limit } => {
            crate::manuals::search(&dir, store, &out, &text, asset.as_deref(), limit)
        }
        Command::Init => out.info(&store.app_info(env!("CARGO_PKG_VERSION"))?),
        Command::Status => out.info(&store.app_info(env!("CARGO_PKG_VERSION"))?),
        Command::Import { mapping, files } => {
            let mut reports = Vec::new();
            for f in &files {
                reports.push(store.import_csv(&mapping, f)?);
            }
            out.imports(&files, &reports)
        }
        Command::DemoLoad { dir: demo } => {
            let reports = faultline_core::demo::load_demo(&mut store, &demo)?;
            let files: Vec<PathBuf> = faultline_core::demo::DEMO_FILES
                .iter()
                .map(|n| demo.join(format!("{n}.csv")))
                .collect();
            out.imports(&files, &reports)?;
            crate::guides::import_demo(&mut store, &out, &demo)?;
            crate::manuals::add_demo_manuals(&dir, store, &out, &demo)
        }
        Command::Assets { query, limit } => {
            out.assets(&store.find_assets(query.as_deref().unwrap_or(""), limit)?)
        }
        Command::History { asset, limit } => {
            let a = store.resolve_asset(&asset)?;
            out.asset_page(&store.asset_page(a.id, limit)?)
        }
        Command::Show { work_order } => {
            let id = store.resolve_work_order(&work_order)?;
            let sessions = store.diagnosis_sessions_for_work_order(&id.to_string())?;
            crate::diagnosis_cmd::show_work_order(&out, &store.work_order(id)?, &sessions)
        }
        Command::LogBreakdown(a) => log_breakdown(&mut store, &out, a),
        Command::Note {
            work_order,
            text,
            stdin,
            who,
        } => {
            let id = store.resolve_work_order(&work_order)?;
            let author = author(&who)?;
            if stdin {
                return note_stream(&mut store, &out, id, &author);
            }
            let text = text.ok_or_else(|| {
                CoreError::InvalidInput("what is the note? give the text, or --stdin".into())
            })?;
            out.work_order(&store.add_note(id, &author, &text)?)
        }
        Command::Stopped {
            work_order,
            at,
            confirm_old_stop,
        } => {
            let id = store.resolve_work_order(&work_order)?;
            out.work_order(&store.stop_machine(&StopMachine {
                work_order_id: id,
                at: parse_opt(at.as_deref())?,
                confirm_old_stop,
            })?)
        }
        Command::BackInService { work_order, at } => {
            let id = store.resolve_work_order(&work_order)?;
            out.work_order(&store.back_in_service(id, parse_opt(at.as_deref())?)?)
        }
        Command::AddPart {
            work_order,
            part,
            description,
            qty,
            unit,
        } => {
            let id = store.resolve_work_order(&work_order)?;
            out.work_order(&store.add_part(&NewPart {
                work_order_id: id,
                part_number: part,
                description,
                quantity: qty,
                unit,
            })?)
        }
        Command::AddPhoto {
            work_order,
            file,
            caption,
        } => {
            let id = store.resolve_work_order(&work_order)?;
            let bytes = std::fs::read(&file)
                .map_err(|e| CoreError::io(format!("cannot read {}", file.display()), e))?;
            let mime = match file
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
                .as_deref()
            {
                Some("jpg" | "jpeg") => "image/jpeg",
                Some("png") => "image/png",
                Some("webp") => "image/webp",
                _ => "application/octet-stream",
            };
            out.work_order(&store.add_photo(id, &bytes, mime, caption.as_deref())?)
        }
        Command::Close(a) => close(&mut store, &out, a),
        Command::Correction(cmd) => crate::corrections::run(&mut store, &out, cmd, author),
        Command::Catalog => out.catalog(&store.failure_catalog()?),
        Command::Procedures { asset } => match asset {
            Some(a) => {
                let a = store.resolve_asset(&a)?;
                out.procedures(&store.procedures_for(&a)?)
            }
            None => out.procedures(&store.procedures()?),
        },
        Command::Procedure { code } => out.procedure(&store.procedure(&code)?),
        Command::ShiftReport {
            since,
            until,
            hours,
            shift,
            date,
        } => crate::shifts::report(
            &store,
            &out,
            crate::shifts::ReportArgs {
                since,
                until,
                hours,
                shift,
                date,
            },
        ),
        Command::Shifts(cmd) => crate::shifts::shifts(&mut store, &out, cmd),
        Command::Metrics(a) => crate::analytics::metrics(&store, &out, a),
        Command::Pareto(a) => crate::analytics::pareto(&store, &out, a),
        Command::Trends(a) => crate::analytics::trends(&store, &out, a),
        Command::Risk(a) => crate::analytics::risk(&store, &out, a),
        Command::Oee(a) => crate::oee::oee(&store, &out, a),
        Command::Diagnose(a) => crate::diagnose::diagnose(&dir, store, &out, a),
        Command::Guides(cmd) => crate::guides::guides(&mut store, &out, cmd),
        Command::Diagnosis(cmd) => crate::diagnosis_cmd::diagnosis(&mut store, &out, cmd),
        Command::Enroll {
            hub,
            token,
            ca_bundle,
            proxy,
        } => crate::sync::enroll(store, &out, hub, token, ca_bundle, proxy),
        Command::Sync {
            hub,
            token,
            status,
            batch,
            page,
        } => crate::sync::sync(&dir, store, &out, hub, token, status, batch, page),
        Command::Conflicts { all } => out.conflicts(&store.conflicts(!all)?),
        Command::Resolve { conflict, keep } => {
            crate::sync::resolve(&mut store, &out, &conflict, keep)
        }
        Command::Rejected { limit } => out.rejected(&store.rejected_changes(limit)?),
        Command::Outbox { all, limit } => out.outbox(&store.outbox(!all, limit)?),
    }
}

fn log_breakdown(store: &mut Store, out: &Printer, a: LogBreakdownArgs) -> Result<()> {
    let asset = store.resolve_asset(&a.asset)?;
    let wo = store.log_breakdown(&NewBreakdown {
        asset_id: asset.id,
        fault_code: a.code,
        symptom: a.symptom,
        note: a.note,
        machine_stopped: !a.running,
        stopped_at: parse_opt(a.stopped_at.as_deref())?,
        confirm_old_stop: a.confirm_old_stop,
        priority: a.priority,
        author: author(&a.who)?,
    })?;
    out.work_order(&wo)
}

fn close(store: &mut Store, out: &Printer, a: CloseArgs) -> Result<()> {
    let id = store.resolve_work_order(&a.work_order)?;
    let wo = store.close_work_order(&CloseWorkOrder {
        work_order_id: id,
        failure: FailureCodes {
            failure_class: a.class,
            problem_code: a.problem,
            cause_code: a.cause,
            remedy_code: a.remedy,
            iso_failure_mode: a.iso_mode,
            iso_failure_mechanism: a.iso_mechanism,
            iso_failure_cause: a.iso_cause,
        },
        clear: a.clear.iter().map(|f| code_field(*f)).collect(),
        remedy_text: a.fixed,
        finished_at: parse_opt(a.finished_at.as_deref())?,
        author: author(&a.who)?,
    })?;
    out.work_order(&wo)
}

fn code_field(f: CodeField) -> FailureField {
    match f {
        CodeField::Class => FailureField::FailureClass,
        CodeField::Problem => FailureField::ProblemCode,
        CodeField::Cause => FailureField::CauseCode,
        CodeField::Remedy => FailureField::RemedyCode,
        CodeField::IsoMode => FailureField::IsoFailureMode,
        CodeField::IsoMechanism => FailureField::IsoFailureMechanism,
        CodeField::IsoCause => FailureField::IsoFailureCause,
    }
}

/// One note per stdin line; each is acknowledged only after its transaction committed.
fn note_stream(store: &mut Store, out: &Printer, id: uuid::Uuid, author: &str) -> Result<()> {
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let line = line.map_err(|e| CoreError::io("cannot read stdin", e))?;
        if line.trim().is_empty() {
            continue;
        }
        let wo = store.add_note(id, author, &line)?;
        if let Some(n) = wo.notes.last() {
            out.ack(&n.id.to_string());
        }
    }
    Ok(())
}
