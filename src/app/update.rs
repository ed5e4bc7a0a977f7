//! The pure heart: `update(state, msg)` changes `state` and returns effects. No I/O, no clock.

use std::time::Duration;

use super::action::{Action, Command, Msg, Side};
use super::predictions::Predictions;
use super::predictions::{BatchJob, ModelStatus};
use super::search::matching;
use super::state::{CompareFilter, Mode, Order, Search, SplitView, State};
use super::{cells, export};
use crate::ui;
use crate::worker::WorkerMsg;

/// Lines the wheel moves per notch.
const WHEEL_STEP: usize = 3;

pub fn update(state: &mut State, msg: Msg) -> Vec<Command> {
    match msg {
        Msg::Resize(w, h) => {
            state.size = (w, h);
            state.keep_selection_visible();
            clamp_detail(state);
            Vec::new()
        }
        Msg::Action(action) => {
            state.notice = None;
            act(state, action)
        }
        Msg::Worker(report) => {
            worker_report(state, Side::A, report);
            Vec::new()
        }
        Msg::WorkerB(report) => {
            worker_report(state, Side::B, report);
            Vec::new()
        }
        Msg::Exported(outcome) => {
            export::outcome(state, outcome);
            Vec::new()
        }
    }
}

fn act(state: &mut State, action: Action) -> Vec<Command> {
    use Action::*;
    match action {
        Quit => return vec![Command::Quit],
        Up => move_by(state, -1),
        Down => move_by(state, 1),
        PageUp => move_by(state, -(state.list_height() as isize)),
        PageDown => move_by(state, state.list_height() as isize),
        Home => select(state, 0),
        End => select(state, state.view.len().saturating_sub(1)),
        NextSplit => cycle_split(state, true),
        PrevSplit => cycle_split(state, false),
        CycleLabel => {
            state.cell_filter = None;
            let n = state.data.label_names.len() as u32;
            state.label_filter = match state.label_filter {
                None if n > 0 => Some(0),
                Some(l) if l + 1 < n => Some(l + 1),
                _ => None,
            };
            state.rebuild_view();
        }
        StartSearch => {
            state.mode = Mode::Search {
                input: state
                    .search
                    .as_ref()
                    .map(|s| s.query.clone())
                    .unwrap_or_default(),
                previous: state.search.clone(),
                selected_before: state.selected,
            };
        }
        SearchInput(c) => edit_search(state, |input| input.push(c)),
        SearchBackspace => edit_search(state, |input| {
            input.pop();
        }),
        SearchClear => edit_search(state, String::clear),
        SearchConfirm => {
            state.mode = Mode::Browse;
            if state.search.as_ref().is_some_and(|s| s.query.is_empty()) {
                state.search = None;
            }
        }
        SearchCancel => {
            if let Mode::Search {
                previous,
                selected_before,
                ..
            } = std::mem::replace(&mut state.mode, Mode::Browse)
            {
                state.search = previous;
                state.refresh_search();
                select(state, selected_before);
            }
        }
        NextMatch => jump_to_match(state, true),
        PrevMatch => jump_to_match(state, false),
        DetailDown => scroll_detail(state, 1),
        DetailUp => scroll_detail(state, -1),
        Scroll { column, row, down } => {
            let step = if down {
                WHEEL_STEP as isize
            } else {
                -(WHEEL_STEP as isize)
            };
            match ui::layout(state) {
                Some(l) if contains(l.detail, column, row) => scroll_detail(state, step),
                Some(l) if contains(l.list, column, row) => move_by(state, step),
                _ => {}
            }
        }
        Click { column, row } => {
            if let Some(l) = ui::layout(state)
                && state.show_metrics
                && let Some(cell) = ui::metrics::cell_at(state, l.stats, column, row)
            {
                cells::apply(state, cell);
            } else if let Some(l) = ui::layout(state)
                && let Some(line) = ui::list::row_at(l.list, column, row)
                && state.offset + line < state.view.len()
            {
                select(state, state.offset + line);
            }
        }
        ClassifySelected => {
            let Some(row) = state.selected_row() else {
                state.notice = Some("nothing selected".into());
                return Vec::new();
            };
            return sides(state)
                .map(|(side, preds)| {
                    let job = preds.new_job();
                    preds.pending = Some((job, row as u32));
                    Command::Classify {
                        side,
                        job,
                        rows: vec![row as u32],
                        urgent: true,
                    }
                })
                .collect();
        }
        ClassifyView => {
            let view = state.view.clone();
            let mut commands = Vec::new();
            let mut running = None;
            for (side, preds) in sides(state) {
                if let Some(job) = &preds.job {
                    running = Some(format!(
                        "a batch is running ({} of {}); x cancels it",
                        job.done, job.total
                    ));
                    continue;
                }
                let rows: Vec<u32> = view
                    .iter()
                    .copied()
                    .filter(|&r| preds.get(r as usize).is_none())
                    .collect();
                if rows.is_empty() {
                    continue;
                }
                let job = preds.new_job();
                preds.job = Some(BatchJob {
                    id: job,
                    done: 0,
                    total: rows.len(),
                    done_chars: 0,
                    total_chars: 0,
                    elapsed: Duration::ZERO,
                });
                commands.push(Command::Classify {
                    side,
                    job,
                    rows,
                    urgent: false,
                });
            }
            if commands.is_empty() {
                state.notice = Some(
                    running.unwrap_or_else(|| "every review in view is classified already".into()),
                );
            }
            return commands;
        }
        CancelJob => {
            let commands: Vec<Command> = sides(state)
                .filter_map(|(side, preds)| preds.job.as_ref().map(|j| (side, j.id)))
                .map(|(side, job)| Command::Cancel { side, job })
                .collect();
            state.notice = Some(if commands.is_empty() {
                "no batch is running".into()
            } else {
                "cancelling after the current batch…".into()
            });
            return commands;
        }
        CycleCompare => {
            if state.preds_b.is_none() {
                state.notice = Some(
                    "one classifier only: start with --compare embed (or zero-shot, sequence) for a second"
                        .into(),
                );
                return Vec::new();
            }
            state.compare_filter = state.compare_filter.next();
            state.cell_filter = None;
            state.misclassified_only = false;
            state.rebuild_view();
        }
        ToggleMisclassified => {
            state.cell_filter = None;
            state.compare_filter = CompareFilter::Off;
            state.misclassified_only = !state.misclassified_only;
            if state.misclassified_only
                && (0..state.data.splits.len()).all(|s| state.preds.tally(s).classified == 0)
            {
                state.notice = Some(
                    "no predictions yet: c classifies the selected review, C all in view".into(),
                );
            }
            state.rebuild_view();
        }
        CycleOrder => {
            state.order = state.order.next();
            state.rebuild_view();
        }
        ToggleMetrics => state.show_metrics = !state.show_metrics,
        PickCell => cells::start_pick(state),
        MoveCell { gold, predicted } => cells::move_cursor(state, gold, predicted),
        ConfirmCell => {
            if let Mode::PickCell(cell) = state.mode {
                cells::apply(state, cell);
            }
        }
        CancelPick => state.mode = Mode::Browse,
        ClearCell => cells::clear(state),
        StartExport => export::start(state),
        ExportInput(c) => export::edit(state, |input| input.push(c)),
        ExportBackspace => export::edit(state, |input| {
            input.pop();
        }),
        ExportClear => export::edit(state, String::clear),
        ExportConfirm => return export::confirm(state, false),
        ExportCancel => state.mode = Mode::Browse,
        Overwrite(yes) => return export::answer(state, yes),
        ToggleHelp => {
            state.mode = match state.mode {
                Mode::Help => Mode::Browse,
                _ => Mode::Help,
            }
        }
        CloseHelp => state.mode = Mode::Browse,
    }
    Vec::new()
}

/// Each classifier in turn (A, then B with `--compare`) with its predictions.
fn sides(state: &mut State) -> impl Iterator<Item = (Side, &mut Predictions)> {
    std::iter::once((Side::A, &mut state.preds)).chain(state.preds_b.as_mut().map(|b| (Side::B, b)))
}

fn worker_report(state: &mut State, side: Side, report: WorkerMsg) {
    let State {
        preds,
        preds_b,
        data,
        notice,
        ..
    } = state;
    let preds = match (side, preds_b.as_mut()) {
        (Side::A, _) => preds,
        (Side::B, Some(b)) => b,
        (Side::B, None) => return,
    };
    // B's notices say whose they are.
    let prefix = if side == Side::B { "B: " } else { "" };
    let mut reorder = false;
    match report {
        WorkerMsg::Status(s) => preds.status = ModelStatus::Busy(s),
        WorkerMsg::Ready {
            model,
            device,
            note,
            ..
        } => {
            preds.model_name = model;
            preds.status = ModelStatus::Ready { device, note };
        }
        WorkerMsg::LoadFailed(e) => {
            preds.status = ModelStatus::Failed(e);
            preds.job = None;
            preds.pending = None;
        }
        WorkerMsg::Cached(rows) => {
            for (row, p) in rows {
                if let Some(r) = data.rows.get(row as usize) {
                    preds.insert(row, r.label, p);
                }
            }
            reorder = true;
        }
        WorkerMsg::Results {
            job,
            predictions,
            batch_time,
        } => {
            for (row, p) in predictions {
                if let Some(r) = data.rows.get(row as usize) {
                    preds.insert(row, r.label, p);
                }
                if preds.pending == Some((job, row)) {
                    preds.latency = Some((row, batch_time));
                    preds.pending = None;
                }
            }
            reorder = true;
        }
        WorkerMsg::Progress {
            job,
            done,
            total,
            done_chars,
            total_chars,
            elapsed,
        } => {
            if let Some(j) = preds.job.as_mut().filter(|j| j.id == job) {
                *j = BatchJob {
                    id: job,
                    done,
                    total,
                    done_chars,
                    total_chars,
                    elapsed,
                };
            }
        }
        WorkerMsg::Finished { job, cancelled } => {
            if let Some(j) = preds.job.take_if(|j| j.id == job) {
                *notice = Some(if cancelled {
                    format!("{prefix}cancelled: {} of {} classified", j.done, j.total)
                } else {
                    format!(
                        "{prefix}classified {} reviews in {:.1} s ({:.0}/s)",
                        j.total,
                        j.elapsed.as_secs_f64(),
                        j.rate()
                    )
                });
            }
        }
        WorkerMsg::Failed { job, error } => {
            if preds.job.as_ref().is_some_and(|j| j.id == job) {
                preds.job = None;
            }
            if preds.pending.is_some_and(|(j, _)| j == job) {
                preds.pending = None;
            }
            *notice = Some(format!("{prefix}classification failed: {error}"));
        }
        WorkerMsg::Warning(w) => *notice = Some(format!("{prefix}{w}")),
    }
    // New predictions can move rows in or out of a filtered or sorted view.
    if reorder
        && (state.misclassified_only
            || state.cell_filter.is_some()
            || state.compare_filter != CompareFilter::Off
            || state.order != Order::Dataset)
    {
        state.rebuild_view();
    }
}

fn contains(r: ratatui::layout::Rect, column: u16, row: u16) -> bool {
    r.contains(ratatui::layout::Position::new(column, row))
}

fn move_by(state: &mut State, delta: isize) {
    let target = state.selected.saturating_add_signed(delta);
    select(state, target);
}

/// Selects position `pos` of the view (clamped), resetting the detail scroll when the review changes.
fn select(state: &mut State, pos: usize) {
    let pos = pos.min(state.view.len().saturating_sub(1));
    if pos != state.selected {
        state.selected = pos;
        state.detail_scroll = 0;
    }
    state.keep_selection_visible();
}

fn cycle_split(state: &mut State, forward: bool) {
    // train → test → ... → all → train; with a single split, Tab still toggles it and "all".
    let n = state.data.splits.len();
    let order: Vec<SplitView> = (0..n).map(SplitView::One).chain([SplitView::All]).collect();
    let at = order.iter().position(|s| *s == state.split).unwrap_or(0);
    let next = if forward {
        (at + 1) % order.len()
    } else {
        (at + order.len() - 1) % order.len()
    };
    state.split = order[next];
    state.rebuild_view();
}

/// Applies an edit to the search being typed, re-runs it, and moves to the first match at or after
/// where the search started (as incremental search does in less and vim).
fn edit_search(state: &mut State, edit: impl FnOnce(&mut String)) {
    let Mode::Search {
        input,
        selected_before,
        ..
    } = &mut state.mode
    else {
        return;
    };
    edit(input);
    let query = input.clone();
    let from = *selected_before;
    let matches = matching(&state.data, &state.view, &query);
    let target = matches
        .iter()
        .find(|&&m| m >= from)
        .or(matches.first())
        .copied()
        .unwrap_or(from);
    state.search = Some(Search { query, matches });
    select(state, target);
}

fn jump_to_match(state: &mut State, forward: bool) {
    let Some(search) = &state.search else {
        state.notice = Some("no search; press / to search".into());
        return;
    };
    let matches = &search.matches;
    if matches.is_empty() {
        state.notice = Some(format!("no matches for \"{}\"", search.query));
        return;
    }
    let cur = state.selected;
    let (target, wrapped) = if forward {
        match matches.iter().find(|&&m| m > cur) {
            Some(&m) => (m, false),
            None => (matches[0], true),
        }
    } else {
        match matches.iter().rev().find(|&&m| m < cur) {
            Some(&m) => (m, false),
            None => (*matches.last().expect("not empty"), true),
        }
    };
    if wrapped {
        state.notice = Some(
            if forward {
                "search wrapped to the top"
            } else {
                "search wrapped to the bottom"
            }
            .into(),
        );
    }
    select(state, target);
}

fn scroll_detail(state: &mut State, delta: isize) {
    state.detail_scroll = (state.detail_scroll as isize + delta).clamp(0, u16::MAX as isize) as u16;
    clamp_detail(state);
}

/// Keeps the detail pane from scrolling past the end of the wrapped review.
fn clamp_detail(state: &mut State) {
    let max = match (ui::layout(state), state.selected_row()) {
        (Some(l), Some(row)) => ui::detail::max_scroll(state, row, l.detail),
        _ => 0,
    };
    state.detail_scroll = state.detail_scroll.min(max);
}
