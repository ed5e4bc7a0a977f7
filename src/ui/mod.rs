//! Drawing: a pure function of `State`, one file per pane. Pane geometry is `app::layout`'s (the
//! update needs it too); what only drawing can measure goes back as `ViewFacts`.

pub mod detail;
pub mod help;
pub mod list;
pub mod metrics;
pub mod snapshot;
pub mod stats;
pub mod status;
mod style;
mod text;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::widgets::Paragraph;

use crate::app::layout::{MIN_SIZE, ViewFacts, layout};
use crate::app::{Mode, State};

/// Draws every pane and returns what the frame measured, for `Msg::Drawn`.
pub fn draw(state: &State, frame: &mut Frame) -> ViewFacts {
    let Some(areas) = layout(state) else {
        draw_too_small(state.size, frame);
        return ViewFacts::default();
    };
    list::draw(state, areas.list, frame);
    let detail = detail::draw_measured(state, areas.detail, frame);
    if state.show_metrics {
        metrics::draw(state, areas.stats, frame);
    } else {
        stats::draw(state, areas.stats, frame);
    }
    status::draw(state, areas.status, frame);
    if state.mode == Mode::Help {
        help::draw(frame);
    }
    ViewFacts { detail }
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
