//! The text index's blocks (migration 0020) against an oracle: after every catch-up (the whole
//! demo history, then edits of old work orders, cancellations, notes, new work orders) each
//! term's blocks hold exactly the postings its documents say, sorted, without overlap, with
//! true bounds; and the conversion of 0019's rows gives the same blocks in any number of steps.

use super::diagnosis_blocks::{block_postings, set_block_postings_for_this_thread};
use super::test_support::demo_store;
use super::{Posting, Store};
use rusqlite::params;
use std::collections::BTreeMap;

/// The tokens: the title's and the notes' words, lower-cased.
fn tokens(w: &super::DiagnosisWorkOrder) -> Vec<String> {
    std::iter::once(w.title.as_str())
        .chain(w.notes.iter().map(String::as_str))
        .flat_map(str::split_whitespace)
        .map(str::to_lowercase)
        .collect()
}

fn catch_up(store: &Store) {
    if let Err(e) = store.diagnosis_text_catch_up(&tokens, &mut |_, _| {}) {
        panic!("catch-up: {e}");
    }
}

/// Per term, the postings the documents (`diag_docs`) say: not cancelled ones, by rid.
fn oracle(store: &Store) -> BTreeMap<i64, Vec<Posting>> {
    let docs = match store.diagnosis_text_docs_since(i64::MIN, usize::MAX - 1) {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    let asset = |rid: i64| -> i64 {
        store
            .conn()
            .query_row(
                "SELECT asset_rid FROM work_orders WHERE rid = ?1",
                params![rid],
                |r| r.get(0),
            )
            .unwrap_or(-1)
    };
    let mut out: BTreeMap<i64, Vec<Posting>> = BTreeMap::new();
    for d in docs.iter().filter(|d| !d.cancelled) {
        for (t, f) in &d.terms {
            out.entry(*t).or_default().push(Posting {
                rid: d.rid,
                tf: *f,
                len: d.len,
                asset_rid: asset(d.rid),
                evidence: d.cause.is_some(),
            });
        }
    }
    for v in out.values_mut() {
        v.sort_by_key(|p| p.rid);
    }
    out
}

/// Every term's blocks against the oracle; how many terms span more than one block.
fn check(store: &Store, what: &str) -> usize {
    let want = oracle(store);
    let terms: Vec<i64> = match store
        .conn()
        .prepare("SELECT DISTINCT term FROM diag_blocks ORDER BY term")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
    {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(terms, want.keys().copied().collect::<Vec<_>>(), "{what}");
    let mut multi = 0;
    for (term, postings) in &want {
        let metas = match store.diagnosis_blocks(*term) {
            Ok(m) => m,
            Err(e) => panic!("{e}"),
        };
        let mut all = Vec::new();
        let mut prev_last = i64::MIN;
        for m in &metas {
            let mut ps = Vec::new();
            if let Err(e) = store.diagnosis_block(m.id, &mut ps) {
                panic!("{e}");
            }
            assert!(!ps.is_empty() && ps.len() <= block_postings(), "{what}");
            assert!(m.first_rid > prev_last, "{what}: blocks overlap");
            prev_last = m.last_rid;
            assert_eq!(ps.first().map(|p| p.rid), Some(m.first_rid), "{what}");
            assert_eq!(ps.last().map(|p| p.rid), Some(m.last_rid), "{what}");
            assert_eq!(ps.iter().map(|p| p.tf).max(), Some(m.max_tf), "{what}");
            assert_eq!(ps.iter().map(|p| p.len).min(), Some(m.min_len), "{what}");
            let ev = ps.iter().filter(|p| p.evidence).count();
            assert_eq!(usize::try_from(m.evidence).ok(), Some(ev), "{what}");
            all.extend(ps);
        }
        multi += usize::from(metas.len() > 1);
        assert_eq!(&all, postings, "{what}: term {term}");
        assert_eq!(
            store.diagnosis_postings(*term).ok().as_ref(),
            Some(postings),
            "{what}"
        );
    }
    multi
}

fn exec(store: &Store, sql: &str) {
    if let Err(e) = store.conn().execute_batch(sql) {
        panic!("{sql}: {e}");
    }
}

#[test]
fn blocks_follow_every_kind_of_write() {
    set_block_postings_for_this_thread(3);
    let store = demo_store();
    catch_up(&store);
    assert!(check(&store, "first catch-up") > 10);
    // Old work orders edited (blocks in the middle rewritten and split), cancelled (postings
    // removed) and brought back, notes added, new work orders appended.
    exec(
        &store,
        "UPDATE work_orders SET title = title || ' pump pump motor'
             WHERE rid IN (SELECT rid FROM work_orders ORDER BY rid LIMIT 40);
         UPDATE work_orders SET status = 'cancelled'
             WHERE rid IN (SELECT rid FROM work_orders ORDER BY rid LIMIT 20 OFFSET 50);",
    );
    catch_up(&store);
    check(&store, "edits and cancellations");
    exec(
        &store,
        "UPDATE work_orders SET status = 'closed'
             WHERE rid IN (SELECT rid FROM work_orders ORDER BY rid LIMIT 10 OFFSET 50);
         UPDATE work_orders SET title = 'x'
             WHERE rid IN (SELECT rid FROM work_orders ORDER BY rid DESC LIMIT 5);
         INSERT INTO notes (id, work_order_rid, author, text, created_at)
             SELECT 'n-' || rid, rid, 'test', 'motor hot again', 1 FROM work_orders
             ORDER BY rid LIMIT 7 OFFSET 3;
         INSERT INTO work_orders (id, number, asset_rid, wo_type, status, priority, title,
                 reported_at, cause_code)
             SELECT 'new-' || rid, 'N' || rid, asset_rid, wo_type, status, priority,
                 title || ' pump', reported_at + 1, cause_code
             FROM work_orders ORDER BY rid LIMIT 30;",
    );
    catch_up(&store);
    assert!(check(&store, "reopened, retitled, notes, new") > 10);
}

#[test]
fn the_postings_of_0019_convert_into_the_same_blocks_in_steps() {
    set_block_postings_for_this_thread(4);
    let store = demo_store();
    catch_up(&store);
    let want = oracle(&store);
    assert!(check(&store, "before") > 5);
    // Back to a replica of 0019: its rows, no blocks, the conversion pending.
    exec(
        &store,
        "CREATE TABLE diag_postings (term INTEGER NOT NULL, rid INTEGER NOT NULL,
             tf INTEGER NOT NULL, len INTEGER NOT NULL, asset_rid INTEGER NOT NULL,
             evidence INTEGER NOT NULL, PRIMARY KEY (term, rid)) WITHOUT ROWID;
         DELETE FROM diag_blocks;
         CREATE TABLE diag_blocks_conversion (next_term INTEGER NOT NULL);
         INSERT INTO diag_blocks_conversion(next_term) VALUES (0);",
    );
    for (term, ps) in &want {
        for p in ps {
            if let Err(e) = store.conn().execute(
                "INSERT INTO diag_postings VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![term, p.rid, p.tf, p.len, p.asset_rid, p.evidence],
            ) {
                panic!("{e}");
            }
        }
    }
    assert_eq!(store.diagnosis_text_pending().ok(), Some(1));
    let mut steps = 0;
    loop {
        match store.diagnosis_text_catch_up_batch(&tokens, &mut |_, _| {}, 2) {
            Ok(0) => break,
            Ok(_) => steps += 1,
            Err(e) => panic!("{e}"),
        }
        assert!(steps < 10_000);
    }
    assert!(steps > 5, "{steps}");
    assert_eq!(store.diagnosis_text_pending().ok(), Some(0));
    check(&store, "converted");
    let left: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name IN ('diag_postings',
                 'diag_blocks_conversion')",
            [],
            |r| r.get(0),
        )
        .unwrap_or(-1);
    assert_eq!(left, 0);
}
