//! Searching a view with a `Query`, in slices shared out among the cores. Highlighting lower-cases
//! the text it shows and maps matches back onto the original, whose byte offsets may differ.

use std::ops::Range;

use memchr::memmem;

use super::predictions::Predictions;
use super::query::Query;
use crate::data::Dataset;

/// Positions (into `view`) of the rows `query` matches.
pub fn matching(data: &Dataset, preds: &Predictions, view: &[u32], query: &Query) -> Vec<usize> {
    let all = Scope { view, among: None };
    matching_from(data, preds, all, query, 0, usize::MAX).0
}

/// Bytes a row costs beyond its text, so a slice of many tiny rows ends too.
const ROW_COST: usize = 64;

/// What a search looks through: every position of `view`, or only the positions `among` (the
/// matches of a query this one narrows).
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    pub view: &'a [u32],
    pub among: Option<&'a [usize]>,
}

impl Scope<'_> {
    fn len(&self) -> usize {
        self.among.map_or(self.view.len(), <[usize]>::len)
    }

    /// The view position of the `k`th place looked at.
    fn position(&self, k: usize) -> usize {
        self.among.map_or(k, |among| among[k])
    }
}

/// `matching` for the places `from..` of `scope`, stopping after the row that takes the bytes
/// scanned past `budget`: the view positions found (ascending) and where to go on, `None` once the
/// scope is done. A large search runs in such slices, so input is looked at between them; each
/// slice is shared out among the cores.
pub fn matching_from(
    data: &Dataset,
    preds: &Predictions,
    scope: Scope<'_>,
    query: &Query,
    from: usize,
    budget: usize,
) -> (Vec<usize>, Option<usize>) {
    let (mut end, mut spent) = (from, 0usize);
    while end < scope.len() && spent < budget {
        let row = scope.view[scope.position(end)] as usize;
        spent = spent.saturating_add(data.rows.length(row) + ROW_COST);
        end += 1;
    }
    let matches = query.matcher(data, preds);
    let found = crate::parallel::filter_map(from..end, |k| {
        let pos = scope.position(k);
        matches(scope.view[pos] as usize).then_some(pos)
    });
    (found, (end < scope.len()).then_some(end))
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

    #[test]
    fn a_search_in_slices_finds_what_one_pass_finds() {
        let review = |title: &str| crate::data::Review {
            row_index: 0,
            label: 0,
            title: title.into(),
            content: "x".repeat(100),
        };
        let rows: Vec<_> = (0..50)
            .map(|i| review(if i % 7 == 0 { "Battery" } else { "other" }))
            .collect();
        let split = crate::data::Split {
            name: "train".into(),
            rows: 0..50,
        };
        let data = Dataset::new("t".into(), vec!["neg".into()], rows, vec![split]);
        let view: Vec<u32> = (0..50).rev().collect();
        let preds = Predictions::new(&data, String::new());
        let query = Query::parse("BATTERY", &data.label_names).unwrap();
        let whole = matching(&data, &preds, &view, &query);
        let (mut sliced, mut from, mut slices) = (Vec::new(), Some(0), 0);
        while let Some(at) = from {
            let scope = Scope {
                view: &view,
                among: None,
            };
            let (found, next) = matching_from(&data, &preds, scope, &query, at, 500);
            sliced.extend(found);
            from = next;
            slices += 1;
        }
        assert_eq!(sliced, whole);
        assert_eq!(whole.len(), 8);
        assert!(slices > 5, "{slices} slices of about 500 bytes");
    }
}
