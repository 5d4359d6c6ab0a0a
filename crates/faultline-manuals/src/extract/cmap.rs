//! Rewrites the CMaps embedded in a PDF into the plain form pdf-extract 0.12's CMap reader
//! (adobe-cmap-parser) reads correctly. That reader panics, or silently maps nothing, on what
//! real files contain: a name with spaces in it (`/CMapName /Jameel Noori …`), a section count
//! that does not match its entries, a `bfrange` to a string of another length than 2 or 4
//! bytes, invalid UTF-16; it also misreads every `cidrange` section after its first entry, and
//! takes a codespace's width in bytes for its width in code units. Here the entries are read
//! with a tolerant tokenizer, checked, and written back with exact counts, one `cidrange` per
//! section and codespace bounds padded to twice their length (so that their width comes out
//! right). Everything else (comments, names, `usecmap`) is dropped.

/// One token of a CMap.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Hex(Vec<u8>),
    Int(i64),
    Word(Vec<u8>),
    ArrayStart,
    ArrayEnd,
    Other,
}

fn is_delimiter(b: u8) -> bool {
    b.is_ascii_whitespace() || b == 0 || b"()<>[]{}/%".contains(&b)
}

fn hex_value(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

fn tokens(data: &[u8]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        match b {
            _ if b.is_ascii_whitespace() || b == 0 => i += 1,
            b'%' => {
                while i < data.len() && !matches!(data[i], b'\r' | b'\n') {
                    i += 1;
                }
            }
            b'[' => {
                out.push(Token::ArrayStart);
                i += 1;
            }
            b']' => {
                out.push(Token::ArrayEnd);
                i += 1;
            }
            b'<' if data.get(i + 1) == Some(&b'<') => {
                out.push(Token::Other);
                i += 2;
            }
            b'<' => {
                let end = data[i..]
                    .iter()
                    .position(|c| *c == b'>')
                    .map_or(data.len(), |p| i + p);
                let digits: Vec<u8> = data[i + 1..end]
                    .iter()
                    .filter_map(|c| hex_value(*c))
                    .collect();
                let mut bytes: Vec<u8> = digits
                    .chunks(2)
                    .map(|p| p[0] << 4 | p.get(1).copied().unwrap_or(0))
                    .collect();
                if digits.is_empty() {
                    bytes.clear();
                }
                out.push(Token::Hex(bytes));
                i = end + 1;
            }
            b'(' => {
                let mut depth = 0usize;
                while i < data.len() {
                    match data[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                out.push(Token::Other);
                i += 1;
            }
            _ => {
                let start = i;
                i += 1;
                while i < data.len() && !is_delimiter(data[i]) {
                    i += 1;
                }
                let word = &data[start..i];
                out.push(
                    match std::str::from_utf8(word).ok().and_then(|w| w.parse().ok()) {
                        Some(n) => Token::Int(n),
                        None if b == b'/' || b == b'>' || b == b')' || b == b'{' || b == b'}' => {
                            Token::Other
                        }
                        None => Token::Word(word.to_vec()),
                    },
                );
            }
        }
    }
    out
}

/// The entries of a CMap, as read.
#[derive(Debug, Default, PartialEq)]
struct Entries {
    codespace: Vec<(Vec<u8>, Vec<u8>)>,
    cid_ranges: Vec<(u32, u32, u32)>,
    /// Code → UTF-16 code units.
    chars: Vec<(u32, Vec<u16>)>,
    /// Code range → first value (one or two UTF-16 code units).
    ranges: Vec<(u32, u32, Vec<u16>)>,
}

fn code(bytes: &[u8]) -> Option<u32> {
    (!bytes.is_empty() && bytes.len() <= 4)
        .then(|| bytes.iter().fold(0u32, |c, b| c << 8 | u32::from(*b)))
}

/// UTF-16 code units of a destination string, if they decode.
fn utf16(bytes: &[u8]) -> Option<Vec<u16>> {
    if bytes.is_empty() || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|p| u16::from(p[0]) << 8 | u16::from(p[1]))
        .collect();
    String::from_utf16(&units).ok().map(|_| units)
}

/// The largest span of one range kept (a wider one is a broken file, not a font).
const MAX_SPAN: u32 = 0xFFFF;

fn read(data: &[u8]) -> Entries {
    let t = tokens(data);
    let mut e = Entries::default();
    let mut i = 0;
    while i < t.len() {
        let Token::Word(w) = &t[i] else {
            i += 1;
            continue;
        };
        let end: &[u8] = match w.as_slice() {
            b"begincodespacerange" => b"endcodespacerange",
            b"begincidrange" => b"endcidrange",
            b"begincidchar" => b"endcidchar",
            b"beginbfchar" => b"endbfchar",
            b"beginbfrange" => b"endbfrange",
            _ => {
                i += 1;
                continue;
            }
        };
        let section = w.clone();
        let stop = t[i + 1..]
            .iter()
            .position(|x| matches!(x, Token::Word(w) if w.as_slice() == end))
            .map_or(t.len(), |p| i + 1 + p);
        read_section(&section, &t[i + 1..stop], &mut e);
        i = stop + 1;
    }
    e
}

fn read_section(section: &[u8], t: &[Token], e: &mut Entries) {
    let mut i = 0;
    while i < t.len() {
        let step = match (section, &t[i..]) {
            (b"begincodespacerange", [Token::Hex(a), Token::Hex(b), ..]) => {
                if a.len() == b.len() && (1..=4).contains(&a.len()) {
                    e.codespace.push((a.clone(), b.clone()));
                }
                2
            }
            (b"begincidrange", [Token::Hex(a), Token::Hex(b), Token::Int(cid), ..]) => {
                if let (Some(lo), Some(hi), Ok(cid)) = (code(a), code(b), u32::try_from(*cid)) {
                    if lo <= hi && hi - lo <= MAX_SPAN {
                        e.cid_ranges.push((lo, hi, cid));
                    }
                }
                3
            }
            (b"begincidchar", [Token::Hex(a), Token::Int(cid), ..]) => {
                if let (Some(c), Ok(cid)) = (code(a), u32::try_from(*cid)) {
                    e.cid_ranges.push((c, c, cid));
                }
                2
            }
            (b"beginbfchar", [Token::Hex(a), Token::Hex(b), ..]) => {
                if let (Some(c), Some(u)) = (code(a), utf16(b)) {
                    e.chars.push((c, u));
                }
                2
            }
            (b"beginbfrange", [Token::Hex(a), Token::Hex(b), Token::ArrayStart, rest @ ..]) => {
                let close = rest
                    .iter()
                    .position(|x| *x == Token::ArrayEnd)
                    .unwrap_or(rest.len());
                if let (Some(lo), Some(hi)) = (code(a), code(b)) {
                    for (offset, item) in rest[..close].iter().enumerate() {
                        let c = u32::try_from(offset).ok().and_then(|o| lo.checked_add(o));
                        if let (Some(c), Token::Hex(u)) = (c.filter(|c| *c <= hi), item) {
                            if let Some(u) = utf16(u) {
                                e.chars.push((c, u));
                            }
                        }
                    }
                }
                3 + close + 1
            }
            (b"beginbfrange", [Token::Hex(a), Token::Hex(b), Token::Hex(u), ..]) => {
                if let (Some(lo), Some(hi), Some(u)) = (code(a), code(b), utf16(u)) {
                    if lo <= hi && hi - lo <= MAX_SPAN {
                        range(lo, hi, u, e);
                    }
                }
                3
            }
            _ => 1,
        };
        i += step;
    }
}

/// A bfrange: kept as a range when pdf-extract can step it (one code unit that does not run
/// past U+FFFF), otherwise spelled out code by code (the last code unit is incremented).
fn range(lo: u32, hi: u32, first: Vec<u16>, e: &mut Entries) {
    let span = hi - lo;
    if first.len() == 1 && u32::from(first[0]) + span <= 0xFFFF {
        e.ranges.push((lo, hi, first));
        return;
    }
    for offset in 0..=span.min(1023) {
        let mut units = first.clone();
        let last = units.len() - 1;
        let Some(unit) = u16::try_from(offset)
            .ok()
            .and_then(|o| units[last].checked_add(o))
        else {
            break;
        };
        units[last] = unit;
        if String::from_utf16(&units).is_ok() {
            e.chars.push((lo + offset, units));
        }
    }
}

fn hex(out: &mut String, bytes: impl IntoIterator<Item = u8>) {
    out.push('<');
    for b in bytes {
        out.push_str(&format!("{b:02X}"));
    }
    out.push('>');
}

fn code_hex(out: &mut String, code: u32) {
    let bytes = code.to_be_bytes();
    let skip = if code <= 0xFFFF { 2 } else { 0 };
    hex(out, bytes[skip..].iter().copied());
}

fn units_hex(out: &mut String, units: &[u16]) {
    hex(out, units.iter().flat_map(|u| u.to_be_bytes()));
}

/// Sections of at most this many entries.
const CHUNK: usize = 100;

/// The codespace ranges a CMap declares, as hex digits (low, high).
pub(crate) fn codespace_of(data: &[u8]) -> Vec<(String, String)> {
    let digits = |b: &[u8]| b.iter().map(|x| format!("{x:02X}")).collect::<String>();
    read(data)
        .codespace
        .iter()
        .map(|(lo, hi)| (digits(lo), digits(hi)))
        .collect()
}

/// A ToUnicode CMap as pdf-extract reads it correctly (see the module comment).
pub(crate) fn normalize_to_unicode(data: &[u8]) -> Vec<u8> {
    let e = read(data);
    let mut out = String::from("begincmap\n");
    for chunk in e.chars.chunks(CHUNK) {
        out.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for (c, u) in chunk {
            code_hex(&mut out, *c);
            out.push(' ');
            units_hex(&mut out, u);
            out.push('\n');
        }
        out.push_str("endbfchar\n");
    }
    for chunk in e.ranges.chunks(CHUNK) {
        out.push_str(&format!("{} beginbfrange\n", chunk.len()));
        for (lo, hi, u) in chunk {
            code_hex(&mut out, *lo);
            out.push(' ');
            code_hex(&mut out, *hi);
            out.push(' ');
            units_hex(&mut out, u);
            out.push('\n');
        }
        out.push_str("endbfrange\n");
    }
    out.push_str("endcmap\n");
    out.into_bytes()
}

/// An encoding CMap of a Type0 font as pdf-extract reads it correctly, or None when it has no
/// codespace (the font is then read as Identity-H).
pub(crate) fn normalize_encoding(data: &[u8]) -> Option<Vec<u8>> {
    let e = read(data);
    if e.codespace.is_empty() {
        return None;
    }
    let mut out = String::from("begincmap\n");
    out.push_str(&format!("{} begincodespacerange\n", e.codespace.len()));
    for (lo, hi) in &e.codespace {
        // pdf-extract takes half the byte length as the code width: pad to twice the length.
        hex(
            &mut out,
            std::iter::repeat_n(0, lo.len()).chain(lo.iter().copied()),
        );
        out.push(' ');
        hex(
            &mut out,
            std::iter::repeat_n(0, hi.len()).chain(hi.iter().copied()),
        );
        out.push('\n');
    }
    out.push_str("endcodespacerange\n");
    for (lo, hi, cid) in &e.cid_ranges {
        // pdf-extract misreads every entry of a cidrange section after the first.
        out.push_str("1 begincidrange\n");
        code_hex(&mut out, *lo);
        out.push(' ');
        code_hex(&mut out, *hi);
        out.push_str(&format!(" {cid}\nendcidrange\n"));
    }
    out.push_str("endcmap\n");
    Some(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn map(data: &[u8]) -> std::collections::HashMap<u32, Vec<u8>> {
        adobe_cmap_parser::get_unicode_map(&normalize_to_unicode(data)).unwrap_or_default()
    }

    #[test]
    fn a_name_with_spaces_and_a_wrong_count_no_longer_hide_the_mappings() {
        let data = b"/CMapName /Jameel Noori Nastaleeq def\n3 beginbfchar\n<0041> <0627>\n<0042> <0628>\nendbfchar\n1 beginbfrange <0100> <0102> <0030> endbfrange";
        let m = map(data);
        assert_eq!(m.get(&0x41), Some(&vec![0x06, 0x27]));
        assert_eq!(m.get(&0x102), Some(&vec![0x00, 0x32]));
        assert_eq!(m.len(), 5);
    }

    #[test]
    fn ranges_to_ligatures_and_arrays_are_spelled_out() {
        let data = b"2 beginbfrange\n<01> <02> <00660066>\n<03> <04> [<0041> <00420043>]\nendbfrange\n1 beginbfchar <05> <D800> endbfchar";
        let m = map(data);
        assert_eq!(m.get(&1), Some(&vec![0, 0x66, 0, 0x66]));
        assert_eq!(m.get(&2), Some(&vec![0, 0x66, 0, 0x67]));
        assert_eq!(m.get(&4), Some(&vec![0, 0x42, 0, 0x43]));
        assert_eq!(m.get(&5), None);
    }

    #[test]
    fn encoding_cmaps_keep_every_range_and_their_code_width() {
        let data = b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n3 begincidrange\n<0020> <0020> 3\n<0025> <0025> 4\n<0028> <0029> 5\nendcidrange\n1 begincidchar <0030> 9 endcidchar";
        let out = normalize_encoding(data).unwrap_or_default();
        let m = adobe_cmap_parser::get_byte_mapping(&out).map_err(|e| e.to_string());
        let m = m.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.codespace.len(), 1);
        assert_eq!((m.codespace[0].width, m.codespace[0].end), (2, 0xFFFF));
        let cids: Vec<(u32, u32, u32)> = m
            .cid
            .iter()
            .map(|r| (r.src_code_lo, r.src_code_hi, r.dst_CID_lo))
            .collect();
        assert_eq!(
            cids,
            [
                (0x20, 0x20, 3),
                (0x25, 0x25, 4),
                (0x28, 0x29, 5),
                (0x30, 0x30, 9)
            ]
        );
    }

    proptest! {
        #[test]
        fn any_input_gives_a_cmap_the_reader_accepts(data in proptest::collection::vec(any::<u8>(), 0..300)) {
            prop_assert!(adobe_cmap_parser::get_unicode_map(&normalize_to_unicode(&data)).is_ok());
            if let Some(out) = normalize_encoding(&data) {
                prop_assert!(adobe_cmap_parser::get_byte_mapping(&out).is_ok());
            }
        }

        #[test]
        fn entries_survive(pairs in proptest::collection::vec((0u16..0xD000, 0x20u16..0xD000), 1..40)) {
            let mut data = format!("{} beginbfchar\n", pairs.len());
            for (c, u) in &pairs {
                data.push_str(&format!("<{c:04X}> <{u:04X}>\n"));
            }
            data.push_str("endbfchar");
            let m = map(data.as_bytes());
            for (c, _) in &pairs {
                prop_assert!(m.contains_key(&u32::from(*c)));
            }
        }
    }
}
