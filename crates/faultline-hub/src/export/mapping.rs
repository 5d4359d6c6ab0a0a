//! Export mappings: the import mapping language run backwards (docs/import-mapping.md, "Export").
//! Each `[[columns]]` entry names a CSV column of the CMMS and a template over Faultline fields
//! (`"{number}"`, `"FL-{id}"`); `[values.FIELD]` maps a Faultline value to the CMMS's before the
//! template runs; times are written with `csv.time_format` in `csv.timezone`.

use crate::error::{HubError, Result};
use chrono::{DateTime, FixedOffset, Utc};
use faultline_core::import::{parse_timezone, Bound, Template};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// What an export holds: one CSV row per record of this kind changed since the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    WorkOrders,
    Notes,
    Parts,
    Downtime,
    FailureReports,
}

impl ExportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportKind::WorkOrders => "work_orders",
            ExportKind::Notes => "notes",
            ExportKind::Parts => "parts",
            ExportKind::Downtime => "downtime",
            ExportKind::FailureReports => "failure_reports",
        }
    }

    pub fn parse(text: &str) -> Result<ExportKind> {
        match text.trim() {
            "work_orders" => Ok(ExportKind::WorkOrders),
            "notes" => Ok(ExportKind::Notes),
            "parts" => Ok(ExportKind::Parts),
            "downtime" => Ok(ExportKind::Downtime),
            "failure_reports" => Ok(ExportKind::FailureReports),
            other => Err(HubError::Invalid(format!(
                "unknown export kind {other:?}: use work_orders, notes, parts, downtime or \
                 failure_reports"
            ))),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    kind: ExportKind,
    #[serde(default)]
    csv: RawCsv,
    columns: Vec<RawColumn>,
    #[serde(default)]
    values: BTreeMap<String, BTreeMap<String, String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCsv {
    delimiter: Option<String>,
    time_format: Option<String>,
    timezone: Option<String>,
    first_line: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumn {
    name: String,
    value: String,
}

/// A parsed export mapping, bound to the fields of its kind.
#[derive(Debug, Clone)]
pub struct ExportMapping {
    pub kind: ExportKind,
    pub delimiter: u8,
    /// A line written before the header, as is (Maximo flat files: `EXTSYS1,MXWOInterface,…`).
    pub first_line: Option<String>,
    time_format: String,
    offset: FixedOffset,
    pub header: Vec<String>,
    columns: Vec<Bound>,
    /// Per field index: Faultline value -> CMMS value.
    values: Vec<Option<BTreeMap<String, String>>>,
}

/// Default time format: ISO 8601 with the offset, as Maximo's flat files and most CMMS read.
pub const DEFAULT_TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%:z";

impl ExportMapping {
    pub fn load(path: &Path) -> Result<ExportMapping> {
        let text = std::fs::read_to_string(path).map_err(|e| HubError::io(path, e))?;
        ExportMapping::parse(&text, fields_of)
            .map_err(|e| HubError::Invalid(format!("{}: {e}", path.display())))
    }

    /// Parses a mapping; `fields` gives the Faultline fields of a kind, in row order.
    pub fn parse(
        text: &str,
        fields: impl Fn(ExportKind) -> &'static [&'static str],
    ) -> std::result::Result<ExportMapping, String> {
        let raw: RawMapping = toml::from_str(text).map_err(|e| e.to_string())?;
        let names = fields(raw.kind);
        let delimiter = match raw.csv.delimiter.as_deref() {
            None => b',',
            Some(d) if d.len() == 1 => d.as_bytes()[0],
            Some(d) => return Err(format!("csv.delimiter {d:?} must be one ASCII character")),
        };
        let time_format = raw
            .csv
            .time_format
            .unwrap_or_else(|| DEFAULT_TIME_FORMAT.to_string());
        if chrono::format::StrftimeItems::new(&time_format)
            .any(|i| i == chrono::format::Item::Error)
        {
            return Err(format!(
                "csv.time_format {time_format:?} is not a strftime format"
            ));
        }
        let offset = parse_timezone(raw.csv.timezone.as_deref().unwrap_or("UTC"))
            .map_err(|e| format!("csv.{e}"))?;
        if raw.columns.is_empty() {
            return Err("no [[columns]]: name at least one CSV column".into());
        }
        let index = |f: &str| names.iter().position(|n| *n == f);
        let mut header = Vec::with_capacity(raw.columns.len());
        let mut columns = Vec::with_capacity(raw.columns.len());
        for c in raw.columns {
            let t = Template::parse(&c.value).map_err(|e| format!("column {:?}: {e}", c.name))?;
            let bound = t.bind(index).map_err(|f| {
                format!(
                    "column {:?}: {{{f}}} is not a field of {} (fields: {})",
                    c.name,
                    raw.kind.as_str(),
                    names.join(", ")
                )
            })?;
            header.push(c.name);
            columns.push(bound);
        }
        let mut values = vec![None; names.len()];
        for (field, map) in raw.values {
            let i = index(&field).ok_or_else(|| {
                format!(
                    "[values.{field}]: {field} is not a field of {}",
                    raw.kind.as_str()
                )
            })?;
            values[i] = Some(map);
        }
        Ok(ExportMapping {
            kind: raw.kind,
            delimiter,
            first_line: raw.csv.first_line,
            time_format,
            offset,
            header,
            columns,
            values,
        })
    }

    /// Writes a time in the mapping's format and zone.
    pub fn time(&self, t: DateTime<Utc>) -> String {
        t.with_timezone(&self.offset)
            .format(&self.time_format)
            .to_string()
    }

    /// One CSV row from a record's field values (None: no value).
    pub fn render(&self, row: &[Option<String>]) -> Vec<String> {
        let mapped: Vec<&str> = row
            .iter()
            .enumerate()
            .map(|(i, v)| match v.as_deref() {
                None => "",
                Some(v) => self
                    .values
                    .get(i)
                    .and_then(|m| m.as_ref())
                    .and_then(|m| m.get(v))
                    .map(String::as_str)
                    .unwrap_or(v),
            })
            .collect();
        self.columns
            .iter()
            .map(|c| {
                c.render(|i| mapped.get(i).copied().unwrap_or(""), str::is_empty)
                    .map(|v| v.into_owned())
                    .unwrap_or_default()
            })
            .collect()
    }
}

/// The Faultline fields each kind offers to templates, in row order (export/rows.rs fills them).
pub fn fields_of(kind: ExportKind) -> &'static [&'static str] {
    super::rows::fields(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(_: ExportKind) -> &'static [&'static str] {
        &["number", "status", "reported_at", "asset_tag"]
    }

    const MAPPING: &str = r#"
kind = "work_orders"
[csv]
delimiter = ";"
timezone = "+10:00"
[[columns]]
name = "WONUM"
value = "{number}"
[[columns]]
name = "STATUS"
value = "{status}"
[[columns]]
name = "ASSETNUM"
value = "{asset_tag}"
[[columns]]
name = "ORIGIN"
value = "FAULTLINE"
[values.status]
in_progress = "INPRG"
"#;

    #[test]
    fn columns_keep_their_order_values_map_and_nulls_stay_empty() {
        let m = ExportMapping::parse(MAPPING, fields).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.header, ["WONUM", "STATUS", "ASSETNUM", "ORIGIN"]);
        assert_eq!(m.delimiter, b';');
        let row = vec![
            Some("WO-7".to_string()),
            Some("in_progress".to_string()),
            None,
            None,
        ];
        assert_eq!(m.render(&row), ["WO-7", "INPRG", "", "FAULTLINE"]);
        let t = DateTime::parse_from_rfc3339("2026-03-01T22:30:00Z")
            .unwrap_or_else(|e| panic!("{e}"))
            .with_timezone(&Utc);
        assert_eq!(m.time(t), "2026-03-02T08:30:00+10:00");
    }

    #[test]
    fn unknown_fields_and_bad_settings_are_explained() {
        let bad_field = MAPPING.replace("{asset_tag}", "{assetnum}");
        let e = ExportMapping::parse(&bad_field, fields)
            .err()
            .unwrap_or_default();
        assert!(
            e.contains("{assetnum} is not a field of work_orders"),
            "{e}"
        );
        let bad_tz = MAPPING.replace("+10:00", "Australia/Perth");
        let e = ExportMapping::parse(&bad_tz, fields)
            .err()
            .unwrap_or_default();
        assert!(e.contains("csv.timezone"), "{e}");
        let bad_values = MAPPING.replace("[values.status]", "[values.colour]");
        let e = ExportMapping::parse(&bad_values, fields)
            .err()
            .unwrap_or_default();
        assert!(e.contains("colour is not a field"), "{e}");
    }
}
