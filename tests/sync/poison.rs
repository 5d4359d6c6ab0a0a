//! A laptop whose outbox holds a change with a NUL character (saved by an older build, before
//! the core cleaned control characters) still syncs everything else through a real hub on a real
//! PostgreSQL, and sees that one change refused with a reason — instead of every push failing
//! with HTTP 500 for ever (issue 9, item 2).

use anyhow::{Context, Result};
use faultline_tests::sync_env::SyncEnv;
use rusqlite::params;
use uuid::Uuid;

#[test]
fn a_nul_in_one_queued_change_rejects_that_change_and_the_rest_syncs() -> Result<()> {
    let env = SyncEnv::start()?;
    let a = env.device("laptop-a")?;
    let url = env.hub.url();
    a.sync_via(&url)?;
    let wo = a.log_breakdown("VFD-202", "drive trips on start")?;
    a.add_notes(&wo, 2, "checked")?;

    // What an older build saved: a note whose text holds U+0000, queued behind the others.
    let poison_id = Uuid::now_v7();
    {
        let conn = rusqlite::Connection::open(a.path().join("faultline.db"))?;
        let (kind, wo_id, base, payload, created): (String, String, i64, String, i64) = conn
            .query_row(
                "SELECT kind, work_order_id, base_version, payload, created_at FROM outbox
                 WHERE kind = 'add_note' AND state = 'pending' ORDER BY seq LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .context("a queued note")?;
        let mut m: serde_json::Value = serde_json::from_str(&payload)?;
        let note_id = Uuid::now_v7();
        m["note_id"] = note_id.to_string().into();
        m["text"] = "scanner said OC1\u{0}".into();
        conn.execute(
            "INSERT INTO outbox (mutation_id, kind, entity_id, work_order_id, base_version, payload, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                poison_id.to_string(),
                kind,
                note_id.to_string(),
                wo_id,
                base,
                serde_json::to_string(&m)?,
                created
            ],
        )?;
    }
    a.add_notes(&wo, 1, "after the poison")?;
    assert!(
        a.pending()? >= 5,
        "the breakdown, 3 notes and the poison are queued"
    );

    let r = a.sync_via(&url)?;
    assert_eq!(r["pending_left"], 0, "{r}");
    assert_eq!(a.pending()?, 0);
    let state: (String, Option<String>, Option<String>) =
        rusqlite::Connection::open(a.path().join("faultline.db"))?.query_row(
            "SELECT state, outcome_code, outcome_message FROM outbox WHERE mutation_id = ?1",
            [poison_id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
    assert_eq!(state.0, "rejected", "{state:?}");
    assert_eq!(state.1.as_deref(), Some("invalid_value"));
    assert!(
        state.2.as_deref().is_some_and(|m| m.contains("U+0000")),
        "{state:?}"
    );
    // Everything else reached the hub: the work order and its notes, as the laptop has them.
    let local_notes = a.count(&format!(
        "SELECT count(*) FROM notes n JOIN work_orders w ON w.rid = n.work_order_rid
         WHERE w.id = '{wo}'"
    ))?;
    let hub_notes = env.db.count(&format!(
        "SELECT count(*) FROM notes WHERE work_order_id = '{wo}'"
    ))?;
    assert!(local_notes >= 3, "{local_notes}");
    assert_eq!(hub_notes, local_notes);
    let (queued, synced) = (
        a.count(&format!(
            "SELECT count(*) FROM outbox WHERE work_order_id = '{wo}'"
        ))?,
        a.count(&format!(
            "SELECT count(*) FROM outbox WHERE state = 'synced' AND work_order_id = '{wo}'"
        ))?,
    );
    assert_eq!(synced, queued - 1, "all but the poison applied");
    Ok(())
}
