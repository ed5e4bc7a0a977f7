//! Drawing: a pure function of `State`, one file per pane. `layout` is shared with `update`, which
//! needs pane sizes for paging, scrolling limits and mouse hit-testing.

pub mod detail;
pub mod help;
pub mod list;
pub mod metrics;
pub mod stats;
pub mod status;
mod text;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::widgets::Paragraph;

use crate::app::{Mode, State};

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
    let stats_height = if state.show_metrics {
        // The report and matrix take what they need, leaving the review at least 8 lines.
        metrics::height(state).min(body.height.saturating_sub(8).max(body.height / 2))
    } else {
        (stats::height(&state.data) + 2).min(body.height / 2)
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

pub fn draw(state: &State, frame: &mut Frame) {
    let Some(areas) = layout(state) else {
        draw_too_small(state.size, frame);
        return;
    };
    list::draw(state, areas.list, frame);
    detail::draw(state, areas.detail, frame);
    if state.show_metrics {
        metrics::draw(state, areas.stats, frame);
    } else {
        stats::draw(state, areas.stats, frame);
    }
    status::draw(state, areas.status, frame);
    if state.mode == Mode::Help {
        help::draw(frame);
    }
}

fn draw_too_small((w, h): (u16, u16), frame: &mut Frame) {
    let text = format!(
        "Terminal too small ({w}×{h}).\nreviewlens needs at least {}×{}.\nEnlarge the window, or press q to quit.",
        MIN_SIZE.0, MIN_SIZE.1
    );
    let area = frame.area();
    let top = area.height.saturating_sub(3) / 2;
    let area = Rect::new(area.x, area.y + top, area.width, area.height - top);
    frame.render_widget(Paragraph::new(text).alignment(Alignment::Center), area);
}
