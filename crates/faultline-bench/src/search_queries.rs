//! The latency query set: the judged queries as typed, half-typed (last word cut short), with a
//! typo, and scoped to the manual's model; plus display codes and parameter codes in the
//! spellings technicians use. Deterministic, so ours and FTS5 answer the same list.

use crate::corpus_pages::model_of;
use crate::relevance::Judged;

pub struct TimedQuery {
    pub text: String,
    /// Models to boost (ours only: FTS5 has no equivalent and gets the bare text).
    pub boost_models: Vec<String>,
    pub variant: &'static str,
}

/// "acceleration time" → "acceleration ti" (the technician is still typing).
fn half_typed(text: &str) -> Option<String> {
    let text = text.trim_end();
    let last = text.split_whitespace().last()?;
    let chars = last.chars().count();
    (chars >= 4).then(|| {
        let keep: String = last.chars().take(chars - 2).collect();
        format!("{}{}", &text[..text.len() - last.len()], keep)
    })
}

/// Swaps two letters in the middle of the longest word ("bearing" → "beraing").
fn with_typo(text: &str) -> Option<String> {
    let longest = text
        .split_whitespace()
        .filter(|w| w.chars().all(char::is_alphabetic))
        .max_by_key(|w| w.chars().count())?;
    let mut chars: Vec<char> = longest.chars().collect();
    if chars.len() < 5 {
        return None;
    }
    let i = chars.len() / 2;
    chars.swap(i - 1, i);
    let typo: String = chars.into_iter().collect();
    Some(text.replacen(longest, &typo, 1))
}

pub fn build(judged: &[Judged]) -> Vec<TimedQuery> {
    let mut out = Vec::new();
    let plain = |text: String, variant| TimedQuery {
        text,
        boost_models: Vec::new(),
        variant,
    };
    for q in judged {
        out.push(plain(q.text.clone(), "as judged"));
        if let Some(t) = half_typed(&q.text) {
            out.push(plain(t, "half-typed"));
        }
        if let Some(t) = with_typo(&q.text) {
            out.push(plain(t, "typo"));
        }
        if let Some((file, _)) = q.relevant.first() {
            out.push(TimedQuery {
                text: q.text.clone(),
                boost_models: vec![model_of(file)],
                variant: "model-scoped",
            });
        }
    }
    // Festo 7-segment displays: E + three hex digits (errors), A + three (warnings).
    for (i, n) in (1u32..=0x4f).step_by(3).enumerate() {
        let text = match i % 3 {
            0 => format!("E{n:03X}"),
            1 => format!("A{n:03X}"),
            _ => format!("error {n:02X}h"),
        };
        out.push(plain(text, "display code"));
    }
    // Huanyang parameters as written three ways.
    for (i, n) in (0u32..=183).step_by(7).enumerate() {
        let text = match i % 3 {
            0 => format!("PD{n:03}"),
            1 => format!("pd-{n:03}"),
            _ => format!("PD{n}"),
        };
        out.push(plain(text, "parameter code"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants() {
        assert_eq!(
            half_typed("acceleration time").as_deref(),
            Some("acceleration ti")
        );
        assert_eq!(half_typed("E02F").as_deref(), Some("E0"));
        assert_eq!(half_typed("0x3A"), Some("0x".into()));
        assert_eq!(
            with_typo("set bearing end play").as_deref(),
            Some("set beraing end play")
        );
        assert_eq!(with_typo("E02F"), None);
    }
}
