//! The metrics pane: `classification_report(digits=4, zero_division=0)`'s numbers over the rows
//! classified so far in the current split(s), and the confusion matrix, whose cells are filters.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::text::thousands;
use crate::app::layout::{cell_width, name_width};
use crate::app::{Cell, Mode, State};
use crate::metrics::{Report, Scores};

pub fn draw(state: &State, area: Rect, frame: &mut Frame) {
    let block = Block::bordered().title(Line::from(vec![
        Span::raw(" Metrics · "),
        Span::styled(
            state.split_name().to_owned(),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::raw(" "),
    ]));
    let inner = block.inner(area);
    let tally = state.tally();
    let names = &state.data.label_names;
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let tally_b = state
        .preds_b
        .as_ref()
        .map(|b| b.tally_of(state.splits_in_view()));
    let summary = match &tally_b {
        None => format!(
            "{} of {} classified",
            thousands(tally.classified),
            thousands(state.split_len())
        ),
        Some(b) => format!(
            "A {} · B {} of {} classified",
            thousands(tally.classified),
            thousands(b.classified),
            thousands(state.split_len())
        ),
    };
    let mut lines = vec![Line::styled(summary, bold)];
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
    if let Some(b) = tally_b {
        let a = Report::from_confusion(names, tally.confusion);
        let b = Report::from_confusion(names, b.confusion);
        lines.extend(side_by_side(state, &a, &b));
        lines.push(Line::raw(""));
        lines.extend(confusion_lines(state, &a, name_width(state)));
        frame.render_widget(Paragraph::new(lines).block(block), area);
        return;
    }
    let report = Report::from_confusion(names, tally.confusion);
    lines.extend(report_lines(state, &report, inner.width as usize));
    lines.push(Line::raw(""));
    lines.extend(confusion_lines(state, &report, name_width(state)));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// One classifier's report: precision, recall, F1 and support per class, accuracy and averages,
/// as wide as `width` allows (scikit-learn's own column width where it fits).
fn report_lines<'a>(state: &State, report: &Report, width: usize) -> Vec<Line<'a>> {
    let names = &state.data.label_names;
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let nw = name_width(state);
    // Four numeric columns share what the name column leaves.
    let w = (width.saturating_sub(nw) / 4).clamp(8, 10);
    let headers: [&str; 4] = if w >= 10 {
        ["precision", "recall", "f1-score", "support"]
    } else {
        ["prec", "recall", "f1", "support"]
    };
    let mut lines = vec![Line::styled(
        format!("{:nw$}{}", "", headers.map(|h| format!("{h:>w$}")).concat()),
        bold,
    )];
    let scores = |name: &str, s: &Scores| {
        Line::raw(format!(
            "{name:>nw$}{:>w$.4}{:>w$.4}{:>w$.4}{:>w$}",
            s.precision, s.recall, s.f1, s.support
        ))
    };
    for (name, s) in names.iter().zip(&report.classes) {
        lines.push(scores(name, s));
    }
    lines.push(Line::styled(
        format!(
            "{:>nw$}{:w$}{:w$}{:>w$.4}{:>w$}",
            "accuracy", "", "", report.accuracy, report.total
        ),
        bold,
    ));
    lines.push(scores("macro avg", &report.macro_avg));
    lines.push(scores("weighted avg", &report.weighted_avg));
    lines
}

/// Both classifiers' precision, recall and F1 per class, accuracy and averages, A's columns then
/// B's (4 digits, as `classification_report(digits=4)`; support is the same for both).
fn side_by_side<'a>(state: &State, a: &Report, b: &Report) -> Vec<Line<'a>> {
    let nw = state
        .data
        .label_names
        .iter()
        .map(|n| n.chars().count())
        .chain([8])
        .max()
        .unwrap_or(8);
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let three = |s: &Scores| format!(" {:>6.4} {:>6.4} {:>6.4}", s.precision, s.recall, s.f1);
    let mut lines = vec![
        Line::styled(format!("{:nw$} {:─^20} {:─^20}", "", " A ", " B "), bold),
        Line::styled(
            format!(
                "{:nw$}{}{}",
                "", "   prec    rec     f1", "   prec    rec     f1"
            ),
            bold,
        ),
    ];
    for (c, name) in state.data.label_names.iter().enumerate() {
        let name: String = name.chars().take(nw).collect();
        lines.push(Line::raw(format!(
            "{name:>nw$}{}{}",
            three(&a.classes[c]),
            three(&b.classes[c])
        )));
    }
    lines.push(Line::styled(
        format!(
            "{:>nw$}{:>21.4}{:>21.4}",
            "accuracy", a.accuracy, b.accuracy
        ),
        bold,
    ));
    lines.push(Line::raw(format!(
        "{:>nw$}{}{}",
        "macro",
        three(&a.macro_avg),
        three(&b.macro_avg)
    )));
    lines.push(Line::raw(format!(
        "{:>nw$}{}{}",
        "weighted",
        three(&a.weighted_avg),
        three(&b.weighted_avg)
    )));
    lines
}

/// The matrix: gold classes down, predicted across. The picking cursor is in reverse video, the
/// filtering cell in brackets; mistakes are red and correct cells green (the brackets and cursor
/// read without colour).
fn confusion_lines<'a>(state: &State, report: &Report, nw: usize) -> Vec<Line<'a>> {
    let cw = cell_width(state);
    let names = &state.data.label_names;
    let cursor = match state.mode {
        Mode::PickCell(c) => Some(c),
        _ => None,
    };
    let dim = Style::new().add_modifier(Modifier::DIM);
    let corner = if state.preds_b.is_some() {
        "A gold ╲ pred"
    } else {
        "gold ╲ pred"
    };
    let mut header = vec![Span::styled(format!("{corner:>nw$}"), dim)];
    header.extend(names.iter().map(|n| Span::styled(format!("{n:>cw$}"), dim)));
    let mut lines = vec![Line::from(header)];
    for (g, row) in report.confusion.iter().enumerate() {
        let mut spans = vec![Span::styled(format!("{:>nw$}", names[g]), dim)];
        for (p, &count) in row.iter().enumerate() {
            let cell = Cell {
                gold: g as u32,
                predicted: p as u32,
            };
            let text = if state.filters.cell == Some(cell) {
                format!("[{}]", thousands(count))
            } else {
                thousands(count)
            };
            let mut style = match (g == p, count) {
                (_, 0) => Style::new(),
                (true, _) => Style::new().fg(Color::Green),
                (false, _) => Style::new().fg(Color::Red),
            };
            if state.filters.cell == Some(cell) {
                style = style.add_modifier(Modifier::BOLD);
            }
            if cursor == Some(cell) {
                style = style.add_modifier(Modifier::REVERSED);
            }
            spans.push(Span::raw(
                " ".repeat(cw.saturating_sub(text.chars().count() + 1)),
            ));
            spans.push(Span::styled(format!("{text} "), style));
        }
        lines.push(Line::from(spans));
    }
    lines
}
