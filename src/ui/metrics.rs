//! The metrics pane: `classification_report(digits=4, zero_division=0)`'s numbers over the rows
//! classified so far in the current split(s), and the confusion matrix, whose cells are filters.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::report::{report_lines, side_by_side};
use super::style::Theme;
use super::text::{ellipsize, thousands, whole_parts};
use crate::app::layout::{MatrixFit, matrix_fit};
use crate::app::{Cell, Issues, Mode, State};
use crate::format::right;
use crate::metrics::Report;

pub fn draw(state: &State, area: Rect, frame: &mut Frame) {
    draw_with(state, area, frame, super::theme());
}

pub fn draw_with(state: &State, area: Rect, frame: &mut Frame, theme: Theme) {
    let block = Block::bordered().title(Line::from(vec![
        Span::raw(" Metrics · "),
        Span::styled(
            state.split_name().to_owned(),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::raw(" "),
    ]));
    let width = block.inner(area).width as usize;
    let tally = state.tally();
    let names = &state.data.label_names;
    let tally_b = (state.preds_b.as_ref()).map(|b| state.tally_of(b));
    let mut lines = vec![summary(
        state,
        tally.classified,
        tally_b.as_ref().map(|b| b.classified),
        width,
    )];
    if let Some(issues) = state.label_issues.ready() {
        lines.extend(issue_lines(state, issues, width));
    }
    if let Some(Ok(_)) = state.duplicates.found {
        lines.push(duplicate_line(state, width));
    }
    if tally.classified == 0 && tally_b.as_ref().is_none_or(|b| b.classified == 0) {
        lines.push(Line::raw(""));
        lines.push(Line::raw(
            "No predictions yet: c classifies the selected review,",
        ));
        lines.push(Line::raw(
            "C every review in view. The report fills in as they come.",
        ));
        frame.render_widget(Paragraph::new(lines).block(block), area);
        return;
    }
    let report = Report::from_confusion(names, tally.confusion);
    match tally_b {
        Some(b) => {
            let b = Report::from_confusion(names, b.confusion);
            lines.extend(side_by_side(state, &report, &b, width));
        }
        None => lines.extend(report_lines(state, &report, width)),
    }
    lines.push(Line::raw(""));
    match matrix_fit(state, width) {
        Some(fit) => lines.extend(confusion_lines(state, &report, &fit, theme)),
        None => lines.push(Line::raw("(widen the terminal for the matrix)")),
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// With `D` done, under the count: near duplicates among the rows of the split(s) in view.
fn duplicate_line(state: &State, width: usize) -> Line<'static> {
    let rows = state.split_rows().map(|r| r as u32);
    let c = state.duplicates.counts(&state.data, rows);
    Line::from(whole_parts(
        vec![
            Span::styled(
                "near duplicates: ",
                Style::new().add_modifier(Modifier::BOLD),
            ),
            Span::raw(format!("{} rows", thousands(c.near))),
            Span::raw(format!(", {} conflicting", thousands(c.conflicting))),
            Span::raw(format!(", {} leaked", thousands(c.leaked))),
        ],
        width,
    ))
}

/// With `i`, under the count: how many rows are flagged, and cleanlab's estimate of the label
/// errors, in all and per class pair (given → true).
fn issue_lines(state: &State, issues: &Issues, width: usize) -> Vec<Line<'static>> {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let line = |parts: Vec<Span<'static>>| Line::from(whole_parts(parts, width));
    let mut pairs = vec![Span::raw("given→true:")];
    let names = &state.data.label_names;
    for (given, row) in issues.per_pair.iter().enumerate() {
        for (truth, &n) in row.iter().enumerate() {
            if given != truth && n > 0 {
                let n = thousands(n as usize);
                pairs.push(Span::raw(format!(" {}→{} {n}", names[given], names[truth])));
            }
        }
    }
    vec![
        line(vec![
            Span::styled("label issues: ", bold),
            Span::raw(format!(
                "{} of {} flagged",
                thousands(issues.flagged),
                thousands(issues.checked)
            )),
            Span::raw(format!(", {} estimated", thousands(issues.estimated))),
        ]),
        line(pairs),
    ]
}

/// "60 of 6,000 classified" (A's and B's counts with two classifiers), whole parts only.
fn summary(state: &State, a: usize, b: Option<usize>, width: usize) -> Line<'static> {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut parts = match b {
        None => vec![Span::styled(thousands(a), bold)],
        Some(b) => vec![
            Span::styled(format!("A {}", thousands(a)), bold),
            Span::styled(format!(" · B {}", thousands(b)), bold),
        ],
    };
    parts.push(Span::styled(
        format!(" of {}", thousands(state.split_len())),
        bold,
    ));
    parts.push(Span::styled(" classified", bold));
    if state.corrected_labels {
        parts.push(Span::raw(" · gold: corrected labels (R)"));
    }
    Line::from(whole_parts(parts, width))
}

/// The matrix: gold classes down, predicted across. The picking cursor is in reverse video, the
/// filtering cell in brackets; mistakes are red and correct cells green (the brackets and cursor
/// read without colour). Counts are right-aligned in their column, the filter's `]` in the gap after.
fn confusion_lines<'a>(
    state: &State,
    report: &Report,
    fit: &MatrixFit,
    theme: Theme,
) -> Vec<Line<'a>> {
    let (nw, cw) = (fit.name, fit.cell);
    let names = &state.data.label_names;
    let cursor = match state.mode {
        Mode::PickCell(c) => Some(c),
        _ => None,
    };
    let dim = Style::new().add_modifier(Modifier::DIM);
    let mut header = vec![Span::styled(right(fit.corner, nw), dim)];
    header.extend(
        (names.iter()).map(|n| Span::styled(format!("{:>cw$}", ellipsize(n, cw - 1)), dim)),
    );
    let mut lines = vec![Line::from(header)];
    for (g, row) in report.confusion.iter().enumerate() {
        let mut spans = vec![Span::styled(right(&names[g], nw), dim)];
        for (p, &count) in row.iter().enumerate() {
            let cell = Cell {
                gold: g as u32,
                predicted: p as u32,
            };
            let filter = state.filters.cell == Some(cell);
            let count = thousands(count);
            let mut style = match (g == p, count.as_str()) {
                (_, "0") => Style::new(),
                (correct, _) => theme.count(correct),
            };
            if filter {
                style = style.add_modifier(Modifier::BOLD);
            }
            if cursor == Some(cell) {
                style = style.add_modifier(Modifier::REVERSED);
            }
            let text = if filter {
                format!("[{count}]")
            } else {
                format!("{count} ")
            };
            spans.push(Span::raw(
                " ".repeat(cw.saturating_sub(text.chars().count())),
            ));
            spans.push(Span::styled(text, style));
        }
        lines.push(Line::from(spans));
    }
    lines
}
