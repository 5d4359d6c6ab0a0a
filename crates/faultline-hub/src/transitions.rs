//! Which work-order status changes the hub accepts.

pub const STATUSES: [&str; 5] = ["open", "in_progress", "completed", "closed", "cancelled"];

/// True when a work order may go from `from` to `to` (`from == to` is not a transition).
pub fn allowed(from: &str, to: &str) -> bool {
    matches!(
        (from, to),
        ("open", "in_progress" | "completed" | "closed" | "cancelled")
            | ("in_progress", "completed" | "closed" | "cancelled" | "open")
            | ("completed", "closed" | "in_progress")
    )
}

/// A sentence for a refused transition.
pub fn refusal(from: &str, to: &str) -> String {
    if !STATUSES.contains(&to) {
        return format!(
            "{to:?} is not a work-order status; use one of {}",
            STATUSES.join(", ")
        );
    }
    match from {
        "closed" | "cancelled" => format!(
            "the work order is {from} on the hub, which is final: it cannot become {to}; open a new work order instead"
        ),
        _ => format!("a work order cannot go from {from} to {to}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_transition_table_is_as_documented() {
        for to in ["in_progress", "completed", "closed", "cancelled"] {
            assert!(allowed("open", to), "open -> {to}");
        }
        for to in ["completed", "closed", "cancelled", "open"] {
            assert!(allowed("in_progress", to), "in_progress -> {to}");
        }
        assert!(allowed("completed", "closed"));
        assert!(allowed("completed", "in_progress"));
        assert!(!allowed("completed", "open"));
        assert!(!allowed("completed", "cancelled"));
        for from in ["closed", "cancelled"] {
            for to in STATUSES {
                assert!(!allowed(from, to), "{from} -> {to}");
            }
        }
        assert!(!allowed("open", "open"));
        assert!(!allowed("open", "done"));
        assert!(refusal("closed", "open").contains("final"));
        assert!(refusal("open", "done").contains("not a work-order status"));
    }
}
