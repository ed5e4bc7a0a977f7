//! The selected review in full: title, where it comes from, and the content wrapped to the pane.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Padding, Paragraph, Wrap};

use super::attribution::Shading;
use super::style::Theme;
use super::text::{clip, highlighted, one_line, paragraph_line, thousands};
use super::wrap;
use crate::app::{Mode, ModelStatus, Predictions, Query, State};

fn block() -> Block<'static> {
    Block::bordered()
        .title(" Review ")
        .padding(Padding::horizontal(1))
}

/// Characters of a title the pane shows; the rest of a pathological megabyte title is left out.
const TITLE_CHARS: usize = 2_000;

/// The lines above the review's text: title, where it comes from, the prediction(s), a blank line.
fn header(state: &State, row: usize, content_chars: usize, theme: Theme) -> Vec<Line<'static>> {
    let review = state.data.rows.get(row);
    let query = state.active_query();
    let split = match state.data.split_of(row) {
        "" => "?",
        name => name,
    };
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
            format!(" · {} chars", thousands(content_chars)),
            Style::new().add_modifier(Modifier::DIM),
        ),
    ]);
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let side_a = state.preds_b.as_ref().map(|_| "A ");
    let shown = clip(review.title, TITLE_CHARS);
    let mut title = one_line(shown);
    if shown.len() < review.title.len() {
        title.push('…');
    }
    let mut lines = vec![
        Line::from(highlighted(&title, query, bold, theme.matched())),
        meta,
        prediction_line(state, &state.preds, row, side_a, theme),
    ];
    if let Some(b) = &state.preds_b {
        lines.push(prediction_line(state, b, row, Some("B "), theme));
    }
    lines.extend(issue_line(state, row, theme));
    lines.extend(duplicate_line(state, row, theme));
    lines.extend(finding_lines(state, row));
    lines.extend(similar_line(state, row));
    lines.extend(super::attribution::lines(state, row, theme));
    lines.push(Line::default());
    lines
}

/// Shown near duplicates of a review in the detail pane, at most.
const SHOWN_DUPLICATES: usize = 5;

/// "2 near duplicates: train:123 negative ✗, test:45 positive · Enter goes to the first", with `D`
/// done; `✗` marks one labelled otherwise, and a test row with one in train says it leaked.
fn duplicate_line(state: &State, row: usize, theme: Theme) -> Option<Line<'static>> {
    let dups = state.duplicates.of(row as u32);
    if dups.is_empty() {
        return None;
    }
    let data = &state.data;
    let label = data.rows.label(row);
    let named: Vec<String> = (dups.iter().take(SHOWN_DUPLICATES))
        .map(|&j| {
            let other = data.rows.get(j as usize);
            let mark = if other.label != label { " ✗" } else { "" };
            let split = data.split_of(j as usize);
            format!(
                "{split}:{} {}{mark}",
                other.row_index,
                data.label_name(other.label)
            )
        })
        .collect();
    let more = dups.len().saturating_sub(SHOWN_DUPLICATES);
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    let leaked = match state.duplicates.leaked(data, row as u32) {
        true => " · leaked: this test row is in train",
        false => "",
    };
    let noun = if dups.len() == 1 {
        "duplicate"
    } else {
        "duplicates"
    };
    let text = format!(
        "{} near {noun}: {}{more}{leaked} · Enter (in the review) goes to the first",
        dups.len(),
        named.join(", ")
    );
    let style = match state.duplicates.conflicts(data, row as u32) {
        true => theme.wrong(),
        false => Style::new(),
    };
    Some(Line::from(Span::styled(text, style)))
}

/// Why a row is (or is not) flagged as a label issue, with `i` on: "label issue #3 of 312: given
/// positive, P(positive) = 0.03, suggested negative".
fn issue_line(state: &State, row: usize, theme: Theme) -> Option<Line<'static>> {
    let issues = state.label_issues.ready()?;
    let Some(issue) = issues.get(row) else {
        return Some(Line::from(Span::styled(
            "label issues: not checked (no out-of-sample prediction yet)",
            Style::new().add_modifier(Modifier::DIM),
        )));
    };
    let name = |c: u32| state.data.label_name(c).to_owned();
    let given = state.data.rows.label(row);
    let p = format!(
        "given {}, P({}) = {:.2}",
        name(given),
        name(given),
        issue.score
    );
    Some(match issue.rank {
        Some(rank) => Line::from(Span::styled(
            format!(
                "label issue #{rank} of {}: {p}, suggested {}",
                thousands(issues.flagged),
                name(issue.suggested)
            ),
            theme.wrong(),
        )),
        None => Line::from(format!("label looks right: {p} (not flagged)")),
    })
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
    let gold = state.data.rows.label(row);
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

/// Lines of a review measured at least: all of any ordinary review, so its length is exact.
const MEASURED_AT_LEAST: usize = 2_000;

/// Lines measured beyond the window, so that scrolling on always has lines to go to. A longer
/// review's length is given as what is measured so far ("of 2,361+"), growing as it scrolls.
const MEASURED_AHEAD: usize = 256;

/// `draw_measured` in the given theme. Only what is on screen is wrapped and drawn; the text's
/// wrapped length comes from `wrap::measure`, which measures each piece of it once per review and
/// width, and only as far as scrolling needs.
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
    let inner = block().inner(area);
    let (width, height) = (inner.width, inner.height as usize);
    let content = state.data.rows.get(row).content;
    let want = (state.detail_scroll as usize + height).max(MEASURED_AT_LEAST) + MEASURED_AHEAD;
    let measured = wrap::measure(row, content, width, want);
    let header = header(state, row, measured.chars, theme);
    let header_lines = Paragraph::new(header.clone())
        .wrap(Wrap { trim: false })
        .line_count(width);
    let lines = header_lines + measured.lines;
    let max = lines.saturating_sub(height).min(u16::MAX as usize);
    let top = (state.detail_scroll as usize).min(max);
    let mut block = block();
    let focused = state.mode == Mode::Detail;
    if focused {
        // The pane has the keys: say so in its border, which stands out without colour too.
        block = Block::bordered()
            .title(" Review · ↑↓ PgUp PgDn Home End · Esc back ")
            .padding(Padding::horizontal(1))
            .border_style(Style::new().add_modifier(Modifier::BOLD));
    }
    if lines > height {
        let more = if measured.complete { "" } else { "+" };
        let at = format!("{}–{} of {}{more}", top + 1, top + height, thousands(lines));
        let keys = if focused { "" } else { "J/K scroll · " };
        let hint = format!(" {keys}lines {at} ");
        // On a narrow pane the numbers alone, rather than cut.
        let hint = if hint.chars().count() + 2 <= area.width as usize {
            hint
        } else {
            format!(" {at} ")
        };
        block = block.title_bottom(Line::from(hint).right_aligned());
    }
    let body = Body::new(state, row, theme);
    // The window's first lines come from the header while it is in view, else from the text.
    let (text, skip) = if top < header_lines {
        let below = (top + height).saturating_sub(header_lines);
        let (pieces, _) = measured.window(content, 0, below);
        let mut text = Text::from(header);
        (text.lines).extend(pieces.iter().map(|p| body.line(p, content)));
        (text, top)
    } else {
        let (pieces, skip) = measured.window(content, top - header_lines, height);
        let lines: Vec<Line> = pieces.iter().map(|p| body.line(p, content)).collect();
        (Text::from(lines), skip)
    };
    let paragraph = Paragraph::new(text).wrap(Wrap { trim: false });
    frame.render_widget(paragraph.scroll((skip as u16, 0)).block(block), area);
    Some((row, max as u16))
}

/// How the review's text is drawn: its words shaded by their scores once explained, else with the
/// search's matches highlighted.
struct Body<'a> {
    query: Option<&'a Query>,
    theme: Theme,
    /// The explanation's shading, and where the content starts in the classified text.
    shading: Option<(Shading, usize)>,
}

impl<'a> Body<'a> {
    fn new(state: &'a State, row: usize, theme: Theme) -> Self {
        let explained = state.explanations.of.get(&(row as u32));
        let offset = state.text.content_offset(state.data.rows.get(row));
        Body {
            query: state.active_query(),
            theme,
            shading: explained.map(|e| (Shading::new(e, theme), offset)),
        }
    }

    /// A piece of the content (a slice of `content`) as drawn: cleaned, tabs expanded, and shaded
    /// or highlighted.
    fn line(&self, piece: &str, content: &str) -> Line<'static> {
        // Where the piece starts in the content (pieces are slices of it; an empty stand-in is not).
        let at = (piece.as_ptr() as usize).checked_sub(content.as_ptr() as usize);
        let at = at.filter(|&at| at + piece.len() <= content.len());
        if let (Some((shading, offset)), Some(at)) = (&self.shading, at) {
            return shading.line(piece, offset + at);
        }
        let line = paragraph_line(piece);
        Line::from(highlighted(
            &line,
            self.query,
            Style::new(),
            self.theme.matched(),
        ))
    }
}

/// The review's finding: "corrected to positive · tags: kindle · marked" and its note.
fn finding_lines(state: &State, row: usize) -> Vec<Line<'static>> {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut lines: Vec<Line> = (crate::app::finding_line(state, row).into_iter())
        .map(|l| Line::from(Span::styled(format!("finding: {l}"), bold)))
        .collect();
    if let Some(note) = state.finding(row).and_then(|f| f.note.clone()) {
        for (i, line) in note.lines().enumerate() {
            let lead = if i == 0 { "note: " } else { "      " };
            lines.push(Line::from(format!("{lead}{}", super::text::one_line(line))));
        }
    }
    lines
}

/// With a similarity ranking shown: "similar to train:12: cosine 0.91 (#3 of 20)".
fn similar_line(state: &State, row: usize) -> Option<Line<'static>> {
    let (to, ranked) = state.similar.shown.as_ref()?;
    let (at, cosine) = state.similar.of(row as u32)?;
    let what = match to {
        crate::app::SimilarTo::Row(r) => {
            let r = *r as usize;
            format!(
                "{}:{}",
                state.data.split_of(r),
                state.data.rows.row_index(r)
            )
        }
        crate::app::SimilarTo::Text(t) => format!("\"{}\"", super::text::one_line(t)),
    };
    Some(Line::from(Span::styled(
        format!(
            "similar to {what}: cosine {cosine:.2} (#{} of {}) · Esc: every review",
            at + 1,
            thousands(ranked.len())
        ),
        Style::new().add_modifier(Modifier::BOLD),
    )))
}
