//! The tables of a site's change feed: for each, the columns a pull reads and how a row becomes
//! a protocol [`Change`].

use faultline_protocol::push::ConflictInfo;
use faultline_protocol::{
    AssetRecord, Change, FailureCodeRecord, ManualRecord, NoteRecord, PartRecord, PhotoRecord,
    ProcedureRecord, ProcedureStepRecord, WorkOrderRecord,
};
use tokio_postgres::types::Json;
use tokio_postgres::{Error, Row};

/// One table of the feed. Row columns 0 and 1 are the change key (`change_xid::text`,
/// `change_seq`); the record's columns follow in `columns` order.
pub struct Feed {
    pub table: &'static str,
    pub columns: &'static str,
    pub to_change: fn(&Row) -> Result<Change, Error>,
}

pub const FEEDS: [Feed; 16] = [
    Feed {
        table: "assets",
        columns: "id, external_key, tag, name, site, location_code, location_name, parent_id,
                  manufacturer, model, equipment_class, criticality, serial_number, description,
                  version",
        to_change: asset,
    },
    Feed {
        table: "work_orders",
        columns: "id, external_key, number, asset_id, wo_type, status, priority, title,
                  description, fault_code, reported_by, reported_at, started_at, finished_at,
                  downtime_start, downtime_end, failure_class, problem_code, cause_code,
                  remedy_code, iso_failure_mode, iso_failure_mechanism, iso_failure_cause,
                  remedy_text, cost, version,
                  (SELECT array_agg(d.start_at ORDER BY d.start_at) FROM downtime_intervals d
                   WHERE d.site = work_orders.site AND d.work_order_id = work_orders.id),
                  (SELECT array_agg(d.end_at ORDER BY d.start_at) FROM downtime_intervals d
                   WHERE d.site = work_orders.site AND d.work_order_id = work_orders.id)",
        to_change: work_order,
    },
    Feed {
        table: "notes",
        columns: "id, work_order_id, author, text, created_at",
        to_change: note,
    },
    Feed {
        table: "parts",
        columns: "id, work_order_id, part_number, description, quantity, created_at, unit",
        to_change: part,
    },
    Feed {
        table: "photos",
        columns: "id, work_order_id, sha256, mime, size_bytes, caption, created_at",
        to_change: photo,
    },
    Feed {
        table: "failure_codes",
        columns: "level, parent, code, description",
        to_change: failure_code,
    },
    Feed {
        table: "procedures",
        columns: "code, title, manufacturer, model, equipment_class, problem_code, steps",
        to_change: procedure,
    },
    Feed {
        table: "manuals",
        columns: "sha256, file_name, title, size_bytes, models",
        to_change: manual,
    },
    Feed {
        table: "conflicts",
        columns: "id, work_order_id, field, server_value, client_value, server_version,
                  server_changed_by, resolution",
        to_change: conflict,
    },
    Feed {
        table: "tombstones",
        columns: "entity, key",
        to_change: tombstone,
    },
    Feed {
        table: "corrections",
        columns: super::pull_corrections::CORRECTION_COLUMNS,
        to_change: super::pull_corrections::correction,
    },
    Feed {
        table: "handover_notes",
        columns: super::pull_corrections::HANDOVER_COLUMNS,
        to_change: super::pull_corrections::handover_note,
    },
    Feed {
        table: "diagnosis_sessions",
        columns: super::pull_diagnosis::SESSION_COLUMNS,
        to_change: super::pull_diagnosis::session,
    },
    Feed {
        table: "diagnosis_records",
        columns: super::pull_diagnosis::RECORD_COLUMNS,
        to_change: super::pull_diagnosis::record,
    },
    Feed {
        table: "guides",
        columns: super::pull_diagnosis::GUIDE_COLUMNS,
        to_change: super::pull_diagnosis::guide,
    },
    Feed {
        table: "cmms_refusals",
        columns: "mutation_id, work_order_id, cmms_code, reason, refused_at, cleared",
        to_change: cmms_refusal,
    },
];

fn asset(r: &Row) -> Result<Change, Error> {
    Ok(Change::Asset(AssetRecord {
        id: r.try_get(2)?,
        external_key: r.try_get(3)?,
        tag: r.try_get(4)?,
        name: r.try_get(5)?,
        site_code: r.try_get(6)?,
        location_code: r.try_get(7)?,
        location_name: r.try_get(8)?,
        parent_id: r.try_get(9)?,
        manufacturer: r.try_get(10)?,
        model: r.try_get(11)?,
        equipment_class: r.try_get(12)?,
        criticality: r.try_get(13)?,
        serial_number: r.try_get(14)?,
        description: r.try_get(15)?,
        version: r.try_get(16)?,
    }))
}

fn work_order(r: &Row) -> Result<Change, Error> {
    let priority: i16 = r.try_get(8)?;
    let (downtime_start, downtime_intervals) = super::downtime_intervals::for_record(
        r.try_get(16)?,
        r.try_get(17)?,
        r.try_get(28)?,
        r.try_get(29)?,
    );
    Ok(Change::WorkOrder(WorkOrderRecord {
        id: r.try_get(2)?,
        external_key: r.try_get(3)?,
        number: r.try_get(4)?,
        asset_id: r.try_get(5)?,
        wo_type: r.try_get(6)?,
        status: r.try_get(7)?,
        priority: u8::try_from(priority).unwrap_or(3),
        title: r.try_get(9)?,
        description: r.try_get(10)?,
        fault_code: r.try_get(11)?,
        reported_by: r.try_get(12)?,
        reported_at: r.try_get(13)?,
        started_at: r.try_get(14)?,
        finished_at: r.try_get(15)?,
        downtime_start,
        downtime_end: r.try_get(17)?,
        failure_class: r.try_get(18)?,
        problem_code: r.try_get(19)?,
        cause_code: r.try_get(20)?,
        remedy_code: r.try_get(21)?,
        iso_failure_mode: r.try_get(22)?,
        iso_failure_mechanism: r.try_get(23)?,
        iso_failure_cause: r.try_get(24)?,
        remedy_text: r.try_get(25)?,
        cost: r.try_get(26)?,
        version: r.try_get(27)?,
        downtime_intervals,
    }))
}

fn note(r: &Row) -> Result<Change, Error> {
    Ok(Change::Note(NoteRecord {
        id: r.try_get(2)?,
        work_order_id: r.try_get(3)?,
        author: r.try_get(4)?,
        text: r.try_get(5)?,
        created_at: r.try_get(6)?,
    }))
}

fn part(r: &Row) -> Result<Change, Error> {
    Ok(Change::Part(PartRecord {
        id: r.try_get(2)?,
        work_order_id: r.try_get(3)?,
        part_number: r.try_get(4)?,
        description: r.try_get(5)?,
        quantity: r.try_get(6)?,
        unit: r.try_get(8)?,
        created_at: r.try_get(7)?,
    }))
}

fn photo(r: &Row) -> Result<Change, Error> {
    Ok(Change::Photo(PhotoRecord {
        id: r.try_get(2)?,
        work_order_id: r.try_get(3)?,
        sha256: r.try_get(4)?,
        mime: r.try_get(5)?,
        size_bytes: r.try_get(6)?,
        caption: r.try_get(7)?,
        created_at: r.try_get(8)?,
    }))
}

fn failure_code(r: &Row) -> Result<Change, Error> {
    Ok(Change::FailureCode(FailureCodeRecord {
        level: r.try_get(2)?,
        parent: r.try_get(3)?,
        code: r.try_get(4)?,
        description: r.try_get(5)?,
    }))
}

fn procedure(r: &Row) -> Result<Change, Error> {
    let Json(steps): Json<Vec<ProcedureStepRecord>> = r.try_get(8)?;
    Ok(Change::Procedure(ProcedureRecord {
        code: r.try_get(2)?,
        title: r.try_get(3)?,
        manufacturer: r.try_get(4)?,
        model: r.try_get(5)?,
        equipment_class: r.try_get(6)?,
        problem_code: r.try_get(7)?,
        steps,
    }))
}

fn manual(r: &Row) -> Result<Change, Error> {
    Ok(Change::Manual(ManualRecord {
        sha256: r.try_get(2)?,
        file_name: r.try_get(3)?,
        title: r.try_get(4)?,
        size_bytes: r.try_get(5)?,
        models: r.try_get(6)?,
    }))
}

fn conflict(r: &Row) -> Result<Change, Error> {
    Ok(Change::Conflict(ConflictInfo {
        conflict_id: r.try_get(2)?,
        work_order_id: r.try_get(3)?,
        field: r.try_get(4)?,
        server_value: r.try_get(5)?,
        client_value: r.try_get(6)?,
        server_version: r.try_get(7)?,
        server_changed_by: r.try_get(8)?,
        resolution: r.try_get(9)?,
    }))
}

fn tombstone(r: &Row) -> Result<Change, Error> {
    Ok(Change::Tombstone {
        entity: r.try_get(2)?,
        key: r.try_get(3)?,
    })
}

/// A change the plant's CMMS refused (connector/feedback.rs writes it).
fn cmms_refusal(r: &Row) -> Result<Change, Error> {
    Ok(Change::CmmsRefusal(faultline_protocol::CmmsRefusalRecord {
        mutation_id: r.try_get(2)?,
        work_order_id: r.try_get(3)?,
        cmms_code: r.try_get(4)?,
        reason: r.try_get(5)?,
        refused_at: r.try_get(6)?,
        cleared: r.try_get(7)?,
    }))
}
