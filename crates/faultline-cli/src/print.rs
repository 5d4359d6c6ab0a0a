//! Output: JSON for scripts (`--json`, one document on stdout), aligned text for people.

use faultline_core::domain::*;
use faultline_core::import::ImportReport;
use faultline_core::store::OutboxEntry;
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;

type Result<T> = std::result::Result<T, faultline_core::CoreError>;

pub struct Printer {
    pub json: bool,
}

/// " VOIDED" after a voided note, part or photo.
fn voided(v: bool) -> &'static str {
    if v {
        " VOIDED"
    } else {
        ""
    }
}

/// An item's corrections, one line each: who, when, what it was and became (or why voided).
fn history(corrections: &[faultline_core::domain::Correction]) -> String {
    corrections
        .iter()
        .map(|c| match &c.now {
            Some(now) => format!(
                "      amended by {} {}: was {:?}, now {:?}\n",
                c.author,
                when(c.created_at),
                c.was,
                now
            ),
            None => format!(
                "      voided by {} {}: {}\n",
                c.author,
                when(c.created_at),
                c.reason.as_deref().unwrap_or("")
            ),
        })
        .collect()
}

fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&chrono::Local)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn downtime(w: &WorkOrderSummary) -> String {
    match (w.downtime_start, w.downtime_minutes) {
        (_, Some(m)) => format!("{m} min down"),
        (Some(_), None) => "DOWN (ongoing)".into(),
        _ => String::new(),
    }
}

fn sync(s: SyncState) -> &'static str {
    match s {
        SyncState::Pending => "not yet synced",
        SyncState::Synced => "synced",
        SyncState::Rejected => "refused by the hub",
        SyncState::Conflict => "conflict",
    }
}

fn wo_line(w: &WorkOrderSummary) -> String {
    let codes: Vec<&str> = [
        &w.failure.failure_class,
        &w.failure.problem_code,
        &w.failure.cause_code,
        &w.failure.remedy_code,
    ]
    .into_iter()
    .filter_map(|c| c.as_deref())
    .collect();
    let mut s = format!(
        "{}  {:<14} {:<10} {:<11} {:<8} {}",
        when(w.reported_at),
        w.number,
        w.wo_type.as_str(),
        w.status.as_str(),
        w.fault_code.as_deref().unwrap_or("-"),
        w.title
    );
    if !codes.is_empty() {
        s.push_str(&format!("  [{}]", codes.join(" > ")));
    }
    if let Some(r) = &w.remedy_text {
        s.push_str(&format!("  fixed: {r}"));
    }
    let d = downtime(w);
    if !d.is_empty() {
        s.push_str(&format!("  ({d})"));
    }
    match w.sync_state {
        SyncState::Pending => s.push_str("  *not yet synced*"),
        SyncState::Rejected => s.push_str("  *refused by the hub: see `faultline rejected`*"),
        SyncState::Conflict => s.push_str("  *conflict: see `faultline conflicts`*"),
        SyncState::Synced => {}
    }
    s
}

impl Printer {
    pub(crate) fn emit(&self, value: &impl Serialize, text: impl FnOnce() -> String) -> Result<()> {
        let s = if self.json {
            serde_json::to_string_pretty(value).map_err(|e| {
                faultline_core::CoreError::InvalidState(format!("cannot encode output: {e}"))
            })?
        } else {
            text()
        };
        let mut out = std::io::stdout().lock();
        // A closed pipe (`| head`) is not an error worth reporting.
        let _ = writeln!(out, "{s}");
        Ok(())
    }

    /// Progress for people, on stderr (never mixed into --json output).
    pub fn note(&self, text: &str) {
        eprintln!("{text}");
    }

    pub fn manuals(&self, list: &[Manual]) -> Result<()> {
        self.emit(&list, || {
            if list.is_empty() {
                return "no manuals".into();
            }
            list.iter()
                .map(|m| {
                    let state = match (&m.failure_message, m.state) {
                        (Some(msg), ManualState::Failed) => format!("failed: {msg}"),
                        (_, s) => s.as_str().to_string(),
                    };
                    format!(
                        "{}  {:<50} {:>4} pages  {}  {}",
                        m.id,
                        m.title.as_deref().unwrap_or(&m.file_name),
                        m.page_count.unwrap_or(0),
                        state,
                        m.models.join(", ")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    pub fn search(&self, r: &faultline_manuals::index::SearchResults) -> Result<()> {
        self.emit(r, || {
            let mut s = String::new();
            if r.rebuilding {
                s.push_str("(the search index is being rebuilt: results may be incomplete)\n");
            }
            if r.hits.is_empty() {
                s.push_str("no page matches");
            }
            for h in &r.hits {
                s.push_str(&format!(
                    "{:>6.2}  {} p.{}  {}\n",
                    h.score,
                    h.title.as_deref().unwrap_or(&h.file_name),
                    h.page,
                    h.snippet.replace('\n', " ")
                ));
            }
            s.trim_end().to_string()
        })
    }

    pub fn ack(&self, id: &str) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "saved {id}");
        let _ = out.flush();
    }

    pub fn info(&self, i: &AppInfo) -> Result<()> {
        self.emit(i, || {
            format!(
                "Faultline {}\ndata:     {}\ndevice:   {}\nschema:   {}\nassets:   {}\nwork orders: {}\nnot yet synced: {} changes",
                i.version, i.data_dir, i.device_id, i.schema_version, i.assets, i.work_orders, i.pending_changes
            )
        })
    }

    pub fn imports(&self, files: &[PathBuf], reports: &[ImportReport]) -> Result<()> {
        self.emit(&reports, || {
            files
                .iter()
                .zip(reports)
                .map(|(f, r)| {
                    format!(
                        "{}: {} {} rows — {} new, {} updated, {} unchanged",
                        f.display(),
                        r.rows,
                        r.kind,
                        r.inserted,
                        r.updated,
                        r.unchanged
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    pub fn assets(&self, list: &[AssetSummary]) -> Result<()> {
        self.emit(&list, || {
            if list.is_empty() {
                return "no asset matches".into();
            }
            list.iter()
                .map(|a| {
                    format!(
                        "{:<12} {:<34} {:<20} {:<24} {} {}",
                        a.tag,
                        a.name,
                        a.location.as_deref().unwrap_or("-"),
                        a.model.as_deref().unwrap_or("-"),
                        a.criticality.map(|c| c.as_str()).unwrap_or("-"),
                        if a.open_work_orders > 0 {
                            format!("{} open", a.open_work_orders)
                        } else {
                            String::new()
                        }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    pub fn asset_page(&self, p: &AssetPage) -> Result<()> {
        self.emit(p, || {
            let a = &p.asset;
            let mut s = format!(
                "{} — {}\n{} / {}  {} {}  class: {}  criticality: {}\n",
                a.tag,
                a.name,
                a.site_name,
                a.location_name.as_deref().unwrap_or("-"),
                a.manufacturer.as_deref().unwrap_or(""),
                a.model.as_deref().unwrap_or(""),
                a.equipment_class.as_deref().unwrap_or("-"),
                a.criticality.map(|c| c.as_str()).unwrap_or("-"),
            );
            if let Some(parent) = &a.parent {
                s.push_str(&format!("part of: {} {}\n", parent.tag, parent.name));
            }
            s.push_str(&format!(
                "\nOpen work orders ({}):\n",
                p.open_work_orders.len()
            ));
            for w in &p.open_work_orders {
                s.push_str(&format!("  {}\n", wo_line(w)));
            }
            s.push_str(&format!(
                "\nHistory ({} of {}):\n",
                p.history.len(),
                p.history_total
            ));
            for w in &p.history {
                s.push_str(&format!("  {}\n", wo_line(w)));
            }
            if !p.procedures.is_empty() {
                s.push_str("\nProcedures (faultline procedure CODE):\n");
                s.push_str(&crate::print_procedures::summary_lines(&p.procedures));
            }
            if !p.recent_faults.is_empty() {
                s.push_str("\nRecent alarms:\n");
                for f in &p.recent_faults {
                    s.push_str(&format!(
                        "  {}  {:<8} {}\n",
                        when(f.occurred_at),
                        f.code,
                        f.message.as_deref().unwrap_or("")
                    ));
                }
            }
            s.trim_end().to_string()
        })
    }

    pub fn work_order(&self, w: &WorkOrder) -> Result<()> {
        self.emit(w, || {
            let m = &w.summary;
            let mut s = format!(
                "{} ({}) on {} — {}\nid: {}\nstatus: {}  priority: {}  {}\nreported {} by {}\n",
                m.number,
                m.wo_type.as_str(),
                m.asset_tag,
                m.title,
                m.id,
                m.status.as_str(),
                m.priority,
                sync(m.sync_state),
                when(m.reported_at),
                w.reported_by.as_deref().unwrap_or("-"),
            );
            if let Some(c) = &m.fault_code {
                s.push_str(&format!("fault code: {c}\n"));
            }
            if let Some(d) = m.downtime_start {
                s.push_str(&format!(
                    "machine stopped {}; {}\n",
                    when(d),
                    m.downtime_end
                        .map(|e| format!("back in service {}", when(e)))
                        .unwrap_or_else(|| "still down".into())
                ));
            }
            if w.downtime_intervals.len() > 1 {
                for i in &w.downtime_intervals {
                    s.push_str(&format!(
                        "  stopped {} – {}\n",
                        when(i.start),
                        i.end.map(when).unwrap_or_else(|| "still down".into())
                    ));
                }
                if let Some(total) = m.downtime_minutes {
                    s.push_str(&format!(
                        "  downtime {total} min in {} stops\n",
                        w.downtime_intervals.len()
                    ));
                }
            }
            for n in &w.notes {
                s.push_str(&format!(
                    "  note {} {}: {}  ({}){}  id {}\n",
                    when(n.created_at),
                    n.author,
                    n.text,
                    sync(n.sync_state),
                    voided(n.voided),
                    n.id
                ));
                s.push_str(&history(&n.corrections));
            }
            for p in &w.parts {
                s.push_str(&format!(
                    "  part {} {} {} {}{}  id {}\n",
                    p.part_number,
                    p.quantity,
                    p.unit,
                    p.description.as_deref().unwrap_or(""),
                    voided(p.voided),
                    p.id
                ));
                s.push_str(&history(&p.corrections));
            }
            for p in &w.photos {
                s.push_str(&format!(
                    "  photo {} ({} bytes) {}{}  id {}\n",
                    p.sha256.get(..12).unwrap_or(&p.sha256),
                    p.size_bytes,
                    p.caption.as_deref().unwrap_or(""),
                    voided(p.voided),
                    p.id
                ));
                s.push_str(&history(&p.corrections));
            }
            if let Some(r) = &m.remedy_text {
                s.push_str(&format!("fixed: {r}\n"));
            }
            s.trim_end().to_string()
        })
    }

    pub fn catalog(&self, c: &FailureCatalog) -> Result<()> {
        self.emit(c, || {
            let groups = [
                ("Failure classes", &c.classes),
                ("Problems", &c.problems),
                ("Causes", &c.causes),
                ("Remedies", &c.remedies),
                ("ISO 14224 failure modes", &c.iso_modes),
                ("ISO 14224 mechanisms", &c.iso_mechanisms),
                ("ISO 14224 causes", &c.iso_causes),
            ];
            let mut s = String::new();
            for (title, entries) in groups {
                s.push_str(&format!("{title}:\n"));
                for e in entries.iter() {
                    s.push_str(&format!(
                        "  {:<24} {:<12} {}\n",
                        e.parent.as_deref().unwrap_or(""),
                        e.code,
                        e.description
                    ));
                }
            }
            s.trim_end().to_string()
        })
    }

    pub fn outbox(&self, list: &[OutboxEntry]) -> Result<()> {
        self.emit(&list, || {
            if list.is_empty() {
                return "nothing waits for sync".into();
            }
            list.iter()
                .map(|e| {
                    format!(
                        "#{:<6} {:<8} {:<18} {}",
                        e.seq,
                        e.state,
                        e.envelope.mutation.kind(),
                        e.envelope.created_at.to_rfc3339()
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
    }
}
