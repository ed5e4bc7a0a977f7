//! The review list. Virtualised: only the rows on screen are built, so drawing costs the same for 100
//! rows as for 3.6 million.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use super::text::{highlighted, thousands};
use crate::app::State;

/// Border above and below, plus the header line.
const CHROME: u16 = 3;

/// How many reviews fit in the list pane `area`.
pub fn visible_rows(area: Rect) -> usize {
    area.height.saturating_sub(CHROME) as usize
}

/// Which visible line (0 = the first review shown) a click at (`column`, `row`) lands on.
pub fn row_at(area: Rect, column: u16, row: u16) -> Option<usize> {
    let first = area.y + 2;
    let inside = column > area.x && column + 1 < area.x + area.width;
    (inside && row >= first && row < first + visible_rows(area) as u16)
        .then(|| (row - first) as usize)
}

pub fn draw(state: &State, area: Rect, frame: &mut Frame) {
    let title = Line::from(vec![
        Span::raw(" Reviews · "),
        Span::styled(
            state.split_name().to_owned(),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::raw(" "),
    ]);
    let block = Block::bordered().title(title);
    if state.view.is_empty() {
        let msg = Paragraph::new(if state.cell_filter.is_some() {
            "No reviews in this cell. Press V to clear the cell filter or v to pick another."
        } else {
            "No reviews in this view. Press l to change the label filter or Tab to change split."
        })
        .wrap(ratatui::widgets::Wrap { trim: true })
        .block(block);
        frame.render_widget(msg, area);
        return;
    }

    let data = &state.data;
    let query = state.active_query();
    let matches = state
        .search
        .as_ref()
        .map(|s| s.matches.as_slice())
        .unwrap_or_default();
    let row_width = data.max_row_index.to_string().len().max(3) as u16;
    let label_width = data
        .label_names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(5)
        .max(5) as u16;

    // The prediction columns appear once there is something to put in them.
    let with_predictions = [Some(&state.preds), state.preds_b.as_ref()]
        .into_iter()
        .flatten()
        .any(|p| p.any() || p.job.is_some() || p.pending.is_some());
    let end = (state.offset + visible_rows(area)).min(state.view.len());
    let rows = (state.offset..end).map(|pos| {
        let review = &data.rows[state.view[pos] as usize];
        let is_match = matches.binary_search(&pos).is_ok();
        let marker = if is_match {
            Span::styled("•", Style::new().fg(Color::Yellow))
        } else {
            Span::raw(" ")
        };
        let title = if review.title.is_empty() {
            Line::from(Span::styled(
                review.content.clone(),
                Style::new().add_modifier(Modifier::DIM),
            ))
        } else {
            Line::from(highlighted(&review.title, query, Style::new()))
        };
        let mut cells = vec![
            Cell::from(marker),
            Cell::from(Line::from(review.row_index.to_string()).right_aligned()),
            Cell::from(Span::styled(
                data.label_name(review.label).to_owned(),
                label_style(review.label),
            )),
        ];
        if with_predictions {
            let row = state.view[pos] as usize;
            cells.extend(prediction_cells(state, row, review.label));
            if let Some(b) = &state.preds_b {
                cells.push(b_cell(state, b, row, review.label));
            }
        }
        cells.push(Cell::from(title));
        let row = Row::new(cells);
        if pos == state.selected {
            // Reverse video, not a colour, so the selection shows under NO_COLOR too.
            row.style(Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD))
        } else {
            row
        }
    });
    let mut header = vec![
        Cell::from(""),
        Cell::from(Line::from("row").right_aligned()),
        Cell::from("gold"),
    ];
    let mut widths = vec![
        Constraint::Length(1),
        Constraint::Length(row_width),
        Constraint::Length(label_width),
    ];
    if with_predictions {
        header.extend([
            Cell::from("predicted"),
            Cell::from(Line::from("p").right_aligned()),
        ]);
        widths.extend([Constraint::Length(label_width + 2), Constraint::Length(4)]);
        if state.preds_b.is_some() {
            header.push(Cell::from("B"));
            widths.push(Constraint::Length(label_width + 2));
        }
    }
    header.push(Cell::from("title"));
    widths.push(Constraint::Fill(1));
    let header =
        Row::new(header).style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    let position = format!(
        " {} of {} ",
        thousands(state.selected + 1),
        thousands(state.view.len())
    );
    let table = Table::new(rows, widths)
        .header(header)
        .block(block.title_bottom(Line::from(position).right_aligned()));
    frame.render_widget(table, area);
}

/// "positive ✗" and "0.97" for a classified row: the mark, not only the colour, says it is wrong.
fn prediction_cells(state: &State, row: usize, gold: u32) -> [Cell<'static>; 2] {
    let Some(p) = state.preds.get(row) else {
        let waiting = state.preds.pending.is_some_and(|(_, r)| r as usize == row);
        return [Cell::from(if waiting { "…" } else { "" }), Cell::from("")];
    };
    let name = state.data.label_name(p.label);
    let label = if p.label == gold {
        Span::styled(format!("{name}  "), label_style(p.label))
    } else {
        Span::styled(format!("{name} ✗"), wrong_style())
    };
    let confidence = format!("{:.2}", p.probs[p.label as usize]);
    [
        Cell::from(label),
        Cell::from(Line::from(confidence).right_aligned()),
    ]
}

/// The second classifier's label, marked like the first's.
fn b_cell(state: &State, b: &crate::app::Predictions, row: usize, gold: u32) -> Cell<'static> {
    match b.get(row) {
        None if b.pending.is_some_and(|(_, r)| r as usize == row) => Cell::from("…"),
        None => Cell::from(""),
        Some(p) if p.label == gold => Cell::from(Span::styled(
            state.data.label_name(p.label).to_owned(),
            label_style(p.label),
        )),
        Some(p) => Cell::from(Span::styled(
            format!("{} ✗", state.data.label_name(p.label)),
            wrong_style(),
        )),
    }
}

/// Disagreement with the gold label: red and bold (the ✗ carries it without colour).
pub fn wrong_style() -> Style {
    Style::new()
        .fg(Color::LightRed)
        .add_modifier(Modifier::BOLD)
}

/// A colour per class, so the classes are told apart at a glance (the name is always printed too).
pub fn label_style(label: u32) -> Style {
    const COLORS: [Color; 6] = [
        Color::Red,
        Color::Green,
        Color::Blue,
        Color::Magenta,
        Color::Cyan,
        Color::Yellow,
    ];
    Style::new().fg(COLORS[label as usize % COLORS.len()])
}
