//! Procedure reads (the asset page's list, one procedure whole) and the one write path that both
//! the CSV import and a pulled hub change use.

use super::Store;
use crate::domain::{Asset, Procedure, ProcedureScope, ProcedureStep, ProcedureSummary};
use crate::error::{CoreError, Result};
use rusqlite::{params, Connection, OptionalExtension};

const SUMMARY_COLS: &str =
    "code, title, model IS NOT NULL, equipment_class IS NOT NULL, problem_code, json_array_length(steps)";

fn summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<ProcedureSummary> {
    Ok(ProcedureSummary {
        code: r.get(0)?,
        title: r.get(1)?,
        scope: ProcedureScope::of(r.get(2)?, r.get(3)?),
        problem_code: r.get(4)?,
        step_count: r.get(5)?,
    })
}

fn sorted(mut list: Vec<ProcedureSummary>) -> Vec<ProcedureSummary> {
    list.sort_by(|a, b| a.scope.cmp(&b.scope).then_with(|| a.code.cmp(&b.code)));
    list
}

impl Store {
    /// Every procedure on this laptop, by code.
    pub fn procedures(&self) -> Result<Vec<ProcedureSummary>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {SUMMARY_COLS} FROM procedures ORDER BY code"
        ))?;
        let list = stmt
            .query_map([], summary)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(list)
    }

    /// The procedures for `asset`: written for its model (and its manufacturer, when the
    /// procedure names one), for its equipment class, or for every asset — in that order.
    pub fn procedures_for(&self, asset: &Asset) -> Result<Vec<ProcedureSummary>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {SUMMARY_COLS} FROM procedures
             WHERE (model = ?1 AND (manufacturer IS NULL OR manufacturer = ?2 COLLATE NOCASE))
                OR (model IS NULL AND equipment_class = ?3)
                OR (model IS NULL AND equipment_class IS NULL)"
        ))?;
        let list = stmt
            .query_map(
                params![asset.model, asset.manufacturer, asset.equipment_class],
                summary,
            )?
            .collect::<rusqlite::Result<_>>()?;
        Ok(sorted(list))
    }

    /// One procedure with its steps.
    pub fn procedure(&self, code: &str) -> Result<Procedure> {
        read_procedure(self.conn(), code)?.ok_or_else(|| {
            CoreError::NotFound(format!(
                "no procedure {code:?} on this laptop: sync with the hub or import the CMMS's \
                 job plans (faultline procedures lists those there are)"
            ))
        })
    }
}

fn read_procedure(conn: &Connection, code: &str) -> Result<Option<Procedure>> {
    let row = conn
        .prepare_cached(
            "SELECT code, title, manufacturer, model, equipment_class, problem_code, steps
             FROM procedures WHERE code = ?1",
        )?
        .query_row(params![code], |r| {
            Ok((
                Procedure {
                    code: r.get(0)?,
                    title: r.get(1)?,
                    manufacturer: r.get(2)?,
                    model: r.get(3)?,
                    equipment_class: r.get(4)?,
                    problem_code: r.get(5)?,
                    steps: Vec::new(),
                },
                r.get::<_, String>(6)?,
            ))
        })
        .optional()?;
    let Some((mut p, steps)) = row else {
        return Ok(None);
    };
    p.steps = serde_json::from_str::<Vec<ProcedureStep>>(&steps).map_err(|e| {
        CoreError::InvalidState(format!("the steps of procedure {code} are unreadable: {e}"))
    })?;
    Ok(Some(p))
}

/// Writes `p` whole (replacing its earlier steps). Returns whether anything changed.
pub(crate) fn upsert_procedure(conn: &Connection, p: &Procedure) -> Result<bool> {
    p.check().map_err(CoreError::InvalidInput)?;
    let steps = serde_json::to_string(&p.steps)
        .map_err(|e| CoreError::InvalidState(format!("procedure steps: {e}")))?;
    let n = conn
        .prepare_cached(
            "INSERT INTO procedures
                 (code, title, manufacturer, model, equipment_class, problem_code, steps)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT(code) DO UPDATE SET title = excluded.title,
                 manufacturer = excluded.manufacturer, model = excluded.model,
                 equipment_class = excluded.equipment_class,
                 problem_code = excluded.problem_code, steps = excluded.steps
             WHERE (title, manufacturer, model, equipment_class, problem_code, steps)
                 IS NOT (excluded.title, excluded.manufacturer, excluded.model,
                         excluded.equipment_class, excluded.problem_code, excluded.steps)",
        )?
        .execute(params![
            p.code,
            p.title,
            p.manufacturer,
            p.model,
            p.equipment_class,
            p.problem_code,
            steps
        ])?;
    Ok(n > 0)
}

pub(crate) fn delete_procedure(conn: &Connection, code: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("DELETE FROM procedures WHERE code = ?1")?
        .execute(params![code])?
        > 0)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{clock, store_with};
    use super::super::tests::seed;
    use super::*;
    use crate::error::ErrorCode;
    use faultline_protocol::records::{ProcedureRecord, ProcedureStepRecord};
    use faultline_protocol::Change;
    use std::path::{Path, PathBuf};

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    const MAPPING: &str = "kind = \"procedures\"\n[fields]\ncode = \"{JP}\"\ntitle = \"{Title}\"\nmodel = \"{Model}\"\nequipment_class = \"{Class}\"\nproblem_code = \"{Problem}\"\nstep = \"{Step}\"\ninstruction = \"{Do}\"\ncaution = \"{Caution}\"\n";
    const HEAD: &str = "JP,Title,Model,Class,Problem,Step,Do,Caution\n";

    fn write(dir: &Path, name: &str, text: &str) -> std::io::Result<PathBuf> {
        let p = dir.join(name);
        std::fs::write(&p, text)?;
        Ok(p)
    }

    fn import(store: &mut Store, dir: &Path, rows: &str) -> Result<crate::import::ImportReport> {
        let m =
            write(dir, "jp.toml", MAPPING).map_err(|e| CoreError::InvalidState(e.to_string()))?;
        let c = write(dir, "jp.csv", &format!("{HEAD}{rows}"))
            .map_err(|e| CoreError::InvalidState(e.to_string()))?;
        store.import_csv(&m, &c)
    }

    const PLAN: &str = "\
JP-VX-OC,Clear an overcurrent trip,VX-300,,OVERCUR,2,Check the motor cable for insulation faults,
JP-VX-OC,Clear an overcurrent trip,VX-300,,OVERCUR,1,Isolate the drive,Lethal voltage: wait 5 min after isolation
JP-DRV,Drive cabinet inspection,,Frequency converters,,1,Clean the fan filter,
JP-LOTO,Lockout/tagout,,,,1,Isolate and lock every energy source,
JP-BELT,Belt tracking,,Conveyors,,1,Adjust the tail pulley,
";

    #[test]
    fn imported_procedures_show_on_the_asset_page_model_first() -> TestResult {
        let mut store = store_with(clock());
        let dir = tempfile::tempdir()?;
        seed(&mut store, dir.path())?;
        let report = import(&mut store, dir.path(), PLAN)?;
        assert_eq!((report.rows, report.inserted), (4, 4));
        let vfd = store.asset_by_tag("VFD-201")?.ok_or("no VFD-201")?;
        let page = store.asset_page(vfd.id, 10)?;
        let codes: Vec<(&str, ProcedureScope)> = page
            .procedures
            .iter()
            .map(|p| (p.code.as_str(), p.scope))
            .collect();
        assert_eq!(
            codes,
            [
                ("JP-VX-OC", ProcedureScope::Model),
                ("JP-DRV", ProcedureScope::Class),
                ("JP-LOTO", ProcedureScope::General)
            ]
        );
        assert_eq!(page.procedures[0].step_count, 2);
        assert_eq!(page.procedures[0].problem_code.as_deref(), Some("OVERCUR"));
        let p = store.procedure("JP-VX-OC")?;
        let numbers: Vec<u32> = p.steps.iter().map(|s| s.number).collect();
        assert_eq!(numbers, [1, 2]);
        assert_eq!(
            p.steps[0].caution.as_deref(),
            Some("Lethal voltage: wait 5 min after isolation")
        );
        Ok(())
    }

    #[test]
    fn reimporting_changes_nothing_and_a_corrected_plan_replaces_its_steps() -> TestResult {
        let mut store = store_with(clock());
        let dir = tempfile::tempdir()?;
        let again = import(&mut store, dir.path(), PLAN)
            .and_then(|_| import(&mut store, dir.path(), PLAN))?;
        assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 4));
        // The CMMS dropped step 2 and reworded step 1.
        let fixed = import(
            &mut store,
            dir.path(),
            "JP-VX-OC,Clear an overcurrent trip,VX-300,,OVERCUR,1,Isolate and lock the drive,\n",
        )?;
        assert_eq!((fixed.inserted, fixed.updated), (0, 1));
        let p = store.procedure("JP-VX-OC")?;
        assert_eq!(p.steps.len(), 1);
        assert_eq!(p.steps[0].instruction, "Isolate and lock the drive");
        assert_eq!(
            store.procedures()?.len(),
            4,
            "procedures not in the file stay"
        );
        Ok(())
    }

    #[test]
    fn a_bad_plan_names_the_line_and_keeps_nothing() -> TestResult {
        let mut store = store_with(clock());
        let dir = tempfile::tempdir()?;
        for (rows, says) in [
            ("A,One,,,,1,x,\nA,Other title,,,,2,y,\n", "jp.csv:3: column \"Title\": procedure A has title \"Other title\" here but \"One\" on line 2"),
            ("A,One,,,,1,x,\nA,One,,,,1,y,\n", "jp.csv:3: column \"Step\": procedure A has a step 1 on line 2 already"),
            ("A,One,,,,first,x,\n", "jp.csv:2: column \"Step\": \"first\" is not a step number"),
            ("A,One,,,,1,,\n", "jp.csv:2: column \"Do\": the instruction is empty"),
        ] {
            let err = import(&mut store, dir.path(), rows).err().ok_or("accepted")?;
            assert_eq!(err.code(), ErrorCode::ImportFailed);
            let text = err.to_string();
            assert!(text.contains(says), "{text}\n  should say: {says}");
        }
        assert!(store.procedures()?.is_empty());
        // CMMS task numbers (10, 20, 30…) only order the steps.
        import(
            &mut store,
            dir.path(),
            "A,One,,,,30,c,\nA,One,,,,10,a,\nA,One,,,,20,b,\n",
        )?;
        let steps: Vec<(u32, String)> = store
            .procedure("A")?
            .steps
            .into_iter()
            .map(|s| (s.number, s.instruction))
            .collect();
        assert_eq!(steps, [(1, "a".into()), (2, "b".into()), (3, "c".into())]);
        let missing = store.procedure("B").err().ok_or("found")?;
        assert_eq!(missing.code(), ErrorCode::NotFound);
        Ok(())
    }

    #[test]
    fn a_pulled_procedure_is_stored_whole_and_a_tombstone_removes_it() -> TestResult {
        let mut store = store_with(clock());
        let record = |steps: Vec<ProcedureStepRecord>| ProcedureRecord {
            code: "JP-1".into(),
            title: "Seal change".into(),
            manufacturer: None,
            model: None,
            equipment_class: Some("Pumps".into()),
            problem_code: Some("LEAK".into()),
            steps,
        };
        let step = |n: u32| ProcedureStepRecord {
            number: n,
            instruction: format!("do {n}"),
            caution: None,
        };
        store.apply_pulled(&[Change::Procedure(record(vec![step(1), step(2)]))], "c1")?;
        assert_eq!(store.procedure("JP-1")?.steps.len(), 2);
        // A broken one is skipped without stopping the page; the good copy stays.
        store.apply_pulled(
            &[
                Change::Procedure(record(vec![step(2)])),
                Change::Tombstone {
                    entity: "procedure".into(),
                    key: "JP-404".into(),
                },
            ],
            "c2",
        )?;
        assert_eq!(store.procedure("JP-1")?.steps.len(), 2);
        store.apply_pulled(
            &[Change::Tombstone {
                entity: "procedure".into(),
                key: "JP-1".into(),
            }],
            "c3",
        )?;
        assert!(store.procedures()?.is_empty());
        Ok(())
    }

    #[test]
    fn a_resync_drops_the_procedures_the_hub_no_longer_has() -> TestResult {
        let mut store = store_with(clock());
        let plan = |code: &str| {
            Change::Procedure(ProcedureRecord {
                code: code.into(),
                title: "Plan".into(),
                manufacturer: None,
                model: None,
                equipment_class: None,
                problem_code: None,
                steps: vec![ProcedureStepRecord {
                    number: 1,
                    instruction: "do it".into(),
                    caution: None,
                }],
            })
        };
        super::super::sync_tests::enroll(&mut store)?;
        store.apply_pulled(&[plan("KEEP"), plan("GONE")], "c1")?;
        // The hub's history moved past this laptop's cursor: the site comes again, without GONE.
        store.reset_sync_cursor()?;
        store.apply_pulled(&[plan("KEEP")], "c2")?;
        assert_eq!(store.finish_resync()?, 1);
        let codes: Vec<String> = store.procedures()?.into_iter().map(|p| p.code).collect();
        assert_eq!(codes, ["KEEP"]);
        Ok(())
    }
}
