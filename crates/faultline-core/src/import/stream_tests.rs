//! Tests of the record stream: small files in, the records a sink is handed out (a sink that
//! writes them down as text), with the errors located at their lines.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::domain::Procedure;
use crate::import::records::{refused, AssetLookup};

/// Keeps every record as a line of text; knows the tags `held` before the import and
/// refuses the tags in `refuse`.
#[derive(Default)]
struct Recorder {
    held: Vec<String>,
    refuse: Vec<String>,
    written: Vec<String>,
    seen: Vec<String>,
}

impl AssetLookup for Recorder {
    type AssetRef = String;
    fn asset_by_tag(&mut self, tag: &str) -> Result<Option<String>> {
        Ok(self
            .held
            .iter()
            .find(|t| t.eq_ignore_ascii_case(tag))
            .map(|t| format!("ref:{t}")))
    }
}

impl ImportSink for Recorder {
    fn site(&mut self, r: &SiteRecord<'_>) -> Result<()> {
        self.seen.push(format!("site {} {:?}", r.code, r.name));
        Ok(())
    }
    fn asset(&mut self, r: &AssetRecord<'_>) -> Result<bool> {
        if self.refuse.iter().any(|t| t == r.tag) {
            return Err(refused("taken"));
        }
        self.written.push(r.tag.to_string());
        self.seen.push(format!(
            "asset {} key={} name={} site={} loc={:?} model={:?} class={:?} crit={:?}",
            r.tag,
            r.external_key,
            r.name,
            r.site,
            r.location.as_ref().map(|l| (l.code, l.name)),
            r.model.as_ref().map(|m| (m.manufacturer, m.model)),
            r.equipment_class,
            r.criticality.map(|c| c.as_str()),
        ));
        Ok(true)
    }
    fn asset_parent(&mut self, r: &AssetParent<'_>) -> Result<bool> {
        self.seen
            .push(format!("parent {} -> {:?}", r.external_key, r.parent_tag));
        Ok(r.parent_tag
            .is_none_or(|p| self.written.iter().chain(&self.held).any(|t| t == p)))
    }
    fn assets_done(&mut self) -> Result<()> {
        self.seen.push("assets done".into());
        Ok(())
    }
    fn work_order(&mut self, r: &WorkOrderRecord<'_, String>) -> Result<bool> {
        self.seen.push(format!(
            "wo {} key={} {} {} {:?} p{} {} at={} dt={:?} cause={:?} cost={:?}",
            r.number,
            r.external_key,
            r.asset,
            r.wo_type.as_str(),
            r.status.as_str(),
            r.priority,
            r.title,
            r.reported_at.to_rfc3339(),
            r.downtime_start
                .zip(r.downtime_end)
                .map(|(s, e)| (e - s).num_minutes()),
            r.cause_code,
            r.cost,
        ));
        Ok(true)
    }
    fn failure_code(&mut self, r: &FailureCodeRecord<'_>) -> Result<bool> {
        self.seen.push(format!(
            "code {} {}/{} {}",
            r.level.as_str(),
            r.parent,
            r.code,
            r.description
        ));
        Ok(true)
    }
    fn procedure(&mut self, p: &Procedure) -> Result<bool> {
        let steps: Vec<String> = p
            .steps
            .iter()
            .map(|s| format!("{}:{}", s.number, s.instruction))
            .collect();
        self.seen
            .push(format!("procedure {} {} {steps:?}", p.code, p.title));
        Ok(true)
    }
}

fn read(mapping: &str, csv: &str, sink: &mut Recorder) -> Result<ImportCount> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("file.csv");
    std::fs::write(&path, csv).unwrap();
    let mapping = Mapping::parse(mapping, &dir.path().join("file.toml")).unwrap();
    read_records(&mapping, &path, sink)
}

const ASSETS: &str = "kind = \"assets\"\n[fields]\nkey = \"{NUM}\"\ntag = \"{NUM}\"\n\
    name = \"{NAME}\"\nlocation = \"{LOC}\"\nparent_tag = \"{PARENT}\"\n\
    manufacturer = \"{MAKE}\"\nmodel = \"{MODEL}\"\ncriticality = \"{CRIT}\"\n\
    [values.criticality]\nHIGH = \"A\"\n";

#[test]
fn an_assets_file_becomes_site_asset_and_parent_records_in_file_order() {
    let mut sink = Recorder::default();
    let count = read(
        ASSETS,
        "NUM,NAME,LOC,PARENT,MAKE,MODEL,CRIT\n\
         P-2,Pump 2,L1,LINE,,KM-600,HIGH\n\
         LINE,Line 1,,,,,\n\
         P-2,Pump 2 again,L1,,Acme,,\n",
        &mut sink,
    )
    .unwrap();
    assert_eq!(
        count,
        ImportCount {
            rows: 3,
            changes: 3
        }
    );
    assert_eq!(
        sink.seen,
        vec![
            "site MAIN None",
            "asset P-2 key=P-2 name=Pump 2 site=MAIN loc=Some((\"L1\", \"L1\")) \
             model=Some((\"\", \"KM-600\")) class=None crit=Some(\"A\")",
            "asset LINE key=LINE name=Line 1 site=MAIN loc=None model=None class=None crit=None",
            // A repeated key is made unique; its parent is set (to none) like the others'.
            "asset P-2 key=P-2#2 name=Pump 2 again site=MAIN loc=Some((\"L1\", \"L1\")) \
             model=Some((\"Acme\", \"\")) class=None crit=None",
            "parent P-2 -> Some(\"LINE\")",
            "parent LINE -> None",
            "parent P-2#2 -> None",
            "assets done",
        ]
    );
}

#[test]
fn a_sink_refusal_and_an_unknown_parent_are_located_at_their_line() {
    let csv = "NUM,NAME,LOC,PARENT,MAKE,MODEL,CRIT\nA-1,One,,,,,\nA-2,Two,,,,,\n";
    let mut sink = Recorder {
        refuse: vec!["A-2".into()],
        ..Recorder::default()
    };
    let err = read(ASSETS, csv, &mut sink).unwrap_err().to_string();
    assert!(err.ends_with("file.csv:3: tag \"A-2\" is already used by another asset, or the row is invalid: taken"), "{err}");
    let csv = "NUM,NAME,LOC,PARENT,MAKE,MODEL,CRIT\nA-1,One,,,,,\nA-2,Two,,NOPE,,,\n";
    let err = read(ASSETS, csv, &mut Recorder::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("file.csv:3: column \"PARENT\": parent asset \"NOPE\""),
        "{err}"
    );
}

#[test]
fn work_orders_find_their_asset_through_the_sinks_lookup() {
    let mapping = "kind = \"work_orders\"\n[csv]\ndate_formats = [\"%Y-%m-%d %H:%M\"]\n\
        [fields]\nkey = \"{WO}\"\nasset_tag = \"{TAG}\"\nwo_type = \"{TYPE}\"\n\
        status = \"{STATUS}\"\npriority = \"{PRIO}\"\ntitle = \"{TITLE}\"\n\
        reported_at = \"{AT}\"\ndowntime_start = \"{DOWN}\"\ndowntime_end = \"{UP}\"\n\
        cause_code = \"{CAUSE}\"\ncost = \"{COST}\"\n\
        [values.wo_type]\nEM = \"breakdown\"\n[values.status]\nCOMP = \"closed\"\n";
    let mut sink = Recorder {
        held: vec!["PMP-1".into()],
        ..Recorder::default()
    };
    let count = read(
        mapping,
        "WO,TAG,TYPE,STATUS,PRIO,TITLE,AT,DOWN,UP,CAUSE,COST\n\
         100,pmp-1,EM,COMP,2,Seal leak,2024-03-01 08:00,2024-03-01 08:05,2024-03-01 09:35,WEAR,\"1,250.50\"\n",
        &mut sink,
    )
    .unwrap();
    assert_eq!(count.rows, 1);
    assert_eq!(
        sink.seen,
        vec![
            "wo 100 key=100 ref:PMP-1 breakdown \"closed\" p2 Seal leak \
             at=2024-03-01T08:00:00+00:00 dt=Some(90) cause=Some(\"WEAR\") cost=Some(1250.5)"
        ]
    );
    let err = read(
        mapping,
        "WO,TAG,TYPE,STATUS,PRIO,TITLE,AT,DOWN,UP,CAUSE,COST\n\
         101,NOPE,EM,COMP,2,,2024-03-01 08:00,,,,\n",
        &mut Recorder::default(),
    )
    .unwrap_err()
    .to_string();
    // The asset is looked up before the title is checked, as always.
    assert!(
        err.contains("file.csv:2: column \"TAG\": asset \"NOPE\" is not in the replica"),
        "{err}"
    );
}

#[test]
fn catalogue_and_job_plan_files_become_their_records() {
    let mut sink = Recorder::default();
    read(
        "kind = \"failure_codes\"\n[fields]\nlevel = \"{L}\"\nparent = \"{P}\"\ncode = \"{C}\"\ndescription = \"{D}\"\n",
        "L,P,C,D\nclass,,PUMP,Pumps\nproblem,PUMP,LEAK,Leaking\n",
        &mut sink,
    )
    .unwrap();
    let count = read(
        "kind = \"procedures\"\n[fields]\ncode = \"{JP}\"\ntitle = \"{T}\"\nstep = \"{S}\"\ninstruction = \"{I}\"\n",
        "JP,T,S,I\nJP-1,Seal,20,Refit.\nJP-1,Seal,10,Drain.\nJP-2,Belt,5,Check.\n",
        &mut sink,
    )
    .unwrap();
    assert_eq!(count.rows, 2, "a job-plan file counts plans");
    assert_eq!(
        sink.seen,
        vec![
            "code class /PUMP Pumps",
            "code problem PUMP/LEAK Leaking",
            "procedure JP-1 Seal [\"1:Drain.\", \"2:Refit.\"]",
            "procedure JP-2 Belt [\"1:Check.\"]",
        ]
    );
}

#[test]
fn kinds_kept_in_the_replica_only_have_no_records() {
    let err = read(
        "kind = \"fault_events\"\n[fields]\nkey = \"{K}\"\nasset_tag = \"{A}\"\ncode = \"{C}\"\noccurred_at = \"{T}\"\n",
        "K,A,C,T\n",
        &mut Recorder::default(),
    )
    .unwrap_err();
    assert!(matches!(err, CoreError::InvalidInput(_)), "{err}");
}

#[test]
fn merge_cells_puts_a_row_split_by_an_unquoted_comma_back_in_its_columns() {
    let mapping = "kind = \"work_orders\"\n[csv]\ndate_formats = [\"%Y-%m-%d\"]\n\
        null_values = [\"\", \"NA\"]\n\
        [[csv.merge_cells]]\nline = 3\ncolumn = \"TEXT\"\n\
        [fields]\nkey = \"{AT}|{TEXT}\"\nasset_tag = \"{TAG}\"\nwo_type = \"{TYPE}\"\n\
        status = \"closed\"\ntitle = \"{TEXT}\"\nreported_at = \"{AT}\"\n\
        cause_code = \"{PART}\"\ncost = \"{COST}\"\n\
        [values.wo_type]\nPM01 = \"breakdown\"\n";
    let csv = "AT,TAG,TEXT,TYPE,COST,PART,RULE\n\
         2003-12-30,EX-B,fine,PM01,1.5,Engine,R1\n\
         2003-12-31,EX-B,won,t swing,PM01,94.63,Electrics\n";
    let holding = || Recorder {
        held: vec!["EX-B".into()],
        ..Recorder::default()
    };
    let mut sink = holding();
    read(mapping, csv, &mut sink).unwrap();
    assert_eq!(
        sink.seen[1],
        "wo 2003-12-31|won,t swing key=2003-12-31|won,t swing ref:EX-B breakdown \"closed\" p3 \
         won,t swing at=2003-12-31T00:00:00+00:00 dt=None cause=Some(\"Electrics\") \
         cost=Some(94.63)"
    );
    // Without the repair the shifted cells fail validation at that line.
    let unrepaired = mapping.replace("[[csv.merge_cells]]\nline = 3\ncolumn = \"TEXT\"\n", "");
    let err = read(&unrepaired, csv, &mut holding())
        .unwrap_err()
        .to_string();
    assert!(err.contains("file.csv:3: column \"TYPE\""), "{err}");
    // A column that is not in the file is refused when the file is opened.
    let wrong = mapping.replace("column = \"TEXT\"", "column = \"TXT\"");
    let err = read(&wrong, csv, &mut holding()).unwrap_err().to_string();
    assert!(
        err.contains("csv.merge_cells: line 3 names column \"TXT\""),
        "{err}"
    );
}

/// The excavator mapping in tests/fixtures/mappings repairs line 3454 of the real file (the line
/// is quoted here; the rows before it are fillers).
#[test]
fn the_excavator_mapping_puts_line_3454_in_the_right_fields() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/mappings/excavator-mwo.toml");
    let mapping = std::fs::read_to_string(path).unwrap();
    let mut csv = String::from(
        "BscStartDate,Asset,OriginalShorttext,PMType,Cost,RunningTime,MajorSystem,Part,Action,\
         Variant,FM,Location,Comments,FuncLocation,SuspSugg,Rule\n",
    );
    for i in 2..3454 {
        csv.push_str(&format!(
            "2003-01-01,B,filler {i},PM01,1,NA,Engine,NA,NA,NA,NA,NA,NA,NA,0,Rule_1\n"
        ));
    }
    csv.push_str("2003-12-31,B,won,t swing,PM01,94.63,180,NA,Electrics,NA,NA,NA,NA,NA,Electrical System Field Devices,0\n");
    let mut sink = Recorder {
        held: vec!["EX-B".into()],
        ..Recorder::default()
    };
    read(&mapping, &csv, &mut sink).unwrap();
    let last = sink.seen.last().cloned().unwrap_or_default();
    assert_eq!(
        last,
        "wo 2003-12-31|B|won,t swing key=2003-12-31|B|won,t swing ref:EX-B breakdown \"closed\" p3 \
         won,t swing at=2003-12-31T00:00:00+00:00 dt=None cause=Some(\"Electrics\") \
         cost=Some(94.63)"
    );
}
