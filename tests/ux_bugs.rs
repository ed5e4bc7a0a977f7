//! Issue 14's bugs, one test each (the item number is in the test's comment): what the explorer
//! shows and does, through `update` and panes drawn on ratatui's `TestBackend`.

mod common;

use std::time::Duration;

use common::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use reviewlens::app::{
    Action::*, Command, Exported, Mode, Msg, Order, Side, State, WorkerMsg, msg_for_event, update,
};
use reviewlens::data::{Dataset, Review, Split};
use reviewlens::metrics::Report;
use reviewlens::model::Prediction;
use reviewlens::ui;
use reviewlens::ui::snapshot::render as render_ref;

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

fn status_line(s: &State) -> String {
    render_ref(s).lines().last().unwrap_or_default().to_owned()
}

fn key(s: &State, code: KeyCode) -> Option<Msg> {
    msg_for_event(&Event::Key(KeyEvent::new(code, KeyModifiers::NONE)), s)
}

fn prediction(label: u32, p: f32) -> Prediction {
    let mut probs = vec![1.0 - p; 2];
    probs[label as usize] = p;
    Prediction {
        label,
        probs,
        tokens: 20,
        truncated: false,
    }
}

/// Every row of split `split` classified (from the cache, as the worker reports it): every third
/// row wrong.
fn classify_split(s: &mut State, split: usize) {
    let rows = s.data.splits[split].rows.clone();
    let predictions = rows
        .map(|r| {
            let gold = s.data.rows.get(r).label;
            let label = if r % 3 == 0 { 1 - gold } else { gold };
            (r as u32, prediction(label, 0.5 + (r % 50) as f32 / 100.0))
        })
        .collect();
    update(s, Msg::Worker(Side::A, WorkerMsg::Cached(predictions)));
}

fn export_rows(commands: &[Command]) -> Vec<u32> {
    match commands {
        [Command::Export { rows, .. }] => rows.clone(),
        other => panic!("expected one export, got {other:?}"),
    }
}

// 1. The export writes exactly what the list shows; a search only marks rows.
#[test]
fn export_writes_the_rows_the_list_shows_with_a_search_active() {
    let mut s = State::new(tiny(), (120, 40));
    apply(&mut s, &[StartSearch]);
    type_text(&mut s, "lovely");
    // The search matches train rows only; in the test split it marks none.
    apply(&mut s, &[SearchConfirm, NextSplit, StartExport]);
    assert_eq!(s.view.len(), 4, "the list shows the whole test split");
    assert!(
        status_line(&s).contains(" 4 reviews "),
        "the prompt says how many: {}",
        status_line(&s)
    );
    let rows = export_rows(&update(&mut s, ExportConfirm.into()));
    assert_eq!(rows, s.view, "the file holds what the list shows");
}

// 2. A number in the metrics pane is whole or absent, at 100, 80 and 70 columns.
#[test]
fn metrics_numbers_are_never_cut() {
    for width in [120, 100, 80, 70, 60] {
        let mut s = State::new(bundled(), (width, 40));
        classify_split(&mut s, 1);
        apply(&mut s, &[NextSplit, ToggleMetrics]);
        let tally = s.tally();
        let report = Report::from_confusion(&s.data.label_names, tally.confusion.clone());
        let screen = render_ref(&s);
        // The metrics pane: the right-hand column from its title down.
        let pane: Vec<&str> = screen
            .lines()
            .skip_while(|l| !l.contains("Metrics · "))
            .filter_map(|l| l.split_once("││").map(|(_, right)| right))
            .map(|r| r.trim_end_matches('│'))
            .collect();
        let row = |name: &str| {
            let line = pane
                .iter()
                .find(|l| l.trim_start().starts_with(name))
                .unwrap_or_else(|| panic!("{width} columns: no {name} row in\n{screen}"));
            line.split_whitespace()
                .filter(|t| t.parse::<f64>().is_ok())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        let check = |name: &str, expected: Vec<f64>, integers: usize| {
            let tokens = row(name);
            assert!(
                !tokens.is_empty(),
                "{width} columns: the {name} row shows no number\n{screen}"
            );
            assert!(
                tokens.len() >= 2 || name == "accuracy",
                "{width} columns: {name} {tokens:?}"
            );
            // Each number shown is one of the row's values, whole, in order (the integer
            // ones, support, exactly; the others rounded to the digits shown).
            let mut at = 0;
            for t in &tokens {
                let digits = t.split_once('.').map_or(0, |(_, d)| d.len());
                let found = (at..expected.len()).find(|&i| {
                    let integer = i >= expected.len() - integers;
                    if integer {
                        *t == format!("{}", expected[i])
                    } else {
                        digits > 0 && *t == format!("{:.digits$}", expected[i])
                    }
                });
                let Some(i) = found else {
                    panic!(
                        "{width} columns: {name} shows {t}, not a value of {expected:?}\n{screen}"
                    )
                };
                at = i + 1;
            }
        };
        for (c, name) in s.data.label_names.iter().enumerate() {
            let sc = &report.classes[c];
            let values = vec![sc.precision, sc.recall, sc.f1, sc.support as f64];
            check(name, values, 1);
        }
        check("accuracy", vec![report.accuracy, report.total as f64], 1);
        let w = &report.weighted_avg;
        check(
            "weighted",
            vec![w.precision, w.recall, w.f1, w.support as f64],
            1,
        );
        // The confusion matrix's counts are whole too.
        for g in 0..2 {
            let name = &s.data.label_names[g];
            let counts: Vec<String> = pane
                .iter()
                .filter(|l| l.trim_start().starts_with(name.as_str()))
                .nth(1)
                .unwrap_or_else(|| panic!("{width}: no matrix row {name}\n{screen}"))
                .split_whitespace()
                .skip(1)
                .map(|t| t.trim_matches(['[', ']']).to_owned())
                .collect();
            let expected: Vec<String> = tally.confusion[g]
                .iter()
                .map(|&n| reviewlens::app::thousands(n))
                .collect();
            assert_eq!(counts, expected, "{width} columns\n{screen}");
        }
    }
}

// 4. The detail pane does not offer `c` when the model is unavailable.
#[test]
fn detail_says_the_model_is_unavailable_instead_of_offering_c() {
    let mut s = State::new(tiny(), (120, 40));
    apply(&mut s, &[ClassifySelected]);
    let error = "model unavailable: distilbert/distilbert-base-uncased-finetuned-sst-2-english: \
                 cannot reach the Hugging Face Hub and the model is not cached; check the \
                 network, or pass --model-dir";
    update(
        &mut s,
        Msg::Worker(Side::A, WorkerMsg::LoadFailed(error.into())),
    );
    let lines = pane(60, 8, |area, f| ui::detail::draw(&s, area, f)).join("\n");
    assert!(!lines.contains("c classifies"), "{lines}");
    assert!(lines.contains("model unavailable"), "{lines}");
}

// 4. A long error is shown whole, in a popup that any key dismisses (and does nothing else).
#[test]
fn a_long_error_is_shown_whole_until_a_key_dismisses_it() {
    let mut s = State::new(bundled(), (120, 40));
    apply(&mut s, &[ClassifySelected]);
    let error = "distilbert/distilbert-base-uncased-finetuned-sst-2-english@main: cannot reach \
                 the Hugging Face Hub (request error: error sending request for url \
                 (https://huggingface.co/api/models/distilbert/distilbert-base-uncased-finetuned-\
                 sst-2-english/revision/main)) and the model is not cached; check the network, or \
                 pass --model-dir";
    update(
        &mut s,
        Msg::Worker(Side::A, WorkerMsg::LoadFailed(error.into())),
    );
    let screen = render_ref(&s);
    let flat: String = screen
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c.is_whitespace()))
        .collect::<Vec<_>>()
        .join(" ");
    for word in ["network,", "--model-dir", "cached;"] {
        assert!(flat.contains(word), "{word} missing:\n{screen}");
    }
    assert!(status_line(&s).contains("model unavailable"));
    let selected = s.selected;
    let j = key(&s, KeyCode::Char('j')).expect("a key dismisses the message");
    update(&mut s, j);
    assert_eq!(s.selected, selected, "the key only dismisses the message");
    assert!(!render_ref(&s).contains("--model-dir"), "the popup is gone");
    // The next key acts again.
    let j = key(&s, KeyCode::Char('j')).unwrap();
    update(&mut s, j);
    assert_eq!(s.selected, selected + 1);
}

// 4. Progress takes precedence over the search summary and the hints.
#[test]
fn the_progress_bar_shows_with_a_search_active_at_120_columns() {
    let mut s = State::new(bundled(), (120, 40));
    apply(&mut s, &[NextSplit, StartSearch]);
    type_text(&mut s, "battery");
    apply(&mut s, &[SearchConfirm, ClassifyView]);
    let ready = WorkerMsg::Ready {
        model: "distilbert/distilbert-base-uncased-finetuned-sst-2-english".into(),
        device: "cpu f32".into(),
        note: None,
        batch_size: 16,
    };
    update(&mut s, Msg::Worker(Side::A, ready));
    let progress = WorkerMsg::Progress {
        job: 1,
        done: 16,
        total: 10_980,
        done_chars: 1_000,
        total_chars: 1_000_000,
        elapsed: Duration::from_secs(2),
    };
    update(&mut s, Msg::Worker(Side::A, progress));
    let status = status_line(&s);
    for part in ["16/10,980", "/s", "ETA", "x cancels"] {
        assert!(status.contains(part), "{part} missing: {status}");
    }
}

// 4. A notice (here the export's outcome) is never pushed off by a cell filter.
#[test]
fn the_export_notice_shows_with_a_cell_filter() {
    let mut s = State::new(bundled(), (120, 40));
    classify_first_60(&mut s);
    apply(&mut s, &[PickCell, ConfirmCell, StartExport]);
    update(&mut s, ExportConfirm.into());
    let path = "/home/someone/projects/error-analysis/reviewlens-train-positive-as-negative.csv";
    update(
        &mut s,
        Msg::Exported(Exported::Written {
            path: path.into(),
            rows: 12,
        }),
    );
    let status = status_line(&s);
    assert!(status.contains("exported 12 reviews to "), "{status}");
    for width in [100, 80] {
        update(&mut s, Msg::Resize(width, 30));
        let status = status_line(&s);
        assert!(
            status.contains("exported 12 reviews to "),
            "{width}: {status}"
        );
    }
}

// 5. "Misclassified only" with nothing classified says why the list is empty, and `C` classifies
// the rows the filter waits on.
#[test]
fn an_empty_mistakes_view_says_why_and_c_classifies_the_split() {
    let mut s = State::new(tiny(), (120, 40));
    apply(&mut s, &[ToggleMisclassified]);
    assert!(s.view.is_empty());
    let list = pane(60, 8, |area, f| ui::list::draw(&s, area, f)).join(" ");
    assert!(list.contains("classified"), "{list}");
    assert!(list.contains("m "), "says how out: {list}");
    let commands = update(&mut s, ClassifyView.into());
    assert_eq!(
        commands,
        vec![Command::Classify {
            side: Side::A,
            job: 1,
            rows: (0..6).collect(),
            urgent: false
        }]
    );
}

// 6. Esc clears what is active, one thing at a time, and quits only on a clean view.
#[test]
fn esc_clears_search_then_cell_then_filters_then_order_then_quits() {
    let mut s = State::new(bundled(), (120, 40));
    classify_first_60(&mut s);
    let esc = |s: &mut State| {
        let msg = key(s, KeyCode::Esc).unwrap();
        update(s, msg)
    };
    // A label filter, mistakes only and an order; then a search.
    apply(
        &mut s,
        &[CycleLabel, ToggleMisclassified, CycleOrder, StartSearch],
    );
    type_text(&mut s, "the");
    apply(&mut s, &[SearchConfirm]);
    assert_eq!(esc(&mut s), vec![]);
    assert!(s.search.is_none(), "the search goes first");
    assert!(s.filters.misclassified && s.filters.label.is_some());
    assert_eq!(esc(&mut s), vec![]);
    assert!(!s.filters.misclassified, "then the mistakes filter");
    assert_eq!(esc(&mut s), vec![]);
    assert!(s.filters.label.is_none(), "then the label filter");
    assert_eq!(s.order, Order::ConfidentMistakes);
    assert_eq!(esc(&mut s), vec![]);
    assert_eq!(s.order, Order::Dataset, "then the order");
    assert_eq!(esc(&mut s), vec![Command::Quit], "a clean view quits");
    // A cell filter goes after the search and before the rest.
    let mut s = State::new(bundled(), (120, 40));
    classify_first_60(&mut s);
    apply(&mut s, &[CycleOrder, PickCell, ConfirmCell, StartSearch]);
    type_text(&mut s, "the");
    apply(&mut s, &[SearchConfirm]);
    esc(&mut s);
    assert!(s.search.is_none() && s.filters.cell.is_some());
    esc(&mut s);
    assert!(s.filters.cell.is_none());
    assert_eq!(s.order, Order::ConfidentMistakes);
}

// 9. The help overlay scrolls at 80×24 until its last line, and no line is cut.
#[test]
fn the_help_overlay_scrolls_and_wraps_at_80_by_24() {
    let mut s = State::new(bundled(), (80, 24));
    apply(&mut s, &[ToggleHelp]);
    let mut screens = Vec::new();
    // One line at a time, as far as the help is long (a description can wrap onto a second line).
    let length = reviewlens::app::keymap::help_lines(&Default::default()).len();
    for _ in 0..2 * length + 10 {
        drawn(&mut s);
        screens.push(render_ref(&s));
        let down = key(&s, KeyCode::Down).expect("↓ scrolls the help");
        update(&mut s, down);
    }
    assert_eq!(s.mode, Mode::Help);
    // Each line of the help reads whole on some screen: inside the box, the wrapped parts of a
    // description follow each other.
    let inner = |screen: &str| -> String {
        screen
            .lines()
            .filter_map(|l| {
                let l = l.trim_end();
                let start = l.find('│')?;
                let end = l.rfind('│')?;
                (end > start).then(|| l[start + '│'.len_utf8()..end].trim().to_owned())
            })
            .collect::<Vec<_>>()
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let all: Vec<String> = screens.iter().map(|s| inner(s)).collect();
    for (_, what) in reviewlens::app::keymap::help_lines(&Default::default()) {
        let what = what.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            all.iter().any(|screen| screen.contains(&what)),
            "{what:?} never shows whole; last screen:\n{}",
            screens.last().unwrap()
        );
    }
}

fn one_review(title: &str, content: &str) -> Dataset {
    Dataset::new(
        "one".into(),
        vec!["negative".into(), "positive".into()],
        vec![Review {
            row_index: 0,
            label: 1,
            title: title.into(),
            content: content.into(),
        }],
        vec![Split {
            name: "train".into(),
            rows: 0..1,
        }],
    )
}

// 10. Paragraph breaks stay in the detail pane; in the list, newlines and tabs become spaces.
#[test]
fn newlines_and_tabs_are_kept_as_breaks_and_spaces() {
    let s = State::new(
        one_review("Two\nlines", "Line one\nLine two\tand a tab"),
        (120, 40),
    );
    let detail = pane(40, 12, |area, f| ui::detail::draw(&s, area, f));
    assert!(
        detail
            .iter()
            .any(|l| l == "│ Line one                             │"),
        "{detail:#?}"
    );
    assert!(
        detail
            .iter()
            .any(|l| l.starts_with("│ Line two    and a tab")),
        "{detail:#?}"
    );
    let list = pane(40, 4, |area, f| ui::list::draw(&s, area, f));
    assert!(list[2].contains("Two lines"), "{list:#?}");
}

// 11. Regional indicators (flags) are drawn as their letters: terminals disagree on their width.
#[test]
fn flags_are_drawn_as_letters_of_a_known_width() {
    let s = State::new(one_review("Paris 🇫🇷 trip", "Loved 🇫🇷 and 🇮🇹."), (120, 40));
    let is_indicator = |c: char| ('\u{1F1E6}'..='\u{1F1FF}').contains(&c);
    for (w, h, which) in [(40, 4, 0), (40, 8, 1)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        terminal
            .draw(|f| match which {
                0 => ui::list::draw(&s, f.area(), f),
                _ => ui::detail::draw(&s, f.area(), f),
            })
            .unwrap();
        let buffer = terminal.backend().buffer();
        let text: String = buffer.content().iter().map(|c| c.symbol()).collect();
        assert!(!text.chars().any(is_indicator), "{text}");
        assert!(text.contains("[FR]"), "{text}");
    }
}

// 12. `v` with no predictions says there is nothing to pick yet.
#[test]
fn v_without_predictions_says_there_is_nothing_to_pick() {
    let mut s = State::new(tiny(), (120, 40));
    apply(&mut s, &[PickCell]);
    assert_eq!(s.mode, Mode::Browse);
    let notice = s.notice.clone().unwrap_or_default();
    assert!(notice.contains("nothing to pick"), "{notice}");
}

// 13. The bar after "pred N" is the predicted share; the accuracy line is whole at 120 columns.
#[test]
fn labels_pane_bars_show_the_predicted_share_and_accuracy_is_whole() {
    let mut s = State::new(tiny(), (120, 40));
    // Every train row predicted positive: 3 negative and 3 positive by gold.
    let all_positive = (0..6).map(|r| (r, prediction(1, 0.9))).collect();
    update(
        &mut s,
        Msg::Worker(Side::A, WorkerMsg::Cached(all_positive)),
    );
    let lines = pane(54, 12, |area, f| ui::stats::draw(&s, area, f));
    let negative = lines.iter().find(|l| l.starts_with("│ negative")).unwrap();
    let positive = lines.iter().find(|l| l.starts_with("│ positive")).unwrap();
    let after_pred = |l: &str| l.split("pred").nth(1).unwrap_or_default().to_owned();
    assert!(!after_pred(negative).contains('█'), "{lines:#?}");
    assert!(after_pred(positive).contains('█'), "{lines:#?}");
    let bars = |l: &str| l.chars().filter(|&c| c == '█').count();
    assert!(bars(positive) > bars(negative), "{lines:#?}");

    let mut s = State::new(bundled(), (120, 40));
    classify_split(&mut s, 1);
    let screen = render_ref(&s);
    assert!(
        screen.contains("% of 10,980 classified"),
        "accuracy line cut:\n{screen}"
    );
}

// 17. Counts in messages have thousands separators, and a second `C` does not quote a stale count.
#[test]
fn counts_in_messages_are_grouped_and_never_stale() {
    let mut s = State::new(bundled(), (120, 40));
    apply(&mut s, &[NextSplit, ClassifyView]);
    let progress = WorkerMsg::Progress {
        job: 1,
        done: 16,
        total: 10_980,
        done_chars: 100,
        total_chars: 100_000,
        elapsed: Duration::from_secs(1),
    };
    update(&mut s, Msg::Worker(Side::A, progress));
    apply(&mut s, &[ClassifyView]);
    let notice = s.notice.clone().unwrap();
    assert!(!notice.contains("0 of"), "{notice}");
    assert!(status_line(&s).contains("16/10,980"));
    let finished = WorkerMsg::Finished {
        job: 1,
        cancelled: false,
    };
    update(&mut s, Msg::Worker(Side::A, finished));
    let notice = s.notice.clone().unwrap();
    assert!(notice.contains("classified 10,980 reviews"), "{notice}");
    // An export's count too.
    apply(&mut s, &[StartExport]);
    update(&mut s, ExportConfirm.into());
    let written = Exported::Written {
        path: "/tmp/x.csv".into(),
        rows: 10_980,
    };
    update(&mut s, Msg::Exported(written));
    assert!(
        s.notice
            .as_deref()
            .unwrap()
            .contains("exported 10,980 reviews")
    );
}

// 20. The ✗ mark stays at 60 columns.
#[test]
fn the_mistake_mark_shows_at_60_columns() {
    let mut s = State::new(bundled(), (60, 20));
    classify_first_60(&mut s);
    let screen = render_ref(&s);
    // Row 0 is predicted wrong (every third row is).
    let first = screen.lines().nth(2).unwrap();
    assert!(first.contains('✗'), "{screen}");
}

// 15. `~` in the export prompt is the home directory.
#[test]
fn a_tilde_in_the_export_name_is_the_home_directory() {
    let mut s = State::new(tiny(), (120, 40)).with_home(Some("/home/someone".into()));
    apply(&mut s, &[StartExport, ExportClear]);
    for c in "~/out.csv".chars() {
        update(&mut s, ExportInput(c).into());
    }
    match update(&mut s, ExportConfirm.into()).as_slice() {
        [Command::Export { path, .. }] => {
            assert_eq!(path, std::path::Path::new("/home/someone/out.csv"))
        }
        other => panic!("{other:?}"),
    }
}

// 3. Under NO_COLOR no style carries a colour (crossterm would write each as a full reset), and the
// whole selected row is in reverse video.
#[test]
fn without_colour_no_cell_has_a_colour_and_the_selection_is_reversed_whole() {
    use ratatui::style::{Color, Modifier};
    let mut s = State::new(bundled(), (120, 40));
    classify_first_60(&mut s);
    apply(&mut s, &[ToggleMetrics, PickCell, ConfirmCell, StartSearch]);
    type_text(&mut s, "the");
    apply(&mut s, &[SearchConfirm]);
    s.alert = Some("model unavailable: an error in its own box".into());
    let screens = [
        Mode::Browse,
        Mode::Help,
        Mode::PickCell(s.filters.cell.unwrap()),
    ];
    for mode in screens {
        s.mode = mode.clone();
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        terminal
            .draw(|f| {
                ui::draw_with(&s, f, ui::Theme::PLAIN);
            })
            .unwrap();
        let buffer = terminal.backend().buffer();
        for (i, cell) in buffer.content().iter().enumerate() {
            assert!(
                cell.fg == Color::Reset && cell.bg == Color::Reset,
                "{mode:?}: a colour at {:?}: {cell:?}",
                buffer.pos_of(i)
            );
        }
        if mode == Mode::Browse {
            // The selected row is the first one, on screen line 2: every cell of the list's
            // inside is reversed.
            for x in 1..65 {
                assert!(
                    buffer[(x, 2)].modifier.contains(Modifier::REVERSED),
                    "column {x} of the selected row: {:?}",
                    buffer[(x, 2)]
                );
            }
        }
    }
}
