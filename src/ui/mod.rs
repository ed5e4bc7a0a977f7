//! Drawing: a pure function of `State`, one file per pane. Pane geometry is `app::layout`'s (the
//! update needs it too); what only drawing can measure goes back as `ViewFacts`. Colours come from a
//! `Theme` the program picks once at start (`set_theme`: none under NO_COLOR).

mod alert;
mod attribution;
pub mod detail;
pub mod help;
pub mod list;
pub mod metrics;
mod report;
pub mod snapshot;
pub mod stats;
pub mod status;
mod style;
mod text;
mod words;
mod wrap;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::widgets::Paragraph;

pub use style::{Theme, set_theme, theme};

use crate::app::layout::{MIN_SIZE, ViewFacts, layout};
use crate::app::{Mode, State};

/// Draws every pane in the theme set at start and returns what the frame measured, for `Msg::Drawn`.
pub fn draw(state: &State, frame: &mut Frame) -> ViewFacts {
    draw_with(state, frame, theme())
}

/// `draw` in the given theme.
pub fn draw_with(state: &State, frame: &mut Frame, theme: Theme) -> ViewFacts {
    let Some(areas) = layout(state) else {
        draw_too_small(state.size, frame);
        return ViewFacts::default();
    };
    list::draw_with(state, areas.list, frame, theme);
    let detail = detail::draw_with(state, areas.detail, frame, theme);
    if state.words.is_some() {
        words::draw_with(state, areas.stats, frame, theme);
    } else if state.show_metrics {
        metrics::draw_with(state, areas.stats, frame, theme);
    } else {
        stats::draw_with(state, areas.stats, frame, theme);
    }
    status::draw_with(state, areas.status, frame, theme);
    let help = (state.mode == Mode::Help).then(|| help::draw_with(state, frame, theme));
    if let Some(message) = &state.alert {
        alert::draw(message, frame, theme);
    }
    ViewFacts { detail, help }
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
