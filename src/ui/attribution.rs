//! An explained review drawn: each word's background shaded by its score (one colour toward the
//! predicted class, another against it, stronger for larger scores), and without colour the top
//! words marked (bold toward, underlined against), beside the lines that list them.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::style::Theme;
use super::text::paragraph_line;
use crate::app::{State, flip_line, top_words};
use crate::explain::{Explanation, Flip};

/// Scores below this share of the largest are left unshaded: noise, not a push.
const FAINT: f32 = 0.1;
/// Words marked on each side without colour.
const MARKED: usize = 3;

/// The explanation's lines for the detail pane's header: the top words, then the flip (or how far
/// the work is), or why there is none; then the same for the review's edited text, if it has one.
pub fn lines(state: &State, row: usize, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = own_lines(state, row, theme);
    lines.extend(edit_lines(state, row, theme));
    lines
}

/// Characters of an edited text shown above its explanation.
const EDIT_SHOWN: usize = 300;

/// `E`'s edit of the review: the edited text's prediction beside the original's, its words and
/// its flip.
fn edit_lines(state: &State, row: usize, theme: Theme) -> Vec<Line<'static>> {
    let r = row as u32;
    let Some(edit) = state.explanations.edit_of(r) else {
        return Vec::new();
    };
    let dim = Style::new().add_modifier(Modifier::DIM);
    let name = |c: u32| state.data.label_name(c).to_owned();
    let original = match (state.preds.get(row), state.explanations.of.get(&r)) {
        (Some(p), _) => format!("{} {:.2}", name(p.label), p.probs[p.label as usize]),
        (None, Some(e)) => format!("{} {:.2}", name(e.predicted), e.probs[e.predicted as usize]),
        (None, None) => "not classified".into(),
    };
    let shown = super::text::clip(&edit.text, EDIT_SHOWN);
    let more = if shown.len() < edit.text.len() {
        "…"
    } else {
        ""
    };
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "edited (E again to change it): \"{}{more}\"",
            super::text::one_line(shown)
        ),
        dim,
    ))];
    let head = match (&edit.explanation, &edit.failed) {
        (_, Some(error)) => {
            let text = format!("edited text: explanation failed: {error}");
            return [lines, vec![Line::from(Span::styled(text, theme.wrong()))]].concat();
        }
        (None, None) => "edited text: predicting…".to_owned(),
        (Some(e), None) => format!(
            "edited text predicted {} {:.2} · the original {original}",
            name(e.predicted),
            e.probs[e.predicted as usize]
        ),
    };
    lines.push(Line::from(Span::styled(
        head,
        Style::new().add_modifier(Modifier::BOLD),
    )));
    if let Some(e) = &edit.explanation {
        let running = state.explanations.is_running_edit(r);
        lines.push(Line::from(top_words(&state.data, &edit.text, e)));
        lines.push(Line::from(Span::styled(
            flip_line(&state.data, &edit.text, e, running),
            dim,
        )));
    }
    lines
}

/// The row's own explanation.
fn own_lines(state: &State, row: usize, theme: Theme) -> Vec<Line<'static>> {
    let r = row as u32;
    let ex = &state.explanations;
    if let Some(error) = ex.failed.get(&r) {
        let text = format!("explanation failed: {error}");
        return vec![Line::from(Span::styled(text, theme.wrong()))];
    }
    let Some(e) = ex.of.get(&r) else {
        return match ex.is_running(r) {
            true => vec![Line::from(Span::styled(
                "explaining… (the whole review first) · x stops it",
                Style::new().add_modifier(Modifier::DIM),
            ))],
            false => Vec::new(),
        };
    };
    let text = state.text_of(r);
    let flip = flip_line(&state.data, &text, e, ex.is_running(r));
    let flip_style = match e.flip {
        Some(Flip::Flipped { .. }) => Style::new().add_modifier(Modifier::BOLD),
        _ => Style::new().add_modifier(Modifier::DIM),
    };
    vec![
        Line::from(top_words(&state.data, &text, e)),
        Line::from(Span::styled(flip, flip_style)),
    ]
}

/// How each word is drawn: its byte range in the classified text and its style.
pub struct Shading {
    words: Vec<(usize, usize, Style)>,
}

impl Shading {
    pub fn new(e: &Explanation, theme: Theme) -> Self {
        let largest = (e.words.iter())
            .filter_map(|w| w.score.map(f32::abs))
            .fold(0.0f32, f32::max)
            .max(1e-6);
        let ranked = e.ranked();
        let toward = ranked.iter().take(MARKED).copied();
        let against = ranked.iter().rev().take(MARKED).copied();
        let marked: Vec<usize> = toward.chain(against).collect();
        let words = (e.words.iter().enumerate())
            .filter_map(|(i, w)| {
                let score = w.score?;
                let share = score / largest;
                let mark = marked.contains(&i) && share.abs() >= FAINT;
                let style = theme.attribution(share, mark);
                (share.abs() >= FAINT).then_some((w.start, w.end, style))
            })
            .collect();
        Shading { words }
    }

    /// A piece of the text (starting at byte `at` of the classified text) as drawn: cleaned as
    /// `paragraph_line` cleans it, each word in its style. A piece with a tab is drawn plain (a
    /// tab's width depends on the columns before it, which pieces cut apart).
    pub fn line(&self, piece: &str, at: usize) -> Line<'static> {
        let end = at + piece.len();
        if piece.contains('\t') {
            return Line::from(paragraph_line(piece));
        }
        let mut spans = Vec::new();
        let mut from = at;
        let inside = self.words.iter().filter(|(s, e, _)| *e > at && *s < end);
        for &(s, e, style) in inside {
            let (s, e) = (s.max(from), e.min(end));
            if s > from {
                spans.push(Span::raw(paragraph_line(&piece[from - at..s - at])));
            }
            spans.push(Span::styled(paragraph_line(&piece[s - at..e - at]), style));
            from = e;
        }
        if from < end || spans.is_empty() {
            spans.push(Span::raw(paragraph_line(&piece[from - at..])));
        }
        Line::from(spans)
    }
}
