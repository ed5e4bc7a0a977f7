//! The words pane (`w`): the words that carry the predictions of the rows in view, by their scores
//! summed over the explained rows, with the rows each appears in; what the ranking is built from,
//! and the progress of explaining the rest.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::style::Theme;
use super::text::{ellipsize, thousands};
use crate::app::{Mode, State, rank, signed};

pub fn draw_with(state: &State, area: Rect, frame: &mut Frame, theme: Theme) {
    let focused = state.mode == Mode::Words;
    let title = match focused {
        true => " Words · ↑↓ Enter filter · a explain the rest · Esc close ",
        false => " Words · w ",
    };
    let mut block = Block::bordered().title(title);
    if focused {
        block = block.border_style(Style::new().add_modifier(Modifier::BOLD));
    }
    let inner = block.inner(area);
    let width = inner.width as usize;
    let ranking = rank(state);
    let dim = Style::new().add_modifier(Modifier::DIM);
    let mut lines = vec![Line::from(Span::styled(
        ellipsize(
            &built_from(state, ranking.explained, ranking.in_view),
            width,
        ),
        dim,
    ))];
    let room = (inner.height as usize).saturating_sub(1);
    let selected = state.words.map_or(0, |p| p.selected);
    let first = (selected + 1).saturating_sub(room);
    for (i, w) in ranking.words.iter().enumerate().skip(first).take(room) {
        let text = format!(
            "{:>7}  {:>6} rows  {}",
            signed(w.score),
            thousands(w.rows),
            w.word
        );
        let style = match (i == selected, focused) {
            (true, true) => Style::new().add_modifier(Modifier::REVERSED),
            (true, false) => theme.key(),
            _ => Style::new(),
        };
        lines.push(Line::from(Span::styled(ellipsize(&text, width), style)));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// "12 of 340 rows in view explained · explaining 3 of 328… x stops", or "· a: the other 328".
fn built_from(state: &State, explained: usize, in_view: usize) -> String {
    let rest = in_view - explained.min(in_view);
    let tail = match &state.explanations.batch {
        Some(b) => format!(
            " · explaining {} of {}… x stops",
            thousands((b.total - b.jobs.len() + 1).min(b.total)),
            thousands(b.total)
        ),
        None if rest > 0 => format!(" · a: the other {}", thousands(rest)),
        None => String::new(),
    };
    format!(
        "{} of {} rows in view explained{tail}",
        thousands(explained),
        thousands(in_view)
    )
}
