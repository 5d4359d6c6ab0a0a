//! The built-in encoding of an embedded Type 1 font program, read from its clear-text part
//! (`/Encoding 256 array … dup 65 /A put … readonly def`). pdf-extract reads it with a parser
//! that panics on programs it does not expect (PFB segment headers, odd tokens) and costs a
//! parse of the program per page; here it is read once, tolerantly, and given to pdf-extract
//! as an ordinary `/Encoding` dictionary.

/// The (code, glyph name) pairs of the font's own encoding, or None when the program uses
/// the standard encoding or has none that can be read.
pub(crate) fn builtin_encoding(program: &[u8]) -> Option<Vec<(u8, Vec<u8>)>> {
    let start = find(program, b"/Encoding")?;
    let rest = &program[start + b"/Encoding".len()..];
    let end = find(rest, b"readonly def")
        .or_else(|| find(rest, b" def"))
        .unwrap_or(rest.len().min(64 * 1024));
    let body = &rest[..end];
    let words: Vec<&[u8]> = body
        .split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    let mut pairs = Vec::new();
    for window in words.windows(4) {
        if let [b"dup", code, name, b"put"] = window {
            let code = std::str::from_utf8(code)
                .ok()
                .and_then(|c| c.parse::<u8>().ok());
            if let (Some(code), Some(name)) = (code, name.strip_prefix(b"/")) {
                if !name.is_empty() && name != b".notdef" {
                    pairs.push((code, name.to_vec()));
                }
            }
        }
    }
    (!pairs.is_empty()).then_some(pairs)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encoding_array_is_read_past_a_pfb_header() {
        let program = b"\x80\x01\x10\x04\0\0%!FontType1-1.0: X\n/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\ndup 32 /space put\ndup 65 /A put\nreadonly def\ncurrentfile eexec\x00\xff";
        let pairs = builtin_encoding(program);
        assert_eq!(
            pairs,
            Some(vec![(32, b"space".to_vec()), (65, b"A".to_vec())])
        );
    }

    #[test]
    fn the_standard_encoding_is_no_encoding_of_its_own() {
        assert_eq!(builtin_encoding(b"/Encoding StandardEncoding def"), None);
        assert_eq!(builtin_encoding(b"no encoding here"), None);
    }
}
