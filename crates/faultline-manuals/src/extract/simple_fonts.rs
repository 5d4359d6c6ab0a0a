//! Repairs of simple fonts (Type 1, TrueType) and Type 3 fonts, each one for a way pdf-extract
//! 0.12 panics or misreads: a missing BaseFont; an encoding name other than the three it knows;
//! Differences holding other objects than codes and names, or codes past 255; a Widths array
//! whose length disagrees with FirstChar and LastChar (an assertion), or holding references;
//! a ToUnicode map without an encoding to fall back on; a Type 3 font drawing a code it has no
//! width for. A Type 1 program's own encoding becomes the font's `/Encoding` (see `type1`),
//! with the program unlinked.

use super::fonts::{deref, descriptor, name_of, slim_descriptor, stream_content, Edits};
use super::type1::builtin_encoding;
use lopdf::{Dictionary, Document, Object};

const KNOWN_ENCODINGS: [&[u8]; 3] = [
    b"WinAnsiEncoding",
    b"MacRomanEncoding",
    b"MacExpertEncoding",
];

fn name(n: &[u8]) -> Object {
    Object::Name(n.to_vec())
}

fn number(doc: &Document, object: &Object) -> Option<f64> {
    match deref(doc, object)? {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

fn integer(doc: &Document, object: &Object) -> Option<i64> {
    match deref(doc, object)? {
        Object::Integer(i) => Some(*i),
        _ => None,
    }
}

/// Differences with only codes (0 to 255) and the names that follow a valid code.
fn clean_differences(doc: &Document, differences: &Object) -> Vec<Object> {
    let Some(Object::Array(items)) = deref(doc, differences) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut code: Option<i64> = None;
    for item in items {
        match deref(doc, item) {
            Some(Object::Integer(c)) if (0..=255).contains(c) => {
                code = Some(*c);
                out.push(Object::Integer(*c));
            }
            Some(Object::Name(n)) if code.is_some_and(|c| c <= 255) => {
                out.push(Object::Name(n.clone()));
                code = code.map(|c| c + 1);
            }
            _ => code = None,
        }
    }
    out
}

/// The font's Encoding as pdf-extract can read it (None to drop it), with `builtin` (the
/// program's own encoding) as the base of a Differences dictionary that has no BaseEncoding.
fn clean_encoding(
    doc: &Document,
    encoding: &Object,
    builtin: Option<&[(u8, Vec<u8>)]>,
) -> Option<Object> {
    match deref(doc, encoding)? {
        Object::Name(n) if KNOWN_ENCODINGS.contains(&n.as_slice()) => Some(name(n)),
        Object::Name(_) => Some(name(b"WinAnsiEncoding")),
        Object::Dictionary(d) => {
            let mut out = Dictionary::new();
            let base = d.get(b"BaseEncoding").ok().and_then(|b| deref(doc, b));
            let mut differences = Vec::new();
            match base {
                Some(Object::Name(n)) if KNOWN_ENCODINGS.contains(&n.as_slice()) => {
                    out.set("BaseEncoding", name(n));
                }
                _ => differences.extend(builtin.map(differences_of).unwrap_or_default()),
            }
            if let Ok(diffs) = d.get(b"Differences") {
                differences.extend(clean_differences(doc, diffs));
            }
            out.set("Differences", Object::Array(differences));
            Some(Object::Dictionary(out))
        }
        _ => None,
    }
}

fn differences_of(pairs: &[(u8, Vec<u8>)]) -> Vec<Object> {
    pairs
        .iter()
        .flat_map(|(code, glyph)| {
            [
                Object::Integer(i64::from(*code)),
                Object::Name(glyph.clone()),
            ]
        })
        .collect()
}

/// A simple font (Type1, MMType1, TrueType).
pub(crate) fn repair(doc: &Document, font: &mut Dictionary, edits: &mut Edits) {
    if name_of(font, b"BaseFont").is_none() {
        font.set("BaseFont", name(b"Helvetica"));
    }
    let mut builtin = None;
    let mut has_cff = false;
    if let Some((id, mut desc)) = descriptor(doc, font) {
        builtin = slim_descriptor(doc, &mut desc, edits).and_then(|p| builtin_encoding(&p));
        has_cff = desc.has(b"FontFile3");
        match id {
            Some(id) => edits.dicts.push((id, desc)),
            None => font.set("FontDescriptor", Object::Dictionary(desc)),
        }
    }
    let encoding = match font.get(b"Encoding") {
        Ok(e) => clean_encoding(doc, e, builtin.as_deref()),
        Err(_) => builtin.as_deref().map(|pairs| {
            let mut d = Dictionary::new();
            d.set("Differences", Object::Array(differences_of(pairs)));
            Object::Dictionary(d)
        }),
    };
    match encoding {
        Some(e) => font.set("Encoding", e),
        // With a ToUnicode map, or a Type1C program's names, pdf-extract falls back on the
        // encoding for a code it cannot find there, and panics when there is none.
        None if font.has(b"ToUnicode") || has_cff => font.set("Encoding", name(b"WinAnsiEncoding")),
        None => {
            font.remove(b"Encoding");
        }
    }
    repair_widths(doc, font);
    if !font.has(b"Widths") && !is_core_font(font) {
        default_widths(doc, font);
    }
}

/// The 14 standard fonts, whose widths pdf-extract knows without a Widths array.
const CORE_FONTS: [&[u8]; 14] = [
    b"Courier",
    b"Courier-Bold",
    b"Courier-BoldOblique",
    b"Courier-Oblique",
    b"Helvetica",
    b"Helvetica-Bold",
    b"Helvetica-BoldOblique",
    b"Helvetica-Oblique",
    b"Symbol",
    b"Times-Bold",
    b"Times-BoldItalic",
    b"Times-Italic",
    b"Times-Roman",
    b"ZapfDingbats",
];

fn is_core_font(font: &Dictionary) -> bool {
    name_of(font, b"BaseFont").is_some_and(|n| CORE_FONTS.contains(&n))
}

/// Widths for a font that has none and is not a standard font. pdf-extract then gives every
/// glyph a width of 0, which stacks the glyphs of a string on each other: the descriptor's
/// average width (else half an em) is much closer.
fn default_widths(doc: &Document, font: &mut Dictionary) {
    let average = descriptor(doc, font)
        .and_then(|(_, d)| {
            ["AvgWidth", "MissingWidth"]
                .iter()
                .find_map(|k| d.get(k.as_bytes()).ok().and_then(|w| number(doc, w)))
        })
        .filter(|w| *w > 0.0 && *w < 2000.0)
        .unwrap_or(500.0);
    font.set("FirstChar", Object::Integer(0));
    font.set("LastChar", Object::Integer(255));
    let widths = vec![Object::Real(average as f32); 256];
    font.set("Widths", Object::Array(widths));
}

/// Widths with numbers only, LastChar agreeing with FirstChar and the number of widths.
fn repair_widths(doc: &Document, font: &mut Dictionary) {
    let first = font.get(b"FirstChar").ok().and_then(|f| integer(doc, f));
    let widths = font.get(b"Widths").ok().and_then(|w| deref(doc, w));
    let (Some(first), Some(Object::Array(widths))) = (first, widths) else {
        return;
    };
    let widths: Vec<Object> = widths
        .iter()
        .map(|w| Object::Real(number(doc, w).unwrap_or(0.0) as f32))
        .collect();
    let last = first + i64::try_from(widths.len()).unwrap_or(0) - 1;
    font.set("FirstChar", Object::Integer(first));
    font.set("LastChar", Object::Integer(last));
    font.set("Widths", Object::Array(widths));
}

/// The first and fourth numbers of a Type 3 font's FontMatrix (glyph space to text space).
fn font_matrix(doc: &Document, font: &Dictionary) -> (f64, f64) {
    let numbers: Vec<f64> = match font.get(b"FontMatrix").ok().and_then(|m| deref(doc, m)) {
        Some(Object::Array(a)) => a.iter().filter_map(|x| number(doc, x)).collect(),
        _ => Vec::new(),
    };
    let valid = |x: f64| x.is_finite() && x != 0.0;
    match numbers.as_slice() {
        [a, _, _, d, ..] if valid(*a) && valid(*d) => (*a, *d),
        _ => (0.001, 0.001),
    }
}

/// The height of a Type 3 font's glyphs in glyph space: the median of the bounding boxes its
/// glyph procedures declare (`wx wy llx lly urx ury d1`), else the height of its FontBBox
/// (which some producers fill with a placeholder such as 0 0 1000 1000).
fn type3_glyph_height(doc: &Document, font: &Dictionary) -> Option<f64> {
    let procs = font.get(b"CharProcs").ok().and_then(|p| deref(doc, p));
    let mut heights: Vec<f64> = match procs {
        Some(Object::Dictionary(procs)) => procs
            .iter()
            .take(16)
            .filter_map(|(_, p)| stream_content(doc, p))
            .filter_map(|(_, content)| declared_height(&content))
            .collect(),
        _ => Vec::new(),
    };
    heights.sort_by(f64::total_cmp);
    if let Some(h) = heights.get(heights.len() / 2) {
        return Some(*h);
    }
    let bbox: Vec<f64> = match font.get(b"FontBBox").ok().and_then(|b| deref(doc, b)) {
        Some(Object::Array(a)) => a.iter().filter_map(|x| number(doc, x)).collect(),
        _ => Vec::new(),
    };
    match bbox.as_slice() {
        [_, bottom, _, top] => Some((top - bottom).abs()),
        _ => None,
    }
}

/// The glyph height a glyph procedure declares with `d1`.
fn declared_height(content: &[u8]) -> Option<f64> {
    let head = &content[..content.len().min(200)];
    let text = std::str::from_utf8(head).ok()?;
    let words: Vec<&str> = text.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "d1")?;
    let n: Vec<f64> = words
        .get(at.checked_sub(6)?..at)?
        .iter()
        .filter_map(|w| w.parse().ok())
        .collect();
    match n.as_slice() {
        [_, _, _, lly, _, ury] if ury > lly => Some(ury - lly),
        _ => None,
    }
}

/// How much taller a Type 3 font's glyphs are than a standard font's at the same size, when
/// that is far from 1: their height in text space (a standard font's capitals are about
/// 0.7 em, its bounding box about one). The content's `Tf` sizes are multiplied by it
/// (`textops`) and the widths divided (`repair_type3`), which leaves every glyph where it was
/// and gives the layout the glyphs' real size (bitmap fonts from TeX, for one, are drawn at
/// size 1 with a matrix that scales up).
pub(crate) fn type3_size_factor(doc: &Document, font: &Dictionary) -> Option<f64> {
    if name_of(font, b"Subtype") != Some(b"Type3") {
        return None;
    }
    let factor = type3_glyph_height(doc, font)? * font_matrix(doc, font).1.abs();
    let far_from_one = !(0.6..=1.5).contains(&factor);
    (factor.is_finite() && (0.01..=1000.0).contains(&factor) && far_from_one).then_some(factor)
}

/// A Type 3 font: a width for every code (in thousandths of text space at the scaled size,
/// as pdf-extract assumes) and an encoding it can read.
pub(crate) fn repair_type3(doc: &Document, font: &mut Dictionary) {
    let (a, _) = font_matrix(doc, font);
    let scale = a * 1000.0 / type3_size_factor(doc, font).unwrap_or(1.0);
    let first = font
        .get(b"FirstChar")
        .ok()
        .and_then(|f| integer(doc, f))
        .unwrap_or(0);
    let mut widths = vec![0.0f64; 256];
    if let Some(Object::Array(given)) = font.get(b"Widths").ok().and_then(|w| deref(doc, w)) {
        for (offset, w) in given.iter().enumerate() {
            let code = usize::try_from(first)
                .ok()
                .and_then(|f| f.checked_add(offset));
            if let Some(slot) = code.and_then(|c| widths.get_mut(c)) {
                *slot = number(doc, w).unwrap_or(0.0) * scale;
            }
        }
    }
    font.set("FirstChar", Object::Integer(0));
    font.set("LastChar", Object::Integer(255));
    let widths = widths.into_iter().map(|w| Object::Real(w as f32)).collect();
    font.set("Widths", Object::Array(widths));
    let encoding = font
        .get(b"Encoding")
        .ok()
        .and_then(|e| clean_encoding(doc, e, None));
    font.set(
        "Encoding",
        encoding.unwrap_or_else(|| {
            let mut d = Dictionary::new();
            d.set("Differences", Object::Array(Vec::new()));
            Object::Dictionary(d)
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_keep_codes_and_the_names_after_them() {
        let doc = Document::with_version("1.5");
        let diffs = Object::Array(vec![
            Object::Integer(65),
            name(b"A"),
            name(b"B"),
            Object::Integer(300),
            name(b"lost"),
            Object::Real(1.0),
            Object::Integer(255),
            name(b"ydieresis"),
            name(b"past"),
        ]);
        let out = clean_differences(&doc, &diffs);
        assert_eq!(
            out,
            vec![
                Object::Integer(65),
                name(b"A"),
                name(b"B"),
                Object::Integer(255),
                name(b"ydieresis"),
            ]
        );
    }

    #[test]
    fn widths_agree_with_first_and_last_char() {
        let doc = Document::with_version("1.5");
        let mut font = Dictionary::new();
        font.set("FirstChar", Object::Integer(32));
        font.set("LastChar", Object::Integer(200));
        font.set(
            "Widths",
            Object::Array(vec![Object::Integer(250), name(b"x")]),
        );
        repair_widths(&doc, &mut font);
        assert_eq!(font.get(b"LastChar").ok(), Some(&Object::Integer(33)));
        assert_eq!(
            font.get(b"Widths").ok(),
            Some(&Object::Array(vec![Object::Real(250.0), Object::Real(0.0)]))
        );
    }

    #[test]
    fn glyph_procedures_tell_the_glyph_height() {
        assert_eq!(
            declared_height(b"92 0 1 -71 91 16 d1\nq 1 0 0 1 0 0 cm Q"),
            Some(87.0)
        );
        assert_eq!(declared_height(b"500 0 d0\n0 0 m"), None);
    }

    #[test]
    fn a_type3_font_gets_a_width_for_every_code() {
        let doc = Document::with_version("1.5");
        let mut font = Dictionary::new();
        font.set("Subtype", name(b"Type3"));
        let matrix = [0.01, 0.0, 0.0, 0.02, 0.0, 0.0].map(|x| Object::Real(x as f32));
        font.set("FontMatrix", Object::Array(matrix.to_vec()));
        let bbox = [0, -200, 600, 800].map(Object::Integer);
        font.set("FontBBox", Object::Array(bbox.to_vec()));
        font.set("FirstChar", Object::Integer(65));
        font.set("Widths", Object::Array(vec![Object::Integer(50)]));
        let factor = type3_size_factor(&doc, &font).unwrap_or(0.0);
        assert!((factor - 20.0).abs() < 1e-3);
        repair_type3(&doc, &mut font);
        let Ok(Object::Array(w)) = font.get(b"Widths") else {
            panic!("no widths");
        };
        // 50 glyph units of 0.01 = 0.5 text space units = 25 thousandths of the size 20 font.
        assert_eq!(w.len(), 256);
        assert!(matches!(w[65], Object::Real(x) if (x - 25.0).abs() < 1e-3));
        assert!(matches!(font.get(b"Encoding"), Ok(Object::Dictionary(_))));
    }
}
