//! The text of a page's annotations (free-text comments, stamps, filled-in form fields), which
//! a reader draws on the page and pdftotext extracts, but pdf-extract never looks at: each
//! visible annotation's normal appearance (a form XObject) is drawn after the page content,
//! placed at the annotation's rectangle.

use super::fonts::deref;
use lopdf::{Dictionary, Document, Object, ObjectId};

/// Annotation flags that hide it (Hidden, NoView).
const HIDDEN: i64 = 2 | 32;

/// For each visible annotation of `page` with an appearance: the appearance form and the
/// operations that draw it (`name` is where the form will be found in the resources).
pub(crate) fn appearances(doc: &Document, page: ObjectId) -> Vec<(ObjectId, String)> {
    let annots = doc
        .get_dictionary(page)
        .ok()
        .and_then(|p| p.get(b"Annots").ok())
        .and_then(|a| deref(doc, a));
    let Some(Object::Array(annots)) = annots else {
        return Vec::new();
    };
    annots
        .iter()
        .filter_map(|a| match deref(doc, a) {
            Some(Object::Dictionary(d)) => appearance(doc, d),
            _ => None,
        })
        .collect()
}

fn number(doc: &Document, o: &Object) -> Option<f64> {
    match deref(doc, o)? {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

/// The annotation's normal appearance stream and where to draw it (`x y`).
fn appearance(doc: &Document, annot: &Dictionary) -> Option<(ObjectId, String)> {
    let flags = annot.get(b"F").ok().and_then(|f| deref(doc, f));
    if matches!(flags, Some(Object::Integer(f)) if f & HIDDEN != 0) {
        return None;
    }
    let ap = annot
        .get(b"AP")
        .ok()
        .and_then(|a| deref(doc, a))?
        .as_dict()
        .ok()?;
    let normal = ap.get(b"N").ok()?;
    let id = match (normal, deref(doc, normal)?) {
        (Object::Reference(id), Object::Stream(_)) => *id,
        (_, Object::Dictionary(states)) => {
            let state = annot
                .get(b"AS")
                .ok()
                .and_then(|s| deref(doc, s))?
                .as_name()
                .ok()?;
            match states.get(state).ok()? {
                Object::Reference(id) => *id,
                _ => return None,
            }
        }
        _ => return None,
    };
    let rect: Vec<f64> = match annot.get(b"Rect").ok().and_then(|r| deref(doc, r)) {
        Some(Object::Array(r)) => r.iter().filter_map(|x| number(doc, x)).collect(),
        _ => Vec::new(),
    };
    let (x, y) = match rect.as_slice() {
        [x0, y0, x1, y1] => (x0.min(*x1), y0.min(*y1)),
        _ => (0.0, 0.0),
    };
    Some((id, format!("{x:.3} {y:.3}")))
}
