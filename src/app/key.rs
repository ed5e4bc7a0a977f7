//! One key: how a binding names it, how the help shows it, how a config file may spell it, and
//! whether a terminal event is it.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key as a binding names it. For characters the case carries Shift (`G`, `J`); other keys say
/// whether Shift is held. Control and Alt must match exactly, so Ctrl-L is not `l`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub(super) code: KeyCode,
    pub(super) shift: bool,
    pub(super) ctrl: bool,
    pub(super) alt: bool,
}

pub(super) const fn plain(code: KeyCode) -> Key {
    Key {
        code,
        shift: false,
        ctrl: false,
        alt: false,
    }
}

pub(super) const fn ch(c: char) -> Key {
    plain(KeyCode::Char(c))
}

pub(super) const fn shift(code: KeyCode) -> Key {
    Key {
        shift: true,
        ..plain(code)
    }
}

pub(super) const fn ctrl(c: char) -> Key {
    ctrl_key(KeyCode::Char(c))
}

pub(super) const fn ctrl_key(code: KeyCode) -> Key {
    Key {
        ctrl: true,
        ..plain(code)
    }
}

pub(super) const fn alt(c: char) -> Key {
    Key {
        alt: true,
        ..plain(KeyCode::Char(c))
    }
}

impl Key {
    pub(super) fn modifiers(&self) -> KeyModifiers {
        let mut m = KeyModifiers::NONE;
        m.set(KeyModifiers::CONTROL, self.ctrl);
        m.set(KeyModifiers::ALT, self.alt);
        m.set(KeyModifiers::SHIFT, self.shift);
        m
    }

    pub(super) fn matches(&self, e: &KeyEvent) -> bool {
        let ctrl = e.modifiers.contains(KeyModifiers::CONTROL);
        let shift = e.modifiers.contains(KeyModifiers::SHIFT);
        let alt = e.modifiers.contains(KeyModifiers::ALT);
        let shift_ok =
            matches!(self.code, KeyCode::Char(_) | KeyCode::BackTab) || shift == self.shift;
        self.code == e.code && ctrl == self.ctrl && alt == self.alt && shift_ok
    }

    /// As the help shows it: "↑", "PgDn", "Shift-Tab", "Ctrl-U", "Alt-b", "g".
    pub fn name(&self) -> String {
        let base = match self.code {
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::Char(c) if self.ctrl => c.to_uppercase().to_string(),
            KeyCode::Char(c) => c.to_string(),
            other => other.to_string(),
        };
        match (self.ctrl, self.alt, self.shift) {
            (true, _, _) => format!("Ctrl-{base}"),
            (_, true, _) => format!("Alt-{base}"),
            (_, _, true) => format!("Shift-{base}"),
            _ => base,
        }
    }
}

impl Key {
    /// Reads a key as the help names it, or as a config file may spell it: "c", "G", "Ctrl-x",
    /// "Alt-b", "Shift-Tab", "Enter", "PgDn", "Up" or "↑", "Space", "F5".
    pub fn parse(name: &str) -> Result<Key, String> {
        let mut key = plain(KeyCode::Null);
        let mut rest = name;
        while let Some((modifier, after)) = rest.split_once(['-', '+']).filter(|(m, a)| {
            !a.is_empty() && ["ctrl", "alt", "shift"].contains(&m.to_lowercase().as_str())
        }) {
            match modifier.to_lowercase().as_str() {
                "ctrl" => key.ctrl = true,
                "alt" => key.alt = true,
                _ => key.shift = true,
            }
            rest = after;
        }
        key.code = code(rest).ok_or_else(|| format!("\"{name}\" is not a key"))?;
        Ok(match key.code {
            // Characters carry Shift in their case; Ctrl chords come as the lower-case letter.
            KeyCode::Char(c) if key.shift => Key {
                code: KeyCode::Char(c.to_ascii_uppercase()),
                shift: false,
                ..key
            },
            KeyCode::Char(c) if key.ctrl => Key {
                code: KeyCode::Char(c.to_ascii_lowercase()),
                ..key
            },
            // Shift-Tab is a key of its own, as terminals send it.
            KeyCode::Tab if key.shift => plain(KeyCode::BackTab),
            KeyCode::BackTab => plain(KeyCode::BackTab),
            _ => key,
        })
    }
}

/// A key's name without its modifiers.
fn code(name: &str) -> Option<KeyCode> {
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return Some(match c {
            '↑' => KeyCode::Up,
            '↓' => KeyCode::Down,
            '←' => KeyCode::Left,
            '→' => KeyCode::Right,
            c => KeyCode::Char(c),
        });
    }
    let lower = name.to_lowercase();
    if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse().ok()) {
        return (1..=12).contains(&n).then_some(KeyCode::F(n));
    }
    Some(match lower.as_str() {
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "esc" | "escape" => KeyCode::Esc,
        "enter" | "return" => KeyCode::Enter,
        "del" | "delete" => KeyCode::Delete,
        "backspace" => KeyCode::Backspace,
        "insert" => KeyCode::Insert,
        "space" => KeyCode::Char(' '),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::keymap::SECTIONS;

    #[test]
    fn every_key_the_help_names_reads_back_as_itself() {
        let keys = SECTIONS
            .iter()
            .flat_map(|s| s.rows)
            .flat_map(|r| r.bindings);
        let keys: Vec<&Key> = keys.flat_map(|b| b.keys).collect();
        assert!(keys.len() > 60);
        for key in keys {
            assert_eq!(Key::parse(&key.name()).as_ref(), Ok(key), "{}", key.name());
        }
    }

    #[test]
    fn config_spellings_read_as_the_keys_they_mean() {
        let read = |name: &str| Key::parse(name).unwrap();
        assert_eq!(read("ctrl+X"), ctrl('x'));
        assert_eq!(read("Shift-g"), ch('G'));
        assert_eq!(read("shift-tab"), plain(KeyCode::BackTab));
        assert_eq!(read("Shift-Down"), shift(KeyCode::Down));
        assert_eq!(read("PageDown"), plain(KeyCode::PageDown));
        assert_eq!(read("space"), ch(' '));
        assert_eq!(read("F5"), plain(KeyCode::F(5)));
        assert_eq!(read("-"), ch('-'));
        assert_eq!(read("Alt--"), alt('-'));
        for bad in ["", "Ctrl-", "F13", "Hyper-x", "xy"] {
            assert_eq!(
                Key::parse(bad),
                Err(format!("\"{bad}\" is not a key")),
                "{bad}"
            );
        }
    }
}
