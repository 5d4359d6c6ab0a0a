//! Hands a document opened by lopdf 0.47 to pdf-extract, which is built on lopdf 0.42: the
//! object graph is moved across (same shape, no re-parse, stream bytes moved, not copied), the
//! encryption entry is dropped (the objects are already decrypted), and image XObjects become
//! empty forms. pdf-extract runs every `Do` target through its content-stream parser, images
//! included: decoding a JPEG or a scanned page as if it were page operators costs time and
//! memory, and can panic and lose the page's text.

use lopdf as new;
use pdf_extract as old;

/// The document in pdf-extract's types, ready for its page-by-page output.
pub(crate) fn to_pdf_extract(doc: new::Document) -> old::Document {
    let mut out = old::Document::new();
    out.version = doc.version;
    out.max_id = doc.max_id;
    let encrypt = doc
        .trailer
        .get(b"Encrypt")
        .ok()
        .and_then(|o| o.as_reference().ok());
    let mut trailer = dictionary(doc.trailer);
    trailer.remove(b"Encrypt");
    out.trailer = trailer;
    out.objects = doc
        .objects
        .into_iter()
        .filter(|(id, _)| Some(*id) != encrypt)
        .map(|(id, object)| (id, top_level(object)))
        .collect();
    out
}

/// An indirect object: streams of images are replaced, everything else converted as is.
fn top_level(object: new::Object) -> old::Object {
    match object {
        new::Object::Stream(s) if is_image(&s.dict) => old::Object::Stream(empty_form()),
        other => convert(other),
    }
}

fn is_image(dict: &new::Dictionary) -> bool {
    matches!(dict.get(b"Subtype"), Ok(new::Object::Name(n)) if n == b"Image")
}

fn empty_form() -> old::Stream {
    let mut dict = old::Dictionary::new();
    dict.set("Type", old::Object::Name(b"XObject".to_vec()));
    dict.set("Subtype", old::Object::Name(b"Form".to_vec()));
    dict.set("BBox", old::Object::Array(vec![old::Object::Integer(0); 4]));
    old::Stream::new(dict, Vec::new())
}

fn convert(object: new::Object) -> old::Object {
    match object {
        new::Object::Null => old::Object::Null,
        new::Object::Boolean(b) => old::Object::Boolean(b),
        new::Object::Integer(i) => old::Object::Integer(i),
        new::Object::Real(r) => old::Object::Real(r),
        new::Object::Name(n) => old::Object::Name(n),
        new::Object::String(s, format) => old::Object::String(s, string_format(format)),
        new::Object::Array(a) => old::Object::Array(a.into_iter().map(convert).collect()),
        new::Object::Dictionary(d) => old::Object::Dictionary(dictionary(d)),
        new::Object::Stream(s) => old::Object::Stream(stream(s)),
        new::Object::Reference(id) => old::Object::Reference(id),
    }
}

fn string_format(format: new::StringFormat) -> old::StringFormat {
    match format {
        new::StringFormat::Literal => old::StringFormat::Literal,
        new::StringFormat::Hexadecimal => old::StringFormat::Hexadecimal,
    }
}

fn dictionary(d: new::Dictionary) -> old::Dictionary {
    d.into_iter().map(|(k, v)| (k, convert(v))).collect()
}

fn stream(s: new::Stream) -> old::Stream {
    old::Stream {
        dict: dictionary(s.dict),
        content: s.content,
        allows_compression: s.allows_compression,
        start_position: s.start_position,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_become_empty_forms_and_the_rest_is_kept() {
        let mut doc = new::Document::with_version("1.5");
        let mut image = new::Dictionary::new();
        image.set("Subtype", new::Object::Name(b"Image".to_vec()));
        let image_id = doc.add_object(new::Stream::new(image, vec![1, 2, 3]));
        let text_id = doc.add_object(new::Stream::new(new::Dictionary::new(), b"BT ET".to_vec()));
        let out = to_pdf_extract(doc);
        let image = out.get_object(image_id).and_then(|o| o.as_stream());
        assert!(matches!(image, Ok(s) if s.content.is_empty()));
        let text = out.get_object(text_id).and_then(|o| o.as_stream());
        assert!(matches!(text, Ok(s) if s.content == b"BT ET"));
    }
}
