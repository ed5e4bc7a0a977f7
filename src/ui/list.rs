//! The review list. Virtualised: only the rows on screen are built, so drawing costs the same for 100
//! rows as for 3.6 million.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use super::style::{label_style, wrong_style};
use super::text::{highlighted, thousands};
use crate::app::layout::list_rows;
use crate::app::{Predictions, State};

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
        let msg = Paragraph::new(if state.filters.cell.is_some() {
            "No reviews in this cell. Press V to clear the cell filter or v to pick another."
        } else {
            "No reviews in this view. Press l to change the label filter or Tab to change split."
        })
        .wrap(ratatui::widgets::Wrap { trim: true })
        .block(block);
        frame.render_widget(msg, area);
        return;
    }
    let columns = Columns::of(state);
    let end = (state.offset + list_rows(area)).min(state.view.len());
    let rows = (state.offset..end).map(|pos| row(state, &columns, pos));
    let position = format!(
        " {} of {} ",
        thousands(state.selected + 1),
        thousands(state.view.len())
    );
    let table = Table::new(rows, columns.widths())
        .header(columns.header())
        .block(block.title_bottom(Line::from(position).right_aligned()));
    frame.render_widget(table, area);
}

/// Which columns the list has and how wide they are.
struct Columns {
    row_width: u16,
    label_width: u16,
    /// The prediction columns appear once there is something to put in them.
    predictions: bool,
    compare: bool,
}

impl Columns {
    fn of(state: &State) -> Self {
        let data = &state.data;
        let label_width = data.label_names.iter().map(|n| n.chars().count());
        let sides = [Some(&state.preds), state.preds_b.as_ref()];
        Columns {
            row_width: data.max_row_index.to_string().len().max(3) as u16,
            label_width: label_width.max().unwrap_or(5).max(5) as u16,
            predictions: (sides.into_iter().flatten())
                .any(|p| p.any() || p.job.is_some() || p.pending.is_some()),
            compare: state.preds_b.is_some(),
        }
    }

    fn header(&self) -> Row<'static> {
        let mut header = vec![
            Cell::from(""),
            Cell::from(Line::from("row").right_aligned()),
            Cell::from("gold"),
        ];
        if self.predictions {
            header.push(Cell::from("predicted"));
            header.push(Cell::from(Line::from("p").right_aligned()));
            if self.compare {
                header.push(Cell::from("B"));
            }
        }
        header.push(Cell::from("title"));
        Row::new(header).style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED))
    }

    fn widths(&self) -> Vec<Constraint> {
        let mut widths = vec![
            Constraint::Length(1),
            Constraint::Length(self.row_width),
            Constraint::Length(self.label_width),
        ];
        if self.predictions {
            widths.extend([
                Constraint::Length(self.label_width + 2),
                Constraint::Length(4),
            ]);
            if self.compare {
                widths.push(Constraint::Length(self.label_width + 2));
            }
        }
        widths.push(Constraint::Fill(1));
        widths
    }
}

/// The list row at view position `pos`.
fn row(state: &State, columns: &Columns, pos: usize) -> Row<'static> {
    let data = &state.data;
    let row = state.view[pos] as usize;
    let review = &data.rows[row];
    let matches = state.search.as_ref().map(|s| s.matches.as_slice());
    let marker = if matches.unwrap_or_default().binary_search(&pos).is_ok() {
        Span::styled("•", Style::new().fg(Color::Yellow))
    } else {
        Span::raw(" ")
    };
    let title = if review.title.is_empty() {
        let dim = Style::new().add_modifier(Modifier::DIM);
        Line::from(Span::styled(review.content.clone(), dim))
    } else {
        Line::from(highlighted(
            &review.title,
            state.active_query(),
            Style::new(),
        ))
    };
    let mut cells = vec![
        Cell::from(marker),
        Cell::from(Line::from(review.row_index.to_string()).right_aligned()),
        Cell::from(Span::styled(
            data.label_name(review.label).to_owned(),
            label_style(review.label),
        )),
    ];
    if columns.predictions {
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
fn b_cell(state: &State, b: &Predictions, row: usize, gold: u32) -> Cell<'static> {
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
