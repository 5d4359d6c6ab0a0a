//! The `code` field's tokenizer: finds fault-code candidates in running text (ASCII letters and
//! digits joined by `.` `-` `_`, or a prefix word and a number: "Err 31") and emits their
//! canonical forms (see `code_normalize`), with offsets spanning the code as written so that
//! snippets can highlight it. Words that are not codes emit nothing.

use super::code_normalize::{code_forms, is_joinable_prefix_word, CodeForms, MAX_CODE_LEN};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Name under which the tokenizer is registered on the index.
pub const CODE_TOKENIZER: &str = "fl_code";

/// At most this many bytes of spaces, `:`, `#`, `-` or `.` between a prefix word and its number.
const MAX_JOIN_GAP: usize = 3;
/// A signed number of at most this many digits is a code ("-1"); longer ones are values.
const MAX_SIGNED_DIGITS: usize = 4;

/// Calls `emit(start, end, forms)` for every code in `text`; `start..end` are byte offsets of
/// the code as written (a joined "Err 31" spans both words).
pub fn scan_codes(text: &str, mut emit: impl FnMut(usize, usize, CodeForms)) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    // A standalone prefix word ("Err", "AL") waiting for a number after a short gap.
    let mut pending: Option<(usize, usize)> = None;
    while i < n {
        if !bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i;
        loop {
            while j < n && bytes[j].is_ascii_alphanumeric() {
                j += 1;
            }
            if j + 1 < n
                && matches!(bytes[j], b'.' | b'-' | b'_')
                && bytes[j + 1].is_ascii_alphanumeric()
            {
                j += 1;
                continue;
            }
            break;
        }
        let end = j;
        i = end;
        if glued_to_unicode_word(text, start, end) || end - start > 2 * MAX_CODE_LEN {
            pending = None;
            continue;
        }
        let candidate = &text[start..end];
        let signed = signed_number(text, start, end);
        if let Some((p_start, p_end)) = pending.take() {
            let gap = &bytes[p_end..start];
            let joinable = bytes[start].is_ascii_digit()
                && gap.len() <= MAX_JOIN_GAP
                && gap
                    .iter()
                    .all(|b| matches!(b, b' ' | b'\t' | b':' | b'#' | b'-' | b'.'));
            if joinable {
                let joined = format!("{}{}", &text[p_start..p_end], candidate);
                if let Some(forms) = code_forms(&joined) {
                    emit(p_start, end, forms);
                    if let Some(forms) = signed {
                        emit(start - 1, end, forms);
                    }
                    continue;
                }
            }
        }
        if let Some(forms) = signed {
            emit(start - 1, end, forms);
            continue;
        }
        if is_joinable_prefix_word(candidate) {
            pending = Some((start, end));
            continue;
        }
        if let Some(forms) = code_forms(candidate) {
            emit(start, end, forms);
        }
    }
}

/// A signed number used as a code ("-1", "-22"): a minus sign that starts a word (after the
/// start, a space or an opening bracket, `=`, `,` or `:`) and up to [`MAX_SIGNED_DIGITS`]
/// digits, not part of a decimal ("-1.5" is a value). Its form is `minus` and the number
/// without leading zeros ("-01" → "minus1"), which no other code spelling gives.
pub(crate) fn signed_number(text: &str, start: usize, end: usize) -> Option<CodeForms> {
    let bytes = text.as_bytes();
    let digits = text.get(start..end)?;
    if digits.is_empty()
        || digits.len() > MAX_SIGNED_DIGITS
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || start == 0
        || bytes.get(start - 1) != Some(&b'-')
    {
        return None;
    }
    let before_sign = text[..start - 1].chars().next_back();
    let starts_word =
        before_sign.is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '[' | '=' | ',' | ':'));
    if !starts_word {
        return None;
    }
    let trimmed = digits.trim_start_matches('0');
    let number = if trimmed.is_empty() { "0" } else { trimmed };
    Some(CodeForms {
        full: format!("minus{number}"),
        core: None,
        literal: None,
    })
}

/// Whether the ASCII run `start..end` touches a non-ASCII letter or digit ("Störung5" is a
/// German word, not the code "rung5").
fn glued_to_unicode_word(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    before.is_some_and(|c| !c.is_ascii() && c.is_alphanumeric())
        || after.is_some_and(|c| !c.is_ascii() && c.is_alphanumeric())
}

/// The tantivy tokenizer over [`scan_codes`]; keeps its token buffer between calls.
#[derive(Clone, Default)]
pub struct CodeTokenizer {
    tokens: Vec<Token>,
}

pub struct CodeTokenStream<'a> {
    tokens: &'a mut Vec<Token>,
    next: usize,
    /// Returned by `token()` before the first `advance()`, so that misuse cannot panic.
    empty: Token,
}

impl Tokenizer for CodeTokenizer {
    type TokenStream<'a> = CodeTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> CodeTokenStream<'a> {
        self.tokens.clear();
        let tokens = &mut self.tokens;
        scan_codes(text, |start, end, forms| {
            let mut push = |t: String| {
                let position = tokens.len();
                tokens.push(Token {
                    offset_from: start,
                    offset_to: end,
                    position,
                    text: t,
                    position_length: 1,
                });
            };
            push(forms.full);
            for extra in [forms.core, forms.literal].into_iter().flatten() {
                push(extra);
            }
        });
        CodeTokenStream {
            tokens: &mut self.tokens,
            next: 0,
            empty: Token::default(),
        }
    }
}

impl TokenStream for CodeTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        self.next
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .unwrap_or(&self.empty)
    }

    fn token_mut(&mut self) -> &mut Token {
        match self
            .next
            .checked_sub(1)
            .and_then(|i| self.tokens.get_mut(i))
        {
            Some(t) => t,
            None => &mut self.empty,
        }
    }
}
