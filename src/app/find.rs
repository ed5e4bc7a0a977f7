//! Case-insensitive substring search. Matching runs over text lower-cased once at load; highlighting
//! maps matches back onto the original text, whose byte offsets may differ from the lower-cased copy.

use std::ops::Range;

use memchr::memmem;

use crate::data::Dataset;

/// Positions (into `view`) of the rows whose title or content contains `query`, case-insensitively.
pub fn matching(data: &Dataset, view: &[u32], query: &str) -> Vec<usize> {
    let needle = query.to_lowercase();
    if needle.is_empty() {
        return Vec::new();
    }
    let finder = memmem::Finder::new(needle.as_bytes());
    view.iter()
        .enumerate()
        .filter(|&(_, &row)| {
            finder
                .find(data.haystack(row as usize).as_bytes())
                .is_some()
        })
        .map(|(pos, _)| pos)
        .collect()
}

/// Byte ranges of `text` where `query` occurs, case-insensitively, for highlighting.
pub fn find_ci(text: &str, query: &str) -> Vec<Range<usize>> {
    let needle = query.to_lowercase();
    if needle.is_empty() {
        return Vec::new();
    }
    // Lower-case char by char, remembering where each lower-cased byte came from.
    let mut lower = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len() + 1);
    for (at, c) in text.char_indices() {
        for l in c.to_lowercase() {
            let before = lower.len();
            lower.push(l);
            origin.extend(std::iter::repeat_n(at, lower.len() - before));
        }
    }
    origin.push(text.len());
    let end_of = |lower_end: usize| {
        // The first original char boundary at or after the match's end.
        let start = origin[lower_end - 1];
        start + text[start..].chars().next().map_or(0, char::len_utf8)
    };
    memmem::find_iter(lower.as_bytes(), needle.as_bytes())
        .map(|at| origin[at]..end_of(at + needle.len()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_ascii_and_unicode_case_insensitively() {
        assert_eq!(
            find_ci("Great CD, great voice", "GREAT"),
            vec![0..5, 10..15]
        );
        assert_eq!(find_ci("ÉCOLE école", "école"), vec![0..6, 7..13]);
        // 'İ' lower-cases to two chars: the match still maps back onto whole original chars.
        let text = "xİy";
        let found = find_ci(text, "i̇");
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].clone()], "İ");
        assert!(find_ci("abc", "").is_empty());
        assert!(find_ci("abc", "abcd").is_empty());
    }
}
