//! What Maximo makes of a change reaches the laptop that made it: a refusal (BMXAA validation
//! error) shows there as a rejected change, a field changed in Maximo meanwhile as a conflict
//! with both values, settled by a person on the laptop and sent back to Maximo. A laptop replica
//! (faultline-core's store) against the hub on real PostgreSQL and `fake_maximo` (never a real
//! Maximo).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::fake_maximo;

use fake_maximo::laptop::{a_breakdown_in_maximo, Laptop};
use fake_maximo::plant::plant as setup;
use faultline_core::domain::ConflictChoice;
use faultline_hub::connector::retry_failed;
use faultline_protocol::push::reject_codes::CMMS_REJECTED;

#[tokio::test]
async fn a_maximo_refusal_shows_on_the_laptop_as_rejected_and_clears_once_sent() {
    let s = setup().await;
    let mut laptop = Laptop::enroll(&s.hub).await;
    let (wo, _) = laptop.breakdown(s.bad_asset);
    laptop.sync(&s.hub).await;
    assert!(
        laptop.store.rejected_changes(10).unwrap().is_empty(),
        "the hub applied it"
    );

    let r = s.drain("key-1").await;
    assert_eq!((r.sent, r.rejected), (0, 1), "{r:?}");
    laptop.sync(&s.hub).await;
    let rejected = laptop.store.rejected_changes(10).unwrap();
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    let r0 = &rejected[0];
    assert_eq!(
        (r0.code.as_str(), r0.kind.as_str()),
        (CMMS_REJECTED, "create_work_order")
    );
    assert_eq!(r0.work_order_id, wo);
    assert!(
        r0.reason.contains("BMXAA4195E") && r0.reason.contains("NOT-IN-MAXIMO"),
        "Maximo's code and sentence: {}",
        r0.reason
    );

    // Fixed in Maximo, retried by the admin: the laptop shows it synced again.
    s.fake
        .lock()
        .unwrap()
        .valid_assets
        .push("NOT-IN-MAXIMO".into());
    retry_failed(&s.hub.store, "PLANT1", None).await.unwrap();
    assert_eq!(s.drain("key-1").await.sent, 2, "the create and its note");
    laptop.sync(&s.hub).await;
    assert!(laptop.store.rejected_changes(10).unwrap().is_empty());
}

#[tokio::test]
async fn a_field_changed_in_maximo_meanwhile_reaches_the_laptop_as_a_conflict_with_both_values() {
    let (s, mut laptop, wo, number) = a_breakdown_in_maximo().await;

    // A planner sets the remedy in Maximo while the technician, offline, closes with another.
    s.fake
        .lock()
        .unwrap()
        .edit(&number, "fr2code", serde_json::json!("ADJUST"));
    laptop.close(wo, "REPLACE");
    laptop.sync(&s.hub).await;
    let r = s.drain("key-1").await;
    assert_eq!((r.sent, r.conflicts, r.rejected), (0, 1, 0), "{r:?}");
    {
        let f = s.fake.lock().unwrap();
        let m = f.wo(&number);
        assert_eq!(m["fr2code"], "ADJUST", "Maximo keeps its value");
        assert_eq!(
            (
                m["failurecode"].as_str(),
                m["fr1code"].as_str(),
                m["status"].as_str()
            ),
            (Some("PUMP"), Some("SEALWORN"), Some("COMP")),
            "the fields Maximo did not change are sent"
        );
    }

    laptop.sync(&s.hub).await;
    let conflicts = laptop.store.conflicts(true).unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    let c = &conflicts[0];
    assert_eq!(c.field, "remedy_code");
    assert!(c.server_value.contains("ADJUST"), "{c:?}");
    assert!(c.client_value.contains("REPLACE"), "{c:?}");
    assert_eq!(c.server_changed_by.as_deref(), Some("Maximo"));

    // The technician keeps their value: it goes to Maximo as a deliberate choice.
    laptop
        .store
        .resolve_conflict(c.id, ConflictChoice::Client)
        .unwrap();
    laptop.sync(&s.hub).await;
    let r = s.drain("key-1").await;
    assert_eq!((r.sent, r.conflicts), (1, 0), "{r:?}");
    assert_eq!(s.fake.lock().unwrap().wo(&number)["fr2code"], "REPLACE");
}

#[tokio::test]
async fn a_maximo_edit_of_a_field_the_change_leaves_alone_is_no_conflict() {
    let (s, mut laptop, wo, number) = a_breakdown_in_maximo().await;
    // Maximo changes the description and sets the same remedy the technician will.
    {
        let mut f = s.fake.lock().unwrap();
        f.edit(
            &number,
            "description",
            serde_json::json!("Seal leak, P-101"),
        );
        f.edit(&number, "fr2code", serde_json::json!("REPLACE"));
    }
    laptop.close(wo, "REPLACE");
    laptop.sync(&s.hub).await;
    let r = s.drain("key-1").await;
    assert_eq!((r.sent, r.conflicts), (1, 0), "{r:?}");
    laptop.sync(&s.hub).await;
    assert!(laptop.store.conflicts(true).unwrap().is_empty());
    assert_eq!(s.fake.lock().unwrap().wo(&number)["status"], "COMP");
}
