//! Opening a PDF with lopdf 0.47 (which repairs broken cross-reference tables and decrypts with
//! the user's password), and reading what the extraction needs before any page: the decision
//! whether the file can be read at all, its title and its pages.

use super::outcome::Outcome;
use lopdf::encryption::DecryptionError;
use lopdf::{Document, Error, LoadOptions, Object};

/// A PDF that opened (and is decrypted, when it was encrypted).
pub(crate) struct Loaded {
    pub doc: Document,
}

/// Opens `bytes` as a PDF, decrypting it with the empty password or `password`.
pub(crate) fn open(bytes: &[u8], password: Option<&str>) -> Result<Loaded, Outcome> {
    let options = LoadOptions {
        password: password.map(str::to_string),
        ..LoadOptions::default()
    };
    let loaded = match Document::load_mem_with_options(bytes, options.clone()) {
        // A file without its `%PDF-` line (readers accept it): give it one, the cross-reference
        // table is then rebuilt from the objects.
        Err(Error::Parse(lopdf::ParseError::InvalidFileHeader))
            if find(bytes, b"%PDF-").is_none() =>
        {
            let mut with_header = b"%PDF-1.7\n".to_vec();
            with_header.extend_from_slice(bytes);
            Document::load_mem_with_options(&with_header, options).map(|mut doc| {
                recover_streams(&mut doc, &with_header);
                doc
            })
        }
        other => other.map(|mut doc| {
            recover_streams(&mut doc, bytes);
            doc
        }),
    };
    let unreadable = loaded.as_ref().map_or(true, |d| d.get_pages().is_empty());
    if unreadable && has_inline_encryption(bytes) {
        // lopdf only decrypts with an /Encrypt dictionary that is an object of its own.
        return Err(Outcome::unsupported_encryption(
            "its encryption dictionary is inline",
        ));
    }
    let mut doc = loaded.map_err(|e| classify(&e, password))?;
    if doc.is_encrypted() && !doc.was_encrypted() && encrypts_nothing(&doc) {
        // Only embedded files are encrypted (AuthEvent EFOpen): pages read without a password.
        if let Ok(plain) = Document::load_mem(&without_encrypt_entry(bytes)) {
            doc = plain;
        }
    }
    if doc.is_encrypted() && !doc.was_encrypted() {
        // lopdf leaves an encrypted file unloaded when no password it was given opens it.
        return Err(match password {
            Some(_) => Outcome::wrong_password(),
            None => Outcome::needs_password(),
        });
    }
    if doc.get_pages().is_empty() {
        return Err(Outcome::damaged("no pages could be found in it"));
    }
    Ok(Loaded { doc })
}

/// Whether the encryption leaves strings and streams as they are (`/StmF /Identity` and
/// `/StrF /Identity`: only embedded files are encrypted).
fn encrypts_nothing(doc: &Document) -> bool {
    let Ok(encrypt) = doc.get_encrypted() else {
        return false;
    };
    let identity = |key: &[u8]| matches!(encrypt.get(key), Ok(Object::Name(n)) if n == b"Identity");
    identity(b"StmF") && identity(b"StrF")
}

/// The file with every `/Encrypt n g R` entry blanked out (same length, so every offset in
/// the cross-reference table still holds).
fn without_encrypt_entry(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let key = b"/Encrypt";
    let mut from = 0;
    while let Some(at) = find(&out[from..], key).map(|p| p + from) {
        let end = reference_end(&out, at + key.len());
        if let Some(end) = end {
            out[at..end].fill(b' ');
        }
        from = end.unwrap_or(at + key.len());
    }
    out
}

/// The end of an indirect reference (`12 0 R`, after optional whitespace) starting at `at`.
fn reference_end(bytes: &[u8], mut at: usize) -> Option<usize> {
    let skip = |pred: fn(&u8) -> bool, at: &mut usize, needed: bool| {
        let n = bytes.get(*at..)?.iter().take_while(|b| pred(b)).count();
        *at += n;
        (!needed || n > 0).then_some(())
    };
    skip(u8::is_ascii_whitespace, &mut at, false)?;
    skip(u8::is_ascii_digit, &mut at, true)?;
    skip(u8::is_ascii_whitespace, &mut at, true)?;
    skip(u8::is_ascii_digit, &mut at, true)?;
    skip(u8::is_ascii_whitespace, &mut at, true)?;
    (bytes.get(at) == Some(&b'R')).then_some(at + 1)
}

/// Whether the trailer's /Encrypt is a dictionary written in place (`/Encrypt <<`).
fn has_inline_encryption(bytes: &[u8]) -> bool {
    let key = b"/Encrypt";
    let mut rest = bytes;
    while let Some(at) = find(rest, key) {
        rest = &rest[at + key.len()..];
        let value = rest
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map(|p| &rest[p..]);
        if value.is_some_and(|v| v.starts_with(b"<<")) {
            return true;
        }
    }
    false
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Streams lopdf left empty because their dictionary has no usable Length: their data runs
/// from where the stream starts to the `endstream` keyword.
fn recover_streams(doc: &mut Document, bytes: &[u8]) {
    let base = find(bytes, b"%PDF-").unwrap_or(0);
    for object in doc.objects.values_mut() {
        let Object::Stream(stream) = object else {
            continue;
        };
        if !stream.content.is_empty() || stream.dict.has(b"Length") {
            continue;
        }
        let Some(start) = stream.start_position.and_then(|p| p.checked_add(base)) else {
            continue;
        };
        let Some(rest) = bytes.get(start..) else {
            continue;
        };
        if let Some(end) = find(rest, b"endstream") {
            let data = rest[..end].strip_suffix(b"\n").unwrap_or(&rest[..end]);
            let data = data.strip_suffix(b"\r").unwrap_or(data);
            stream.set_content(data.to_vec());
        }
    }
}

fn classify(error: &Error, password: Option<&str>) -> Outcome {
    match error {
        Error::InvalidPassword | Error::Decryption(DecryptionError::IncorrectPassword) => {
            match password {
                Some(_) => Outcome::wrong_password(),
                None => Outcome::needs_password(),
            }
        }
        Error::Decryption(
            e @ (DecryptionError::UnsupportedEncryption
            | DecryptionError::UnsupportedVersion
            | DecryptionError::UnsupportedRevision),
        ) => Outcome::unsupported_encryption(&e.to_string()),
        Error::Decryption(e) => Outcome::damaged(&format!("its encryption data is broken ({e})")),
        other => Outcome::damaged(&describe(other)),
    }
}

/// lopdf's error, said in a way that helps a person (its own text for parse errors is terse).
fn describe(error: &Error) -> String {
    match error {
        Error::Parse(e) => format!("it is not a readable PDF ({e})"),
        Error::Xref(e) => format!("its table of contents is broken and could not be rebuilt ({e})"),
        other => format!("it could not be opened ({other})"),
    }
}

impl Loaded {
    /// The Title of the Info dictionary, trimmed; None when missing or blank.
    pub fn title(&self) -> Option<String> {
        let info = self.doc.trailer.get_deref(b"Info", &self.doc).ok()?;
        let title = info.as_dict().ok()?.get_deref(b"Title", &self.doc).ok()?;
        let text = match title {
            Object::String(..) => lopdf::decode_text_string(title).ok()?,
            _ => return None,
        };
        let text: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        (!text.is_empty()).then_some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_encrypt_references_are_blanked() {
        let bytes = b"<</Root 1 0 R/Encrypt 12 0 R>> /Encrypt<</R 6>>";
        let out = without_encrypt_entry(bytes);
        assert_eq!(out.len(), bytes.len());
        assert_eq!(
            &out[..],
            &b"<</Root 1 0 R               >> /Encrypt<</R 6>>"[..]
        );
        assert!(has_inline_encryption(bytes));
        assert!(!has_inline_encryption(b"/Encrypt 3 0 R"));
    }
}
