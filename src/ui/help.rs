//! The `?` overlay: every key, generated from the key tables the events are looked up in.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::app::keymap::help_lines;

pub fn draw(frame: &mut Frame) {
    let help = help_lines();
    let key_width = help
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let key_style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
    let lines: Vec<Line> = help
        .iter()
        .map(|(keys, what)| {
            if keys.is_empty() {
                // A section's title.
                let title = Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
                return Line::from(Span::styled(format!(" {what}"), title));
            }
            Line::from(vec![
                Span::styled(format!(" {keys:<key_width$}  "), key_style),
                Span::raw(*what),
            ])
        })
        .collect();
    let width = lines.iter().map(Line::width).max().unwrap_or(0) as u16 + 3;
    let height = lines.len() as u16 + 2;
    let [area] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(frame.area());
    let [area] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let block = Block::bordered()
        .title(" Keys ")
        .title_bottom(Line::from(" ? or Esc to close ").right_aligned());
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
