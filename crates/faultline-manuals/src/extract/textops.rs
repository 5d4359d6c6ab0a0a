//! Reduces a content stream to the operators that place and show text, in one pass over its
//! bytes, before pdf-extract parses it. pdf-extract parses every operator of a page into
//! allocated objects, and manuals' installation drawings and wiring diagrams are mostly
//! paths: on the corpus, parsing was half of the extraction time for drawing-heavy manuals.
//! Dropping paths, colours, images and marked content also keeps pdf-extract away from code
//! that panics on odd input (colour spaces, a curve with no current point, inline images).
//! The quote operators pdf-extract does not implement are spelled out on the way:
//! `'` becomes `T* … Tj`, and `"` becomes `… Tw … Tc T* … Tj`; font and XObject names get
//! their document-wide names (see `resources`); `q` and `Q` are balanced, so that one page's
//! graphics state cannot leak into the next when pages are read in one pass.

use super::resources::Names;

/// Operators kept as they are: text objects, text state, text positioning and showing,
/// the graphics state stack and matrix (they place text) and `Do` (a form may hold text).
const KEPT: &[&[u8]] = &[
    b"BT", b"ET", b"Tc", b"Tw", b"Tz", b"TL", b"Tf", b"Tr", b"Ts", b"Td", b"TD", b"Tm", b"T*",
    b"Tj", b"TJ", b"q", b"Q", b"cm", b"Do",
];

fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'\0')
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(b: u8) -> bool {
    !is_whitespace(b) && !is_delimiter(b)
}

/// The index just past the literal string starting at `start` (an opening parenthesis).
fn skip_literal_string(data: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while i < data.len() {
        match data[i] {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    data.len()
}

/// The index just past the regular characters starting at `start`.
fn skip_regular(data: &[u8], start: usize) -> usize {
    data[start..]
        .iter()
        .position(|b| !is_regular(*b))
        .map_or(data.len(), |p| start + p)
}

/// The index just past the `EI` ending inline image data that starts at `start`.
fn skip_inline_image(data: &[u8], start: usize) -> usize {
    let mut i = start;
    while i + 1 < data.len() {
        let at_ei = data[i] == b'E' && data[i + 1] == b'I';
        let before = i == 0 || is_whitespace(data[i - 1]);
        let after = data.get(i + 2).is_none_or(|b| !is_regular(*b));
        if at_ei && before && after {
            return i + 2;
        }
        i += 1;
    }
    data.len()
}

/// The content with only the text operators (see the module comment).
pub(crate) fn text_operations(data: &[u8], names: &Names) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 4);
    let mut saved_states = 0usize;
    // Byte ranges of the operands seen since the last operator.
    let mut operands: Vec<(usize, usize)> = Vec::new();
    // Nesting of arrays and dictionaries, and where the outermost one started.
    let mut depth = 0usize;
    let mut composite_start = 0usize;
    let mut i = 0usize;
    while i < data.len() {
        let b = data[i];
        let next = data.get(i + 1).copied();
        match b {
            _ if is_whitespace(b) => i += 1,
            b'%' => {
                i = data[i..]
                    .iter()
                    .position(|c| matches!(c, b'\r' | b'\n'))
                    .map_or(data.len(), |p| i + p);
            }
            b'(' => {
                let end = skip_literal_string(data, i);
                if depth == 0 {
                    operands.push((i, end));
                }
                i = end;
            }
            b'<' if next == Some(b'<') => {
                if depth == 0 {
                    composite_start = i;
                }
                depth += 1;
                i += 2;
            }
            b'[' => {
                if depth == 0 {
                    composite_start = i;
                }
                depth += 1;
                i += 1;
            }
            b'<' => {
                let end = data[i..]
                    .iter()
                    .position(|c| *c == b'>')
                    .map_or(data.len(), |p| i + p + 1);
                if depth == 0 {
                    operands.push((i, end));
                }
                i = end;
            }
            b'>' | b']' => {
                i += if b == b'>' && next == Some(b'>') {
                    2
                } else {
                    1
                };
                if depth > 0 {
                    depth -= 1;
                    if depth == 0 {
                        operands.push((composite_start, i));
                    }
                }
            }
            b')' | b'{' | b'}' => i += 1,
            b'/' => {
                let end = skip_regular(data, i + 1);
                if depth == 0 {
                    operands.push((i, end));
                }
                i = end;
            }
            _ => {
                let end = skip_regular(data, i);
                if depth == 0 {
                    let token = &data[i..end];
                    let is_operand = matches!(token[0], b'0'..=b'9' | b'+' | b'-' | b'.')
                        || matches!(token, b"true" | b"false" | b"null");
                    if is_operand {
                        operands.push((i, end));
                    } else if token == b"BI" {
                        i = skip_inline_image(data, end);
                        operands.clear();
                        continue;
                    } else {
                        let balanced = match token {
                            b"q" => {
                                saved_states += 1;
                                true
                            }
                            b"Q" if saved_states == 0 => false,
                            b"Q" => {
                                saved_states -= 1;
                                true
                            }
                            _ => true,
                        };
                        if balanced {
                            let operation = Operation {
                                data,
                                operator: token,
                                operands: &operands,
                                at: (i, end),
                            };
                            operation.emit(names, &mut out);
                        }
                        operands.clear();
                    }
                }
                i = end;
            }
        }
    }
    for _ in 0..saved_states {
        out.extend_from_slice(b"Q\n");
    }
    out
}

/// One operation found in the content: its operator and the byte ranges of its operands.
struct Operation<'a> {
    data: &'a [u8],
    operator: &'a [u8],
    operands: &'a [(usize, usize)],
    at: (usize, usize),
}

impl Operation<'_> {
    fn span(&self, (start, end): (usize, usize)) -> &[u8] {
        &self.data[start..end]
    }

    /// Writes the operation if it is kept (spelled out for the quote operators).
    fn emit(&self, names: &Names, out: &mut Vec<u8>) {
        let renames = match self.operator {
            b"Tf" => Some(&names.fonts),
            b"Do" => Some(&names.xobjects),
            _ => None,
        };
        if let Some(renames) = renames {
            let scale = match self.operator {
                b"Tf" => self
                    .name_operand()
                    .and_then(|n| names.font_scales.get(n))
                    .copied(),
                _ => None,
            };
            self.emit_renamed(renames, scale, out);
        } else if KEPT.contains(&self.operator) {
            let start = self.operands.first().map_or(self.at.0, |o| o.0);
            out.extend_from_slice(&self.data[start..self.at.1]);
            out.push(b'\n');
        } else if self.operator == b"'" {
            if let Some(&text) = self.operands.last() {
                out.extend_from_slice(b"T*\n");
                out.extend_from_slice(self.span(text));
                out.extend_from_slice(b" Tj\n");
            }
        } else if self.operator == b"\"" {
            if let [.., word, char, text] = self.operands {
                out.extend_from_slice(self.span(*word));
                out.extend_from_slice(b" Tw\n");
                out.extend_from_slice(self.span(*char));
                out.extend_from_slice(b" Tc\nT*\n");
                out.extend_from_slice(self.span(*text));
                out.extend_from_slice(b" Tj\n");
            }
        }
    }

    /// The name operand (without its slash), if there is one.
    fn name_operand(&self) -> Option<&[u8]> {
        self.operands
            .iter()
            .find_map(|o| self.span(*o).strip_prefix(b"/"))
    }

    /// Writes a `Tf` or `Do` with its name operand replaced by its document-wide name, and a
    /// `Tf` size multiplied by `scale`.
    fn emit_renamed(
        &self,
        renames: &std::collections::HashMap<Vec<u8>, Vec<u8>>,
        scale: Option<f64>,
        out: &mut Vec<u8>,
    ) {
        for &operand in self.operands {
            let token = self.span(operand);
            let size = std::str::from_utf8(token)
                .ok()
                .and_then(|t| t.parse::<f64>().ok());
            match (
                token.strip_prefix(b"/").and_then(|n| renames.get(n)),
                size,
                scale,
            ) {
                (Some(global), _, _) => {
                    out.push(b'/');
                    out.extend_from_slice(global);
                }
                (None, Some(size), Some(scale)) => {
                    out.extend_from_slice(format!("{:.6}", size * scale).as_bytes());
                }
                _ => out.extend_from_slice(token),
            }
            out.push(b' ');
        }
        out.extend_from_slice(self.operator);
        out.push(b'\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn filtered(data: &str) -> String {
        String::from_utf8_lossy(&text_operations(data.as_bytes(), &Names::default())).into_owned()
    }

    #[rstest]
    #[case(
        "BT /F1 12 Tf 10 20 Td (Hello) Tj ET",
        "BT\n/F1 12 Tf\n10 20 Td\n(Hello) Tj\nET\n"
    )]
    #[case("Q q q 1 0 0 1 0 0 cm Q", "q\nq\n1 0 0 1 0 0 cm\nQ\nQ\n")]
    #[case(
        "0 0 m 10 10 l S 1 0 0 RG q 1 0 0 1 5 5 cm Q",
        "q\n1 0 0 1 5 5 cm\nQ\n"
    )]
    #[case("BT [(A) -120 (B)] TJ ET", "BT\n[(A) -120 (B)] TJ\nET\n")]
    #[case(
        "BT (a \\) b ( nested ) c) Tj ET",
        "BT\n(a \\) b ( nested ) c) Tj\nET\n"
    )]
    #[case("BT <48656c6c6f> Tj ET", "BT\n<48656c6c6f> Tj\nET\n")]
    #[case(
        "/P << /MCID 3 /Alt (x) /On true >> BDC BT (t) Tj ET EMC",
        "BT\n(t) Tj\nET\n"
    )]
    #[case("% comment Tj\nBT (c) Tj ET", "BT\n(c) Tj\nET\n")]
    #[case("/Im1 Do /GS1 gs /CS0 cs 0.5 sc", "/Im1 Do\n")]
    fn only_text_operators_are_kept(#[case] input: &str, #[case] want: &str) {
        assert_eq!(filtered(input), want);
    }

    #[test]
    fn quote_operators_are_spelled_out() {
        assert_eq!(
            filtered("BT 12 TL (one) ' 1 2 (two) \" ET"),
            "BT\n12 TL\nT*\n(one) Tj\n1 Tw\n2 Tc\nT*\n(two) Tj\nET\n"
        );
    }

    #[test]
    fn inline_images_are_skipped_with_their_data() {
        let data = b"BT (a) Tj ET BI /W 2 /H 1 /BPC 8 ID \x00EIx(\xff) Tj\nEI BT (b) Tj ET";
        assert_eq!(
            String::from_utf8_lossy(&text_operations(data, &Names::default())),
            "BT\n(a) Tj\nET\nBT\n(b) Tj\nET\n"
        );
    }

    #[test]
    fn fonts_and_forms_get_their_document_wide_names() {
        let mut names = Names::default();
        names.fonts.insert(b"F1".to_vec(), b"F7_0".to_vec());
        names.xobjects.insert(b"Fm0".to_vec(), b"X9_0".to_vec());
        names.fonts.insert(b"T3".to_vec(), b"F8_0".to_vec());
        names.font_scales.insert(b"T3".to_vec(), 2.0);
        let data = b"BT /F1 9.5 Tf (a) Tj /T3 1 Tf ET /Fm0 Do /Other Do";
        let out = text_operations(data, &names);
        assert_eq!(
            String::from_utf8_lossy(&out),
            "BT\n/F7_0 9.5 Tf\n(a) Tj\n/F8_0 2.000000 Tf\nET\n/X9_0 Do\n/Other Do\n"
        );
    }

    #[test]
    fn garbage_and_truncation_do_not_panic() {
        for data in [
            &b"(unterminated"[..],
            b"<<",
            b"[ (x",
            b"<4",
            b"BI ID",
            b"]]>> ) }",
        ] {
            let _ = text_operations(data, &Names::default());
        }
    }
}
