//! What the CMMS made of a sent change, written back on the hub in the drain's transaction:
//! a refusal becomes a `cmms_refusals` row (pulled by the laptops as `cmms_refusal`: the laptop
//! that made the change shows it rejected), a field changed in the CMMS meanwhile becomes a
//! `conflicts` row with both values (pulled as `conflict`, settled by a person like a conflict
//! between two laptops), and the work order as the CMMS answered is kept in `cmms_work_orders`
//! (its row stamp tells the next change whether the CMMS changed it since).

use super::{CmmsConflict, CmmsSeen, OutboxItem};
use crate::error::Result;
use tokio_postgres::types::Json;
use tokio_postgres::Transaction;
use uuid::Uuid;

/// Who made the CMMS's value, as a conflict shows it.
pub const CMMS_EDITOR: &str = "Maximo";

/// The refusal of `item` (`CODE: sentence`, as the connector reports it), for the laptops.
pub async fn record_refusal(tx: &Transaction<'_>, item: &OutboxItem, reason: &str) -> Result<()> {
    let (code, sentence) = split_reason(reason);
    tx.execute(
        "INSERT INTO cmms_refusals (site, mutation_id, work_order_id, cmms_code, reason)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (site, mutation_id) DO UPDATE SET cmms_code = $4, reason = $5,
             refused_at = now(), cleared = false",
        &[
            &item.site,
            &item.mutation_id,
            &item.work_order_id,
            &code,
            &sentence,
        ],
    )
    .await?;
    Ok(())
}

/// `item` reached the CMMS after all: an earlier refusal is cleared (and pulled again).
pub async fn clear_refusal(tx: &Transaction<'_>, item: &OutboxItem) -> Result<()> {
    tx.execute(
        "UPDATE cmms_refusals SET cleared = true
         WHERE site = $1 AND mutation_id = $2 AND NOT cleared",
        &[&item.site, &item.mutation_id],
    )
    .await?;
    Ok(())
}

/// Each field the CMMS changed meanwhile, as a conflict of the change's device: the CMMS's
/// value as the "server" one, the change's as the device's.
pub async fn record_conflicts(
    tx: &Transaction<'_>,
    item: &OutboxItem,
    conflicts: &[CmmsConflict],
) -> Result<()> {
    let Some(wo) = item.work_order_id else {
        return Ok(());
    };
    for c in conflicts {
        tx.execute(
            "INSERT INTO conflicts (id, site, work_order_id, field, server_value, client_value,
                 server_version, server_changed_by, mutation_id, device_id)
             SELECT $1, w.site, w.id, $4, $5, $6, w.version, $7, m.mutation_id, m.device_id
             FROM work_orders w
             JOIN applied_mutations m ON m.site = w.site AND m.mutation_id = $8
             WHERE w.site = $2 AND w.id = $3",
            &[
                &Uuid::now_v7(),
                &item.site,
                &wo,
                &c.field,
                &Json(&c.cmms_value),
                &Json(&c.our_value),
                &CMMS_EDITOR,
                &item.mutation_id,
            ],
        )
        .await?;
    }
    Ok(())
}

/// Keeps the work order as the CMMS last answered it.
pub async fn store_seen(tx: &Transaction<'_>, item: &OutboxItem, seen: &CmmsSeen) -> Result<()> {
    let Some(wo) = item.work_order_id else {
        return Ok(());
    };
    tx.execute(
        "INSERT INTO cmms_work_orders (site, work_order_id, rowstamp, fields)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (site, work_order_id) DO UPDATE SET rowstamp = $3, fields = $4,
             read_at = now()",
        &[&item.site, &wo, &seen.rowstamp, &Json(&seen.fields)],
    )
    .await?;
    Ok(())
}

/// `BMXAA4195E: Asset … is not valid` → (`BMXAA4195E`, `Asset … is not valid`); a reason
/// without a code keeps it whole.
fn split_reason(reason: &str) -> (&str, &str) {
    match reason.split_once(": ") {
        Some((code, sentence)) if !code.is_empty() && !code.contains(' ') => (code, sentence),
        _ => ("", reason),
    }
}

#[cfg(test)]
mod tests {
    use super::split_reason;

    #[test]
    fn a_reason_splits_into_the_cmms_code_and_its_sentence() {
        assert_eq!(
            split_reason("BMXAA4195E: Asset X: not valid"),
            ("BMXAA4195E", "Asset X: not valid")
        );
        assert_eq!(split_reason("no code here"), ("", "no code here"));
        assert_eq!(split_reason("two words: x"), ("", "two words: x"));
    }
}
