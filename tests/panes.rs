//! Each pane alone, drawn into ratatui's `TestBackend`, compared line by line with what the screen
//! should read.

mod common;

use common::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use reviewlens::app::{Action::*, State};
use reviewlens::ui;

/// Draws one pane into a `w`×`h` buffer and returns its lines, right-trimmed.
fn pane(w: u16, h: u16, draw: impl FnOnce(Rect, &mut ratatui::Frame)) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| draw(f.area(), f)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..h)
        .map(|y| {
            let line: String = (0..w).map(|x| buffer[(x, y)].symbol()).collect();
            line.trim_end().to_owned()
        })
        .collect()
}

#[test]
fn list_shows_row_label_title_and_the_position() {
    let mut s = State::new(tiny(), (120, 40));
    apply(&mut s, &[Down]);
    let lines = pane(40, 6, |area, f| ui::list::draw(&s, area, f));
    assert_eq!(
        lines,
        [
            "┌ Reviews · train ─────────────────────┐",
            "│  row gold     title                  │",
            "│    0 positive Great CD               │",
            "│    1 negative Broken on arrival      │",
            "│    2 positive Works fine             │",
            "└────────────────────────────── 2 of 6 ┘",
        ]
    );
}

#[test]
fn list_draws_only_the_visible_window() {
    let mut s = State::new(tiny(), (120, 40));
    s.offset = 4;
    s.selected = 5;
    let lines = pane(40, 6, |area, f| ui::list::draw(&s, area, f));
    assert_eq!(lines[2], "│    4 negative Meh                    │");
    assert_eq!(lines[3], "│    5 positive Lovely                 │");
    assert_eq!(lines[4], "│                                      │");
}

#[test]
fn list_marks_search_matches() {
    let mut s = State::new(tiny(), (120, 40));
    apply(&mut s, &[StartSearch]);
    type_text(&mut s, "lovely");
    let lines = pane(40, 5, |area, f| ui::list::draw(&s, area, f));
    assert_eq!(
        lines[2], "│•   0 positive Great CD               │",
        "matches in the content count"
    );
    assert_eq!(lines[3], "│    1 negative Broken on arrival      │");
}

#[test]
fn list_says_so_when_nothing_is_shown() {
    let t = tiny();
    let names = vec!["negative".into(), "positive".into(), "neutral".into()];
    let mut s = State::new(
        reviewlens::data::Dataset::new(t.source, names, t.rows, t.splits),
        (120, 40),
    );
    apply(&mut s, &[CycleLabel, CycleLabel, CycleLabel]);
    let lines = pane(40, 5, |area, f| ui::list::draw(&s, area, f));
    assert_eq!(lines[1], "│No reviews in this view. Press l to   │");
}

#[test]
fn detail_wraps_the_title_meta_and_content() {
    let s = State::new(tiny(), (120, 40));
    let lines = pane(34, 10, |area, f| ui::detail::draw(&s, area, f));
    assert_eq!(
        lines,
        [
            "┌ Review ────────────────────────┐",
            "│ Great CD                       │",
            "│ train · row 0 · gold positive  │",
            "│ · 42 chars                     │",
            "│ not classified: c classifies   │",
            "│ it, C all in view              │",
            "│                                │",
            "│ My lovely Pat has one of the   │",
            "│ GREAT voices.                  │",
            "└────────────────────────────────┘",
        ]
    );
}

#[test]
fn detail_shows_the_prediction_and_marks_a_mistake() {
    use reviewlens::app::{Msg, update};
    use reviewlens::app::{Side, WorkerMsg};
    use reviewlens::model::Prediction;
    let mut s = State::new(tiny(), (120, 40));
    update(&mut s, ClassifySelected.into());
    let p = Prediction {
        label: 0,
        probs: vec![0.875, 0.125],
        tokens: 14,
        truncated: true,
    };
    update(
        &mut s,
        Msg::Worker(
            Side::A,
            WorkerMsg::Results {
                job: 1,
                predictions: vec![(0, p)],
                batch_time: std::time::Duration::from_millis(41),
            },
        ),
    );
    let lines = pane(60, 7, |area, f| ui::detail::draw(&s, area, f));
    assert_eq!(
        lines[3],
        "│ predicted negative ✗ · negative 0.88 positive 0.12 · 14  │"
    );
    assert_eq!(
        lines[4],
        "│ tokens (truncated) · 41 ms                               │"
    );
    let list = pane(60, 4, |area, f| ui::list::draw(&s, area, f));
    assert_eq!(
        list[1],
        "│  row gold     predicted     p title                      │"
    );
    assert_eq!(
        list[2],
        "│    0 positive negative ✗ 0.88 Great CD                   │"
    );
}

#[test]
fn detail_scrolls_and_says_how_far() {
    let mut s = State::new(tiny(), (120, 40));
    s.detail_scroll = 2;
    let lines = pane(34, 6, |area, f| ui::detail::draw(&s, area, f));
    assert_eq!(lines[1], "│ · 42 chars                     │");
    assert_eq!(lines[5], "└─── J/K scroll · lines 3–6 of 8 ┘");
}

#[test]
fn stats_match_collections_counter_per_split() {
    let s = State::new(tiny(), (120, 40));
    let lines = pane(40, 8, |area, f| ui::stats::draw(&s, area, f));
    assert_eq!(
        lines,
        [
            "┌ Labels ──────────────────────────────┐",
            "│train  6 rows                         │",
            "│ negative  3  50.00% ████████▌        │",
            "│ positive  3  50.00% ████████▌        │",
            "│test  4 rows                          │",
            "│ negative  2  50.00% ████████▌        │",
            "│ positive  2  50.00% ████████▌        │",
            "└──────────────────────────────────────┘",
        ]
    );
}

#[test]
fn stats_of_the_bundled_sample() {
    let s = State::new(bundled(), (120, 40));
    let lines = pane(50, 8, |area, f| ui::stats::draw(&s, area, f));
    // Counter(train["label"]) = {0: 3063, 1: 2937}; Counter(test["label"]) = {0: 5368, 1: 5612}.
    assert!(lines[1].starts_with("│train  6,000 rows"));
    assert!(lines[2].starts_with("│ negative  3,063  51.05% "));
    assert!(lines[3].starts_with("│ positive  2,937  48.95% "));
    assert!(lines[4].starts_with("│test  10,980 rows"));
    assert!(lines[5].starts_with("│ negative  5,368  48.89% "));
    assert!(lines[6].starts_with("│ positive  5,612  51.11% "));
}

#[test]
fn status_bar_names_source_split_counts_filter_and_search() {
    let mut s = State::new(tiny(), (120, 40));
    apply(&mut s, &[CycleLabel, StartSearch]);
    type_text(&mut s, "meh");
    apply(&mut s, &[SearchConfirm]);
    let lines = pane(100, 1, |area, f| ui::status::draw(&s, area, f));
    assert_eq!(
        lines[0],
        " tiny │ train │ 3 of 6 rows │ label: negative │ /meh 1 match (1 of 1)                ? help  q quit"
    );
}

#[test]
fn status_bar_while_typing_a_search() {
    let mut s = State::new(tiny(), (120, 40));
    apply(&mut s, &[StartSearch]);
    type_text(&mut s, "great");
    let lines = pane(100, 1, |area, f| ui::status::draw(&s, area, f));
    assert_eq!(
        lines[0],
        " /great  3 matches (1 of 3)  Enter keep · Esc cancel · Ctrl-U clear                  ? help  q quit"
    );
}

#[test]
fn selection_and_matches_are_marked_without_relying_on_colour() {
    use ratatui::style::Modifier;
    let mut s = State::new(tiny(), (120, 40));
    apply(&mut s, &[StartSearch]);
    type_text(&mut s, "works");
    let mut terminal = Terminal::new(TestBackend::new(40, 6)).unwrap();
    terminal.draw(|f| ui::list::draw(&s, f.area(), f)).unwrap();
    let buffer = terminal.backend().buffer();
    // Row "2 positive Works fine" is selected (the first match) and sits on screen line 4.
    assert_eq!(s.selected, 2);
    let title_cell = &buffer[(16, 4)];
    assert_eq!(title_cell.symbol(), "W");
    assert!(
        title_cell.modifier.contains(Modifier::REVERSED),
        "selected row in reverse video: {title_cell:?} {:?}",
        &buffer[(3, 4)]
    );
    assert!(
        title_cell.modifier.contains(Modifier::UNDERLINED),
        "the match is underlined"
    );
    assert_eq!(buffer[(1, 4)].symbol(), "•", "matching rows carry a symbol");
    assert!(!buffer[(16, 3)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn status_bar_shows_a_running_batch_with_the_batch_size_the_worker_chose() {
    use reviewlens::app::{Msg, Side, WorkerMsg, update};
    let mut s = State::new(tiny(), (120, 40));
    let ready = WorkerMsg::Ready {
        model: "tiny".into(),
        device: "cpu f32".into(),
        note: None,
        batch_size: 16,
    };
    update(&mut s, Msg::Worker(Side::A, ready));
    apply(&mut s, &[ClassifyView]);
    let progress = WorkerMsg::Progress {
        job: 1,
        done: 3,
        total: 6,
        done_chars: 30,
        total_chars: 60,
        elapsed: std::time::Duration::from_secs(1),
    };
    update(&mut s, Msg::Worker(Side::A, progress));
    let lines = pane(120, 1, |area, f| ui::status::draw(&s, area, f));
    assert!(
        lines[0]
            .contains("classifying 3/6 ▕██████      ▏ 3/s ETA 0:01 (batches of 16) · x cancels"),
        "{}",
        lines[0]
    );
}

/// The detail pane wraps only the part of a review it shows: every window of a long, many-lined
/// review reads exactly as the same lines of the review drawn whole.
#[test]
fn every_window_of_a_long_review_reads_as_the_review_drawn_whole() {
    use reviewlens::data::{Dataset, Review, Split};
    let mut content = String::new();
    for i in 0..60 {
        let words = "lorem ipsum dolor sit amet ".repeat(i % 7);
        content.push_str(&format!("{i}\t{words}end of paragraph {i}\n"));
        if i % 9 == 0 {
            content.push_str("\r\n");
        }
    }
    content.push_str(&"x".repeat(300));
    let review = Review {
        row_index: 0,
        label: 0,
        title: "A long review with a title that wraps onto a second line".into(),
        content,
    };
    let split = Split {
        name: "train".into(),
        rows: 0..1,
    };
    let data = Dataset::new("t".into(), vec!["neg".into()], vec![review], vec![split]);
    let mut s = State::new(data, (120, 40));
    // The whole review in a pane tall enough for all of it.
    let whole = pane(40, 400, |area, f| ui::detail::draw(&s, area, f));
    let lines: Vec<String> = (whole[1..].iter())
        .take_while(|l| !l.starts_with('└'))
        .cloned()
        .collect();
    let end = lines.iter().rposition(|l| l.contains('x')).unwrap() + 1;
    for top in [0, 1, 3, 4, 5, 17, 100, end - 10] {
        s.detail_scroll = top as u16;
        let window = pane(40, 12, |area, f| ui::detail::draw(&s, area, f));
        assert_eq!(&window[1..11], &lines[top..top + 10], "scrolled to {top}");
        let hint = format!("lines {}–{} of {end}", top + 1, top + 10);
        assert!(window[11].contains(&hint), "{} has {hint}", window[11]);
    }
}

/// The "all" view mixes the splits, and row numbers repeat across them: a split column says which
/// split each row is from (issue 14's habits). One split's view has no such column.
#[test]
fn the_all_view_shows_each_rows_split() {
    use reviewlens::app::Action::NextSplit;
    let mut s = reviewlens::app::State::new(common::tiny(), (100, 20));
    let screen = reviewlens::ui::snapshot::render(&s);
    assert!(!screen.contains("split"), "{screen}");
    common::apply(&mut s, &[NextSplit, NextSplit]);
    let screen = reviewlens::ui::snapshot::render(&s);
    let header = screen.lines().find(|l| l.contains(" row ")).unwrap();
    assert!(header.contains("split"), "{screen}");
    let rows: Vec<&str> = screen
        .lines()
        .filter(|l| l.contains("Great CD") || l.contains("Terrible"))
        .collect();
    assert!(
        rows.iter().any(|l| l.contains("train")) && rows.iter().any(|l| l.contains("test")),
        "{screen}"
    );
}

/// The status bar draws the prompt's cursor where it is, over wide characters too, and scrolls a
/// prompt longer than the bar so the cursor stays in view, `…` marking what is cut.
#[test]
fn the_prompt_cursor_is_drawn_where_it_is_and_a_long_prompt_scrolls_to_it() {
    use reviewlens::app::{Edit, Msg, update};
    let bar = |s: &State| {
        let mut terminal = Terminal::new(TestBackend::new(40, 1)).unwrap();
        terminal.draw(|f| ui::status::draw(s, f.area(), f)).unwrap();
        let buffer = terminal.backend().buffer();
        // Each cell's symbol, skipping the cells a wide character covers.
        let (mut line, mut x) = (String::new(), 0);
        while x < 40 {
            let symbol = buffer[(x, 0)].symbol();
            line.push_str(symbol);
            x += ratatui::text::Span::raw(symbol).width().max(1) as u16;
        }
        let cursor = terminal.get_cursor_position().unwrap();
        (line, cursor.x)
    };
    let mut s = State::new(tiny(), (120, 40));
    apply(&mut s, &[StartSearch]);
    update(&mut s, Msg::Paste("日本x".into()));
    apply(&mut s, &[Edit(Edit::Left)]);
    let (line, x) = bar(&s);
    assert!(line.starts_with(" /日本x"), "{line}");
    assert_eq!(x, 2 + 4, "after two wide characters");

    let long: String = (0..60).map(|i| char::from(b'a' + i % 26)).collect();
    update(&mut s, Msg::Paste(long.clone()));
    apply(&mut s, &[Edit(Edit::End)]);
    let (line, x) = bar(&s);
    assert!(line.starts_with(" /…"), "the start is cut: {line}");
    assert!(line.contains(&long[50..]), "the end is shown: {line}");
    assert!(x < 40, "the cursor is on the bar: {x}");
    assert_eq!(line.chars().nth(x as usize), Some(' '), "after the text");

    apply(&mut s, &[Edit(Edit::Start)]);
    let (line, x) = bar(&s);
    assert_eq!(x, 2);
    assert!(line.starts_with(" /日本abc"), "{line}");
    assert!(line.contains("uv…  0 matches"), "the end is cut: {line}");

    // The export prompt, cursor in the middle of a long path.
    apply(&mut s, &[SearchCancel, StartExport, ExportClear]);
    update(&mut s, Msg::Paste(format!("/tmp/{long}/ü.csv")));
    apply(&mut s, &[Edit(Edit::WordLeft), Edit(Edit::WordLeft)]);
    let (line, x) = bar(&s);
    assert!(line.starts_with(" export to: …"), "{line}");
    assert_eq!(line.chars().nth(x as usize), Some('ü'), "on the ü: {line}");
}
