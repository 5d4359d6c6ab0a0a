//! `faultline-hub maximo-probe` (the binary) against `fake_maximo` (never a real Maximo): the
//! transcript holds neither the key nor any record's value; read only it creates nothing; with
//! `--allow-writes` it creates the test work order and its worklog, then the further steps —
//! `changeStatus` with a date, `If-Match` with the stamp as it is and a stale one, failure
//! report rows, the `transactionid` replay window, an attachment — each with its finding.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::fake_maximo;

use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_faultline-hub");

/// A work order created by a Maximo user.
fn maximo_wo(wonum: &str, asset: &str) -> serde_json::Value {
    json!({"wonum": wonum, "siteid": "BEDFORD", "assetnum": asset, "worktype": "CM",
           "status": "WAPPR", "wopriority": 2, "description": format!("Inspect {asset}"),
           "reportedby": "PLANNER", "reportdate": "2025-11-20T08:00:00+01:00"})
}

/// A fake with three work orders made by a Maximo user, and a key file.
async fn fake_with_records() -> (String, fake_maximo::Shared, tempfile::TempDir) {
    let (url, fake) = fake_maximo::start("key-1", &["P-101"]).await;
    {
        let mut f = fake.lock().unwrap();
        for n in 1..=3 {
            f.add("mxapiwodetail", maximo_wo(&format!("MX-{n}"), "P-101"));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("key.txt"), "key-1\n").unwrap();
    (url, fake, dir)
}

/// Runs the probe with `extra` arguments; answers its transcript.
async fn run_probe(url: &str, dir: &std::path::Path, extra: &[&str]) -> String {
    let out = dir.join("transcript.md");
    let mut c = std::process::Command::new(BIN);
    c.args(["maximo-probe", "--url", url, "--siteid", "BEDFORD"])
        .arg("--api-key-file")
        .arg(dir.join("key.txt"))
        .arg("--out")
        .arg(&out)
        .args(extra)
        .env_remove("FAULTLINE_HUB_DATABASE_URL");
    let st = tokio::task::spawn_blocking(move || c.output())
        .await
        .unwrap()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    std::fs::read_to_string(&out).unwrap()
}

/// No key, no value of a record made by a Maximo user, no record id in a path.
fn assert_clean(text: &str) {
    for secret in [
        "key-1",
        "PLANNER",
        "Inspect P-101",
        "MX-1",
        "mxapiwodetail/1",
    ] {
        assert!(
            !text.contains(secret),
            "{secret} in the transcript:\n{text}"
        );
    }
}

#[tokio::test]
async fn the_probe_writes_a_transcript_without_the_key_or_any_value() {
    let (url, fake, dir) = fake_with_records().await;
    // Read only: nothing created.
    let text = run_probe(&url, dir.path(), &[]).await;
    assert!(text.contains("`_rowstamp` on every record: yes"), "{text}");
    assert!(text.contains("`responseInfo.nextPage`: present"), "{text}");
    assert!(
        text.contains("all after the stamp given: yes; in stamp order: yes"),
        "{text}"
    );
    assert!(text.contains("not run: pass --allow-writes"), "{text}");
    assert_eq!(fake.lock().unwrap().wos.len(), 3);
    assert_clean(&text);

    let args = [
        "--allow-writes",
        "--asset",
        "P-101",
        "--replay-wait-secs",
        "0",
    ];
    let text = run_probe(&url, dir.path(), &args).await;
    assert!(
        text.contains("external reference kept whole: yes"),
        "{text}"
    );
    assert!(
        text.contains("the new one carries the reference: yes"),
        "{text}"
    );
    assert!(
        text.contains("not run: pass --failure-class and --problem-code"),
        "{text}"
    );
    assert_clean(&text);
    let f = fake.lock().unwrap();
    assert_eq!(
        f.wos.len(),
        5,
        "the test work order, and the replay step's (created once)"
    );
    assert_eq!(f.wos[3]["worklog"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn the_further_steps_each_settle_their_question_against_the_fake() {
    let (url, fake, dir) = fake_with_records().await;
    let args = [
        "--allow-writes",
        "--asset",
        "P-101",
        "--failure-class",
        "PUMP",
        "--problem-code",
        "LEAK",
        "--replay-wait-secs",
        "1",
    ];
    let text = run_probe(&url, dir.path(), &args).await;
    for finding in [
        // changeStatus with a date.
        "status now INPRG: yes; status date = the date given: yes",
        // If-Match: the stamp as it is, then a stale one.
        "taken: `If-Match` takes the `_rowstamp` as it is",
        "refused with 412 (precondition failed), reason code BMXAA8229W",
        // Failure report rows: none from the codes alone (in the fake), one added by MERGE.
        "failure report rows after: 0 (PROBLEM: 0)",
        "PROBLEM rows before 0, after 1: one row added (there was none)",
        // The replay window: the second create refused, one work order.
        "first: created; second, 1 s later: 409, reason code BMXAA9549E; work orders with the reference: 1",
        // The attachment.
        "attachments listed: 1; ours listed under its name: yes; attributes of its `describedBy`: description, fileName",
    ] {
        assert!(text.contains(finding), "no `{finding}` in:\n{text}");
    }
    assert!(
        text.contains("POST (PATCH, MERGE, If-Match) /maximo/oslc/os/mxapiwodetail/{id}?lean=1"),
        "{text}"
    );
    assert_clean(&text);
    for code in ["PUMP", "LEAK", "P-101"] {
        assert!(
            !text.contains(code),
            "{code} (a value) in the transcript:\n{text}"
        );
    }
    let f = fake.lock().unwrap();
    assert_eq!(f.wos.len(), 5, "{:?}", f.wos);
    let wo = &f.wos[3];
    assert_eq!(wo["status"], "INPRG");
    assert!(wo["statusdate"].is_string(), "{wo}");
    assert_eq!(
        wo["failurereport"],
        json!([{"failurecode": "LEAK", "type": "PROBLEM"}])
    );
    assert_eq!(
        (&wo["failurecode"], &wo["problemcode"]),
        (&json!("PUMP"), &json!("LEAK"))
    );
    assert_eq!(f.attachments.len(), 1);
    assert_eq!(f.attachments[0].description, "Faultline probe");
    let replay: Vec<&String> = f.transaction_ids.iter().collect();
    assert_eq!(replay.len(), 2, "{replay:?}");
    assert_eq!(replay[0], replay[1], "the same transactionid twice");
}
