//! `faultline guides check|import|list`: troubleshooting guide files (TOML, docs/guides.md)
//! checked against the format and the replica's failure catalogue, imported whole (only when
//! every file passes), and listed.

use crate::print::Printer;
use clap::Subcommand;
use faultline_core::domain::{Guide, GuideSummary};
use faultline_core::store::GuideWrite;
use faultline_core::{CoreError, Store};
use faultline_diagnosis::guide::{check, GuideError};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

type Result<T> = std::result::Result<T, CoreError>;

#[derive(Debug, Subcommand)]
pub enum GuidesCommand {
    /// Check guide files: steps, branches, cycles, catalogue codes, units and ranges.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Check, then import guide files (nothing is imported when one has an error).
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// The guides on this laptop.
    List,
}

/// One file checked: its text and the guide or its errors.
pub struct Checked {
    pub file: PathBuf,
    pub text: String,
    pub result: std::result::Result<Guide, Vec<GuideError>>,
}

/// Reads and checks each file against the replica's catalogue.
pub fn check_files(store: &Store, files: &[PathBuf]) -> Result<Vec<Checked>> {
    let catalog = store.failure_catalog()?;
    files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).map_err(|e| {
                CoreError::InvalidInput(format!("cannot read the guide {}: {e}", f.display()))
            })?;
            let name = f
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let result = check(&name, &text, Some(&catalog));
            Ok(Checked {
                file: f.clone(),
                text,
                result,
            })
        })
        .collect()
}

fn file_json(c: &Checked) -> Value {
    match &c.result {
        Ok(g) => {
            json!({"file": c.file, "guide": g.id, "version": g.version, "ok": true, "errors": []})
        }
        Err(e) => json!({"file": c.file, "guide": Value::Null, "ok": false, "errors": e}),
    }
}

fn error_lines(file: &Path, errors: &[GuideError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}:{}: {e}\n", file.display(), e.line))
        .collect()
}

fn report(out: &Printer, checked: &[Checked], extra: Value) -> Result<usize> {
    let bad: usize = checked
        .iter()
        .map(|c| c.result.as_ref().err().map_or(0, Vec::len))
        .sum();
    let mut v = json!({"files": checked.iter().map(file_json).collect::<Vec<_>>(), "errors": bad});
    if let (Some(o), Value::Object(e)) = (v.as_object_mut(), extra) {
        o.extend(e);
    }
    out.emit(&v, || {
        let mut s = String::new();
        for c in checked {
            match &c.result {
                Ok(g) => s.push_str(&format!(
                    "{}: ok (guide {} version {}, {} steps)\n",
                    c.file.display(),
                    g.id,
                    g.version,
                    g.steps.len()
                )),
                Err(e) => s.push_str(&error_lines(&c.file, e)),
            }
        }
        s.trim_end().to_string()
    })?;
    Ok(bad)
}

fn refused(bad: usize) -> CoreError {
    CoreError::InvalidInput(format!(
        "{bad} error{} in the guide files: fix them and run again",
        if bad == 1 { "" } else { "s" }
    ))
}

pub fn guides(store: &mut Store, out: &Printer, cmd: GuidesCommand) -> Result<()> {
    match cmd {
        GuidesCommand::Check { files } => {
            let checked = check_files(store, &files)?;
            match report(out, &checked, json!({}))? {
                0 => Ok(()),
                bad => Err(refused(bad)),
            }
        }
        GuidesCommand::Import { files } => {
            let checked = check_files(store, &files)?;
            if checked.iter().any(|c| c.result.is_err()) {
                let bad = report(out, &checked, json!({"imported": []}))?;
                return Err(refused(bad));
            }
            let mut imported = Vec::new();
            for c in &checked {
                if let Ok(g) = &c.result {
                    let w = store.put_guide(g, Some(&c.text))?;
                    imported.push(
                        json!({"guide": g.id, "version": g.version, "write": match w {
                            GuideWrite::Added => "added",
                            GuideWrite::Replaced => "replaced",
                            GuideWrite::Unchanged => "unchanged",
                        }}),
                    );
                }
            }
            report(out, &checked, json!({ "imported": imported }))?;
            Ok(())
        }
        GuidesCommand::List => {
            let list = store.guides()?;
            out.emit(&list, || list_text(&list))
        }
    }
}

fn list_text(list: &[GuideSummary]) -> String {
    if list.is_empty() {
        return "no guides on this laptop: faultline guides import FILE...".into();
    }
    list.iter()
        .map(|g| {
            let scope: Vec<&str> = g
                .models
                .iter()
                .chain(&g.equipment_classes)
                .map(String::as_str)
                .collect();
            format!(
                "{:<18} v{:<3} {:<28} {:<14} {} ({} steps)",
                g.id,
                g.version,
                scope.join(", "),
                g.codes.join(", "),
                g.title,
                g.step_count
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The demo plant's guides (`DIR/guides/*.toml`), checked and imported by `demo-load`.
pub fn import_demo(store: &mut Store, out: &Printer, demo: &Path) -> Result<()> {
    let dir = demo.join("guides");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| {
            CoreError::NotFound(format!(
                "the demo plant is incomplete: cannot read {}: {e}",
                dir.display()
            ))
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let checked = check_files(store, &files)?;
    for c in &checked {
        match &c.result {
            Ok(g) => {
                store.put_guide(g, Some(&c.text))?;
            }
            Err(e) => {
                out.note(&error_lines(&c.file, e));
                return Err(refused(e.len()));
            }
        }
    }
    out.note(&format!("{} demo guides imported", checked.len()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_core::{FixedClock, SequentialIds};
    use std::sync::Arc;

    fn demo() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo")
    }

    #[test]
    fn import_refuses_every_file_when_one_fails_and_the_demo_guides_import() {
        let clock = Arc::new(FixedClock::new(chrono::DateTime::UNIX_EPOCH));
        let mut store = match Store::open_in_memory(clock, Arc::new(SequentialIds::default())) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        if let Err(e) = faultline_core::demo::load_demo(&mut store, &demo()) {
            panic!("{e}");
        }
        let bad = std::env::temp_dir().join(format!("g-bad-{}.toml", std::process::id()));
        let good = demo().join("guides/vx300-oc1.toml");
        let text = std::fs::read_to_string(&good).unwrap_or_default();
        let _ = std::fs::write(&bad, text.replace("\"CBLDMG\"", "\"CABLE\""));
        let out = Printer { json: true };
        let files = vec![good.clone(), bad.clone()];
        let r = guides(&mut store, &out, GuidesCommand::Import { files });
        let _ = std::fs::remove_file(&bad);
        assert!(matches!(r, Err(CoreError::InvalidInput(m)) if m.starts_with("1 error")));
        assert_eq!(
            store.guides().map(|l| l.len()).ok(),
            Some(0),
            "nothing imported"
        );
        assert!(import_demo(&mut store, &out, &demo()).is_ok());
        assert_eq!(store.guides().map(|l| l.len()).ok(), Some(4));
        let checked = check_files(&store, &[good]).unwrap_or_default();
        assert!(checked.iter().all(|c| c.result.is_ok()));
    }
}
