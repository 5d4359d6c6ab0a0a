//! Decompressing streams once, in lopdf 0.47 (which knows more filters than pdf-extract's
//! lopdf and bounds the output), so that pdf-extract does not decompress them again.

use lopdf::Stream;

/// The largest stream decompressed here (bigger ones are left as they are).
pub(crate) const MAX_CONTENT_BYTES: usize = 256 * 1024 * 1024;

/// Replaces the stream's content by its decompressed bytes (and drops its filters); false
/// when it cannot be decompressed (unknown filter, corrupt data, too big).
pub(crate) fn decompress_in_place(stream: &mut Stream) -> bool {
    if !stream.dict.has(b"Filter") {
        return true;
    }
    match stream.decompressed_content_with_limit(MAX_CONTENT_BYTES) {
        Ok(data) => {
            stream.dict.remove(b"Filter");
            stream.dict.remove(b"DecodeParms");
            stream.set_content(data);
            true
        }
        Err(_) => false,
    }
}
