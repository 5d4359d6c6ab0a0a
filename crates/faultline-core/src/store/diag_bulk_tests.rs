//! The bulk path queues exactly what the per-row triggers queue: an import that inserts and
//! updates work orders, with and without the bulk path, compared queue by queue, every table of
//! the replica right after the import, and, after the catch-up, table by table; a failed import
//! leaves the schema and the queues as they were; a bulk write sets its guard only inside its
//! transaction and changes no schema.

use super::*;
use crate::store::test_support::demo_store;
use crate::store::Store;
use std::path::{Path, PathBuf};

/// The demo plant's work-order mapping (the file imported below is in its columns).
pub(crate) fn demo_mapping() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo/work_orders.toml")
}

const HEADER: &str = "WONUM,ASSETNUM,WORKTYPE,STATUS,WOPRIORITY,DESCRIPTION,LONGDESCRIPTION,\
FAULTCODE,REPORTEDBY,REPORTDATE,ACTSTART,ACTFINISH,DOWNSTART,DOWNEND,FAILURECLASS,PROBLEMCODE,\
CAUSE,REMEDY,ISOMODE,ISOMECHANISM,ISOCAUSE,FAILUREREMARK,ACTTOTALCOST";

/// A corrected export: 41014 with another cause and a new fault code spelling, 41016 moved to
/// another asset, 41015 unchanged, two new work orders (a closed breakdown with a new code, an
/// open PM), and `tail` after them.
pub(crate) fn corrected_export(dir: &Path, tail: &str) -> PathBuf {
    let rows = [
        "41014,VFD-402,EM,CLOSE,1,OU on VFD-402 when stopping,OU overvoltage when CNV-402 stops \
         loaded.,OU 2,M. Okafor,2024-09-05T07:06:18,2024-09-05T07:17:18,2024-09-05T07:57:18,\
         2024-09-05T06:59:18,2024-09-05T07:53:18,VFD,OVERVOLT,NEWBRK,REPLBRK,UST,3.4,2.2,\
         Brake resistor open; replaced.,152.00",
        "41015,CNC-102,EM,CLOSE,1,\"CNC-102 AL 3007 way lube low, tank full\",\"AL 3007 persists \
         with full tank, no pressure at lube gauge.\",AL 3007,S. Moreau,2024-09-06T10:20:55,\
         2024-09-06T10:39:55,2024-09-06T13:07:55,2024-09-06T10:15:55,2024-09-06T13:00:55,CNC,\
         LUBE,LUBEPMP,REPLLUBEPMP,UST,2.4,3.4,\"Lube pump motor dead, replaced lube pump unit. \
         Cycle test OK.\",643.67",
        "41016,VFD-402,EM,CLOSE,3,VFD-403 OU trip on stop,VFD-403 OU on decel. Brake resistor \
         measured 60 ohm - OK.,OU,A. Herrera,2024-09-06T17:39:05,2024-09-06T19:28:05,\
         2024-09-06T19:55:05,2024-09-06T17:27:05,2024-09-06T19:47:05,VFD,OVERVOLT,DECSHORT,\
         ADJDEC,UST,3.4,2.2,Increased decel time 2.0 -> 3.5 s. Brake res OK.,35.10",
        "99001,VFD-402,EM,CLOSE,1,VFD-402 trips NEW 1 at start,hose chg r/h,NEW 1,M. Okafor,\
         2025-01-05T07:06:18,2025-01-05T07:17:18,2025-01-05T07:57:18,,,VFD,OVERVOLT,DECSHORT,\
         ADJDEC,,,,chg hyd hose r/h,12.00",
        "99002,CNC-102,PM,WAPPR,3,PM-M CNC-102 monthly,,,P. Ferreira,2025-01-06T02:00:00,,,,,,,,,\
         ,,,,",
    ];
    let mut text = format!("{HEADER}\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    text.push_str(tail);
    let path = dir.join("work_orders_corrected.csv");
    if let Err(e) = std::fs::write(&path, text) {
        panic!("{}: {e}", path.display());
    }
    path
}

fn no_progress(_: usize, _: usize) {}

/// The demo plant with its queues applied (totals) or emptied (text: applied by the diagnosis
/// crate), so only what comes after is queued.
fn settled_demo() -> Store {
    let store = demo_store();
    if let Err(e) = store.diagnosis_catch_up(&|raw| raw.trim().to_lowercase(), &mut no_progress) {
        panic!("{e}");
    }
    exec(&store, "DELETE FROM diag_text_dirty");
    store
}

fn exec(store: &Store, sql: &str) {
    if let Err(e) = store.conn().execute_batch(sql) {
        panic!("{sql}: {e}");
    }
}

fn rows(store: &Store, sql: &str) -> Vec<Vec<rusqlite::types::Value>> {
    let run = || -> rusqlite::Result<Vec<Vec<rusqlite::types::Value>>> {
        let mut stmt = store.conn().prepare(sql)?;
        let n = stmt.column_count();
        let rows = stmt.query_map([], |r| (0..n).map(|i| r.get(i)).collect())?;
        rows.collect()
    };
    match run() {
        Ok(v) => v,
        Err(e) => panic!("{sql}: {e}"),
    }
}

/// The three queues, in order.
pub(crate) fn queues(store: &Store) -> Vec<Vec<Vec<rusqlite::types::Value>>> {
    [
        "SELECT rid FROM diag_dirty ORDER BY rid",
        "SELECT rid FROM diag_text_dirty ORDER BY rid",
        "SELECT raw, key FROM diag_code_keys ORDER BY raw",
    ]
    .iter()
    .map(|sql| rows(store, sql))
    .collect()
}

fn triggers(store: &Store) -> Vec<Vec<rusqlite::types::Value>> {
    rows(
        store,
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name",
    )
}

/// The diagnosis totals' tables after a catch-up (the text tables are the diagnosis crate's).
fn totals(store: &Store) -> Vec<Vec<Vec<rusqlite::types::Value>>> {
    if let Err(e) = store.diagnosis_catch_up(&|raw| raw.trim().to_lowercase(), &mut no_progress) {
        panic!("{e}");
    }
    [
        "SELECT * FROM diag_cells ORDER BY id",
        "SELECT * FROM diag_cell_causes ORDER BY cell, cause",
        "SELECT * FROM diag_cell_repairs ORDER BY cell, cause, bucket",
        "SELECT * FROM diag_evidence ORDER BY rid",
        "SELECT raw, key FROM diag_code_keys ORDER BY raw",
    ]
    .iter()
    .map(|sql| rows(store, sql))
    .collect()
}

/// Every ordinary table of the replica, row by row (the FTS indexes' shadow tables included):
/// what a write left behind, whichever triggers ran.
fn every_table(store: &Store) -> Vec<(String, Vec<String>)> {
    let names = rows(
        store,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
    );
    names
        .into_iter()
        .filter_map(|r| match r.first() {
            Some(rusqlite::types::Value::Text(name)) => Some(name.clone()),
            _ => None,
        })
        .map(|name| {
            let mut dump: Vec<String> = rows(store, &format!("SELECT * FROM \"{name}\""))
                .iter()
                .map(|r| format!("{r:?}"))
                .collect();
            dump.sort_unstable();
            (name, dump)
        })
        .collect()
}

fn rid_of(store: &Store, number: &str) -> i64 {
    match store.conn().query_row(
        "SELECT rid FROM work_orders WHERE number = ?1",
        [number],
        |r| r.get(0),
    ) {
        Ok(rid) => rid,
        Err(e) => panic!("{number}: {e}"),
    }
}

#[test]
fn an_import_that_inserts_and_updates_queues_exactly_what_the_triggers_queue() {
    let dir = tempfile::tempdir().ok();
    let Some(dir) = dir else { panic!("tempdir") };
    let csv = corrected_export(dir.path(), "");
    let (mut bulk, mut per_row_store) = (settled_demo(), settled_demo());
    let schema = triggers(&bulk);
    let bulk_report = bulk
        .import_csv(&demo_mapping(), &csv)
        .map_err(|e| e.to_string());
    let row_report = super::per_row(|| per_row_store.import_csv(&demo_mapping(), &csv))
        .map_err(|e| e.to_string());
    assert_eq!(bulk_report, row_report);
    let Ok(report) = bulk_report else {
        panic!("import")
    };
    assert_eq!(
        (report.inserted, report.updated, report.unchanged),
        (2, 2, 1)
    );
    // With this connection's triggers off, the import leaves every table as the per-row
    // triggers do: a trigger added later on a table the importer writes shows here.
    let (after_bulk, after_rows) = (every_table(&bulk), every_table(&per_row_store));
    let differ: Vec<&String> = after_bulk
        .iter()
        .zip(&after_rows)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| &a.0)
        .collect();
    assert_eq!(after_bulk.len(), after_rows.len());
    assert!(differ.is_empty(), "tables that differ: {differ:?}");

    let queued = queues(&bulk);
    assert_eq!(queued, queues(&per_row_store));
    let ids = |q: &Vec<Vec<rusqlite::types::Value>>| -> Vec<i64> {
        q.iter()
            .filter_map(|r| match r[0] {
                rusqlite::types::Value::Integer(i) => Some(i),
                _ => None,
            })
            .collect()
    };
    let mut expected: Vec<i64> = ["41014", "41016", "99001", "99002"]
        .iter()
        .map(|n| rid_of(&bulk, n))
        .collect();
    expected.sort_unstable();
    assert_eq!(ids(&queued[0]), expected);
    assert_eq!(ids(&queued[1]), expected);
    let new_codes: Vec<&Vec<rusqlite::types::Value>> = queued[2]
        .iter()
        .filter(|r| r[1] == rusqlite::types::Value::Null)
        .collect();
    assert_eq!(new_codes.len(), 2, "{new_codes:?}");
    // Same queues applied: same totals (the text tables follow the same queue).
    assert_eq!(totals(&bulk), totals(&per_row_store));
    // The triggers are as they were, and queue the next single write again.
    assert_eq!(triggers(&bulk), schema);
    exec(&bulk, "DELETE FROM diag_text_dirty");
    exec(
        &bulk,
        "UPDATE work_orders SET cause_code = 'X' WHERE number = '41015'",
    );
    assert_eq!(ids(&queues(&bulk)[0]), vec![rid_of(&bulk, "41015")]);
    assert_eq!(ids(&queues(&bulk)[1]), vec![rid_of(&bulk, "41015")]);
}

#[test]
fn a_failed_import_leaves_the_schema_and_the_queues_as_they_were() {
    let dir = tempfile::tempdir().ok();
    let Some(dir) = dir else { panic!("tempdir") };
    let bad = "99003,NO-SUCH-ASSET,EM,CLOSE,1,x,,OC9,A,2025-01-07T02:00:00,,,,,,,,,,,,,\n";
    let csv = corrected_export(dir.path(), bad);
    let mut store = settled_demo();
    let (schema, queued) = (triggers(&store), queues(&store));
    let count = |s: &Store| rows(s, "SELECT count(*), total(rid) FROM work_orders");
    let before = count(&store);
    assert!(store.import_csv(&demo_mapping(), &csv).is_err());
    assert_eq!(triggers(&store), schema);
    assert_eq!(queues(&store), queued);
    assert_eq!(count(&store), before);
    // The connection's triggers are on again: the next single write is queued.
    let on = store
        .conn()
        .db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER);
    assert!(matches!(on, Ok(true)), "{on:?}");
    exec(
        &store,
        "UPDATE work_orders SET cause_code = 'Z' WHERE number = '41015'",
    );
    let dirty = rows(&store, "SELECT rid FROM diag_dirty");
    let rid = rusqlite::types::Value::Integer(rid_of(&store, "41015"));
    assert_eq!(dirty, vec![vec![rid]]);
}

/// The guard flags as this connection sees them (work orders, notes; 0 without the row).
fn guard(conn: &rusqlite::Connection) -> (i64, i64) {
    match conn.query_row(
        "SELECT coalesce(max(work_orders), 0), coalesce(max(notes), 0) FROM diag_bulk_state",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    ) {
        Ok(v) => v,
        Err(e) => panic!("guard: {e}"),
    }
}

#[test]
fn the_bulk_path_sets_its_guard_only_inside_its_transaction() {
    let mut store = settled_demo();
    let schema = triggers(&store);
    let run = |store: &mut Store, kind: BulkKind| -> (bool, (i64, i64)) {
        let Ok(tx) = store.conn_mut().transaction() else {
            panic!("tx")
        };
        let Ok(q) = BulkQueue::start(&tx, kind) else {
            panic!("start")
        };
        let (active, inside) = (q.active(), guard(&tx));
        if let Err(e) = q.finish(&tx) {
            panic!("{e}");
        }
        if let Err(e) = tx.commit() {
            panic!("{e}");
        }
        (active, inside)
    };
    assert_eq!(guard(store.conn()), (0, 0));
    assert_eq!(
        run(&mut store, BulkKind::WorkOrdersAndNotes),
        (true, (1, 1))
    );
    assert_eq!(run(&mut store, BulkKind::WorkOrders), (true, (1, 0)));
    assert_eq!(guard(store.conn()), (0, 0));
    assert_eq!(triggers(&store), schema, "the triggers stay as they are");
    // A schema without the state row: nothing is set, the triggers do the work.
    exec(&store, "DELETE FROM diag_bulk_state");
    let (active, _) = run(&mut store, BulkKind::WorkOrders);
    assert!(!active);
    exec(
        &store,
        "UPDATE work_orders SET cause_code = 'Y' WHERE number = '41015'",
    );
    let queued = rows(&store, "SELECT count(*) FROM diag_dirty");
    assert_eq!(queued, vec![vec![rusqlite::types::Value::Integer(1)]]);
}

#[test]
fn a_bulk_import_changes_no_schema_and_no_other_connection_prepares_again() {
    let dir = tempfile::tempdir().ok();
    let Some(dir) = dir else { panic!("tempdir") };
    let data = dir.path().join("data");
    let open = Store::open_with(
        &data,
        crate::store::test_support::clock(),
        std::sync::Arc::new(crate::clock::SequentialIds::default()),
    );
    let Ok(mut store) = open else { panic!("open") };
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo");
    if let Err(e) = crate::demo::load_demo(&mut store, &demo) {
        panic!("demo: {e}");
    }
    let Ok(other) = rusqlite::Connection::open(data.join(super::super::DB_FILE)) else {
        panic!("second connection")
    };
    let version = |c: &rusqlite::Connection| -> i64 {
        match c.query_row("PRAGMA schema_version", [], |r| r.get(0)) {
            Ok(v) => v,
            Err(e) => panic!("schema_version: {e}"),
        }
    };
    let before = version(&other);
    let Ok(mut stmt) = other.prepare("SELECT count(*) FROM work_orders WHERE fault_code = ?1")
    else {
        panic!("prepare")
    };
    let count = |stmt: &mut rusqlite::Statement<'_>| -> i64 {
        match stmt.query_row(["OU 2"], |r| r.get(0)) {
            Ok(n) => n,
            Err(e) => panic!("count: {e}"),
        }
    };
    assert_eq!(count(&mut stmt), 0);
    let csv = corrected_export(dir.path(), "");
    if let Err(e) = store.import_csv(&demo_mapping(), &csv) {
        panic!("import: {e}");
    }
    // The other connection sees the import with the statement it prepared before it.
    assert_eq!(count(&mut stmt), 1);
    assert_eq!(
        stmt.get_status(rusqlite::StatementStatus::RePrepare),
        0,
        "the statement was prepared again after the import"
    );
    drop(stmt);
    assert_eq!(version(&other), before, "the import changed the schema");
    assert_eq!(guard(&other), (0, 0));
}

#[test]
fn a_guard_left_set_is_cleared_at_open_and_everything_queued_again() {
    let dir = tempfile::tempdir().ok();
    let Some(dir) = dir else { panic!("tempdir") };
    let data = dir.path().join("data");
    let open = || match Store::open_with(
        &data,
        crate::store::test_support::clock(),
        std::sync::Arc::new(crate::clock::SequentialIds::default()),
    ) {
        Ok(s) => s,
        Err(e) => panic!("open: {e}"),
    };
    let mut store = open();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo");
    if let Err(e) = crate::demo::load_demo(&mut store, &demo) {
        panic!("demo: {e}");
    }
    exec(
        &store,
        "DELETE FROM diag_dirty; DELETE FROM diag_text_dirty;
         UPDATE diag_bulk_state SET work_orders = 1",
    );
    drop(store);
    let store = open();
    assert_eq!(guard(store.conn()), (0, 0));
    let all = rows(&store, "SELECT count(*) FROM work_orders");
    assert_eq!(rows(&store, "SELECT count(*) FROM diag_dirty"), all);
    assert_eq!(rows(&store, "SELECT count(*) FROM diag_text_dirty"), all);
}

mod pull {
    //! A first replication's pages (bulk) queue what the per-row triggers queue.

    use super::{queues, totals, triggers};
    use crate::store::sync_tests::{enroll, work_order};
    use crate::store::test_support::{clock, store_with};
    use crate::store::Store;
    use chrono::{TimeZone, Utc};
    use faultline_protocol::records::{AssetRecord, NoteRecord};
    use faultline_protocol::{Change, CmmsRefusalRecord};
    use uuid::Uuid;

    fn asset(n: u128, model: &str) -> Change {
        let id = Uuid::from_u128(n);
        Change::Asset(AssetRecord {
            id,
            external_key: format!("K-{n}"),
            tag: format!("P-{n}"),
            name: "Pump".into(),
            site_code: "PLANT1".into(),
            location_code: None,
            location_name: None,
            parent_id: None,
            manufacturer: Some("Grundfos".into()),
            model: Some(model.into()),
            equipment_class: Some("Pumps".into()),
            criticality: None,
            serial_number: None,
            description: None,
            version: 1,
        })
    }

    /// Work order `n` (on asset 1 or 2): every third a closed breakdown with a cause and one of
    /// a few fault codes.
    fn wo(n: u128, version: i64, code: &str) -> Change {
        let mut w = work_order(
            Uuid::from_u128(1000 + n),
            Uuid::from_u128(1 + n % 2),
            "open",
            version,
        );
        w.number = format!("WO-{n}");
        w.title = format!("seal leak {n} chg hyd hose");
        if n.is_multiple_of(3) {
            w.status = "closed".into();
            w.cause_code = Some(format!("C{}", n % 4));
            w.fault_code = Some(code.into());
            w.finished_at = Some(w.reported_at + chrono::Duration::minutes(30 + n as i64));
        }
        Change::WorkOrder(w)
    }

    fn note(n: u128, wo: u128) -> Change {
        Change::Note(NoteRecord {
            id: Uuid::from_u128(5000 + n),
            work_order_id: Uuid::from_u128(1000 + wo),
            author: "Bo".into(),
            text: format!("note {n} replaced seal"),
            created_at: Utc
                .timestamp_opt(1_763_000_100, 0)
                .single()
                .unwrap_or_default(),
        })
    }

    /// Page 1: notes before their work orders (parked, then adopted), assets, 150 work orders,
    /// and in the middle a change of another kind (the guard is cleared for the rest).
    /// Page 2: newer versions with other codes, older versions (not applied), notes again (not
    /// inserted), new notes, new work orders.
    fn pages() -> Vec<Vec<Change>> {
        let mut p1 = vec![note(1, 5), note(2, 7)];
        p1.push(asset(1, "CR 32"));
        p1.push(asset(2, "CR 64"));
        for n in 0..150 {
            p1.push(wo(n, 1, ["OC1", "oc 1", "E.OC.1"][(n / 3 % 3) as usize]));
            if n.is_multiple_of(4) {
                p1.push(note(100 + n, n));
            }
        }
        let mut p1b = p1.split_off(120);
        p1b.insert(
            10,
            Change::CmmsRefusal(CmmsRefusalRecord {
                mutation_id: Uuid::from_u128(9),
                work_order_id: None,
                cmms_code: "X".into(),
                reason: "y".into(),
                refused_at: Utc
                    .timestamp_opt(1_763_000_200, 0)
                    .single()
                    .unwrap_or_default(),
                cleared: false,
            }),
        );
        p1.extend(p1b);
        let mut p2 = Vec::new();
        for n in 0..150 {
            match n % 5 {
                0 => p2.push(wo(n, 2, "NEW 2")),
                1 => p2.push(wo(n, 0, "OLD 0")),
                _ => {}
            }
            if n.is_multiple_of(4) {
                p2.push(note(100 + n, n));
            }
            if n.is_multiple_of(6) {
                p2.push(note(300 + n, n));
            }
        }
        for n in 150..260 {
            p2.push(wo(n, 1, "E101"));
        }
        vec![p1, p2]
    }

    fn apply(store: &mut Store, page: &[Change], cursor: &str) {
        if let Err(e) = store.apply_pulled(page, cursor) {
            panic!("{cursor}: {e}");
        }
    }

    fn fresh() -> Store {
        let mut store = store_with(clock());
        if let Err(e) = enroll(&mut store) {
            panic!("{e}");
        }
        store
    }

    #[test]
    fn pulled_pages_queue_exactly_what_the_triggers_queue() {
        let pages = pages();
        assert!(pages.iter().all(|p| crate::store::sync_pull::is_bulk(p)));
        let (mut bulk, mut per_row) = (fresh(), fresh());
        let schema = triggers(&bulk);
        // Each page twice (the second time only newer versions and new notes write), the queues
        // compared after each and then applied (totals) or emptied (text).
        let mut written = Vec::new();
        for (i, page) in pages.iter().chain(&pages).enumerate() {
            let cursor = format!("c{i}");
            apply(&mut bulk, page, &cursor);
            super::super::per_row(|| apply(&mut per_row, page, &cursor));
            let q = queues(&bulk);
            assert_eq!(q, queues(&per_row), "page {i}");
            assert_eq!(triggers(&bulk), schema);
            assert_eq!(totals(&bulk), totals(&per_row), "page {i}");
            super::exec(&bulk, "DELETE FROM diag_text_dirty");
            super::exec(&per_row, "DELETE FROM diag_text_dirty");
            written.push((q[0].len(), q[1].len()));
            if i == 1 {
                // Every code written, not the one of the older version that was not applied.
                let codes: Vec<String> = q[2]
                    .iter()
                    .filter_map(|r| match &r[0] {
                        rusqlite::types::Value::Text(t) => Some(t.clone()),
                        _ => None,
                    })
                    .collect();
                assert_eq!(codes, ["E.OC.1", "E101", "NEW 2", "OC1", "oc 1"]);
            }
        }
        // Page 2: 30 newer versions and 110 new work orders; its new notes' work orders in the
        // text queue only (25 notes, 20 of them on work orders not written again).
        assert_eq!(written[0], (150, 150));
        assert_eq!(written[1], (140, 160));
    }
}
