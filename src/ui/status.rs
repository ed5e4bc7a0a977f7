//! The bottom line: where the rows come from and what narrows them, or the search being typed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::text::thousands;
use crate::app::{Cell, CompareFilter, Mode, ModelStatus, Order, Predictions, State};

const SEP: &str = " │ ";

pub fn draw(state: &State, area: Rect, frame: &mut Frame) {
    let base = Style::new().bg(Color::Blue).fg(Color::White);
    let (mut spans, cursor) = match &state.mode {
        Mode::Search { input, .. } => search(state, input, base),
        Mode::Export { input } | Mode::ConfirmOverwrite { input } => export(state, input, base),
        Mode::PickCell(cell) => (pick(state, *cell, base), None),
        Mode::Browse | Mode::Help => (browse(state, base), None),
    };
    if let Some(x) = cursor {
        frame.set_cursor_position(((area.x + x).min(area.right().saturating_sub(1)), area.y));
    }
    let mut used: usize = spans.iter().map(Span::width).sum();
    // A notice must be read: when the line is too long for it, the source's name (the longest and
    // least changing part) gives way.
    if used > area.width as usize && state.notice.is_some() && state.mode == Mode::Browse {
        used -= spans[0].width();
        spans[0] = Span::styled(" …", base.add_modifier(Modifier::BOLD));
        used += 2;
    }
    let help = " ? help  q quit ";
    let pad = (area.width as usize).saturating_sub(used + help.len());
    spans.push(Span::styled(" ".repeat(pad), base));
    spans.push(Span::styled(help, base.add_modifier(Modifier::DIM)));
    frame.render_widget(Paragraph::new(Line::from(spans)).style(base), area);
}

/// The search being typed, and where the cursor goes (columns into the bar).
fn search(state: &State, input: &str, base: Style) -> (Vec<Span<'static>>, Option<u16>) {
    let spans = vec![
        Span::styled(" /", base.add_modifier(Modifier::BOLD)),
        Span::styled(input.to_owned(), base),
        Span::styled(format!("  {}", match_summary(state)), base),
        Span::styled(
            "  Enter keep · Esc cancel · Ctrl-U clear",
            base.add_modifier(Modifier::DIM),
        ),
    ];
    (spans, Some(2 + Line::from(input).width() as u16))
}

/// The export prompt, or the overwrite question; the cursor only while typing.
fn export(state: &State, input: &str, base: Style) -> (Vec<Span<'static>>, Option<u16>) {
    let asking = matches!(state.mode, Mode::ConfirmOverwrite { .. });
    let mut spans = vec![
        Span::styled(" export to: ", base.add_modifier(Modifier::BOLD)),
        Span::styled(input.to_owned(), base),
    ];
    // Before the hints, which may not fit.
    if let Some(notice) = &state.notice {
        spans.push(Span::styled(
            format!("{SEP}{notice}"),
            base.fg(Color::Yellow),
        ));
    }
    if asking {
        spans.push(Span::styled(
            "  exists. Overwrite? y yes · any other key no",
            base.fg(Color::Yellow).add_modifier(Modifier::BOLD),
        ));
        return (spans, None);
    }
    spans.push(Span::styled(
        format!(
            "  {} rows · .csv .parquet .jsonl · Enter write · Esc cancel · Ctrl-U clear",
            thousands(state.rows_shown().len())
        ),
        base.add_modifier(Modifier::DIM),
    ));
    (spans, Some(12 + Line::from(input).width() as u16))
}

fn pick(state: &State, cell: Cell, base: Style) -> Vec<Span<'static>> {
    vec![
        Span::styled(" pick a cell: ", base.add_modifier(Modifier::BOLD)),
        Span::styled(state.describe_cell(cell), base),
        Span::styled(
            "  arrows move · Enter lists its reviews · Esc cancel",
            base.add_modifier(Modifier::DIM),
        ),
    ]
}

/// Where the rows come from, what narrows them, the classifiers' state and the notice.
fn browse(state: &State, base: Style) -> Vec<Span<'static>> {
    let bold = base.add_modifier(Modifier::BOLD);
    let mut spans = vec![
        Span::styled(format!(" {}", state.data.source), bold),
        Span::styled(format!("{SEP}{}", state.split_name()), base),
        Span::styled(
            format!(
                "{SEP}{} of {} rows",
                thousands(state.view.len()),
                thousands(state.split_len())
            ),
            base,
        ),
    ];
    let filters = &state.filters;
    spans.push(match filters.cell {
        Some(cell) => Span::styled(
            format!("{SEP}{} · V clears", state.describe_cell(cell)),
            bold,
        ),
        None => {
            let label = filters.label.map_or("all", |l| state.data.label_name(l));
            Span::styled(format!("{SEP}label: {label}"), base)
        }
    });
    if filters.compare != CompareFilter::Off {
        spans.push(Span::styled(
            format!("{SEP}{}", filters.compare.name()),
            bold,
        ));
    }
    if filters.misclassified {
        spans.push(Span::styled(format!("{SEP}misclassified only"), bold));
    }
    if state.order != Order::Dataset {
        spans.push(Span::styled(format!("{SEP}{}", state.order.name()), base));
    }
    if let Some(search) = &state.search {
        let text = format!("{SEP}/{} {}", search.query, match_summary(state));
        spans.push(Span::styled(text, base));
    }
    match &state.preds_b {
        None => spans
            .extend(model_summary(&state.preds).map(|m| Span::styled(format!("{SEP}{m}"), base))),
        Some(b) => {
            for (side, preds) in [("A", &state.preds), ("B", b)] {
                let what = model_summary(preds).unwrap_or_else(|| "not loaded".into());
                spans.push(Span::styled(format!("{SEP}{side}: {what}"), base));
            }
        }
    }
    if let Some(notice) = &state.notice {
        spans.push(Span::styled(
            format!("{SEP}{notice}"),
            base.fg(Color::Yellow),
        ));
    }
    spans
}

/// The model's state, or the running batch with a progress bar, rate and ETA.
fn model_summary(preds: &Predictions) -> Option<String> {
    if let Some(job) = &preds.job {
        const WIDTH: usize = 12;
        let filled = (job.done * WIDTH).checked_div(job.total).unwrap_or(0);
        let eta = job.eta().map_or("…".into(), |d| {
            let s = d.as_secs();
            format!("{}:{:02}", s / 60, s % 60)
        });
        // The batch size is known once the model is ready (the device picks it).
        let batch = match preds.status {
            ModelStatus::Ready { batch_size, .. } => format!(" (batches of {batch_size})"),
            _ => String::new(),
        };
        return Some(format!(
            "classifying {}/{} ▕{}{}▏ {:.0}/s ETA {eta}{batch} · x cancels",
            thousands(job.done),
            thousands(job.total),
            "█".repeat(filled),
            " ".repeat(WIDTH - filled),
            job.rate()
        ));
    }
    match &preds.status {
        ModelStatus::Idle => None,
        ModelStatus::Busy(what) => Some(what.clone()),
        ModelStatus::Ready {
            device, note: None, ..
        } => Some(device.clone()),
        ModelStatus::Ready {
            device,
            note: Some(note),
            ..
        } => Some(format!("{device} ({note})")),
        ModelStatus::Failed(e) => Some(format!("model unavailable: {e}")),
    }
}

/// "12 matches (3 of 12)" when the selection sits on a match, else "12 matches".
fn match_summary(state: &State) -> String {
    let Some(search) = &state.search else {
        return String::new();
    };
    let n = search.matches.len();
    let noun = if n == 1 { "match" } else { "matches" };
    match search.matches.binary_search(&state.selected) {
        Ok(i) => format!(
            "{} {noun} ({} of {})",
            thousands(n),
            thousands(i + 1),
            thousands(n)
        ),
        Err(_) => format!("{} {noun}", thousands(n)),
    }
}
