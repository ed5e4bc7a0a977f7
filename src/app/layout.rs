//! Pane geometry that `update` and the panes share: where each pane goes at a terminal size, how
//! many rows the list shows, where a click lands, and the facts only drawing can tell (how many
//! lines the wrapped review takes), which the panes report back after each frame.

use ratatui::layout::{Constraint, Layout, Position, Rect};

use super::state::State;
use super::{Cell, thousands};

/// Below this the panes cannot show a useful amount; a notice is drawn instead.
pub const MIN_SIZE: (u16, u16) = (60, 15);

/// Where each pane goes on a screen of a given size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub list: Rect,
    pub detail: Rect,
    /// The label distribution, or the metrics pane when it is shown.
    pub stats: Rect,
    pub status: Rect,
}

/// Pane areas for `state.size`, or `None` when the terminal is too small.
pub fn layout(state: &State) -> Option<Areas> {
    let (w, h) = state.size;
    if w < MIN_SIZE.0 || h < MIN_SIZE.1 {
        return None;
    }
    let [body, status] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(Rect::new(0, 0, w, h));
    let [list, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(body);
    let stats_height = if state.words.is_some() {
        body.height / 2
    } else if state.show_metrics {
        // The report and matrix take what they need, leaving the review at least 8 lines.
        metrics_height(state).min(body.height.saturating_sub(8).max(body.height / 2))
    } else {
        (stats_lines(state) + 2).min(body.height / 2)
    };
    let [detail, stats] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(stats_height)]).areas(right);
    Some(Areas {
        list,
        detail,
        stats,
        status,
    })
}

/// What the last frame found out about the panes; `update` keeps the detail scroll within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ViewFacts {
    /// The review the detail pane showed (index into `data.rows`) and how far its wrapped text
    /// could scroll there.
    pub detail: Option<(usize, u16)>,
    /// The help overlay, when it was drawn.
    pub help: Option<HelpFacts>,
}

/// How the help overlay fitted the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HelpFacts {
    /// How far it can scroll (its lines less those shown).
    pub max_scroll: u16,
    /// Lines shown at once.
    pub shown: u16,
}

pub fn contains(r: Rect, column: u16, row: u16) -> bool {
    r.contains(Position::new(column, row))
}

/// Border above and below the list, plus its header line.
const LIST_CHROME: u16 = 3;

/// How many reviews fit in the list pane `area`.
pub fn list_rows(area: Rect) -> usize {
    area.height.saturating_sub(LIST_CHROME) as usize
}

/// Which visible line of the list pane `area` (0 = the first review shown) a click at (`column`,
/// `row`) lands on.
pub fn list_row_at(area: Rect, column: u16, row: u16) -> Option<usize> {
    let first = area.y + 2;
    let inside = column > area.x && column + 1 < area.x + area.width;
    (inside && row >= first && row < first + list_rows(area) as u16).then(|| (row - first) as usize)
}

/// Lines of content the label pane wants: a header per split, its accuracy once it has predictions,
/// and a line per class.
pub fn stats_lines(state: &State) -> u16 {
    let data = &state.data;
    let accuracies = (0..data.splits.len())
        .filter(|&s| state.preds.tally(s).classified > 0)
        .count();
    (data.splits.len() * (1 + data.label_names.len()) + accuracies) as u16
}

/// Lines before the confusion matrix's first row: summary, header, classes, three averages, a blank
/// line and the matrix header; with two classifiers, one more header line (A and B).
pub fn matrix_top(state: &State) -> u16 {
    // With `i`, two lines of label issues under the count; with `D` done, one of duplicates.
    let issues = 2 * state.label_issues.ready().is_some() as usize
        + matches!(state.duplicates.found, Some(Ok(_))) as usize;
    (7 + state.data.label_names.len() + state.preds_b.is_some() as usize + issues) as u16
}

/// The metrics pane's height, borders included.
pub fn metrics_height(state: &State) -> u16 {
    matrix_top(state) + state.data.label_names.len() as u16 + 2
}

/// How the confusion matrix fits a pane: the corner's text, the name column's width and each
/// count column's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatrixFit {
    pub corner: &'static str,
    pub name: usize,
    pub cell: usize,
}

/// The roomiest matrix layout that fits `width` columns, narrowing the corner, then the gaps, then
/// the predicted classes' names (which end in `…`); `None` when even that does not fit. A count
/// column always has room for the biggest count in brackets.
pub fn matrix_fit(state: &State, width: usize) -> Option<MatrixFit> {
    let names = &state.data.label_names;
    let classes = names.len();
    let name = names.iter().map(|n| n.chars().count()).max().unwrap_or(1);
    let counts = thousands(state.data.rows.len()).len();
    let corners: [&str; 3] = if state.preds_b.is_some() {
        ["A gold ╲ pred", "A gold╲pred", "A g╲p"]
    } else {
        ["gold ╲ pred", "gold╲pred", "g╲p"]
    };
    let len = |c: &str| c.chars().count();
    let fit = |corner: &'static str, name_col: usize, cell: usize| MatrixFit {
        corner,
        name: name_col.max(len(corner)),
        cell,
    };
    [
        fit(corners[0], name.max(12), name.max(counts) + 2),
        fit(corners[1], name, name.max(counts) + 1),
        fit(corners[2], name, (name + 1).max(counts + 2)),
        fit(corners[2], name, counts + 2),
    ]
    .into_iter()
    .find(|f| f.name + classes * f.cell <= width)
}

/// The confusion-matrix cell under a click at (`column`, `row`) in the metrics pane `area`.
pub fn cell_at(state: &State, area: Rect, column: u16, row: u16) -> Option<Cell> {
    let inner = Rect::new(
        area.x + 1,
        area.y + 1,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    );
    let classes = state.data.label_names.len();
    let fit = matrix_fit(state, inner.width as usize)?;
    let top = inner.y + matrix_top(state);
    let left = inner.x as usize + fit.name;
    let (column, row) = (column as usize, row);
    if row < top || row >= top + classes as u16 || row >= inner.bottom() || column < left {
        return None;
    }
    let predicted = (column - left) / fit.cell;
    (predicted < classes && column < inner.right() as usize).then_some(Cell {
        gold: (row - top) as u32,
        predicted: predicted as u32,
    })
}
