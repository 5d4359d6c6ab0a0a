//! The heading text of a page: the lines that name what the page is about rather than explain
//! it — its first lines (running header, section title), numbered section titles, and the short
//! label lines of headings, table cells and display messages ("Overcurrent Error", "AL 2040 Z
//! axis following error"). The extractor keeps a page's lines (see `extract::layout`) but not
//! its font sizes, so a heading is told by its shape: short, no sentence punctuation at the end,
//! starting with a capital or a digit. It is indexed in its own fields (`head_*`, one per body
//! language) and searched beside the body with its own weight: BM25F, where the page that
//! *titles* a word outranks the page that merely mentions it.

/// The first lines of a page are always taken (a page's title or running header).
const FIRST_LINES: usize = 2;
/// A label line has at most this many words…
const MAX_WORDS: usize = 8;
/// …and at most this many characters.
const MAX_CHARS: usize = 60;

/// Whether `line` (trimmed, not empty) reads as a heading or a table cell, not as prose.
fn is_label(line: &str) -> bool {
    let words = line.split_whitespace().count();
    let chars = line.chars().count();
    let starts = line
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    let ends_sentence = line.ends_with(['.', ',', ';', ':']);
    let has_letters = line.chars().any(char::is_alphabetic);
    words <= MAX_WORDS && chars <= MAX_CHARS && starts && !ends_sentence && has_letters
}

/// The heading lines of a page's text, joined by newlines (empty when there are none).
pub(crate) fn heading_text(text: &str) -> String {
    let mut out = String::new();
    let lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    for (i, line) in lines.enumerate() {
        if i < FIRST_LINES || is_label(line) {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn first_lines_titles_and_table_cells_are_headings_prose_is_not() {
        let page = "KM-600 Spindle Drive\n\
                    Operating manual\n\
                    The drive stops the spindle and shows an alarm on the display when the\n\
                    following error of an axis exceeds the limit set in parameter P-210.\n\
                    4.2 Alarm codes\n\
                    AL 2040 Z axis following error\n\
                    Check the encoder cable and the coupling of the motor to the axis:\n\
                    see the list below.\n\
                    overvoltage on the bus\n";
        assert_eq!(
            heading_text(page),
            "KM-600 Spindle Drive\nOperating manual\n4.2 Alarm codes\nAL 2040 Z axis following error"
        );
    }

    #[test]
    fn empty_and_blank_pages_have_no_headings() {
        assert_eq!(heading_text(""), "");
        assert_eq!(heading_text("\n  \n\t\n"), "");
    }

    #[test]
    fn numbers_alone_are_not_labels_but_first_lines_are_kept() {
        assert_eq!(
            heading_text("Title\n\n2\nIntro\n12\n3-4"),
            "Title\n2\nIntro"
        );
    }

    proptest! {
        #[test]
        fn headings_are_lines_of_the_page(text in "[A-Za-z0-9 .,:\n]{0,300}") {
            let page_lines: Vec<&str> = text.lines().map(str::trim).collect();
            let heads = heading_text(&text);
            for line in heads.lines() {
                prop_assert!(page_lines.contains(&line), "{line:?}");
            }
            prop_assert!(heads.len() <= text.len());
        }
    }
}
