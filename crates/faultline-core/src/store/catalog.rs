//! Failure-code catalogue reads and the check of codes picked at closure.

use super::Store;
use crate::domain::{CatalogEntry, CatalogLevel, FailureCatalog, FailureCodes};
use crate::error::{CoreError, Result};
use rusqlite::{params, OptionalExtension};

impl Store {
    /// The whole catalogue, each level sorted by code.
    pub fn failure_catalog(&self) -> Result<FailureCatalog> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT level, parent, code, description FROM failure_codes ORDER BY level, parent, code",
        )?;
        let mut cat = FailureCatalog::default();
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get(3)?,
            ))
        })?;
        for row in rows {
            let (level, parent, code, description) = row?;
            let Some(level) = CatalogLevel::parse(&level) else {
                continue;
            };
            let entry = CatalogEntry {
                level,
                code,
                description,
                parent: (!parent.is_empty()).then_some(parent),
            };
            match level {
                CatalogLevel::Class => cat.classes.push(entry),
                CatalogLevel::Problem => cat.problems.push(entry),
                CatalogLevel::Cause => cat.causes.push(entry),
                CatalogLevel::Remedy => cat.remedies.push(entry),
                CatalogLevel::IsoMode => cat.iso_modes.push(entry),
                CatalogLevel::IsoMechanism => cat.iso_mechanisms.push(entry),
                CatalogLevel::IsoCause => cat.iso_causes.push(entry),
            }
        }
        Ok(cat)
    }

    /// Checks each picked code against the catalogue (where the catalogue has that level) and
    /// returns them in the catalogue's spelling. A Maximo code must sit under the code picked one
    /// level up; an ISO failure mode under the asset's equipment class when the catalogue lists
    /// modes for that class. A code the work order already `held` (imported from the CMMS, say,
    /// and since dropped from the catalogue) is kept as it is: a close never refuses or empties
    /// what it did not change (the hub follows the same rule).
    pub(super) fn validate_failure_codes(
        &self,
        codes: &FailureCodes,
        held: &FailureCodes,
        equipment_class: Option<&str>,
    ) -> Result<FailureCodes> {
        let keep = |code: Option<&str>, was: Option<&str>| -> Option<String> {
            match (code, was) {
                (Some(c), Some(w)) if c.trim().eq_ignore_ascii_case(w.trim()) => {
                    Some(w.to_string())
                }
                _ => None,
            }
        };
        macro_rules! check {
            ($level:expr, $parent:expr, $field:ident) => {
                match keep(codes.$field.as_deref(), held.$field.as_deref()) {
                    Some(w) => Some(w),
                    None => self.check_code($level, $parent, codes.$field.as_deref())?,
                }
            };
        }
        let class = check!(CatalogLevel::Class, None, failure_class);
        let problem = check!(CatalogLevel::Problem, class.as_deref(), problem_code);
        let cause = check!(CatalogLevel::Cause, problem.as_deref(), cause_code);
        let remedy = check!(CatalogLevel::Remedy, cause.as_deref(), remedy_code);
        let class_has_modes = match equipment_class {
            Some(ec) => self.level_has_parent(CatalogLevel::IsoMode, ec)?,
            None => false,
        };
        let mode_parent = if class_has_modes {
            equipment_class
        } else {
            None
        };
        Ok(FailureCodes {
            failure_class: class,
            problem_code: problem,
            cause_code: cause,
            remedy_code: remedy,
            iso_failure_mode: check!(CatalogLevel::IsoMode, mode_parent, iso_failure_mode),
            iso_failure_mechanism: check!(CatalogLevel::IsoMechanism, None, iso_failure_mechanism),
            iso_failure_cause: check!(CatalogLevel::IsoCause, None, iso_failure_cause),
        })
    }

    fn level_has_parent(&self, level: CatalogLevel, parent: &str) -> Result<bool> {
        Ok(self
            .conn()
            .prepare_cached("SELECT 1 FROM failure_codes WHERE level = ?1 AND parent = ?2 COLLATE NOCASE LIMIT 1")?
            .exists(params![level.as_str(), parent])?)
    }

    fn check_code(
        &self,
        level: CatalogLevel,
        parent: Option<&str>,
        code: Option<&str>,
    ) -> Result<Option<String>> {
        let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
            return Ok(None);
        };
        let conn = self.conn();
        let level_known = conn
            .prepare_cached("SELECT 1 FROM failure_codes WHERE level = ?1 LIMIT 1")?
            .exists(params![level.as_str()])?;
        if !level_known {
            return Ok(Some(code.to_string()));
        }
        let found: Option<String> = conn
            .prepare_cached(
                "SELECT code FROM failure_codes WHERE level = ?1 AND code = ?2 COLLATE NOCASE
                   AND (?3 IS NULL OR parent = ?3 COLLATE NOCASE)
                 LIMIT 1",
            )?
            .query_row(params![level.as_str(), code, parent], |r| r.get(0))
            .optional()?;
        if let Some(found) = found {
            return Ok(Some(found));
        }
        let choices: Vec<String> = conn
            .prepare_cached(
                "SELECT code FROM failure_codes WHERE level = ?1 AND (?2 IS NULL OR parent = ?2 COLLATE NOCASE)
                 ORDER BY code LIMIT 12",
            )?
            .query_map(params![level.as_str(), parent], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let under = parent.map(|p| format!(" under {p}")).unwrap_or_default();
        Err(CoreError::InvalidInput(format!(
            "{code:?} is not a {} code{under} in the failure catalogue; pick one of: {}",
            level.as_str().replace('_', " "),
            if choices.is_empty() {
                "(none)".to_string()
            } else {
                choices.join(", ")
            }
        )))
    }
}
