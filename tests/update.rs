//! `update` alone: no terminal, no drawing. Navigation, search, filters, split switching.

mod common;

use common::*;
use std::path::PathBuf;

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use reviewlens::app::{
    Action::*, Command, Edit, Mode, Msg, SplitView, State, msg_for_event, update,
};
use reviewlens::data::Dataset;

fn state() -> State {
    State::new(tiny(), (120, 40))
}

#[test]
fn starts_on_the_first_split_and_first_row() {
    let s = state();
    assert_eq!(s.split, SplitView::One(0));
    assert_eq!(s.view.len(), 6);
    assert_eq!(selected_title(&s), "Great CD");
}

#[test]
fn moves_and_stops_at_the_ends() {
    let mut s = state();
    apply(&mut s, &[Up]);
    assert_eq!(s.selected, 0);
    apply(&mut s, &[Down, Down]);
    assert_eq!(selected_title(&s), "Works fine");
    apply(&mut s, &[End]);
    assert_eq!(selected_title(&s), "Lovely");
    apply(&mut s, &[Down]);
    assert_eq!(s.selected, 5);
    apply(&mut s, &[Home]);
    assert_eq!(s.selected, 0);
}

#[test]
fn pages_by_the_list_height_and_keeps_the_selection_on_screen() {
    let mut s = State::new(bundled(), (120, 40));
    let height = s.list_height();
    assert_eq!(height, 36, "40 rows - status - borders - header");
    apply(&mut s, &[PageDown]);
    assert_eq!(s.selected, height);
    assert_eq!(
        s.offset, 1,
        "the list scrolls just enough to show the selection"
    );
    apply(&mut s, &[PageDown, PageUp]);
    assert_eq!(s.selected, height);
    apply(&mut s, &[End]);
    assert_eq!(s.selected, 5999);
    assert_eq!(s.offset, 6000 - height);
    // Shrinking the terminal keeps the selection visible.
    update(&mut s, Msg::Resize(80, 20));
    assert!(s.selected >= s.offset && s.selected < s.offset + s.list_height());
}

#[test]
fn tab_cycles_train_test_all_and_back() {
    let mut s = state();
    apply(&mut s, &[NextSplit]);
    assert_eq!(s.split_name(), "test");
    assert_eq!(
        view_titles(&s),
        ["Terrible", "Great book", "Fine", "Great? No."]
    );
    apply(&mut s, &[NextSplit]);
    assert_eq!(s.split_name(), "all");
    assert_eq!(s.view.len(), 10);
    apply(&mut s, &[NextSplit]);
    assert_eq!(s.split_name(), "train");
    apply(&mut s, &[PrevSplit]);
    assert_eq!(s.split_name(), "all");
}

#[test]
fn switching_split_keeps_the_selected_review_when_it_is_still_shown() {
    let mut s = state();
    apply(&mut s, &[Down, Down, NextSplit, NextSplit]); // train → test → all
    assert_eq!(s.split_name(), "all");
    assert_eq!(
        selected_title(&s),
        "Terrible",
        "the train row was not in test, so test started at its top"
    );
    apply(&mut s, &[End, NextSplit]); // all → train: "Great? No." is a test row
    assert_eq!(s.selected, 0);
}

#[test]
fn label_filter_cycles_through_classes() {
    let mut s = state();
    apply(&mut s, &[CycleLabel]);
    assert_eq!(s.filters.label, Some(0));
    assert_eq!(view_titles(&s), ["Broken on arrival", "Boring", "Meh"]);
    apply(&mut s, &[CycleLabel]);
    assert_eq!(view_titles(&s), ["Great CD", "Works fine", "Lovely"]);
    apply(&mut s, &[CycleLabel]);
    assert_eq!(s.filters.label, None);
    assert_eq!(s.view.len(), 6);
}

#[test]
fn label_filter_applies_to_every_split() {
    let mut s = state();
    apply(&mut s, &[CycleLabel, NextSplit]);
    assert_eq!(view_titles(&s), ["Terrible", "Great? No."]);
}

#[test]
fn search_is_incremental_case_insensitive_and_counts_matches() {
    let mut s = state();
    apply(&mut s, &[Down, StartSearch]);
    assert!(matches!(s.mode, Mode::Search { .. }));
    type_text(&mut s, "GREAT");
    let search = s.search.as_ref().expect("search runs while typing");
    // "Great CD", "Works fine" (great value), "Meh" (Nothing great) — content counts too.
    assert_eq!(search.matches, vec![0, 2, 4]);
    assert_eq!(
        selected_title(&s),
        "Works fine",
        "jumps to the first match at or after the start"
    );
    apply(&mut s, &[SearchConfirm]);
    assert_eq!(s.mode, Mode::Browse);
    apply(&mut s, &[NextMatch]);
    assert_eq!(selected_title(&s), "Meh");
    apply(&mut s, &[NextMatch]);
    assert_eq!(selected_title(&s), "Great CD");
    assert_eq!(s.notice.as_deref(), Some("search wrapped to the top"));
    apply(&mut s, &[PrevMatch]);
    assert_eq!(selected_title(&s), "Meh");
}

#[test]
fn search_esc_restores_the_previous_search_and_selection() {
    let mut s = state();
    apply(&mut s, &[StartSearch]);
    type_text(&mut s, "lovely");
    apply(&mut s, &[SearchConfirm, Down, Down]);
    let before = (s.selected, s.search.clone());
    apply(&mut s, &[StartSearch]);
    type_text(&mut s, "xyz");
    assert_eq!(s.search.as_ref().unwrap().matches.len(), 0);
    apply(&mut s, &[SearchCancel]);
    assert_eq!((s.selected, s.search.clone()), before);
}

#[test]
fn search_backspace_clear_and_empty_confirm() {
    let mut s = state();
    apply(&mut s, &[StartSearch]);
    type_text(&mut s, "borx");
    assert!(s.search.as_ref().unwrap().matches.is_empty());
    apply(&mut s, &[SearchBackspace]);
    assert_eq!(s.search.as_ref().unwrap().matches, vec![3]);
    apply(&mut s, &[SearchClear, SearchConfirm]);
    assert_eq!(s.search, None, "confirming an empty search removes it");
    apply(&mut s, &[NextMatch]);
    assert_eq!(s.notice.as_deref(), Some("no search; press / to search"));
}

#[test]
fn search_follows_split_and_filter_changes() {
    let mut s = state();
    apply(&mut s, &[StartSearch]);
    type_text(&mut s, "great");
    apply(&mut s, &[SearchConfirm, NextSplit]);
    // test: "Great book", "Great? No."
    assert_eq!(s.search.as_ref().unwrap().matches, vec![1, 3]);
    apply(&mut s, &[CycleLabel]);
    assert_eq!(view_titles(&s), ["Terrible", "Great? No."]);
    assert_eq!(s.search.as_ref().unwrap().matches, vec![1]);
}

#[test]
fn detail_scroll_is_clamped_and_resets_on_a_new_review() {
    let mut s = State::new(bundled(), (60, 15));
    // The wrapped length is a fact the drawn frame reports, as the event loop does after a draw.
    drawn(&mut s);
    for _ in 0..500 {
        apply(&mut s, &[DetailDown]);
    }
    let max = s.detail_scroll;
    assert!(
        max > 0 && max < 100,
        "a 394-char review scrolls a little, not 500 lines: {max}"
    );
    apply(&mut s, &[DetailUp]);
    assert_eq!(s.detail_scroll, max - 1);
    apply(&mut s, &[Down]);
    assert_eq!(s.detail_scroll, 0);
}

#[test]
fn the_wheel_scrolls_the_pane_under_the_pointer_and_clicks_select() {
    let mut s = state();
    apply(
        &mut s,
        &[Scroll {
            column: 5,
            row: 10,
            down: true,
        }],
    );
    assert_eq!(s.selected, 3, "three rows per notch over the list");
    apply(
        &mut s,
        &[Scroll {
            column: 5,
            row: 10,
            down: false,
        }],
    );
    assert_eq!(s.selected, 0);
    // The list's first review is on screen row 2 (border, header).
    apply(&mut s, &[Click { column: 10, row: 4 }]);
    assert_eq!(selected_title(&s), "Works fine");
    apply(
        &mut s,
        &[Click {
            column: 10,
            row: 30,
        }],
    );
    assert_eq!(
        selected_title(&s),
        "Works fine",
        "a click below the last row changes nothing"
    );
}

#[test]
fn help_toggles_and_quit_asks_the_loop_to_stop() {
    let mut s = state();
    apply(&mut s, &[ToggleHelp]);
    assert_eq!(s.mode, Mode::Help);
    apply(&mut s, &[CloseHelp]);
    assert_eq!(s.mode, Mode::Browse);
    assert_eq!(update(&mut s, Quit.into()), vec![Command::Quit]);
}

#[test]
fn an_empty_view_is_safe_to_navigate() {
    let t = tiny();
    let names = vec!["negative".into(), "positive".into(), "neutral".into()]; // no row is neutral
    let mut s = State::new(Dataset::new(t.source, names, t.rows, t.splits), (120, 40));
    apply(&mut s, &[CycleLabel, CycleLabel, CycleLabel]);
    assert_eq!(s.filters.label, Some(2));
    assert!(s.view.is_empty());
    assert_eq!(s.selected_row(), None);
    apply(
        &mut s,
        &[
            Down,
            End,
            PageDown,
            Home,
            DetailDown,
            NextMatch,
            StartSearch,
        ],
    );
    type_text(&mut s, "great");
    apply(&mut s, &[SearchConfirm, NextMatch]);
    assert_eq!(s.selected_row(), None);
    assert_eq!(s.notice.as_deref(), Some("no matches for \"great\""));
}

/// A paste goes into the search at once: one query, its line breaks and tabs as spaces (never
/// Enter), and the search runs on the whole text.
#[test]
fn a_paste_types_into_the_search_at_once_with_line_breaks_as_spaces() {
    let mut s = state();
    apply(&mut s, &[Down, Down, StartSearch]);
    let commands = update(&mut s, Msg::Paste("great\r\nvalue\tq\u{1b}".into()));
    assert!(commands.is_empty(), "nothing pasted acts as a key");
    let Mode::Search { input, .. } = &s.mode else {
        panic!("still searching: {:?}", s.mode)
    };
    assert_eq!(input, "great value q ");
    let search = s.search.as_ref().unwrap();
    assert_eq!(search.query, "great value q ");
    assert!(search.matches.is_empty());
    update(&mut s, Msg::Action(SearchClear));
    update(&mut s, Msg::Paste("great".into()));
    assert_eq!(s.search.as_ref().unwrap().matches, [0, 2, 4]);
    assert_eq!(
        selected_title(&s),
        "Works fine",
        "the first match from where it started"
    );
}

/// A paste into the export prompt adds to the file name, as one line.
#[test]
fn a_paste_adds_to_the_export_file_name() {
    let mut s = state();
    apply(&mut s, &[StartExport, ExportClear]);
    update(&mut s, Msg::Paste("/tmp/out\n.csv".into()));
    assert_eq!(
        s.mode,
        Mode::Export {
            input: "/tmp/out .csv".into()
        }
    );
}

/// Browsing, a paste is dropped: `q` in it does not quit, `G` does not move.
#[test]
fn a_paste_while_browsing_does_nothing() {
    let mut s = state();
    apply(&mut s, &[Down]);
    let commands = update(&mut s, Msg::Paste("G\nq".into()));
    assert!(commands.is_empty());
    assert_eq!((s.selected, &s.mode, &s.search), (1, &Mode::Browse, &None));
}

/// Typing on after a search ran to its end looks only through its matches (so over 200,000 rows
/// each key is done at once, where a search of the view takes slices) and finds what a search of
/// the whole view finds; an edit that widens the query, or a query on predictions, searches the
/// whole view again.
#[test]
fn typing_on_narrows_a_finished_search_to_its_matches() {
    use reviewlens::app::{Query, matching};
    let finish = |s: &mut State| {
        while s.search_run.is_some() {
            update(s, Msg::SearchStep);
        }
    };
    let mut s = State::new(large(40), (120, 40));
    apply(&mut s, &[StartSearch]);
    type_text(&mut s, "needle");
    assert!(
        s.search_run.is_some(),
        "the first query searches the view in slices"
    );
    finish(&mut s);
    assert_eq!(s.search.as_ref().unwrap().matches.len(), 40);
    for c in " IN IT".chars() {
        type_text(&mut s, &c.to_string());
        assert_eq!(s.search_run, None, "typed on: done at once");
    }
    let expected = |s: &State, text: &str| {
        let query = Query::parse(text, &s.data.label_names).unwrap();
        matching(&s.data, &s.preds, &s.view, &query)
    };
    let search = s.search.as_ref().unwrap();
    assert_eq!(search.matches, expected(&s, "needle IN IT"));
    assert_eq!(search.matches.len(), 40);
    // Erasing widens the query: the whole view again.
    apply(&mut s, &[SearchBackspace]);
    assert!(s.search_run.is_some());
    finish(&mut s);
    assert_eq!(
        s.search.as_ref().unwrap().matches,
        expected(&s, "needle IN I")
    );
    // A query on predictions does not narrow one (they may have come in between).
    type_text(&mut s, "T wrong");
    assert!(s.search_run.is_some());
}

/// 200,000 reviews: `count` of them say "needle", the rest do not.
fn large(count: usize) -> Dataset {
    use reviewlens::data::{Review, Split};
    let rows: Vec<Review> = (0..200_000u64)
        .map(|i| Review {
            row_index: i,
            label: (i % 2) as u32,
            title: format!("review {i}"),
            content: if (i as usize) < count * 1000 && i % 1000 == 999 {
                format!("a review with a needle in it, number {i}")
            } else {
                format!("a long enough review text number {i} about nothing in particular")
            },
        })
        .collect();
    let split = Split {
        name: "train".into(),
        rows: 0..200_000,
    };
    Dataset::new(
        "large".into(),
        vec!["neg".into(), "pos".into()],
        rows,
        vec![split],
    )
}

/// Keys typed ahead over a large view do not each start a full search: every key replaces the
/// running search with its own, so the backlog ends with one search, of the last query, run a slice
/// at a time (`Msg::SearchStep`, which the event loop sends when no input waits).
#[test]
fn typed_ahead_over_a_large_view_only_the_last_query_is_searched() {
    use reviewlens::app::{Query, SearchRun, matching};
    let mut s = State::new(large(40), (120, 40));
    apply(&mut s, &[StartSearch]);
    type_text(&mut s, "needle in");
    let fresh = SearchRun {
        next: 0,
        select_from: Some(0),
        among: None,
    };
    assert_eq!(
        s.search_run,
        Some(fresh.clone()),
        "no query scanned a row yet"
    );
    update(&mut s, Msg::SearchStep);
    let partway = s.search_run.clone().expect("a slice, not the whole view");
    assert!(partway.next > 0 && partway.next < 200_000, "{partway:?}");
    type_text(&mut s, " it");
    assert_eq!(s.search_run, Some(fresh), "the newer query starts over");
    let mut slices = 0;
    while s.search_run.is_some() {
        update(&mut s, Msg::SearchStep);
        slices += 1;
    }
    assert!(slices < 10, "one pass over the view: {slices} slices");
    let search = s.search.as_ref().unwrap();
    assert_eq!(search.query, "needle in it");
    let query = Query::parse("needle in it", &s.data.label_names).unwrap();
    assert_eq!(search.matches, matching(&s.data, &s.preds, &s.view, &query));
    assert_eq!(search.matches.len(), 40);
    assert_eq!(
        s.selected, 999,
        "the first match is selected when the search is done"
    );

    // Moving while a search runs: it no longer jumps when it is done.
    apply(
        &mut s,
        &[
            SearchConfirm,
            StartSearch,
            SearchBackspace,
            SearchConfirm,
            Down,
        ],
    );
    assert!(s.search_run.is_some());
    while s.search_run.is_some() {
        update(&mut s, Msg::SearchStep);
    }
    assert_eq!(s.selected, 1000);
    assert_eq!(s.search.as_ref().unwrap().matches.len(), 40);
}

/// A 100 kB paste over a large view is one search: it starts once, for the whole text.
#[test]
fn a_100_kb_paste_is_one_search() {
    use reviewlens::app::SearchRun;
    let mut s = State::new(large(40), (120, 40));
    apply(&mut s, &[StartSearch]);
    update(&mut s, Msg::Paste("needle in it\n".repeat(7_700)));
    let run = SearchRun {
        next: 0,
        select_from: Some(0),
        among: None,
    };
    assert_eq!(s.search_run, Some(run));
    let query = &s.search.as_ref().unwrap().query;
    assert_eq!(query.len(), 100_100);
    assert!(!query.contains('\n'));
    let mut slices = 0;
    while s.search_run.is_some() {
        update(&mut s, Msg::SearchStep);
        slices += 1;
    }
    assert!(slices < 10, "one pass over the view: {slices} slices");
    assert!(s.search.as_ref().unwrap().matches.is_empty());
}

/// `Enter` gives the review pane the keys (issue 14's habits): the arrows and pages scroll the
/// review, Home/End go to its ends, and `Esc` gives the keys back to the list, which has not moved.
#[test]
fn enter_focuses_the_review_and_its_keys_scroll_it() {
    use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    use reviewlens::app::msg_for_event;
    let mut data = tiny();
    let mut rows = data.rows.to_vec();
    rows[0].content = (0..200).map(|i| format!("line {i}\n")).collect();
    data.rows = rows.into();
    let mut s = State::new(data, (100, 30));
    drawn(&mut s);
    let key = |s: &mut State, code: KeyCode| {
        let event = Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
        if let Some(msg) = msg_for_event(&event, s) {
            update(s, msg);
        }
        drawn(s);
    };
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.mode, Mode::Detail);
    key(&mut s, KeyCode::Down);
    assert_eq!(
        (s.detail_scroll, s.selected),
        (1, 0),
        "the review scrolls, the list stays"
    );
    key(&mut s, KeyCode::PageDown);
    let page = s.detail_scroll - 1;
    assert!(page > 5, "a page is most of the pane: {page}");
    key(&mut s, KeyCode::End);
    let end = s.detail_scroll;
    assert!(end > page + 1);
    key(&mut s, KeyCode::PageDown);
    assert_eq!(s.detail_scroll, end, "not past the end");
    key(&mut s, KeyCode::Home);
    assert_eq!(s.detail_scroll, 0);
    key(&mut s, KeyCode::Esc);
    assert_eq!((s.mode.clone(), s.selected), (Mode::Browse, 0));
    assert!(reviewlens::ui::snapshot::render(&s).contains(" Review "));
}

/// The open prompt's text with `|` at the cursor.
fn at_cursor(s: &State) -> String {
    let input = match &s.mode {
        Mode::Search { input, .. } | Mode::Export { input } => input,
        other => panic!("no prompt open: {other:?}"),
    };
    let before = input.before_cursor();
    format!("{before}|{}", &input.as_str()[before.len()..])
}

/// A key as the terminal sends it, through the key tables, into `update`.
fn press(s: &mut State, code: KeyCode, modifiers: KeyModifiers) -> Vec<Command> {
    let event = Event::Key(KeyEvent::new(code, modifiers));
    let msg = msg_for_event(&event, s).unwrap_or_else(|| panic!("{code:?} {modifiers:?} unbound"));
    update(s, msg)
}

/// Every editing key, on both prompts, over text with multi-byte and wide characters: each is
/// pressed as the terminal sends it and the cursor checked after it. The search follows every
/// edit of its text.
#[test]
fn both_prompts_edit_at_the_cursor_with_every_key() {
    use KeyCode::*;
    const NONE: KeyModifiers = KeyModifiers::NONE;
    const CTRL: KeyModifiers = KeyModifiers::CONTROL;
    const ALT: KeyModifiers = KeyModifiers::ALT;
    let steps: &[(KeyCode, KeyModifiers, &str)] = &[
        (Left, NONE, "grüße 日本 caf|é"),
        (Left, CTRL, "grüße 日本 |café"),
        (Char('b'), ALT, "grüße |日本 café"),
        (Right, CTRL, "grüße 日本| café"),
        (Char('語'), NONE, "grüße 日本語| café"),
        (Backspace, NONE, "grüße 日本| café"),
        (Home, NONE, "|grüße 日本 café"),
        (Delete, NONE, "|rüße 日本 café"),
        (Char('G'), KeyModifiers::SHIFT, "G|rüße 日本 café"),
        (Right, NONE, "Gr|üße 日本 café"),
        (Char('f'), ALT, "Grüße| 日本 café"),
        (End, NONE, "Grüße 日本 café|"),
        (Char('a'), CTRL, "|Grüße 日本 café"),
        (Left, NONE, "|Grüße 日本 café"),
        (Char('e'), CTRL, "Grüße 日本 café|"),
        (Right, NONE, "Grüße 日本 café|"),
        (Char('w'), CTRL, "Grüße 日本 |"),
        (Left, CTRL, "Grüße |日本 "),
        (Char('k'), CTRL, "Grüße |"),
        (Char('w'), CTRL, "|"),
        (Char('x'), NONE, "x|"),
    ];
    for open in [StartSearch, StartExport] {
        let mut s = state();
        apply(&mut s, std::slice::from_ref(&open));
        press(&mut s, Char('u'), CTRL); // the export prompt starts with a name
        update(&mut s, Msg::Paste("grüße 日本 café".into()));
        assert_eq!(at_cursor(&s), "grüße 日本 café|");
        for &(code, modifiers, expected) in steps {
            assert!(press(&mut s, code, modifiers).is_empty());
            assert_eq!(at_cursor(&s), expected, "{open:?}: {code:?} {modifiers:?}");
            if open == StartSearch {
                let query = &s.search.as_ref().expect("searching").query;
                assert_eq!(
                    *query,
                    expected.replace('|', ""),
                    "the search follows the text"
                );
            }
        }
        // A paste goes in at the cursor; Ctrl-U deletes only what is before it.
        press(&mut s, Left, NONE);
        update(&mut s, Msg::Paste("日本\n".into()));
        assert_eq!(at_cursor(&s), "日本 |x");
        press(&mut s, Char('u'), CTRL);
        assert_eq!(at_cursor(&s), "|x");
    }
}

/// Moving the cursor does not search again: the selection made since stays where it is.
#[test]
fn moving_the_cursor_in_the_search_runs_no_search() {
    let mut s = state();
    apply(&mut s, &[StartSearch]);
    type_text(&mut s, "great");
    apply(&mut s, &[Down]);
    let selected = s.selected;
    apply(
        &mut s,
        &[Edit(Edit::Start), Edit(Edit::WordRight), Edit(Edit::Left)],
    );
    assert_eq!(s.selected, selected);
    assert_eq!(at_cursor(&s), "grea|t");
}

fn export_prompt(text: &str) -> State {
    let mut s = state().with_home(Some(PathBuf::from("/home/u")));
    apply(&mut s, &[StartExport, ExportClear]);
    update(&mut s, Msg::Paste(text.into()));
    s
}

fn names(names: &[&str]) -> Msg {
    Msg::Completions(names.iter().map(|n| n.to_string()).collect())
}

/// Tab asks the edge for the directory before the cursor, then completes from what comes back:
/// as far as the names agree, a second Tab lists them, a single name is completed whole.
#[test]
fn tab_completes_the_export_path_from_the_listing() {
    let mut s = export_prompt("out/re");
    let listing = &["reviews.csv", "results/", "other.csv", ".re-hidden"];
    let asked = press(&mut s, KeyCode::Tab, KeyModifiers::NONE);
    assert_eq!(asked, [Command::Complete { dir: "out/".into() }]);
    update(&mut s, names(listing));
    assert_eq!(at_cursor(&s), "out/re|", "re is all they share");
    assert_eq!(
        s.notice.as_deref(),
        Some("2 names fit · Tab again lists them")
    );
    press(&mut s, KeyCode::Tab, KeyModifiers::NONE);
    update(&mut s, names(listing));
    assert_eq!(s.notice.as_deref(), Some("results/  reviews.csv"));
    apply(&mut s, &[ExportInput('v')]);
    press(&mut s, KeyCode::Tab, KeyModifiers::NONE);
    update(&mut s, names(listing));
    assert_eq!(at_cursor(&s), "out/reviews.csv|");
    assert_eq!(s.notice, None);
    // Several names sharing more than was typed: completed that far at once.
    let mut s = export_prompt("a");
    assert_eq!(
        update(&mut s, Complete.into()),
        [Command::Complete { dir: ".".into() }]
    );
    update(&mut s, names(&["abcd.csv", "abce.csv", "b.csv"]));
    assert_eq!(at_cursor(&s), "abc|");
    // ... and the next Tab lists them.
    update(&mut s, Complete.into());
    update(&mut s, names(&["abcd.csv", "abce.csv", "b.csv"]));
    assert_eq!(s.notice.as_deref(), Some("abcd.csv  abce.csv"));
}

/// `~` is the home directory, a single directory gets its `/`, the name before the cursor is what
/// is completed, hidden names only when asked for, and a stale answer changes nothing.
#[test]
fn tab_completes_directories_home_hidden_names_and_mid_text() {
    let mut s = export_prompt("~");
    assert!(update(&mut s, Complete.into()).is_empty());
    assert_eq!(at_cursor(&s), "~/|");
    update(&mut s, Msg::Paste("Doc".into()));
    assert_eq!(
        update(&mut s, Complete.into()),
        [Command::Complete {
            dir: "/home/u/".into()
        }]
    );
    update(&mut s, names(&["Documents/", "Downloads/"]));
    assert_eq!(at_cursor(&s), "~/Documents/|");

    let mut s = export_prompt("été/.c");
    apply(&mut s, &[Complete]);
    update(&mut s, names(&[".config/", "cache/"]));
    assert_eq!(at_cursor(&s), "été/.config/|");

    let mut s = export_prompt("ré.csv");
    for _ in 0..4 {
        apply(&mut s, &[Edit(Edit::Left)]);
    }
    assert_eq!(at_cursor(&s), "ré|.csv");
    apply(&mut s, &[Complete]);
    update(&mut s, names(&["résumés/", "rapport"]));
    assert_eq!(at_cursor(&s), "résumés/|.csv");

    let mut s = export_prompt("zz");
    apply(&mut s, &[Complete]);
    update(&mut s, names(&["a.csv"]));
    assert_eq!(s.notice.as_deref(), Some("nothing in . starts with \"zz\""));
    assert_eq!(at_cursor(&s), "zz|");

    // Typed on before the listing came: the answer is for another text and is dropped.
    let mut s = export_prompt("re");
    apply(&mut s, &[Complete, ExportInput('s')]);
    update(&mut s, names(&["results/"]));
    assert_eq!(at_cursor(&s), "res|");
}

/// `:` goes to a row (issue 14's habits): by row_index, by split and row_index in the "all" view,
/// or by position; a row the view hides, or text that is no row, is a notice and moves nothing.
#[test]
fn colon_jumps_to_a_row_by_index_split_or_position() {
    let mut s = State::new(tiny(), (100, 30));
    let jump = |s: &mut State, text: &str| {
        update(s, StartJump.into());
        update(s, Msg::Paste(text.into()));
        update(s, JumpConfirm.into());
        assert_eq!(s.mode, Mode::Browse);
    };
    jump(&mut s, "4");
    assert_eq!(s.selected_row(), Some(4));
    jump(&mut s, "#2");
    assert_eq!(s.selected, 1);
    apply(&mut s, &[NextSplit, NextSplit]); // all: train rows 0..6, then test rows 0..4
    jump(&mut s, "test:1");
    assert_eq!(s.selected_row(), Some(7));
    jump(&mut s, "1"); // the first row_index 1 in view: train's
    assert_eq!(s.selected_row(), Some(1));
    for (text, says) in [
        ("99", "not in this view"),
        ("#0", "no position 0"),
        ("abc", "is not a row"),
    ] {
        jump(&mut s, text);
        assert_eq!(s.selected_row(), Some(1), "{text}");
        assert!(
            s.notice.as_deref().unwrap().contains(says),
            "{text}: {:?}",
            s.notice
        );
    }
    // Esc leaves the prompt without moving.
    update(&mut s, StartJump.into());
    update(&mut s, JumpInput('3').into());
    update(&mut s, JumpCancel.into());
    assert_eq!((s.mode.clone(), s.selected_row()), (Mode::Browse, Some(1)));
}
