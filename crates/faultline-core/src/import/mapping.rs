//! The mapping file: what kind of record a row is, how to read the CSV, and a template per field.

use super::template::Template;
use super::ImportError;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Assets,
    WorkOrders,
    FaultEvents,
    FailureCodes,
    Procedures,
    /// Production counts for OEE: one row per asset or line and shift/period.
    Production,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Assets => "assets",
            RecordKind::WorkOrders => "work_orders",
            RecordKind::FaultEvents => "fault_events",
            RecordKind::FailureCodes => "failure_codes",
            RecordKind::Procedures => "procedures",
            RecordKind::Production => "production",
        }
    }

    /// Fields this kind accepts; the first `required` of them are required.
    pub fn fields(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            RecordKind::Assets => (
                &["tag", "name"],
                &[
                    "key",
                    "tag",
                    "name",
                    "site",
                    "site_name",
                    "location",
                    "location_name",
                    "parent_tag",
                    "manufacturer",
                    "model",
                    "equipment_class",
                    "criticality",
                    "serial_number",
                    "description",
                ],
            ),
            RecordKind::WorkOrders => (
                &["key", "asset_tag", "wo_type", "title", "reported_at"],
                &[
                    "key",
                    "number",
                    "asset_tag",
                    "wo_type",
                    "status",
                    "priority",
                    "title",
                    "description",
                    "fault_code",
                    "reported_by",
                    "reported_at",
                    "started_at",
                    "finished_at",
                    "downtime_start",
                    "downtime_end",
                    "failure_class",
                    "problem_code",
                    "cause_code",
                    "remedy_code",
                    "iso_failure_mode",
                    "iso_failure_mechanism",
                    "iso_failure_cause",
                    "remedy_text",
                    "cost",
                ],
            ),
            RecordKind::FaultEvents => (
                &["key", "asset_tag", "code", "occurred_at"],
                &[
                    "key",
                    "asset_tag",
                    "code",
                    "occurred_at",
                    "message",
                    "source",
                ],
            ),
            RecordKind::FailureCodes => (
                &["level", "code", "description"],
                &["key", "level", "parent", "code", "description"],
            ),
            // One row per step; the procedure's own fields repeat on each of its rows.
            RecordKind::Procedures => (
                &["code", "title", "step", "instruction"],
                &[
                    "code",
                    "title",
                    "manufacturer",
                    "model",
                    "equipment_class",
                    "problem_code",
                    "step",
                    "instruction",
                    "caution",
                ],
            ),
            // Each row names an asset_tag or a line (one of the two); good or scrap (or both,
            // adding up to produced).
            RecordKind::Production => (
                &[
                    "period_start",
                    "period_end",
                    "planned_busy_hours",
                    "run_time_per_unit_s",
                    "produced",
                ],
                &[
                    "period_start",
                    "period_end",
                    "planned_busy_hours",
                    "run_time_per_unit_s",
                    "produced",
                    "key",
                    "asset_tag",
                    "line",
                    "shift",
                    "actual_production_hours",
                    "good",
                    "scrap",
                ],
            ),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvOptions {
    #[serde(default = "default_delimiter")]
    pub delimiter: String,
    #[serde(default = "default_encoding")]
    pub encoding: String,
    #[serde(default = "default_date_formats")]
    pub date_formats: Vec<String>,
    #[serde(default = "default_timezone")]
    pub timezone: String,
    #[serde(default = "default_nulls")]
    pub null_values: Vec<String>,
    /// Rows whose text holds an unquoted delimiter: on `line`, the cell under `column` is joined
    /// with the next cell (with the delimiter between them), the later cells move one column
    /// left and the row's last column is left empty.
    #[serde(default)]
    pub merge_cells: Vec<MergeCells>,
}

/// One `[[csv.merge_cells]]` repair: see [`CsvOptions::merge_cells`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeCells {
    /// The file's line (1 is the header).
    pub line: u64,
    /// The header name of the cell the stray delimiter split.
    pub column: String,
}

fn default_delimiter() -> String {
    ",".into()
}
fn default_encoding() -> String {
    "utf-8".into()
}
fn default_date_formats() -> Vec<String> {
    vec![
        "%Y-%m-%dT%H:%M:%S%.f".into(),
        "%Y-%m-%d %H:%M:%S".into(),
        "%Y-%m-%d".into(),
    ]
}
fn default_timezone() -> String {
    "UTC".into()
}
fn default_nulls() -> Vec<String> {
    vec![String::new()]
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            delimiter: default_delimiter(),
            encoding: default_encoding(),
            date_formats: default_date_formats(),
            timezone: default_timezone(),
            null_values: default_nulls(),
            merge_cells: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    kind: RecordKind,
    #[serde(default)]
    csv: CsvOptions,
    fields: BTreeMap<String, String>,
    #[serde(default)]
    values: BTreeMap<String, BTreeMap<String, String>>,
}

/// A checked mapping: known fields only, required fields present, templates parsed.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub kind: RecordKind,
    pub csv: CsvOptions,
    pub fields: BTreeMap<String, Template>,
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    pub source: String,
}

impl Mapping {
    pub fn load(path: &Path) -> Result<Self, ImportError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ImportError::new(path, format!("cannot read the mapping file: {e}")))?;
        Self::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Self, ImportError> {
        let file: MappingFile = toml::from_str(text).map_err(|e| {
            ImportError::new(path, format!("the mapping is not valid: {}", e.message()))
        })?;
        let (required, known) = file.kind.fields();
        for name in file.fields.keys().chain(file.values.keys()) {
            if !known.contains(&name.as_str()) {
                return Err(ImportError::new(
                    path,
                    format!(
                        "unknown field {name:?} for {}; known fields: {}",
                        file.kind.as_str(),
                        known.join(", ")
                    ),
                ));
            }
        }
        for name in required {
            if !file.fields.contains_key(*name) {
                return Err(ImportError::new(
                    path,
                    format!("[fields] must map {name:?} for {}", file.kind.as_str()),
                ));
            }
        }
        if file.csv.delimiter.len() != 1 {
            return Err(ImportError::new(
                path,
                "csv.delimiter must be one ASCII character",
            ));
        }
        if !matches!(
            file.csv.encoding.to_ascii_lowercase().as_str(),
            "utf-8" | "utf8" | "windows-1252" | "cp1252"
        ) {
            return Err(ImportError::new(
                path,
                format!(
                    "csv.encoding {:?} is not supported: use \"utf-8\" or \"windows-1252\"",
                    file.csv.encoding
                ),
            ));
        }
        super::dates::parse_timezone(&file.csv.timezone).map_err(|m| ImportError::new(path, m))?;
        let mut fields = BTreeMap::new();
        for (name, tpl) in file.fields {
            let t = Template::parse(&tpl)
                .map_err(|m| ImportError::new(path, format!("fields.{name}: {m}")))?;
            fields.insert(name, t);
        }
        Ok(Mapping {
            kind: file.kind,
            csv: file.csv,
            fields,
            values: file.values,
            source: path.display().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapping_without_a_required_field_is_refused_with_its_name() {
        let err = Mapping::parse(
            "kind = \"assets\"\n[fields]\ntag = \"{T}\"\n",
            Path::new("m.toml"),
        )
        .err()
        .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("m.toml: [fields] must map \"name\" for assets")
        );
    }

    #[test]
    fn an_unknown_field_is_refused() {
        let err = Mapping::parse(
            "kind = \"assets\"\n[fields]\ntag = \"{T}\"\nname = \"{N}\"\ncolour = \"red\"\n",
            Path::new("m.toml"),
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(err.contains("unknown field \"colour\""), "{err}");
    }
}
