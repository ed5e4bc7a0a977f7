//! `update` for the metrics pane: picking a confusion-matrix cell, the filter it sets, clearing it,
//! and the export prompt's whole conversation (the writing itself is in `tests/export.rs`).

mod common;

use std::path::PathBuf;

use common::*;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use reviewlens::app::{
    Action::*, Cell, Command, Exported, Mode, Msg, State, msg_for_event, update,
};
use reviewlens::ui::snapshot::render as render_ref;

fn classified() -> State {
    let mut s = State::new(bundled(), (120, 40));
    classify_first_60(&mut s);
    s
}

/// Rows (indices into `data.rows`) of the current split with gold `g` predicted `p`, by brute force.
fn cell_rows(s: &State, g: u32, p: u32) -> Vec<u32> {
    (0..6000u32)
        .filter(|&r| {
            s.data.rows.get(r as usize).label == g
                && s.preds.get(r as usize).is_some_and(|x| x.label == p)
        })
        .collect()
}

fn key(s: &State, code: KeyCode) -> Option<Msg> {
    msg_for_event(&Event::Key(KeyEvent::new(code, KeyModifiers::NONE)), s)
}

#[test]
fn v_opens_the_metrics_on_the_biggest_mistake_and_arrows_stop_at_the_edges() {
    let mut s = classified();
    assert!(!s.show_metrics);
    apply(&mut s, &[PickCell]);
    assert!(s.show_metrics, "picking shows the matrix");
    // 12 positives predicted negative beat 8 negatives predicted positive.
    let start = Cell {
        gold: 1,
        predicted: 0,
    };
    assert_eq!(s.mode, Mode::PickCell(start));
    let mv = |gold, predicted| MoveCell { gold, predicted };
    apply(&mut s, &[mv(1, 0), mv(0, -1)]);
    assert_eq!(s.mode, Mode::PickCell(start), "already at the bottom left");
    apply(&mut s, &[mv(-1, 0), mv(0, 1), mv(0, 1)]);
    assert_eq!(
        s.mode,
        Mode::PickCell(Cell {
            gold: 0,
            predicted: 1
        })
    );
    // Esc leaves the picker without filtering.
    let esc = key(&s, KeyCode::Esc).unwrap();
    update(&mut s, esc);
    assert_eq!((s.mode.clone(), s.filters.cell), (Mode::Browse, None));
}

#[test]
fn a_cell_filters_the_list_to_exactly_its_rows_and_one_key_clears_it() {
    let mut s = classified();
    apply(&mut s, &[CycleLabel, ToggleMisclassified]);
    apply(&mut s, &[PickCell, ConfirmCell]);
    assert_eq!(
        s.filters.cell,
        Some(Cell {
            gold: 1,
            predicted: 0
        })
    );
    assert_eq!(s.view, cell_rows(&s, 1, 0));
    assert_eq!(s.view.len(), 12);
    assert_eq!(
        (s.filters.label, s.filters.misclassified),
        (None, false),
        "a cell replaces the other filters"
    );
    let screen = render_ref(&s);
    let status = screen.lines().last().unwrap();
    assert!(
        status.contains("12 of 6,000 rows │ gold positive → predicted negative · V clears"),
        "{status}"
    );
    // The correct cells filter too.
    apply(
        &mut s,
        &[
            PickCell,
            MoveCell {
                gold: 0,
                predicted: 0,
            },
            ConfirmCell,
        ],
    );
    assert_eq!(
        s.filters.cell,
        Some(Cell {
            gold: 1,
            predicted: 0
        }),
        "cursor starts on the filter"
    );
    apply(
        &mut s,
        &[
            PickCell,
            MoveCell {
                gold: -1,
                predicted: 0,
            },
            ConfirmCell,
        ],
    );
    assert_eq!(s.view, cell_rows(&s, 0, 0));
    assert_eq!(s.view.len(), 19);
    // V clears it, and Esc does too (before it would quit).
    apply(&mut s, &[ClearCell]);
    assert_eq!((s.filters.cell, s.view.len()), (None, 6000));
    apply(&mut s, &[PickCell, ConfirmCell]);
    let esc = key(&s, KeyCode::Esc).unwrap();
    assert_eq!(update(&mut s, esc), vec![]);
    assert_eq!((s.filters.cell, s.view.len()), (None, 6000));
    let esc = key(&s, KeyCode::Esc).unwrap();
    assert_eq!(update(&mut s, esc), vec![Command::Quit]);
}

#[test]
fn the_label_and_misclassified_filters_replace_a_cell() {
    let mut s = classified();
    apply(&mut s, &[PickCell, ConfirmCell, CycleLabel]);
    assert_eq!((s.filters.cell, s.filters.label), (None, Some(0)));
    apply(&mut s, &[PickCell, ConfirmCell, ToggleMisclassified]);
    assert_eq!((s.filters.cell, s.filters.misclassified), (None, true));
}

#[test]
fn new_predictions_move_rows_into_the_filtered_cell() {
    use reviewlens::app::{Side, WorkerMsg};
    use reviewlens::model::Prediction;
    let mut s = classified();
    apply(&mut s, &[PickCell, ConfirmCell]);
    assert_eq!(s.view.len(), 12);
    let row = (60..6000u32)
        .find(|&r| s.data.rows.get(r as usize).label == 1)
        .unwrap();
    let wrong = Prediction {
        label: 0,
        probs: vec![0.9, 0.1],
        tokens: 5,
        truncated: false,
    };
    update(
        &mut s,
        Msg::Worker(
            Side::A,
            WorkerMsg::Results {
                job: 9,
                predictions: vec![(row, wrong)],
                batch_time: Default::default(),
            },
        ),
    );
    assert_eq!(s.view.len(), 13);
    assert_eq!(s.view, cell_rows(&s, 1, 0));
}

#[test]
fn clicking_a_matrix_cell_filters_to_it() {
    let mut s = classified();
    apply(&mut s, &[ToggleMetrics]);
    // Find the "8" of gold negative / predicted positive on the screen.
    let screen = render_ref(&s);
    let lines: Vec<&str> = screen.lines().collect();
    let y = lines
        .iter()
        .position(|l| l.contains("gold ╲ pred"))
        .unwrap()
        + 1;
    let x = lines[y]
        .chars()
        .collect::<Vec<_>>()
        .iter()
        .rposition(|&c| c == '8')
        .unwrap();
    update(
        &mut s,
        Click {
            column: x as u16,
            row: y as u16,
        }
        .into(),
    );
    assert_eq!(
        s.filters.cell,
        Some(Cell {
            gold: 0,
            predicted: 1
        })
    );
    assert_eq!(s.view, cell_rows(&s, 0, 1));
    // A click on the report above the matrix selects nothing.
    update(
        &mut s,
        Click {
            column: x as u16,
            row: y as u16 - 3,
        }
        .into(),
    );
    assert_eq!(
        s.filters.cell,
        Some(Cell {
            gold: 0,
            predicted: 1
        })
    );
}

#[test]
fn metrics_count_the_classified_rows_of_the_split_in_view() {
    let mut s = classified();
    apply(&mut s, &[ToggleMetrics]);
    let screen = render_ref(&s);
    assert!(screen.contains("60 of 6,000 classified"));
    assert!(screen.contains("accuracy                        0.6667        60"));
    apply(&mut s, &[NextSplit]);
    let screen = render_ref(&s);
    assert!(
        screen.contains("0 of 10,980 classified"),
        "the test split has none"
    );
    assert!(screen.contains("No predictions yet"));
    apply(&mut s, &[NextSplit]);
    assert!(render_ref(&s).contains("60 of 16,980 classified"));
}

#[test]
fn export_asks_for_a_name_then_for_permission_to_overwrite() {
    let mut s = classified();
    apply(&mut s, &[PickCell, ConfirmCell, StartExport]);
    let default = "reviewlens-train-positive-as-negative.csv";
    assert_eq!(
        s.mode,
        Mode::Export {
            input: default.into()
        }
    );
    let rows = s.view.clone();
    let asked = update(&mut s, ExportConfirm.into());
    assert_eq!(
        asked,
        vec![Command::Export {
            path: PathBuf::from(default),
            rows: rows.clone(),
            overwrite: false
        }]
    );
    // The file is there: ask. "n" goes back to the name, "y" overwrites.
    update(&mut s, Msg::Exported(Exported::Exists));
    assert_eq!(
        s.mode,
        Mode::ConfirmOverwrite {
            input: default.into()
        }
    );
    let no = key(&s, KeyCode::Char('n')).unwrap();
    assert_eq!(update(&mut s, no), vec![]);
    assert_eq!(
        s.mode,
        Mode::Export {
            input: default.into()
        }
    );
    update(&mut s, ExportConfirm.into());
    update(&mut s, Msg::Exported(Exported::Exists));
    let yes = key(&s, KeyCode::Char('y')).unwrap();
    assert_eq!(
        update(&mut s, yes),
        vec![Command::Export {
            path: PathBuf::from(default),
            rows,
            overwrite: true
        }]
    );
    let written = PathBuf::from("/tmp/out.csv");
    update(
        &mut s,
        Msg::Exported(Exported::Written {
            path: written,
            rows: 12,
        }),
    );
    assert_eq!(s.mode, Mode::Browse);
    assert_eq!(
        s.notice.as_deref(),
        Some("exported 12 reviews to /tmp/out.csv")
    );
}

#[test]
fn export_writes_the_view_in_order_with_a_search_active_and_checks_the_name() {
    let mut s = State::new(bundled(), (120, 40));
    apply(&mut s, &[StartSearch]);
    type_text(&mut s, "soundtrack");
    apply(&mut s, &[SearchConfirm, StartExport, ExportClear]);
    for c in "found.txt".chars() {
        update(&mut s, ExportInput(c).into());
    }
    assert_eq!(
        update(&mut s, ExportConfirm.into()),
        vec![],
        "not a known type"
    );
    assert!(
        s.notice
            .as_deref()
            .unwrap()
            .contains("end the name in .parquet, .csv, .tsv or .jsonl")
    );
    apply(&mut s, &[ExportBackspace, ExportBackspace, ExportBackspace]);
    for c in "parquet".chars() {
        update(&mut s, ExportInput(c).into());
    }
    // A search only marks rows in the list: the file holds what the list shows (issue 14).
    let expected = s.view.clone();
    assert_eq!(expected.len(), 6000);
    assert_eq!(
        update(&mut s, ExportConfirm.into()),
        vec![Command::Export {
            path: "found.parquet".into(),
            rows: expected,
            overwrite: false
        }]
    );
    update(&mut s, Msg::Exported(Exported::Failed("disk full".into())));
    assert!(
        matches!(s.mode, Mode::Export { .. }),
        "the prompt stays to try again"
    );
    assert_eq!(s.notice.as_deref(), Some("export failed: disk full"));
    apply(&mut s, &[ExportCancel]);
    assert_eq!(s.mode, Mode::Browse);
}

#[test]
fn default_export_names_say_what_the_view_holds() {
    let mut s = classified();
    assert_eq!(
        reviewlens::app::default_export_name(&s),
        "reviewlens-train.csv"
    );
    apply(&mut s, &[NextSplit, CycleLabel, CycleOrder]);
    assert_eq!(
        reviewlens::app::default_export_name(&s),
        "reviewlens-test-negative-confident-mistakes.csv"
    );
    apply(&mut s, &[ToggleMisclassified]);
    assert_eq!(
        reviewlens::app::default_export_name(&s),
        "reviewlens-test-negative-misclassified-confident-mistakes.csv"
    );
}
