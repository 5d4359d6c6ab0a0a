//! Numbers as people read them in reports and progress lines (the bench's tables, the CLI's
//! progress on stderr).

/// 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn digits_are_grouped_by_three() {
        let shown: Vec<String> = [0, 7, 999, 1_000, 34_000, 340_000, 1_000_000]
            .iter()
            .map(|n| super::thousands(*n))
            .collect();
        assert_eq!(
            shown,
            ["0", "7", "999", "1,000", "34,000", "340,000", "1,000,000"]
        );
    }
}
