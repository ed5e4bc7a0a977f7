//! An error to read in full: a box over the panes, the message wrapped inside, until any key.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Wrap};

use super::style::Theme;
use super::text::{one_line, width};

pub fn draw(message: &str, frame: &mut Frame, theme: Theme) {
    let screen = frame.area();
    let message = one_line(message);
    // As wide as the message needs, up to the screen less a margin; as tall as it wraps to.
    let width = (width(&message) as u16 + 4)
        .clamp(30, 72)
        .min(screen.width.saturating_sub(4));
    let paragraph = Paragraph::new(message).wrap(Wrap { trim: true });
    let lines = paragraph.line_count(width.saturating_sub(4)) as u16;
    let height = (lines + 2).min(screen.height.saturating_sub(2));
    let [area] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(screen);
    let [area] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let block = Block::bordered()
        .border_style(theme.error())
        .title(Line::styled(" Error ", theme.error()))
        .title_bottom(Line::from(" any key closes ").right_aligned())
        .padding(Padding::horizontal(1));
    frame.render_widget(Clear, area);
    frame.render_widget(paragraph.block(block), area);
}
