//! The query-side thesaurus: for a typed English or German word, a few words of the same
//! meaning that maintenance manuals use ("accelerate" → "speed", "Wartung" → "Pflege").
//! `thesaurus.tsv` (next to this file, compiled in) is derived by `scripts/derive_thesaurus.py`
//! from the Debian thesaurus packages mythes-en-us (WordNet) and mythes-de (OpenThesaurus),
//! restricted to words of maintenance manuals; the script's docstring gives the method and the
//! file's head the licences. The query searches each such word's stem at the `thesaurus`
//! ranking weight, below the typed word.

use super::language::BodyLang;
use std::collections::HashMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("thesaurus.tsv");

/// Per language: typed word → manual words.
type Table = HashMap<BodyLang, HashMap<&'static str, Vec<&'static str>>>;

/// `language TAB word TAB targets separated by spaces` lines; `#` lines and malformed lines are
/// skipped.
fn parse(text: &'static str) -> Table {
    let mut table = Table::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let mut parts = line.split('\t');
        let (Some(lang), Some(word), Some(targets)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let lang = match lang {
            "en" => BodyLang::En,
            "de" => BodyLang::De,
            _ => continue,
        };
        table
            .entry(lang)
            .or_default()
            .entry(word)
            .or_default()
            .extend(targets.split(' ').filter(|t| !t.is_empty()));
    }
    table
}

fn table() -> &'static Table {
    static PARSED: OnceLock<Table> = OnceLock::new();
    PARSED.get_or_init(|| parse(TABLE))
}

/// The thesaurus words for `word` (lowercased, accents folded) in `lang`; empty when none.
pub(crate) fn synonyms(lang: BodyLang, word: &str) -> &'static [&'static str] {
    table()
        .get(&lang)
        .and_then(|words| words.get(word))
        .map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_table_parses_and_covers_both_languages() {
        let t = table();
        for lang in [BodyLang::En, BodyLang::De] {
            let n = t.get(&lang).map_or(0, HashMap::len);
            assert!(n > 100, "{lang:?}: {n}");
        }
        for (word, targets) in t.values().flatten() {
            assert!(!targets.is_empty(), "{word}");
            assert!(!targets.contains(word), "{word}");
            for w in std::iter::once(word).chain(targets) {
                assert!(
                    w.chars().all(|c| c.is_lowercase() && c.is_ascii()),
                    "{w:?} is not folded"
                );
            }
        }
    }

    #[test]
    fn lines_name_a_language_a_word_and_its_targets() {
        let t =
            parse("# note\nen\tstart\tbegin\nde\twartung\tpflege instandhaltung\nxx\ta\tb\nbad\n");
        assert_eq!(t.len(), 2);
        assert_eq!(t[&BodyLang::De]["wartung"], ["pflege", "instandhaltung"]);
        assert_eq!(synonyms(BodyLang::Fr, "start"), &[] as &[&str]);
    }
}
