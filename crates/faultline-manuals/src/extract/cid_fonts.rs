//! Repairs of composite (Type0) fonts, each one for a way pdf-extract 0.12 panics or misreads:
//! an encoding CMap name other than Identity-H/V (predefined CJK CMaps such as 90ms-RKSJ-H,
//! whose data it does not have), an embedded encoding CMap (rewritten by `cmap`), a missing
//! descendant font or font descriptor, a W (widths) array it cannot walk. A predefined CMap
//! is replaced by one with the codespace the font's ToUnicode map declares and codes read as
//! CIDs, so that codes are split right and ToUnicode still finds them; without such a
//! codespace, by Identity-H (and the text is unmapped rather than wrong). Width ranges
//! (`first last width`), which pdf-extract skips, are spelled out.

use super::cmap::{codespace_of, normalize_encoding};
use super::fonts::{deref, name_of, stream_content, Edits};
use lopdf::{Dictionary, Document, Object, Stream};

/// The most CIDs a W array may give widths to here.
const MAX_WIDTHS: usize = 65_536;

pub(crate) fn repair(doc: &mut Document, font: &mut Dictionary, edits: &mut Edits) {
    if name_of(font, b"BaseFont").is_none() {
        font.set("BaseFont", Object::Name(b"Unknown".to_vec()));
    }
    repair_encoding(doc, font, edits);
    let descendant = font
        .get(b"DescendantFonts")
        .ok()
        .and_then(|d| match deref(doc, d) {
            Some(Object::Array(a)) => a.first().cloned(),
            _ => None,
        });
    let mut cid_font = match descendant.as_ref().and_then(|d| deref(doc, d)) {
        Some(Object::Dictionary(d)) => d.clone(),
        _ => Dictionary::new(),
    };
    if !matches!(
        cid_font
            .get(b"FontDescriptor")
            .ok()
            .and_then(|d| deref(doc, d)),
        Some(Object::Dictionary(_))
    ) {
        cid_font.set("FontDescriptor", Object::Dictionary(Dictionary::new()));
    }
    if let Ok(w) = cid_font.get(b"W") {
        let widths = clean_widths(doc, w);
        cid_font.set("W", Object::Array(widths));
    }
    match descendant {
        Some(Object::Reference(id))
            if matches!(doc.objects.get(&id), Some(Object::Dictionary(_))) =>
        {
            edits.dicts.push((id, cid_font));
        }
        _ => font.set(
            "DescendantFonts",
            Object::Array(vec![Object::Dictionary(cid_font)]),
        ),
    }
}

fn identity() -> Object {
    Object::Name(b"Identity-H".to_vec())
}

fn repair_encoding(doc: &mut Document, font: &mut Dictionary, edits: &mut Edits) {
    let encoding = font.get(b"Encoding").ok().cloned();
    let replacement = match encoding.as_ref().and_then(|e| deref(doc, e)) {
        Some(Object::Name(n)) if n == b"Identity-H" || n == b"Identity-V" => return,
        Some(Object::Name(_)) => predefined_replacement(doc, font),
        Some(Object::Stream(_)) => {
            let rewritten = encoding
                .as_ref()
                .and_then(|e| stream_content(doc, e))
                .and_then(|(id, content)| normalize_encoding(&content).map(|c| (id, c)));
            match rewritten {
                Some((id, content)) => {
                    edits.streams.push((id, content));
                    return;
                }
                None => identity(),
            }
        }
        _ => identity(),
    };
    font.set("Encoding", replacement);
}

/// For a predefined CMap: an embedded CMap with the ToUnicode map's codespace, or Identity-H
/// (dropping the ToUnicode map, whose codes could not be split right).
fn predefined_replacement(doc: &mut Document, font: &mut Dictionary) -> Object {
    let codespace = font
        .get(b"ToUnicode")
        .ok()
        .and_then(|t| stream_content(doc, t))
        .map(|(_, content)| codespace_of(&content))
        .filter(|c| !c.is_empty());
    let Some(codespace) = codespace else {
        font.remove(b"ToUnicode");
        return identity();
    };
    let mut cmap = String::new();
    for (lo, hi) in &codespace {
        cmap.push_str(&format!(
            "1 begincodespacerange <{lo}> <{hi}> endcodespacerange\n"
        ));
    }
    cmap.push_str("1 begincidrange <00000000> <FFFFFFFF> 0 endcidrange\n");
    let normalized = normalize_encoding(cmap.as_bytes()).unwrap_or_default();
    let id = doc.add_object(Stream::new(Dictionary::new(), normalized));
    Object::Reference(id)
}

fn number(doc: &Document, object: &Object) -> Option<Object> {
    match deref(doc, object)? {
        n @ (Object::Integer(_) | Object::Real(_)) => Some(n.clone()),
        _ => None,
    }
}

/// W as `cid [w w …]` groups only: ranges spelled out, malformed groups dropped.
fn clean_widths(doc: &Document, w: &Object) -> Vec<Object> {
    let Some(Object::Array(items)) = deref(doc, w) else {
        return Vec::new();
    };
    let items: Vec<&Object> = items.iter().filter_map(|i| deref(doc, i)).collect();
    let mut out = Vec::new();
    let mut total = 0usize;
    let mut i = 0;
    while i < items.len() && total < MAX_WIDTHS {
        match (items[i], items.get(i + 1), items.get(i + 2)) {
            (Object::Integer(first), Some(Object::Array(ws)), _) => {
                let ws: Vec<Object> = ws.iter().filter_map(|x| number(doc, x)).collect();
                total += ws.len();
                out.push(Object::Integer(*first));
                out.push(Object::Array(ws));
                i += 2;
            }
            (Object::Integer(first), Some(Object::Integer(last)), Some(width)) => {
                let width = number(doc, width).unwrap_or(Object::Integer(0));
                let count = usize::try_from(last - first + 1)
                    .unwrap_or(0)
                    .min(MAX_WIDTHS - total);
                total += count.max(1);
                if count > 0 {
                    out.push(Object::Integer(*first));
                    out.push(Object::Array(vec![width; count]));
                }
                i += 3;
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_ranges_are_spelled_out_and_junk_dropped() {
        let doc = Document::with_version("1.5");
        let w = Object::Array(vec![
            Object::Integer(1),
            Object::Array(vec![Object::Integer(500), Object::Name(b"x".to_vec())]),
            Object::Integer(10),
            Object::Integer(12),
            Object::Integer(250),
            Object::Name(b"junk".to_vec()),
            Object::Integer(20),
        ]);
        let out = clean_widths(&doc, &w);
        assert_eq!(
            out,
            vec![
                Object::Integer(1),
                Object::Array(vec![Object::Integer(500)]),
                Object::Integer(10),
                Object::Array(vec![Object::Integer(250); 3]),
            ]
        );
    }

    #[test]
    fn a_font_without_descendant_or_known_encoding_gets_safe_ones() {
        let mut doc = Document::with_version("1.5");
        let mut font = Dictionary::new();
        font.set("Subtype", Object::Name(b"Type0".to_vec()));
        font.set("Encoding", Object::Name(b"90ms-RKSJ-H".to_vec()));
        let mut edits = Edits::default();
        repair(&mut doc, &mut font, &mut edits);
        assert_eq!(font.get(b"Encoding").ok(), Some(&identity()));
        let Ok(Object::Array(d)) = font.get(b"DescendantFonts") else {
            panic!("no descendant");
        };
        assert!(matches!(&d[0], Object::Dictionary(c) if c.has(b"FontDescriptor")));
    }
}
