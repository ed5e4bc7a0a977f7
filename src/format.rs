//! Numbers as people read them: counts, sizes and times.

use std::time::Duration;

/// 16980 → "16,980".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `text` right-aligned in `width` characters, as `format!("{text:>width$}")` does, for any width:
/// format!'s stops at 65,535 and panics past it, and a class name can be longer.
pub fn right(text: &str, width: usize) -> String {
    " ".repeat(width.saturating_sub(text.chars().count())) + text
}

/// `text` left-aligned in `width` characters (see [`right`]).
pub fn left(text: &str, width: usize) -> String {
    text.to_owned() + &" ".repeat(width.saturating_sub(text.chars().count()))
}

/// Bytes in megabytes: "0.2 MB", "268.0 MB", "10,000,000 MB".
pub fn megabytes(bytes: u64) -> String {
    let mb = bytes as f64 / 1e6;
    if mb < 1000.0 {
        return format!("{mb:.1} MB");
    }
    format!("{} MB", thousands(mb.round() as usize))
}

/// A time left or taken, as a clock: "0:07", "3:05", "72:00".
pub fn clock(d: Duration) -> String {
    let s = d.as_secs();
    format!("{}:{:02}", s / 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(3_600_000), "3,600,000");
    }

    #[test]
    fn megabytes_and_clocks_read_like_numbers() {
        assert_eq!(megabytes(164_032), "0.2 MB");
        assert_eq!(megabytes(268_000_000), "268.0 MB");
        assert_eq!(megabytes(10_000_000_000_000), "10,000,000 MB");
        assert_eq!(megabytes(1_000_000_000_000_000_000), "1,000,000,000,000 MB");
        assert_eq!(clock(Duration::from_secs(7)), "0:07");
        assert_eq!(clock(Duration::from_secs(185)), "3:05");
    }

    #[test]
    fn any_width_aligns_as_format_does() {
        assert_eq!(right("ab", 4), format!("{:>4}", "ab"));
        assert_eq!(left("é", 3), format!("{:<3}", "é"));
        assert_eq!(right("long", 2), "long");
        let name = "x".repeat(70_000);
        assert_eq!(right(&name, 70_001).len(), 70_001);
    }
}
