//! Prepares every font of a document for pdf-extract, in lopdf 0.47 (before the document is
//! handed over), so that pdf-extract reads it on its happy path: the repairs for simple and
//! Type 3 fonts are in `simple_fonts`, those for composite (Type0) fonts in `cid_fonts`, and
//! ToUnicode CMaps are rewritten by `cmap`. Streams are decompressed once here; font programs
//! pdf-extract decompresses and then ignores (TrueType, OpenType) are unlinked, and a Type 1
//! program is replaced by its encoding (`type1`): pdf-extract builds each font again for every
//! batch of pages, and that work used to dominate its time on the corpus manuals.

use super::cmap::normalize_to_unicode;
use super::content::decompress_in_place;
use super::{cid_fonts, simple_fonts};
use lopdf::{Dictionary, Document, Object, ObjectId};

/// Changes to objects other than the font dictionary itself.
#[derive(Debug, Default)]
pub(crate) struct Edits {
    /// Streams whose (decompressed) content is replaced.
    pub streams: Vec<(ObjectId, Vec<u8>)>,
    /// Dictionaries (font descriptors, descendant fonts) replaced.
    pub dicts: Vec<(ObjectId, Dictionary)>,
}

/// `object`, followed through references.
pub(crate) fn deref<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a Object> {
    let mut current = object;
    for _ in 0..8 {
        match current {
            Object::Reference(id) => current = doc.objects.get(id)?,
            other => return Some(other),
        }
    }
    None
}

/// The decompressed content of the stream `object` refers to.
pub(crate) fn stream_content(doc: &Document, object: &Object) -> Option<(ObjectId, Vec<u8>)> {
    let Object::Reference(id) = object else {
        return None;
    };
    let Some(Object::Stream(stream)) = doc.objects.get(id) else {
        return None;
    };
    let mut stream = stream.clone();
    decompress_in_place(&mut stream).then_some((*id, stream.content))
}

pub(crate) fn name_of<'a>(dict: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    match dict.get(key) {
        Ok(Object::Name(n)) => Some(n),
        _ => None,
    }
}

const FONT_SUBTYPES: [&[u8]; 5] = [b"Type0", b"Type1", b"MMType1", b"TrueType", b"Type3"];

fn is_font(dict: &Dictionary) -> bool {
    name_of(dict, b"Type") == Some(b"Font")
        && name_of(dict, b"Subtype").is_none_or(|s| FONT_SUBTYPES.contains(&s))
}

/// Repairs and prepares every font dictionary of `doc`.
pub(crate) fn prepare(doc: &mut Document) {
    let fonts: Vec<ObjectId> = doc
        .objects
        .iter()
        .filter_map(|(id, o)| matches!(o, Object::Dictionary(d) if is_font(d)).then_some(*id))
        .collect();
    for id in fonts {
        let Some(Object::Dictionary(original)) = doc.objects.get(&id) else {
            continue;
        };
        let mut font = original.clone();
        let mut edits = Edits::default();
        match name_of(&font, b"Subtype") {
            Some(b"Type0") => cid_fonts::repair(doc, &mut font, &mut edits),
            Some(b"Type3") => simple_fonts::repair_type3(doc, &mut font),
            _ => simple_fonts::repair(doc, &mut font, &mut edits),
        }
        to_unicode(doc, &mut font, &mut edits);
        doc.objects.insert(id, Object::Dictionary(font));
        apply(doc, edits);
    }
}

/// Keeps a ToUnicode CMap only when it is a stream, rewritten so pdf-extract reads it right.
fn to_unicode(doc: &Document, font: &mut Dictionary, edits: &mut Edits) {
    let Ok(value) = font.get(b"ToUnicode") else {
        return;
    };
    match stream_content(doc, value) {
        Some((id, content)) => edits.streams.push((id, normalize_to_unicode(&content))),
        None => {
            // pdf-extract panics on a ToUnicode name other than Identity-H, or on a non-stream.
            if !matches!(value, Object::Name(n) if n == b"Identity-H") {
                font.remove(b"ToUnicode");
            }
        }
    }
}

fn apply(doc: &mut Document, edits: Edits) {
    for (id, content) in edits.streams {
        if let Some(Object::Stream(stream)) = doc.objects.get_mut(&id) {
            stream.dict.remove(b"Filter");
            stream.dict.remove(b"DecodeParms");
            stream.set_content(content);
        }
    }
    for (id, dict) in edits.dicts {
        doc.objects.insert(id, Object::Dictionary(dict));
    }
}

/// The font descriptor of `font`, for editing: its object id (None when it is inline) and a
/// copy of it.
pub(crate) fn descriptor(
    doc: &Document,
    font: &Dictionary,
) -> Option<(Option<ObjectId>, Dictionary)> {
    let value = font.get(b"FontDescriptor").ok()?;
    let id = match value {
        Object::Reference(id) => Some(*id),
        _ => None,
    };
    match deref(doc, value)? {
        Object::Dictionary(d) => Some((id, d.clone())),
        _ => None,
    }
}

/// Unlinks the font programs pdf-extract decompresses but never reads (TrueType; FontFile3
/// other than Type1C) and decompresses a Type1C program once. Returns the Type 1 program's
/// stream (FontFile), unlinked too, for its encoding.
pub(crate) fn slim_descriptor(
    doc: &Document,
    descriptor: &mut Dictionary,
    edits: &mut Edits,
) -> Option<Vec<u8>> {
    descriptor.remove(b"FontFile2");
    if let Ok(value) = descriptor.get(b"FontFile3") {
        let is_cff = matches!(deref(doc, value), Some(Object::Stream(s)) if name_of(&s.dict, b"Subtype") == Some(b"Type1C"));
        match stream_content(doc, value).filter(|_| is_cff) {
            Some((id, content)) => edits.streams.push((id, content)),
            None => {
                descriptor.remove(b"FontFile3");
            }
        }
    }
    let program = descriptor
        .get(b"FontFile")
        .ok()
        .and_then(|v| stream_content(doc, v))
        .map(|(_, content)| content);
    descriptor.remove(b"FontFile");
    program
}
