//! Document-wide names for fonts and forms. pdf-extract caches the fonts it builds by their
//! resource name (`/F1`) and forgets them at every page, because the same name may mean
//! another font on the next page (or in a form). Renaming every font and form after its
//! object (`/F12_0`) makes names unique in the whole document, so one resource dictionary
//! serves every page, pdf-extract can keep its cache across pages, and a form's `/F1` can no
//! longer be mistaken for the page's.

use super::simple_fonts::type3_size_factor;
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::HashMap;

/// How the names of one resource dictionary map to document-wide names.
#[derive(Debug, Default)]
pub(crate) struct Names {
    pub fonts: HashMap<Vec<u8>, Vec<u8>>,
    pub xobjects: HashMap<Vec<u8>, Vec<u8>>,
    /// Type 3 fonts whose `Tf` size is scaled (see `simple_fonts::type3_size_factor`).
    pub font_scales: HashMap<Vec<u8>, f64>,
}

/// The document-wide font and XObject dictionaries, filled as names are given out.
#[derive(Debug, Default)]
pub(crate) struct Merged {
    pub fonts: Dictionary,
    pub xobjects: Dictionary,
    direct: usize,
}

/// The dictionary `object` is or refers to.
pub(crate) fn dict_of<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a Dictionary> {
    match object {
        Object::Dictionary(d) => Some(d),
        Object::Reference(id) => match doc.get_object(*id).ok()? {
            Object::Dictionary(d) => Some(d),
            Object::Stream(s) => Some(&s.dict),
            _ => None,
        },
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

/// The page's Resources, looked up through its Parent nodes when the page has none.
pub(crate) fn page_resources(doc: &Document, page: ObjectId) -> Dictionary {
    let mut node = doc.get_dictionary(page).ok();
    for _ in 0..64 {
        let Some(dict) = node else { break };
        if let Some(resources) = dict.get(b"Resources").ok().and_then(|r| dict_of(doc, r)) {
            return resources.clone();
        }
        node = match dict.get(b"Parent") {
            Ok(Object::Reference(id)) => doc.get_dictionary(*id).ok(),
            _ => None,
        };
    }
    Dictionary::new()
}

impl Merged {
    /// The names of `resources`' fonts and XObjects, adding each to the merged dictionaries.
    pub fn names_for(&mut self, doc: &Document, resources: &Dictionary) -> Names {
        let mut names = Names::default();
        let fonts = resources.get(b"Font").ok().and_then(|f| dict_of(doc, f));
        for (name, value) in fonts.into_iter().flatten() {
            if let Some(factor) = dict_of(doc, value).and_then(|f| type3_size_factor(doc, f)) {
                names.font_scales.insert(name.clone(), factor);
            }
            let global = self.global_name(b'F', value);
            self.fonts.set(global.clone(), value.clone());
            names.fonts.insert(name.clone(), global);
        }
        let xobjects = resources.get(b"XObject").ok().and_then(|x| dict_of(doc, x));
        for (name, value) in xobjects.into_iter().flatten() {
            let global = self.global_name(b'X', value);
            self.xobjects.set(global.clone(), value.clone());
            names.xobjects.insert(name.clone(), global);
        }
        names
    }

    /// The document-wide name of the form `id` (an annotation's appearance), added to the
    /// merged XObjects.
    pub fn add_xobject(&mut self, id: ObjectId) -> String {
        let value = Object::Reference(id);
        let global = self.global_name(b'X', &value);
        self.xobjects.set(global.clone(), value);
        String::from_utf8_lossy(&global).into_owned()
    }

    /// The document-wide name of the XObject `id`.
    pub fn xobject_name(id: ObjectId) -> Vec<u8> {
        format!("X{}_{}", id.0, id.1).into_bytes()
    }

    /// Moves the fonts given as direct dictionaries into objects of their own, so that every
    /// font is an object the font repairs (`fonts`) see.
    pub fn make_fonts_indirect(&mut self, doc: &mut Document) {
        let fonts = std::mem::take(&mut self.fonts);
        for (name, value) in fonts {
            let value = match value {
                Object::Dictionary(d) => Object::Reference(doc.add_object(d)),
                other => other,
            };
            self.fonts.set(name, value);
        }
    }

    /// `F12_0` for object 12 0; `Fd3` for the third font given as a direct dictionary.
    fn global_name(&mut self, prefix: u8, value: &Object) -> Vec<u8> {
        let suffix = match value {
            Object::Reference((number, generation)) => format!("{number}_{generation}"),
            _ => {
                self.direct += 1;
                format!("d{}", self.direct)
            }
        };
        let mut name = vec![prefix];
        name.extend_from_slice(suffix.as_bytes());
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_given_after_objects_and_shared() {
        let mut doc = Document::with_version("1.5");
        let font = doc.add_object(Dictionary::new());
        let mut fonts = Dictionary::new();
        fonts.set("F1", Object::Reference(font));
        fonts.set("F2", Object::Dictionary(Dictionary::new()));
        let mut resources = Dictionary::new();
        resources.set("Font", Object::Dictionary(fonts));
        let mut merged = Merged::default();
        let names = merged.names_for(&doc, &resources);
        let global = format!("F{}_{}", font.0, font.1).into_bytes();
        assert_eq!(names.fonts.get(&b"F1"[..]), Some(&global));
        assert_eq!(names.fonts.get(&b"F2"[..]), Some(&b"Fd1".to_vec()));
        assert!(merged.fonts.has(&global) && merged.fonts.has(b"Fd1"));
    }
}
