//! Styles the panes share, from one `Theme`. Every colour has a companion that reads without colour
//! (a mark, bold, reverse video), so NO_COLOR loses nothing; and under NO_COLOR the styles carry no
//! colour at all. That matters beyond taste: crossterm writes a colour it may not use as an empty
//! `ESC[;m`, a full reset that also drops the reverse video and bold around it.

use std::ffi::OsStr;
use std::sync::OnceLock;

use ratatui::style::{Color, Modifier, Style};

/// With colours or without; chosen once at start by the caller (`set_theme`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    color: bool,
}

static THEME: OnceLock<Theme> = OnceLock::new();

/// Sets the theme `draw` uses from now on; the first call wins (the program decides once).
pub fn set_theme(theme: Theme) {
    let _ = THEME.set(theme);
}

/// The theme set at start, with colours if none was.
pub fn theme() -> Theme {
    THEME.get().copied().unwrap_or(Theme::COLOR)
}

impl Theme {
    pub const COLOR: Theme = Theme { color: true };
    pub const PLAIN: Theme = Theme { color: false };

    /// As <https://no-color.org> asks: NO_COLOR set to anything but the empty string turns colour off.
    pub fn from_no_color(value: Option<&OsStr>) -> Theme {
        match value {
            Some(v) if !v.is_empty() => Theme::PLAIN,
            _ => Theme::COLOR,
        }
    }

    /// `style` with the foreground `color`, or as it is without colours.
    fn fg(self, style: Style, color: Color) -> Style {
        if self.color { style.fg(color) } else { style }
    }

    /// Disagreement with the gold label: red and bold (the ✗ carries it without colour).
    pub fn wrong(self) -> Style {
        self.fg(Style::new(), Color::LightRed)
            .add_modifier(Modifier::BOLD)
    }

    /// A colour per class, so the classes are told apart at a glance (the name is always printed).
    pub fn label(self, label: u32) -> Style {
        const COLORS: [Color; 6] = [
            Color::Red,
            Color::Green,
            Color::Blue,
            Color::Magenta,
            Color::Cyan,
            Color::Yellow,
        ];
        self.fg(Style::new(), COLORS[label as usize % COLORS.len()])
    }

    /// A search match: yellow, and underlined and bold so it shows without colour.
    pub fn matched(self) -> Style {
        let style = Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
        if self.color {
            style.fg(Color::Black).bg(Color::Yellow)
        } else {
            style
        }
    }

    /// The `•` beside a matching row.
    pub fn marker(self) -> Style {
        self.fg(Style::new(), Color::Yellow)
    }

    /// The status bar: white on blue, or reverse video.
    pub fn bar(self) -> Style {
        if self.color {
            Style::new().bg(Color::Blue).fg(Color::White)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    /// A notice in the status bar: yellow on the bar, or bold.
    pub fn notice(self) -> Style {
        if self.color {
            self.bar().fg(Color::Yellow)
        } else {
            self.bar().add_modifier(Modifier::BOLD)
        }
    }

    /// Keys in the help overlay, and the split in view in the Labels pane.
    pub fn key(self) -> Style {
        self.fg(Style::new(), Color::Cyan)
            .add_modifier(Modifier::BOLD)
    }

    /// A confusion-matrix count: green on the diagonal, red off it (brackets and reverse video
    /// mark the filter and the cursor without colour).
    pub fn count(self, correct: bool) -> Style {
        self.fg(
            Style::new(),
            if correct { Color::Green } else { Color::Red },
        )
    }

    /// A word of an explained review: `share` is its score over the largest one's, in [−1, 1]
    /// (positive: toward the predicted class). With colour, its background: green toward, red
    /// against, four steps of strength; without, `mark`ed words bold (toward) or underlined
    /// (against).
    pub fn attribution(self, share: f32, mark: bool) -> Style {
        const TOWARD: [u8; 4] = [194, 157, 120, 83];
        const AGAINST: [u8; 4] = [224, 217, 210, 203];
        let step = ((share.abs() * 4.0).ceil() as usize).clamp(1, 4) - 1;
        match (self.color, share >= 0.0) {
            (true, true) => Style::new()
                .fg(Color::Black)
                .bg(Color::Indexed(TOWARD[step])),
            (true, false) => Style::new()
                .fg(Color::Black)
                .bg(Color::Indexed(AGAINST[step])),
            (false, true) if mark => Style::new().add_modifier(Modifier::BOLD),
            (false, false) if mark => Style::new().add_modifier(Modifier::UNDERLINED),
            (false, _) => Style::new(),
        }
    }

    /// The frame of an error message.
    pub fn error(self) -> Style {
        self.fg(Style::new(), Color::LightRed)
            .add_modifier(Modifier::BOLD)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_means_any_value_but_the_empty_one() {
        assert_eq!(Theme::from_no_color(None), Theme::COLOR);
        assert_eq!(Theme::from_no_color(Some(OsStr::new(""))), Theme::COLOR);
        assert_eq!(Theme::from_no_color(Some(OsStr::new("1"))), Theme::PLAIN);
        assert_eq!(Theme::from_no_color(Some(OsStr::new("0"))), Theme::PLAIN);
        let plain = Theme::PLAIN;
        for style in [plain.wrong(), plain.label(1), plain.matched(), plain.bar()] {
            assert_eq!((style.fg, style.bg), (None, None));
        }
    }
}
