//! The failure codes a close leaves on a work order: what it had, changed only where the person
//! set a code or asked to clear one (a close never empties a code it was not asked to clear),
//! checked as one Maximo hierarchy.

use crate::domain::{FailureCodes, FailureField};
use crate::validate::{self, Invalid};

fn slot(codes: &mut FailureCodes, field: FailureField) -> &mut Option<String> {
    match field {
        FailureField::FailureClass => &mut codes.failure_class,
        FailureField::ProblemCode => &mut codes.problem_code,
        FailureField::CauseCode => &mut codes.cause_code,
        FailureField::RemedyCode => &mut codes.remedy_code,
        FailureField::IsoFailureMode => &mut codes.iso_failure_mode,
        FailureField::IsoFailureMechanism => &mut codes.iso_failure_mechanism,
        FailureField::IsoFailureCause => &mut codes.iso_failure_cause,
    }
}

const FIELDS: [(FailureField, &str); 7] = [
    (FailureField::FailureClass, "failure_class"),
    (FailureField::ProblemCode, "problem_code"),
    (FailureField::CauseCode, "cause_code"),
    (FailureField::RemedyCode, "remedy_code"),
    (FailureField::IsoFailureMode, "iso_failure_mode"),
    (FailureField::IsoFailureMechanism, "iso_failure_mechanism"),
    (FailureField::IsoFailureCause, "iso_failure_cause"),
];

/// `current` with each code of `set` applied (cleaned; an empty one keeps the current code) and
/// each field of `clear` emptied. Refuses a field both set and cleared, and a result whose
/// Maximo codes do not form the hierarchy (a cause without its problem, …).
pub fn merge_failure_codes(
    current: &FailureCodes,
    set: &FailureCodes,
    clear: &[FailureField],
) -> Result<FailureCodes, Invalid> {
    let mut out = current.clone();
    let mut set = set.clone();
    for (field, name) in FIELDS {
        let new = match slot(&mut set, field).take() {
            Some(code) => validate::clean_text(
                name,
                "a failure code",
                &code,
                validate::MAX_CODE_CHARS,
                false,
            )?,
            None => None,
        };
        let cleared = clear.contains(&field);
        match (new, cleared) {
            (Some(code), true) => {
                return Err(Invalid::new(
                    name,
                    format!("{code} is both picked and cleared for {name}: pick it or clear it"),
                ))
            }
            (Some(code), false) => *slot(&mut out, field) = Some(code),
            (None, true) => *slot(&mut out, field) = None,
            (None, false) => {}
        }
    }
    validate::check_code_hierarchy(
        out.failure_class.as_deref(),
        out.problem_code.as_deref(),
        out.cause_code.as_deref(),
        out.remedy_code.as_deref(),
    )?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imported() -> FailureCodes {
        FailureCodes {
            failure_class: Some("VFD".into()),
            problem_code: Some("OVERCURR".into()),
            iso_failure_mode: Some("FTS".into()),
            ..FailureCodes::default()
        }
    }

    #[test]
    fn codes_not_given_are_kept_and_given_ones_are_added() {
        let set = FailureCodes {
            cause_code: Some("ACCEL".into()),
            remedy_code: Some(" ADJPARAM ".into()),
            ..FailureCodes::default()
        };
        let out = merge_failure_codes(&imported(), &set, &[]);
        let want = FailureCodes {
            cause_code: Some("ACCEL".into()),
            remedy_code: Some("ADJPARAM".into()),
            ..imported()
        };
        assert_eq!(out, Ok(want));
    }

    #[test]
    fn only_listed_fields_are_cleared() {
        let out = merge_failure_codes(
            &imported(),
            &FailureCodes::default(),
            &[FailureField::IsoFailureMode],
        );
        let want = FailureCodes {
            iso_failure_mode: None,
            ..imported()
        };
        assert_eq!(out, Ok(want));
        let blank = FailureCodes {
            iso_failure_mode: Some("  ".into()),
            ..FailureCodes::default()
        };
        assert_eq!(
            merge_failure_codes(&imported(), &blank, &[]),
            Ok(imported())
        );
    }

    #[test]
    fn a_cleared_parent_under_a_kept_child_is_refused() {
        let err = merge_failure_codes(
            &imported(),
            &FailureCodes::default(),
            &[FailureField::FailureClass],
        );
        assert!(err.is_err_and(|e| e.field == "problem_code"));
        let both = FailureCodes {
            cause_code: Some("ACCEL".into()),
            ..FailureCodes::default()
        };
        assert!(merge_failure_codes(&imported(), &both, &[FailureField::CauseCode]).is_err());
    }

    #[test]
    fn control_characters_in_codes_are_cleaned() {
        let set = FailureCodes {
            cause_code: Some("ACC\u{0}EL".into()),
            ..FailureCodes::default()
        };
        let out = merge_failure_codes(&imported(), &set, &[]);
        assert_eq!(out.map(|c| c.cause_code), Ok(Some("ACCEL".into())));
    }
}
