//! Styles the panes share. Every colour has a companion that reads without colour (a mark, bold,
//! reverse video), so NO_COLOR loses nothing.

use ratatui::style::{Color, Modifier, Style};

/// Disagreement with the gold label: red and bold (the ✗ carries it without colour).
pub fn wrong_style() -> Style {
    Style::new()
        .fg(Color::LightRed)
        .add_modifier(Modifier::BOLD)
}

/// A colour per class, so the classes are told apart at a glance (the name is always printed too).
pub fn label_style(label: u32) -> Style {
    const COLORS: [Color; 6] = [
        Color::Red,
        Color::Green,
        Color::Blue,
        Color::Magenta,
        Color::Cyan,
        Color::Yellow,
    ];
    Style::new().fg(COLORS[label as usize % COLORS.len()])
}
