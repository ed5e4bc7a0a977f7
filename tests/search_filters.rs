//! Search beyond a substring: `&` keeps only the matches, `\v` makes the text a regex, and field
//! words (`pred:`, `gold:`, `p>`, `len>`, `truncated`, `wrong`) test the row and its prediction.
//! Expected rows are computed here straight from the data, not through the search code.

mod common;

use common::*;
use reviewlens::app::{Action::*, Command, Msg, State, update};

/// Types `query` as a new search (the prompt opens with the last one: cleared first).
fn search(s: &mut State, query: &str) {
    apply(s, &[StartSearch, SearchClear]);
    type_text(s, query);
    apply(s, &[SearchConfirm]);
}

fn matched_rows(s: &State) -> Vec<usize> {
    let search = s.search.as_ref().expect("a search");
    search.matches.iter().map(|&p| s.view[p] as usize).collect()
}

fn rows_where(s: &State, keep: impl Fn(usize) -> bool) -> Vec<usize> {
    s.view
        .iter()
        .map(|&r| r as usize)
        .filter(|&r| keep(r))
        .collect()
}

#[test]
fn ampersand_keeps_only_the_matches_and_gives_every_row_back() {
    let mut s = State::new(tiny(), (120, 40));
    apply(&mut s, &[ToggleMatchesOnly]);
    assert_eq!(s.view.len(), 6, "no search: nothing to keep");
    assert!(s.notice.as_deref().unwrap().contains("search with / first"));
    search(&mut s, "great");
    apply(&mut s, &[End, ToggleMatchesOnly]);
    assert_eq!(view_titles(&s), ["Great CD", "Works fine", "Meh"]);
    assert_eq!(s.search.as_ref().unwrap().matches, vec![0, 1, 2]);
    // Typing with `&` on narrows the list as you type.
    apply(&mut s, &[StartSearch]);
    type_text(&mut s, " value");
    assert_eq!(view_titles(&s), ["Works fine"]);
    apply(&mut s, &[SearchConfirm, ToggleMatchesOnly]);
    assert_eq!(s.view.len(), 6, "every row again");
    assert_eq!(selected_title(&s), "Works fine", "the selection stays put");
    assert_eq!(s.search.as_ref().unwrap().matches, vec![2], "still marked");
    // Esc clears the search, and `&` with it.
    apply(&mut s, &[ToggleMatchesOnly, Escape]);
    assert_eq!((s.search.is_none(), s.filters.matches_only), (true, false));
    assert_eq!(s.view.len(), 6);
}

/// What a test needs to know of a row, copied out of the state.
struct Facts {
    gold: u32,
    /// Predicted class, its probability, whether the text was truncated.
    pred: Option<(u32, f32, bool)>,
    len: usize,
    text: String,
}

fn facts(s: &State) -> Vec<Facts> {
    let rows = s.data.rows.iter().enumerate();
    rows.map(|(i, r)| Facts {
        gold: r.label,
        pred: (s.preds.get(i)).map(|p| (p.label, p.probs[p.label as usize], p.truncated)),
        len: r.title.len() + r.content.len(),
        text: format!("{}\n{}", r.title, r.content).to_lowercase(),
    })
    .collect()
}

#[test]
fn field_words_test_the_prediction_and_the_row() {
    let mut s = State::new(bundled(), (120, 40));
    classify_first_60(&mut s);
    let f = facts(&s);
    let pred = |r: usize| f[r].pred;
    type Keep<'a> = Box<dyn Fn(usize) -> bool + 'a>;
    let cases: Vec<(&str, Keep)> = vec![
        (
            "pred:negative",
            Box::new(|r| pred(r).is_some_and(|p| p.0 == 0)),
        ),
        (
            "pred:POS p>0.9",
            Box::new(|r| pred(r).is_some_and(|p| p.0 == 1 && p.1 > 0.9)),
        ),
        ("p<=0.6", Box::new(|r| pred(r).is_some_and(|p| p.1 <= 0.6))),
        ("truncated", Box::new(|r| pred(r).is_some_and(|p| p.2))),
        (
            "wrong",
            Box::new(|r| pred(r).is_some_and(|p| p.0 != f[r].gold)),
        ),
        (
            "len>900 gold:neg",
            Box::new(|r| f[r].len > 900 && f[r].gold == 0),
        ),
        (
            "len<200 book",
            Box::new(|r| f[r].len < 200 && f[r].text.contains("book")),
        ),
    ];
    for (query, keep) in cases {
        search(&mut s, query);
        let expected = rows_where(&s, &keep);
        assert!(!expected.is_empty(), "{query}: the case tests something");
        assert_eq!(matched_rows(&s), expected, "{query}");
        apply(&mut s, &[ToggleMatchesOnly]);
        let shown: Vec<usize> = s.view.iter().map(|&r| r as usize).collect();
        assert_eq!(shown, expected, "{query} with &");
        apply(&mut s, &[Escape]);
    }
}

#[test]
fn a_regex_after_backslash_v_matches_case_insensitively() {
    let mut s = State::new(bundled(), (120, 40));
    search(&mut s, "\\vbatter(y|ies) (died|dead)");
    let re = regex::Regex::new("(?i)batter(y|ies) (died|dead)").unwrap();
    let expected = rows_where(&s, |r| {
        let review = s.data.rows.get(r);
        re.is_match(review.title) || re.is_match(review.content)
    });
    assert!(!expected.is_empty());
    assert_eq!(matched_rows(&s), expected);
}

#[test]
fn a_query_that_does_not_read_says_why_and_matches_nothing() {
    let mut s = State::new(tiny(), (120, 40));
    search(&mut s, "pred:neutral");
    let kept = s.search.as_ref().unwrap();
    assert_eq!(
        kept.parsed.as_ref().unwrap_err(),
        "no class \"neutral\" (the classes: negative, positive)"
    );
    assert!(kept.matches.is_empty());
    apply(&mut s, &[NextMatch]);
    assert!(s.notice.as_deref().unwrap().starts_with("no class"));
    apply(&mut s, &[ToggleMatchesOnly]);
    assert!(s.view.is_empty(), "with & nothing is shown");
    search(&mut s, "\\v(");
    assert!(
        s.search
            .as_ref()
            .unwrap()
            .parsed
            .as_ref()
            .unwrap_err()
            .starts_with("not a regex")
    );
}

#[test]
fn predictions_arriving_update_a_search_on_predictions() {
    let mut s = State::new(bundled(), (120, 40));
    search(&mut s, "wrong");
    assert!(s.search.as_ref().unwrap().matches.is_empty());
    classify_first_60(&mut s);
    assert_eq!(
        matched_rows(&s).len(),
        20,
        "every third of 60 rows is wrong"
    );
}

#[test]
fn with_ampersand_c_classifies_the_rows_the_text_can_match() {
    let mut s = State::new(tiny(), (120, 40));
    search(&mut s, "great wrong");
    apply(&mut s, &[ToggleMatchesOnly]);
    assert!(s.view.is_empty(), "nothing classified yet");
    let commands = update(&mut s, Msg::Action(ClassifyView));
    let rows = commands.iter().find_map(|c| match c {
        Command::Classify { rows, .. } => Some(rows.clone()),
        _ => None,
    });
    assert_eq!(rows, Some(vec![0, 2, 4]), "the train rows that say great");
}
