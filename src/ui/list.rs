//! The review list. Virtualised: only the rows on screen are built, so drawing costs the same for 100
//! rows as for 3.6 million.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Wrap};

use super::style::Theme;
use super::text::{clip, ellipsize, highlighted, one_line, thousands};
use crate::app::layout::list_rows;
use crate::app::{CompareFilter, Predictions, SplitView, State};

pub fn draw(state: &State, area: Rect, frame: &mut Frame) {
    draw_with(state, area, frame, super::theme());
}

pub fn draw_with(state: &State, area: Rect, frame: &mut Frame, theme: Theme) {
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
        let msg = Paragraph::new(empty_message(state))
            .wrap(Wrap { trim: true })
            .block(block);
        frame.render_widget(msg, area);
        return;
    }
    let columns = Columns::of(state, block.inner(area).width);
    let end = (state.offset + list_rows(area)).min(state.view.len());
    let rows = (state.offset..end).map(|pos| row(state, &columns, pos, theme));
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

/// Why the list is empty, and the way out.
fn empty_message(state: &State) -> String {
    let filters = &state.filters;
    let split = state.split_name();
    let classified = state.tally().classified;
    let nothing_yet = format!(
        "Nothing in {split} is classified yet, so no review can match. Press C to classify the \
         reviews of {split}"
    );
    if let Some(search) = state.search.as_ref().filter(|_| state.matches_only()) {
        return match &search.parsed {
            Err(e) => format!(
                "/{}: {e}. Press / to change it, or & to show every review.",
                search.query
            ),
            Ok(q) if q.uses_predictions() && classified == 0 => {
                format!("{nothing_yet}, or & to show every review.")
            }
            Ok(_) => format!(
                "No review here matches /{}. Press & to show every review, Esc to clear the search.",
                search.query
            ),
        };
    }
    if filters.issues_only {
        return match &state.label_issues.found {
            None => {
                "Cross-validating the embedding head for out-of-fold probabilities… x stops it."
                    .into()
            }
            Some(Err(e)) => format!("No label issues: {e}. Press I to show every review."),
            Some(Ok(i)) => format!(
                "No label issues among the {} rows checked. Press I to show every review, or C to \
                 classify more.",
                thousands(i.checked)
            ),
        };
    }
    if filters.cell.is_some() {
        if classified == 0 {
            return format!("{nothing_yet}, or V to clear the cell filter.");
        }
        return "No reviews in this cell. Press V to clear the cell filter or v to pick another."
            .into();
    }
    let key = match (filters.misclassified, filters.compare) {
        (true, _) => Some("m"),
        (false, CompareFilter::Off) => None,
        (false, _) => Some("d until all"),
    };
    match key {
        Some(key) if classified == 0 => format!("{nothing_yet}, or {key} to show every review."),
        Some(key) => format!(
            "No mistakes among the {} reviews classified so far. Press {key} to show every \
             review, or C to classify the rest.",
            thousands(classified)
        ),
        None => {
            "No reviews in this view. Press l to change the label filter or Tab to change split."
                .into()
        }
    }
}

/// Which columns the list has and how wide they are.
struct Columns {
    /// The split column's width in the "all" view (which mixes the splits); 0 elsewhere.
    split_width: u16,
    row_width: u16,
    /// Columns a label name gets (names longer than that end in `…`).
    label_width: u16,
    /// The prediction columns appear once there is something to put in them.
    predictions: bool,
    /// The confidence column, left out when the pane is too narrow for it.
    confidence: bool,
    compare: bool,
    /// With `i`: the label-quality score, `!` on a flagged row.
    quality: bool,
    /// A label is corrected (`L`): the gold column holds `negative→positive`.
    corrections: bool,
}

/// The title gets at least this many columns before the other columns shrink.
const MIN_TITLE: u16 = 8;

impl Columns {
    /// The columns for a list `width` columns wide: the confidence goes first when it is narrow,
    /// then label names are shortened; row numbers and the `✗` mark always stay whole.
    fn of(state: &State, width: u16) -> Self {
        let data = &state.data;
        let label_width = data.label_names.iter().map(|n| n.chars().count());
        let sides = [Some(&state.preds), state.preds_b.as_ref()];
        let split_width = match state.split {
            SplitView::All => (data.splits.iter())
                .map(|s| s.name.chars().count().min(12))
                .max(),
            SplitView::One(_) => None,
        };
        let mut columns = Columns {
            split_width: split_width.map_or(0, |w| w.max(5) as u16),
            row_width: data.max_row_index.to_string().len().max(3) as u16,
            label_width: label_width.max().unwrap_or(5).max(5) as u16,
            predictions: (sides.into_iter().flatten())
                .any(|p| p.any() || p.job.is_some() || p.pending.is_some()),
            confidence: true,
            compare: state.preds_b.is_some(),
            quality: state.label_issues.ready().is_some(),
            corrections: state.findings.iter().any(|(_, f)| f.label.is_some()),
        };
        if columns.fixed_width() + MIN_TITLE > width {
            columns.confidence = false;
        }
        if columns.fixed_width() + MIN_TITLE > width {
            columns.quality = false;
        }
        while columns.fixed_width() + MIN_TITLE > width && columns.label_width > 3 {
            columns.label_width -= 1;
        }
        columns
    }

    /// Columns taken before the title, the spacing between columns included.
    fn fixed_width(&self) -> u16 {
        let widths = self.widths();
        let fixed: u16 = (widths.iter())
            .map(|c| match c {
                Constraint::Length(n) => *n,
                _ => 0,
            })
            .sum();
        fixed + widths.len() as u16 - 1
    }

    fn header(&self) -> Row<'static> {
        let mut header = vec![Cell::from("")];
        if self.split_width > 0 {
            header.push(Cell::from("split"));
        }
        header.push(Cell::from(Line::from("row").right_aligned()));
        header.push(Cell::from("gold"));
        if self.predictions {
            header.push(Cell::from("predicted"));
            if self.confidence {
                header.push(Cell::from(Line::from("p").right_aligned()));
            }
            if self.compare {
                header.push(Cell::from("B"));
            }
        }
        if self.quality {
            header.push(Cell::from("label?"));
        }
        header.push(Cell::from("title"));
        Row::new(header).style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED))
    }

    fn widths(&self) -> Vec<Constraint> {
        let mut widths = vec![Constraint::Length(1)];
        if self.split_width > 0 {
            widths.push(Constraint::Length(self.split_width));
        }
        widths.push(Constraint::Length(self.row_width));
        widths.push(Constraint::Length(self.gold_width()));
        if self.predictions {
            widths.push(Constraint::Length(self.label_width + 2));
            if self.confidence {
                widths.push(Constraint::Length(4));
            }
            if self.compare {
                widths.push(Constraint::Length(self.label_width + 2));
            }
        }
        if self.quality {
            widths.push(Constraint::Length(6));
        }
        widths.push(Constraint::Fill(1));
        widths
    }

    /// The gold column: a label, or with corrections two and an arrow.
    fn gold_width(&self) -> u16 {
        match self.corrections {
            true => 2 * self.label_width + 1,
            false => self.label_width,
        }
    }

    /// A label name as wide as the label columns allow.
    fn name(&self, name: &str) -> String {
        ellipsize(name, self.label_width as usize)
    }
}

/// Characters of a title the list looks at: more than any terminal is wide.
const SHOWN_CHARS: usize = 500;

/// The list row at view position `pos`.
fn row(state: &State, columns: &Columns, pos: usize, theme: Theme) -> Row<'static> {
    let data = &state.data;
    let row = state.view[pos] as usize;
    let review = data.rows.get(row);
    let matches = state.search.as_ref().map(|s| s.matches.as_slice());
    // A search match `•`, else a marked review `*` (Space).
    let marker = if matches.unwrap_or_default().binary_search(&pos).is_ok() {
        Span::styled("•", theme.marker())
    } else if state.finding(row).is_some_and(|f| f.marked) {
        Span::styled("*", theme.key())
    } else {
        Span::raw(" ")
    };
    // Only the start of a title (or of the text) can show: a text megabytes long on one line is cut
    // before anything cleans or measures it.
    let title = if review.title.is_empty() {
        let dim = Style::new().add_modifier(Modifier::DIM);
        let start = clip(review.content, SHOWN_CHARS);
        Line::from(Span::styled(one_line(start), dim))
    } else {
        let title = one_line(clip(review.title, SHOWN_CHARS));
        let query = state.active_query();
        Line::from(highlighted(&title, query, Style::new(), theme.matched()))
    };
    let mut cells = vec![Cell::from(marker)];
    if columns.split_width > 0 {
        cells.push(Cell::from(ellipsize(
            data.split_of(row),
            columns.split_width as usize,
        )));
    }
    cells.extend([
        Cell::from(Line::from(review.row_index.to_string()).right_aligned()),
        gold_cell(state, columns, row, theme),
    ]);
    if columns.predictions {
        cells.extend(prediction_cells(state, columns, row, theme));
        if let Some(b) = &state.preds_b {
            cells.push(label_cell(state, columns, b, row, theme));
        }
    }
    if columns.quality {
        cells.push(quality_cell(state, row, theme));
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
fn prediction_cells(
    state: &State,
    columns: &Columns,
    row: usize,
    theme: Theme,
) -> Vec<Cell<'static>> {
    let mut cells = vec![label_cell(state, columns, &state.preds, row, theme)];
    if columns.confidence {
        let confidence =
            (state.preds.get(row)).map(|p| format!("{:.2}", p.probs[p.label as usize]));
        cells.push(Cell::from(
            Line::from(confidence.unwrap_or_default()).right_aligned(),
        ));
    }
    cells
}

/// The label-quality score ("0.03 !" when flagged as a label issue; the `!` reads without colour).
fn quality_cell(state: &State, row: usize, theme: Theme) -> Cell<'static> {
    let issue = state.label_issues.ready().and_then(|i| i.get(row));
    match issue {
        None => Cell::from(""),
        Some(i) if i.flagged => {
            Cell::from(Span::styled(format!("{:.2} !", i.score), theme.wrong()))
        }
        Some(i) => Cell::from(format!("{:.2}", i.score)),
    }
}

/// A classifier's label for a row, "…" while it is being classified; a wrong one marked `✗`.
fn label_cell(
    state: &State,
    columns: &Columns,
    preds: &Predictions,
    row: usize,
    theme: Theme,
) -> Cell<'static> {
    let gold = state.data.rows.label(row);
    match preds.get(row) {
        None if preds.pending.is_some_and(|(_, r)| r as usize == row) => Cell::from("…"),
        None => Cell::from(""),
        Some(p) if p.label == gold => Cell::from(Span::styled(
            columns.name(state.data.label_name(p.label)),
            theme.label(p.label),
        )),
        Some(p) => Cell::from(Span::styled(
            format!("{} ✗", columns.name(state.data.label_name(p.label))),
            theme.wrong(),
        )),
    }
}

/// The gold label, or with a correction (`L`) "negative→positive", bold in the corrected class's
/// colour: the arrow says it without colour.
fn gold_cell(state: &State, columns: &Columns, row: usize, theme: Theme) -> Cell<'static> {
    let data = &state.data;
    let gold = data.rows.label(row);
    match state.finding(row).and_then(|f| f.label) {
        Some(c) => Cell::from(Span::styled(
            ellipsize(
                &format!("{}→{}", data.label_name(gold), data.label_name(c)),
                columns.gold_width() as usize,
            ),
            theme.label(c).add_modifier(Modifier::BOLD),
        )),
        None => Cell::from(Span::styled(
            columns.name(data.label_name(gold)),
            theme.label(gold),
        )),
    }
}
