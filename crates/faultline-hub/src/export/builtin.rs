//! The export mappings shipped with the hub (`assets/mappings/export/`), compiled in, so a plant
//! needs no file: `faultline-hub export --mapping maximo-work-orders` (or `generic-notes`…); a
//! file path (with a directory separator or ending in `.toml`) still names a mapping of its own.

use super::mapping::{fields_of, ExportMapping};
use crate::error::{HubError, Result};
use std::path::Path;

/// (name, TOML) of every shipped mapping: the Maximo flat-file (MXWOInterface) columns and a
/// generic one, one per export kind.
pub const BUILT_IN: [(&str, &str); 10] = [
    (
        "maximo-work-orders",
        include_str!("../../../../assets/mappings/export/maximo-work-orders.toml"),
    ),
    (
        "maximo-notes",
        include_str!("../../../../assets/mappings/export/maximo-notes.toml"),
    ),
    (
        "maximo-parts",
        include_str!("../../../../assets/mappings/export/maximo-parts.toml"),
    ),
    (
        "maximo-downtime",
        include_str!("../../../../assets/mappings/export/maximo-downtime.toml"),
    ),
    (
        "maximo-failure-reports",
        include_str!("../../../../assets/mappings/export/maximo-failure-reports.toml"),
    ),
    (
        "generic-work-orders",
        include_str!("../../../../assets/mappings/export/generic-work-orders.toml"),
    ),
    (
        "generic-notes",
        include_str!("../../../../assets/mappings/export/generic-notes.toml"),
    ),
    (
        "generic-parts",
        include_str!("../../../../assets/mappings/export/generic-parts.toml"),
    ),
    (
        "generic-downtime",
        include_str!("../../../../assets/mappings/export/generic-downtime.toml"),
    ),
    (
        "generic-failure-reports",
        include_str!("../../../../assets/mappings/export/generic-failure-reports.toml"),
    ),
];

/// The names `--mapping` takes besides a file path.
pub fn built_in_names() -> Vec<&'static str> {
    BUILT_IN.iter().map(|(n, _)| *n).collect()
}

impl ExportMapping {
    /// What `--mapping` names: a path (a directory separator or `.toml`) is read from disk; a
    /// bare name is a built-in mapping, else a file of that name; anything else is refused with
    /// the built-in names.
    pub fn resolve(arg: &str) -> Result<ExportMapping> {
        let looks_like_path =
            arg.contains('/') || arg.contains(std::path::MAIN_SEPARATOR) || arg.ends_with(".toml");
        if looks_like_path {
            return ExportMapping::load(Path::new(arg));
        }
        if let Some((name, text)) = BUILT_IN.iter().find(|(n, _)| *n == arg) {
            return ExportMapping::parse(text, fields_of)
                .map_err(|e| HubError::Invalid(format!("built-in mapping {name}: {e}")));
        }
        if Path::new(arg).is_file() {
            return ExportMapping::load(Path::new(arg));
        }
        Err(HubError::Invalid(format!(
            "no export mapping {arg:?}: name a built-in one ({}) or a file (a path with / or \
             ending in .toml)",
            built_in_names().join(", ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::ExportKind;

    #[test]
    fn every_shipped_mapping_is_built_in_and_parses_against_the_real_fields() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/mappings/export");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(str::to_string))
            .collect();
        on_disk.sort();
        let mut names = built_in_names();
        names.sort();
        assert_eq!(
            on_disk, names,
            "a file in assets/mappings/export not compiled in"
        );
        for name in names {
            ExportMapping::resolve(name).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    #[test]
    fn a_name_is_built_in_a_path_is_read_and_an_unknown_name_lists_the_built_in_ones() {
        let m = ExportMapping::resolve("maximo-work-orders").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.kind, ExportKind::WorkOrders);
        assert_eq!(
            m.first_line.as_deref(),
            Some("EXTSYS1,MXWOInterface,AddChange,EN")
        );
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../assets/mappings/export/generic-notes.toml");
        let m = ExportMapping::resolve(&path.to_string_lossy()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.kind, ExportKind::Notes);
        let e = ExportMapping::resolve("maximo-workorders")
            .err()
            .map(|e| e.to_string());
        let e = e.unwrap_or_default();
        assert!(e.contains("\"maximo-workorders\""), "{e}");
        assert!(e.contains("maximo-work-orders, maximo-notes"), "{e}");
        assert!(e.contains("generic-failure-reports"), "{e}");
        let missing = ExportMapping::resolve("no/such/mapping.toml")
            .err()
            .map(|e| e.to_string());
        assert!(missing.unwrap_or_default().contains("no/such/mapping.toml"));
    }
}
