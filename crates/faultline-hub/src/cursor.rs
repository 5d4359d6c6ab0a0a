//! The pull cursor: the (transaction id, sequence) key of the last change a device has, sent as
//! opaque base64url of `"xid:seq"`.

use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;

/// Position in a site's change feed. `Cursor::START` is before every change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Cursor {
    pub xid: u64,
    pub seq: i64,
}

impl Cursor {
    pub const START: Cursor = Cursor { xid: 0, seq: 0 };

    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}:{}", self.xid, self.seq))
    }

    /// Reads a cursor a device sent back; `Err` says what is wrong with it.
    pub fn decode(text: &str) -> Result<Cursor, String> {
        let text = text.trim();
        let bytes = URL_SAFE_NO_PAD
            .decode(text.trim_end_matches('='))
            .or_else(|_| URL_SAFE.decode(text))
            .map_err(|_| "the cursor is not one this hub gave out (not base64url)".to_string())?;
        let s = String::from_utf8(bytes)
            .map_err(|_| "the cursor is not one this hub gave out".to_string())?;
        let (x, q) = s
            .split_once(':')
            .ok_or_else(|| "the cursor is not one this hub gave out".to_string())?;
        match (x.parse::<u64>(), q.parse::<i64>()) {
            (Ok(xid), Ok(seq)) if seq >= 0 && xid < (1 << 62) => Ok(Cursor { xid, seq }),
            _ => Err("the cursor is not one this hub gave out".to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_garbage_is_refused() {
        let c = Cursor {
            xid: 123_456,
            seq: 789,
        };
        assert_eq!(Cursor::decode(&c.encode()), Ok(c));
        assert_eq!(Cursor::decode(&Cursor::START.encode()), Ok(Cursor::START));
        assert!(Cursor::decode("not a cursor!").is_err());
        assert!(Cursor::decode(&URL_SAFE_NO_PAD.encode("12")).is_err());
        assert!(Cursor::decode(&URL_SAFE_NO_PAD.encode("1:-4")).is_err());
        // Padded base64url (as some clients re-encode it) is read too.
        assert_eq!(
            Cursor::decode(&URL_SAFE.encode("5:6")),
            Ok(Cursor { xid: 5, seq: 6 })
        );
    }

    #[test]
    fn cursors_order_by_transaction_then_sequence() {
        let a = Cursor { xid: 5, seq: 100 };
        let b = Cursor { xid: 6, seq: 1 };
        assert!(a < b);
    }
}
