//! The `?` overlay: every key, generated from the key tables the events are looked up in. On a
//! small screen the descriptions wrap under themselves and the overlay scrolls.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::style::Theme;
use super::text::width;
use crate::app::State;
use crate::app::keymap::help_lines;
use crate::app::layout::HelpFacts;

pub fn draw(state: &State, frame: &mut Frame) -> HelpFacts {
    draw_with(state, frame, super::theme())
}

/// Draws the overlay scrolled to `state.help_scroll` (as far as it goes) and says how it fitted.
pub fn draw_with(state: &State, frame: &mut Frame, theme: Theme) -> HelpFacts {
    let help = help_lines(&state.keys);
    let key_width = help.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
    let natural = help.iter().map(|(_, w)| width(w)).max().unwrap_or(0);
    let screen = frame.area();
    // Borders, a space before the keys, two after them and one at the end take 6 columns.
    let box_width = (key_width + natural + 6).min(screen.width as usize);
    let text_width = box_width.saturating_sub(key_width + 6).max(10);
    let lines = wrapped(&help, key_width, text_width, theme);
    let shown = lines.len().min(screen.height.saturating_sub(2) as usize);
    let max_scroll = lines.len() - shown;
    let top = (state.help_scroll as usize).min(max_scroll);
    let [area] = Layout::horizontal([Constraint::Length(box_width as u16)])
        .flex(Flex::Center)
        .areas(screen);
    let [area] = Layout::vertical([Constraint::Length(shown as u16 + 2)])
        .flex(Flex::Center)
        .areas(area);
    let mut block = Block::bordered()
        .title(" Keys ")
        .title_bottom(Line::from(" ? or Esc to close ").right_aligned());
    if max_scroll > 0 {
        let at = format!(" ↑↓ {}–{} of {} ", top + 1, top + shown, lines.len());
        block = block.title(Line::from(at).right_aligned());
    }
    let visible: Vec<Line> = lines.into_iter().skip(top).take(shown).collect();
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(visible).block(block), area);
    HelpFacts {
        max_scroll: max_scroll as u16,
        shown: shown as u16,
    }
}

/// The help's lines with each description wrapped to `text_width`, its continuation lines under it.
fn wrapped(
    help: &[(String, &'static str)],
    key_width: usize,
    text_width: usize,
    theme: Theme,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (keys, what) in help {
        if keys.is_empty() {
            // A section's title.
            let title = Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
            lines.push(Line::from(Span::styled(format!(" {what}"), title)));
            continue;
        }
        for (i, part) in wrap(what, text_width).into_iter().enumerate() {
            let keys = if i == 0 { keys.as_str() } else { "" };
            let pad = key_width.saturating_sub(width(keys));
            lines.push(Line::from(vec![
                Span::styled(format!(" {keys}{}  ", " ".repeat(pad)), theme.key()),
                Span::raw(part),
            ]));
        }
    }
    lines
}

/// `text` broken at spaces into lines of at most `width` columns (a longer word has a line of its
/// own).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let line = lines.last_mut().expect("one line at least");
        if line.is_empty() {
            line.push_str(word);
        } else if self::width(line) + 1 + self::width(word) <= width {
            line.push(' ');
            line.push_str(word);
        } else {
            lines.push(word.to_owned());
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_at_spaces() {
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap("one two three", 100), ["one two three"]);
        assert_eq!(wrap("unbreakable", 4), ["unbreakable"]);
    }
}
