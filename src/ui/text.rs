//! Small text helpers shared by the panes.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;

use crate::app::find_ci;
pub use crate::app::thousands;

/// Yellow, and underlined so a match still shows under NO_COLOR.
pub fn match_style() -> Style {
    Style::new()
        .fg(Color::Black)
        .bg(Color::Yellow)
        .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
}

/// `text` as spans, with every case-insensitive occurrence of `query` highlighted.
pub fn highlighted(text: &str, query: Option<&str>, style: Style) -> Vec<Span<'static>> {
    let ranges = query.map(|q| find_ci(text, q)).unwrap_or_default();
    let mut spans = Vec::with_capacity(ranges.len() * 2 + 1);
    let mut at = 0;
    for r in ranges {
        if r.start > at {
            spans.push(Span::styled(text[at..r.start].to_owned(), style));
        }
        spans.push(Span::styled(
            text[r.clone()].to_owned(),
            style.patch(match_style()),
        ));
        at = r.end;
    }
    if at < text.len() || spans.is_empty() {
        spans.push(Span::styled(text[at..].to_owned(), style));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlighted_splits_around_matches() {
        let spans = highlighted("Great, GREAT", Some("great"), Style::new());
        let texts: Vec<&str> = spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(texts, ["Great", ", ", "GREAT"]);
        assert_eq!(spans[0].style, match_style());
        assert_eq!(spans[1].style, Style::new());
    }
}
