//! The selected review in full: title, where it comes from, and the content wrapped to the pane.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Padding, Paragraph, Wrap};

use super::style::Theme;
use super::text::{highlighted, one_line, paragraphs, thousands};
use crate::app::{ModelStatus, Predictions, State};

fn block() -> Block<'static> {
    Block::bordered()
        .title(" Review ")
        .padding(Padding::horizontal(1))
}

/// The review's text, unscrolled and without its frame: its line breaks kept.
fn paragraph(state: &State, row: usize, theme: Theme) -> Paragraph<'static> {
    let review = &state.data.rows[row];
    let query = state.active_query();
    let split = state
        .data
        .splits
        .iter()
        .find(|s| s.rows.contains(&row))
        .map_or("?", |s| s.name.as_str());
    let meta = Line::from(vec![
        Span::styled(
            format!(
                "{split} · row {} · gold ",
                thousands(review.row_index as usize)
            ),
            Style::new().add_modifier(Modifier::DIM),
        ),
        Span::styled(
            state.data.label_name(review.label).to_owned(),
            theme.label(review.label),
        ),
        Span::styled(
            format!(" · {} chars", thousands(review.content.chars().count())),
            Style::new().add_modifier(Modifier::DIM),
        ),
    ]);
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let side_a = state.preds_b.as_ref().map(|_| "A ");
    let mut text = Text::from(vec![
        Line::from(highlighted(
            &one_line(&review.title),
            query,
            bold,
            theme.matched(),
        )),
        meta,
        prediction_line(state, &state.preds, row, side_a, theme),
    ]);
    if let Some(b) = &state.preds_b {
        (text.lines).push(prediction_line(state, b, row, Some("B "), theme));
    }
    text.lines.push(Line::default());
    for line in paragraphs(&review.content) {
        let spans = highlighted(&line, query, Style::new(), theme.matched());
        text.lines.push(Line::from(spans));
    }
    Paragraph::new(text).wrap(Wrap { trim: false })
}

/// "predicted negative ✗ · negative 0.93 positive 0.07 · 87 tokens · 41 ms", or how to get one.
/// `side` ("A ", "B ") names the classifier when there are two.
fn prediction_line(
    state: &State,
    preds: &Predictions,
    row: usize,
    side: Option<&str>,
    theme: Theme,
) -> Line<'static> {
    let dim = Style::new().add_modifier(Modifier::DIM);
    let side = side.unwrap_or("");
    let Some(p) = preds.get(row) else {
        let text = if preds.pending.is_some_and(|(_, r)| r as usize == row) {
            "classifying…"
        } else if matches!(preds.status, ModelStatus::Failed(_)) {
            // `c` would fail the same way: say so rather than offer it.
            "not classified: model unavailable (the status bar says why)"
        } else {
            "not classified: c classifies it, C all in view"
        };
        return Line::from(Span::styled(format!("{side}{text}"), dim));
    };
    let gold = state.data.rows[row].label;
    let name = state.data.label_name(p.label).to_owned();
    let mut spans = vec![Span::styled(format!("{side}predicted "), dim)];
    if p.label == gold {
        spans.push(Span::styled(name, theme.label(p.label)));
    } else {
        spans.push(Span::styled(format!("{name} ✗"), theme.wrong()));
    }
    let probs: Vec<String> = p
        .probs
        .iter()
        .enumerate()
        .map(|(c, prob)| format!("{} {prob:.2}", state.data.label_name(c as u32)))
        .collect();
    let mut rest = format!(" · {} · {} tokens", probs.join(" "), p.tokens);
    if p.truncated {
        rest.push_str(" (truncated)");
    }
    match preds.latency {
        Some((r, t)) if r as usize == row => rest.push_str(&format!(" · {} ms", t.as_millis())),
        _ => {}
    }
    spans.push(Span::styled(rest, dim));
    Line::from(spans)
}

pub fn draw(state: &State, area: Rect, frame: &mut Frame) {
    draw_measured(state, area, frame);
}

/// Draws the selected review, scrolled as far as it can go up to `detail_scroll`, and returns it
/// with how far its wrapped text can scroll in `area` (the view fact `update` clamps to).
pub fn draw_measured(state: &State, area: Rect, frame: &mut Frame) -> Option<(usize, u16)> {
    draw_with(state, area, frame, super::theme())
}

/// `draw_measured` in the given theme.
pub fn draw_with(
    state: &State,
    area: Rect,
    frame: &mut Frame,
    theme: Theme,
) -> Option<(usize, u16)> {
    let Some(row) = state.selected_row() else {
        frame.render_widget(block(), area);
        return None;
    };
    let paragraph = paragraph(state, row, theme);
    let inner = block().inner(area);
    let (lines, height) = (paragraph.line_count(inner.width), inner.height as usize);
    let max = lines.saturating_sub(height).min(u16::MAX as usize);
    let top = (state.detail_scroll as usize).min(max);
    let mut block = block();
    if lines > height {
        let at = format!("{}–{} of {}", top + 1, top + height, lines);
        let hint = format!(" J/K scroll · lines {at} ");
        // On a narrow pane the numbers alone, rather than cut.
        let hint = if hint.chars().count() + 2 <= area.width as usize {
            hint
        } else {
            format!(" {at} ")
        };
        block = block.title_bottom(Line::from(hint).right_aligned());
    }
    frame.render_widget(paragraph.scroll((top as u16, 0)).block(block), area);
    Some((row, max as u16))
}
