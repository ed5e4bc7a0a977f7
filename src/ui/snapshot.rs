//! A screen drawn off-terminal, as text: what `reviewlens snapshot` prints and what tests compare.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::app::State;

/// Draws `state` at its size and returns the screen's lines (trailing spaces trimmed).
pub fn render(state: &State) -> String {
    let (w, h) = state.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("TestBackend never fails");
    terminal
        .draw(|f| {
            super::draw(state, f);
        })
        .expect("TestBackend never fails");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        for x in 0..w {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
