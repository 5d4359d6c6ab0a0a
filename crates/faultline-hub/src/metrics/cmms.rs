//! The CMMS connectors' metrics: what every hub process shares in PostgreSQL (read at each
//! scrape: the queue by state, the oldest waiting change, the last send, each fetch position's
//! last fetch and age, a refused key) and [`Metered`], the connector wrapper through which a
//! drain's requests are timed and counted in this process.

use super::{record_send, Text};
use crate::connector::{Connector, OutboxItem, SendOutcome};
use crate::error::Result;
use crate::PgStore;
use std::time::Instant;

/// A [`Connector`] whose every request round is timed and counted ([`super::record_send`]).
pub struct Metered<'a, C> {
    inner: &'a C,
    site: &'a str,
    kind: &'a str,
}

impl<'a, C: Connector> Metered<'a, C> {
    /// `inner` sending for `site`; `kind` names the connector (`maximo`).
    pub fn new(inner: &'a C, site: &'a str, kind: &'a str) -> Self {
        Metered { inner, site, kind }
    }
}

impl<C: Connector> Connector for Metered<'_, C> {
    async fn send(&self, item: &OutboxItem) -> SendOutcome {
        let started = Instant::now();
        let outcome = self.inner.send(item).await;
        record_send(
            self.site,
            self.kind,
            started.elapsed(),
            std::slice::from_ref(&outcome),
        );
        outcome
    }

    async fn send_batch(&self, items: &[OutboxItem]) -> Vec<SendOutcome> {
        let started = Instant::now();
        let outcomes = self.inner.send_batch(items).await;
        record_send(self.site, self.kind, started.elapsed(), &outcomes);
        outcomes
    }
}

/// The queue by state of every site with a connector (0 for a state without rows).
const CHANGES_SQL: &str = "
    SELECT c.site, c.kind, s.state, count(o.id)
    FROM cmms_connectors c
    CROSS JOIN (VALUES ('pending'), ('sent'), ('failed')) AS s(state)
    LEFT JOIN cmms_outbox o ON o.site = c.site AND o.state = s.state
    GROUP BY 1, 2, 3 ORDER BY 1, 3";

/// Per connector: a refused key, the last change sent, the oldest change waiting.
const CONNECTORS_SQL: &str = "
    SELECT c.site, c.kind, c.auth_error IS NOT NULL,
        (SELECT extract(epoch FROM max(o.sent_at))::float8 FROM cmms_outbox o
         WHERE o.site = c.site AND o.state = 'sent'),
        (SELECT extract(epoch FROM now() - min(o.queued_at))::float8 FROM cmms_outbox o
         WHERE o.site = c.site AND o.state = 'pending')
    FROM cmms_connectors c ORDER BY 1";

/// Each fetch position: when a fetch last reached the end of Maximo's changes, how long ago,
/// whether the last one stopped short, the records refused.
const POSITIONS_SQL: &str = "
    SELECT p.site, c.kind, p.object,
        extract(epoch FROM p.fetched_at)::float8,
        extract(epoch FROM now() - p.fetched_at)::float8,
        p.last_error IS NOT NULL, p.refused
    FROM cmms_fetch_positions p JOIN cmms_connectors c ON c.site = p.site
    ORDER BY 1, 3";

/// The shared part of the metrics page, read from PostgreSQL.
pub async fn render(store: &PgStore, out: &mut Text) -> Result<()> {
    let db = store.client().await?;
    out.help(
        "faultline_cmms_changes",
        "gauge",
        "Changes in the CMMS queue by state: pending (waiting to be sent), sent, failed (refused, waiting for a person).",
    );
    for r in db.query(CHANGES_SQL, &[]).await? {
        let (site, kind, state): (String, String, String) =
            (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
        let n: i64 = r.try_get(3)?;
        out.sample(
            "faultline_cmms_changes",
            &[("site", &site), ("connector", &kind), ("state", &state)],
            n as f64,
        );
    }
    let rows = db.query(CONNECTORS_SQL, &[]).await?;
    let mut last_sent = Vec::new();
    let mut oldest = Vec::new();
    out.help(
        "faultline_cmms_key_refused",
        "gauge",
        "1 when the CMMS refused the API key (sending stopped until `maximo configure`).",
    );
    for r in &rows {
        let (site, kind): (String, String) = (r.try_get(0)?, r.try_get(1)?);
        let refused: bool = r.try_get(2)?;
        out.sample(
            "faultline_cmms_key_refused",
            &[("site", &site), ("connector", &kind)],
            f64::from(u8::from(refused)),
        );
        if let Some(t) = r.try_get::<_, Option<f64>>(3)? {
            last_sent.push((site.clone(), kind.clone(), t));
        }
        oldest.push((site, kind, r.try_get::<_, Option<f64>>(4)?.unwrap_or(0.0)));
    }
    out.help(
        "faultline_cmms_last_sent_timestamp_seconds",
        "gauge",
        "When the CMMS last took a change (Unix time); absent before the first.",
    );
    for (site, kind, t) in &last_sent {
        out.sample(
            "faultline_cmms_last_sent_timestamp_seconds",
            &[("site", site), ("connector", kind)],
            *t,
        );
    }
    out.help(
        "faultline_cmms_oldest_pending_seconds",
        "gauge",
        "Age of the oldest change waiting to be sent (0 when none waits).",
    );
    for (site, kind, age) in &oldest {
        out.sample(
            "faultline_cmms_oldest_pending_seconds",
            &[("site", site), ("connector", kind)],
            *age,
        );
    }
    positions(&db, out).await
}

async fn positions(db: &deadpool_postgres::Object, out: &mut Text) -> Result<()> {
    let rows = db.query(POSITIONS_SQL, &[]).await?;
    let mut ages = Vec::new();
    let mut failing = Vec::new();
    out.help(
        "faultline_cmms_last_fetch_timestamp_seconds",
        "gauge",
        "When a fetch of an object structure last reached the end of the CMMS's changes (Unix time).",
    );
    for r in &rows {
        let (site, kind, object): (String, String, String) =
            (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
        if let (Some(t), Some(age)) = (
            r.try_get::<_, Option<f64>>(3)?,
            r.try_get::<_, Option<f64>>(4)?,
        ) {
            out.sample(
                "faultline_cmms_last_fetch_timestamp_seconds",
                &[("site", &site), ("connector", &kind), ("object", &object)],
                t,
            );
            ages.push((site.clone(), kind.clone(), object.clone(), age));
        }
        let failed: bool = r.try_get(5)?;
        let refused: i64 = r.try_get(6)?;
        failing.push((site, kind, object, failed, refused));
    }
    out.help(
        "faultline_cmms_fetch_position_age_seconds",
        "gauge",
        "Time since a fetch position last reached the end of the CMMS's changes.",
    );
    for (site, kind, object, age) in &ages {
        out.sample(
            "faultline_cmms_fetch_position_age_seconds",
            &[("site", site), ("connector", kind), ("object", object)],
            *age,
        );
    }
    out.help(
        "faultline_cmms_fetch_failing",
        "gauge",
        "1 when the last fetch of an object structure stopped short (the CMMS down, the key refused).",
    );
    for (site, kind, object, failed, _) in &failing {
        out.sample(
            "faultline_cmms_fetch_failing",
            &[("site", site), ("connector", kind), ("object", object)],
            f64::from(u8::from(*failed)),
        );
    }
    out.help(
        "faultline_cmms_fetch_refused_records",
        "gauge",
        "Records fetched from the CMMS that the hub's checks refused, in all.",
    );
    for (site, kind, object, _, refused) in &failing {
        out.sample(
            "faultline_cmms_fetch_refused_records",
            &[("site", site), ("connector", kind), ("object", object)],
            *refused as f64,
        );
    }
    Ok(())
}
