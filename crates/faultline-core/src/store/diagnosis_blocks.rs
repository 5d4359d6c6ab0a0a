//! The postings of the diagnosis text index as compressed blocks (migration 0020): per term, runs
//! of at most [`block_postings`] postings sorted by work order rid, each one row of `diag_blocks`
//! with its first and last rid, its largest occurrences and shortest length (so a block's best
//! BM25 contribution is known without reading it) and its postings delta + varint encoded. This
//! module is the encoding and the splitting into blocks; `diagnosis_postings.rs` reads and
//! writes the rows.

use super::diagnosis_postings::Posting;
use crate::error::{CoreError, Result};
use std::cell::Cell;

/// Postings per block when a block is written (a block of ~7-byte postings stays within one
/// 4 KiB page).
pub const BLOCK_POSTINGS: usize = 512;

thread_local! {
    static BLOCK_LEN: Cell<usize> = const { Cell::new(BLOCK_POSTINGS) };
}

/// The postings per block written by this thread ([`BLOCK_POSTINGS`] unless a test set fewer).
pub fn block_postings() -> usize {
    BLOCK_LEN.with(Cell::get)
}

/// Tests: write blocks of `n` postings (at least 1) from this thread, so small histories span
/// many blocks. The reads do not depend on it.
#[doc(hidden)]
pub fn set_block_postings_for_this_thread(n: usize) {
    BLOCK_LEN.with(|c| c.set(n.max(1)));
}

/// What the index on `diag_blocks` holds of a block: enough to skip it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockMeta {
    /// The row id of the block (to read its postings).
    pub id: i64,
    pub first_rid: i64,
    pub last_rid: i64,
    /// The largest occurrences and the shortest document length in the block.
    pub max_tf: u32,
    pub min_len: u32,
    /// Postings of closed breakdowns with a cause in the block.
    pub evidence: u32,
}

fn put(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[inline]
fn get(blob: &[u8], at: &mut usize) -> Result<u64> {
    // Most numbers are one byte.
    if let Some(&b) = blob.get(*at).filter(|b| **b < 0x80) {
        *at += 1;
        return Ok(u64::from(b));
    }
    let mut v: u64 = 0;
    for shift in (0..64).step_by(7) {
        let Some(&b) = blob.get(*at) else {
            return Err(CoreError::InvalidState(
                "a diagnosis postings block ends inside a number".into(),
            ));
        };
        *at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Ok(v);
        }
    }
    Err(CoreError::InvalidState(
        "a diagnosis postings block has a number over 64 bits".into(),
    ))
}

/// The postings (sorted by rid, distinct) as a block's bytes: per posting the rid's distance to
/// the previous one (the first to the block's first rid), occurrences × 2 + evidence, length and
/// asset, each a LEB128 varint.
pub fn encode(postings: &[Posting]) -> Vec<u8> {
    let mut out = Vec::with_capacity(postings.len() * 7);
    let mut prev = postings.first().map_or(0, |p| p.rid);
    for p in postings {
        put(&mut out, p.rid.wrapping_sub(prev) as u64);
        prev = p.rid;
        put(&mut out, u64::from(p.tf) << 1 | u64::from(p.evidence));
        put(&mut out, u64::from(p.len));
        put(&mut out, p.asset_rid as u64);
    }
    out
}

/// The postings of a block whose first rid is `first_rid`.
pub fn decode(first_rid: i64, blob: &[u8], out: &mut Vec<Posting>) -> Result<()> {
    let mut at = 0;
    let mut rid = first_rid;
    out.reserve(blob.len() / 5);
    let narrow = |v: u64| {
        u32::try_from(v).map_err(|_| {
            CoreError::InvalidState("a diagnosis postings block has a count over 32 bits".into())
        })
    };
    while at < blob.len() {
        rid = rid.wrapping_add(get(blob, &mut at)? as i64);
        let tf = get(blob, &mut at)?;
        let len = narrow(get(blob, &mut at)?)?;
        let asset_rid = get(blob, &mut at)? as i64;
        out.push(Posting {
            rid,
            tf: narrow(tf >> 1)?,
            len,
            asset_rid,
            evidence: tf & 1 == 1,
        });
    }
    Ok(())
}

/// A block to write: its bounds and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBlock {
    pub first_rid: i64,
    pub last_rid: i64,
    pub count: usize,
    pub max_tf: u32,
    pub min_len: u32,
    pub evidence: u32,
    pub bytes: Vec<u8>,
}

/// The postings (sorted by rid, distinct) cut into blocks of at most `cap`, each full but the
/// last.
pub fn blocks(postings: &[Posting], cap: usize) -> Vec<NewBlock> {
    postings
        .chunks(cap.max(1))
        .filter_map(|c| {
            let (first, last) = (c.first()?, c.last()?);
            Some(NewBlock {
                first_rid: first.rid,
                last_rid: last.rid,
                count: c.len(),
                max_tf: c.iter().map(|p| p.tf).max().unwrap_or(0),
                min_len: c.iter().map(|p| p.len).min().unwrap_or(0),
                evidence: u32::try_from(c.iter().filter(|p| p.evidence).count())
                    .unwrap_or(u32::MAX),
                bytes: encode(c),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(rid: i64, tf: u32, len: u32, asset_rid: i64, evidence: bool) -> Posting {
        Posting {
            rid,
            tf,
            len,
            asset_rid,
            evidence,
        }
    }

    #[test]
    fn a_block_decodes_to_its_postings() -> Result<()> {
        let ps = vec![
            p(1, 1, 9, 7, false),
            p(2, 3, 200, 20_000, true),
            p(130, 1, 1, 1, true),
            p(1_000_000_000_000, u32::MAX, u32::MAX, i64::MAX, false),
        ];
        let bytes = encode(&ps);
        let mut out = Vec::new();
        decode(1, &bytes, &mut out)?;
        assert_eq!(out, ps);
        // Small numbers take a byte each.
        assert_eq!(encode(&ps[..2]).len(), 4 + 1 + 1 + 2 + 3);
        Ok(())
    }

    #[test]
    fn a_cut_block_is_an_error_not_a_panic() {
        let bytes = encode(&[p(5, 1, 300, 70_000, false)]);
        for end in 1..bytes.len() {
            let mut out = Vec::new();
            assert!(decode(5, &bytes[..end], &mut out).is_err(), "{end}");
        }
        let mut out = Vec::new();
        assert!(decode(0, &[0xff; 11], &mut out).is_err());
    }

    #[test]
    fn postings_are_cut_into_full_blocks_with_their_bounds() -> Result<()> {
        let ps: Vec<Posting> = (0..7)
            .map(|i| p(10 + i * 3, 1 + (i as u32 % 3), 20 - i as u32, i, i % 2 == 0))
            .collect();
        let bs = blocks(&ps, 3);
        assert_eq!(
            bs.iter()
                .map(|b| (
                    b.first_rid,
                    b.last_rid,
                    b.count,
                    b.max_tf,
                    b.min_len,
                    b.evidence
                ))
                .collect::<Vec<_>>(),
            vec![
                (10, 16, 3, 3, 18, 2),
                (19, 25, 3, 3, 15, 1),
                (28, 28, 1, 1, 14, 1)
            ]
        );
        let mut back = Vec::new();
        for b in &bs {
            decode(b.first_rid, &b.bytes, &mut back)?;
        }
        assert_eq!(back, ps);
        assert!(blocks(&[], 3).is_empty());
        Ok(())
    }
}
