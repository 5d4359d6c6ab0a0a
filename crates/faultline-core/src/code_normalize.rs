//! Fault-code normalisation: turns the many ways a display code is written ("E.oC.1", "EOC1",
//! "oC1", "Err 31", "ERR-31", "F0002", "AL 1021", "0x22", "22h") into canonical tokens, so
//! that every spelling of one code meets the others in the index's `code` field.
//!
//! Rules, applied to one code candidate (see [`code_forms`]):
//! 1. **Compact**: lowercase ASCII, drop the separators `.` `-` `_` and the spaces of a joined
//!    prefix word ("Err 31" → `err31`, "E.oC.1" → `eoc1`).
//! 2. **A code has letters and digits**: pure numbers ("31", "2010", "0.75") and pure words are
//!    not codes (the body field handles them).
//! 3. **Hex codes**: `0x22`, `0x0A`, `22h`, `0Ah` (a leading digit, then hex digits, then `h`)
//!    become `0x` + the hex digits without leading zeros: `0x22`, `0xa`.
//! 4. **Leading zeros** of every digit run are dropped ("F0002" → `f2`, "PD013" → `pd13`; a run
//!    of zeros keeps one `0`).
//! 5. **Prefix families**: a known prefix followed by a digit is replaced by its family:
//!    `e` ← e, er, err, error; `f` ← f, flt, fault; `al` ← a, al, alm, alarm
//!    ("Err31", "E31", "ERR-31" → `e31`; "AL1021", "ALM 1021", "A1021" → `al1021`).
//! 6. **Letter cores**: a single `e` followed by letters is the "E." of Chinese VFD displays
//!    ("E.oC.1"): the full form keeps it (`eoc1`) and the core without it (`oc1`) is emitted too,
//!    when the core starts with at least two letters, so "oC1" and "OC1" meet "E.oC.1".
//!
//! Every emitted token is a fixed point: `normalize_code(token) == Some(token)`.
//!
//! At query time only, [`display_hex_alternate`] adds one more reading: 7-segment displays show
//! a controller's hexadecimal diagnostic number behind an E (error) or A (warning) — Festo's
//! "E02F" is the manual's "2Fh" — so an `e`/`al` code whose rest is hexadecimal also looks for
//! `0x` + that number.

/// The canonical forms of one code candidate: `full` always, `core` when rule 6 applies, and
/// `literal` — the compact spelling with its zeros and prefix as written ("PD013" → `pd013`,
/// "Err 31" → `err31`) — when it differs from `full`, so that the page spelling a code exactly
/// as typed ranks above pages with another spelling of it. A literal never collides with the
/// canonical form of another code: its own normalisation is its code's canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeForms {
    pub full: String,
    pub core: Option<String>,
    pub literal: Option<String>,
}

/// Prefixes (longest first) and the family each one stands for.
const PREFIXES: &[(&str, &str)] = &[
    ("alarm", "al"),
    ("error", "e"),
    ("fault", "f"),
    ("alm", "al"),
    ("err", "e"),
    ("flt", "f"),
    ("al", "al"),
    ("er", "e"),
    ("e", "e"),
    ("f", "f"),
    ("a", "al"),
];

/// Words that, standing alone, are joined with a number that follows after spaces ("Err 31",
/// "AL 1021", "Fault 2"). "a" is left out: in English text "a 5 mm" is not an alarm.
pub const JOINABLE_PREFIX_WORDS: &[&str] = &[
    "e", "er", "err", "error", "f", "flt", "fault", "al", "alm", "alarm",
];

/// Longest compact code considered (longer runs are part numbers, hashes or garbage).
pub const MAX_CODE_LEN: usize = 24;

/// Whether `word` (any case) is a prefix word that may be joined with a following number.
pub fn is_joinable_prefix_word(word: &str) -> bool {
    word.len() <= 5
        && JOINABLE_PREFIX_WORDS
            .iter()
            .any(|p| p.eq_ignore_ascii_case(word))
}

/// The canonical full form of a code written any way, or `None` when `raw` is not a code.
pub fn normalize_code(raw: &str) -> Option<String> {
    code_forms(raw).map(|f| f.full)
}

/// The canonical forms of `raw` (which may contain separators and spaces), or `None` when it is
/// not a code: not ASCII alphanumerics and separators only, no letter, no digit, or too long.
pub fn code_forms(raw: &str) -> Option<CodeForms> {
    let mut compact = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            'a'..='z' | '0'..='9' => compact.push(c),
            'A'..='Z' => compact.push(c.to_ascii_lowercase()),
            '.' | '-' | '_' | ' ' | '\t' => {}
            _ => return None,
        }
    }
    forms_of_compact(&compact).map(|mut f| {
        if f.full != compact && compact.len() <= MAX_CODE_LEN {
            f.literal = Some(compact);
        }
        f
    })
}

/// The forms of an already compacted (lowercase ASCII alphanumeric) candidate. A candidate whose
/// full form would be longer than [`MAX_CODE_LEN`] (a family can be longer than the prefix it
/// replaces: "a" → `al`) is not a code, so that every full form is a fixed point.
fn forms_of_compact(compact: &str) -> Option<CodeForms> {
    forms_of_compact_any_length(compact).filter(|f| f.full.len() <= MAX_CODE_LEN)
}

fn forms_of_compact_any_length(compact: &str) -> Option<CodeForms> {
    if compact.is_empty() || compact.len() > MAX_CODE_LEN {
        return None;
    }
    if let Some(hex) = hex_core(compact) {
        return Some(CodeForms {
            full: format!("0x{hex}"),
            core: None,
            literal: None,
        });
    }
    let bytes = compact.as_bytes();
    if !bytes.iter().any(u8::is_ascii_digit) || !bytes.iter().any(u8::is_ascii_alphabetic) {
        return None;
    }
    let stripped = strip_leading_zeros(compact);
    for (prefix, family) in PREFIXES {
        let Some(rest) = stripped.strip_prefix(prefix) else {
            continue;
        };
        let Some(next) = rest.bytes().next() else {
            continue;
        };
        if next.is_ascii_digit() {
            return Some(CodeForms {
                full: format!("{family}{rest}"),
                core: None,
                literal: None,
            });
        }
        if *prefix == "e" {
            let letters = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
            // The core is normalised in turn, so that it is a fixed point like the full form.
            let core = if letters >= 2 {
                forms_of_compact(rest).map(|f| f.full)
            } else {
                None
            };
            return Some(CodeForms {
                full: stripped,
                core,
                literal: None,
            });
        }
    }
    Some(CodeForms {
        full: stripped,
        core: None,
        literal: None,
    })
}

/// The hexadecimal reading of a display code: `e2f` ("E02F") → `0x2f`, `al2d` ("A02D") →
/// `0x2d`; `None` unless `full` is an `e` or `al` code followed by 1–4 hex digits.
pub fn display_hex_alternate(full: &str) -> Option<String> {
    let rest = full.strip_prefix("al").or_else(|| full.strip_prefix('e'))?;
    if rest.is_empty() || rest.len() > 4 || !rest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    hex_core(&format!("0x{rest}")).map(|h| format!("0x{h}"))
}

/// `0x1f` → `1f`, `1fh` → `1f` (a hex code must start with a digit before `h`), leading zeros
/// dropped; `None` for anything else.
fn hex_core(compact: &str) -> Option<&str> {
    let digits = if let Some(d) = compact.strip_prefix("0x") {
        d
    } else {
        let d = compact.strip_suffix('h')?;
        if !d.bytes().next()?.is_ascii_digit() {
            return None;
        }
        d
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let trimmed = digits.trim_start_matches('0');
    Some(if trimmed.is_empty() { "0" } else { trimmed })
}

/// Drops the leading zeros of every run of digits ("f0002" → "f2", "e00" → "e0").
fn strip_leading_zeros(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len());
    let bytes = compact.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let run = &compact[start..i];
            let trimmed = run.trim_start_matches('0');
            out.push_str(if trimmed.is_empty() { "0" } else { trimmed });
        } else {
            out.push(char::from(bytes[i]));
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_family_longer_than_its_prefix_never_makes_a_form_over_the_limit() {
        // 24 characters with the prefix "a", whose family "al" would make 25.
        let raw = "a0aa0a10aaaaa0aaaaa0aaa0";
        assert_eq!(raw.len(), MAX_CODE_LEN);
        assert_eq!(normalize_code(raw), None);
        // One shorter is still a code, and its full form is a fixed point.
        let full = normalize_code(&raw[..23]).unwrap_or_default();
        assert_eq!(full.len(), MAX_CODE_LEN);
        assert_eq!(normalize_code(&full), Some(full.clone()));
    }
}
