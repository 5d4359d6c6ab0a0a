//! Codes matched across spellings: one key per code through the core normaliser
//! (`faultline_core::code_normalize`, the one the manual index uses), so "OC1", "oc 1", "OC-1"
//! and "E.OC.1" are one code here.

use faultline_core::code_normalize::code_forms;

/// The matching key of a code as written: the letter core when the normaliser finds one
/// ("E.OC.1" → `oc1`), else its canonical form; text that is no code is lowercased and trimmed.
pub fn key(raw: &str) -> String {
    match code_forms(raw.trim()) {
        Some(f) => f.core.unwrap_or(f.full),
        None => raw.trim().to_lowercase(),
    }
}

/// The codes as written, the first spelling of each key kept, empty ones dropped.
pub fn distinct(raw: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    raw.iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty() && seen.insert(key(c)))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_oc1_is_one_key() {
        for raw in ["OC1", "oc 1", "E.OC.1", "OC-1", "oC1", " E.oC.1 "] {
            assert_eq!(key(raw), "oc1", "{raw}");
        }
        assert_eq!(key("error1"), key("Err 1"));
        assert_ne!(key("OC1"), key("OC2"));
        let d = distinct(&["OC1".into(), "oc 1".into(), "".into(), "OU2".into()]);
        assert_eq!(d, vec!["OC1".to_string(), "OU2".to_string()]);
    }
}
