//! Form XObjects drawn into the content that draws them. pdf-extract reads a form's content
//! with a fresh graphics state: it drops both the transformation in force where the form is
//! drawn and the form's own /Matrix, so text in forms lands in the wrong place (a header drawn
//! as a form, a whole page wrapped in one), and it follows `Do` without limit, so forms that
//! draw each other recurse until the stack overflows. Here each `/Name Do` line of the
//! prepared content is replaced by `q <Matrix> cm … Q` around the form's own prepared content,
//! to a bounded depth and never into a form already being drawn.

use super::fonts::deref;
use lopdf::{Document, Object, ObjectId};
use std::collections::HashMap;

/// Forms nested deeper than this are not drawn.
const MAX_DEPTH: usize = 12;
/// A page's content is not grown past this by drawing forms into it.
const MAX_BYTES: usize = 32 * 1024 * 1024;

/// A form's prepared content and the matrix it is drawn with.
#[derive(Debug, Default)]
pub(crate) struct Form {
    pub matrix: Option<String>,
    pub content: Vec<u8>,
}

/// The prepared forms, by document-wide name.
#[derive(Debug, Default)]
pub(crate) struct Forms(pub HashMap<Vec<u8>, Form>);

/// The form's /Matrix as `cm` operands, when it has one other than the identity.
pub(crate) fn matrix_of(doc: &Document, form: ObjectId) -> Option<String> {
    let Ok(Object::Stream(s)) = doc.get_object(form) else {
        return None;
    };
    let Some(Object::Array(m)) = s.dict.get(b"Matrix").ok().and_then(|m| deref(doc, m)) else {
        return None;
    };
    let numbers: Vec<f64> = m
        .iter()
        .filter_map(|x| match deref(doc, x) {
            Some(Object::Integer(i)) => Some(*i as f64),
            Some(Object::Real(r)) => Some(f64::from(*r)),
            _ => None,
        })
        .collect();
    let identity = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];
    (numbers.len() == 6 && numbers != identity).then(|| {
        numbers
            .iter()
            .map(|n| format!("{n:.6}"))
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// The name in a `/Name Do` line.
fn drawn_form(line: &[u8]) -> Option<&[u8]> {
    line.strip_prefix(b"/")?.strip_suffix(b" Do")
}

impl Forms {
    /// `content` with every form it draws drawn into it.
    pub fn expand(&self, content: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(content.len());
        let mut drawing = Vec::new();
        self.expand_into(content, &mut drawing, &mut out);
        out
    }

    fn expand_into<'a>(&'a self, content: &[u8], drawing: &mut Vec<&'a [u8]>, out: &mut Vec<u8>) {
        for line in content.split(|b| *b == b'\n') {
            let Some(name) = drawn_form(line) else {
                if !line.is_empty() {
                    out.extend_from_slice(line);
                    out.push(b'\n');
                }
                continue;
            };
            let Some((name, form)) = self.0.get_key_value(name) else {
                continue; // An image, or a name with no form: nothing to read.
            };
            let room = out.len() + form.content.len() < MAX_BYTES;
            if drawing.len() >= MAX_DEPTH || drawing.contains(&name.as_slice()) || !room {
                continue;
            }
            out.extend_from_slice(b"q\n");
            if let Some(matrix) = &form.matrix {
                out.extend_from_slice(matrix.as_bytes());
                out.extend_from_slice(b" cm\n");
            }
            drawing.push(name);
            self.expand_into(&form.content, drawing, out);
            drawing.pop();
            out.extend_from_slice(b"Q\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(matrix: Option<&str>, content: &str) -> Form {
        Form {
            matrix: matrix.map(str::to_string),
            content: content.as_bytes().to_vec(),
        }
    }

    #[test]
    fn forms_are_drawn_in_place_with_their_matrix_and_cycles_stop() {
        let mut forms = Forms::default();
        forms.0.insert(
            b"X1".to_vec(),
            form(Some("2 0 0 2 10 10"), "BT\n(a) Tj\nET\n/X2 Do\n"),
        );
        forms
            .0
            .insert(b"X2".to_vec(), form(None, "BT\n(b) Tj\nET\n/X1 Do\n"));
        let out = forms.expand(b"q\n/X1 Do\n/Im0 Do\nQ\n");
        assert_eq!(
            String::from_utf8_lossy(&out),
            "q\nq\n2 0 0 2 10 10 cm\nBT\n(a) Tj\nET\nq\nBT\n(b) Tj\nET\nQ\nQ\nQ\n"
        );
    }
}
