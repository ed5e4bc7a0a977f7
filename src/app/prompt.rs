//! `Prompt`: a line being typed (the search, the export file name) and a cursor in it, with the
//! edits shells and readline offer. The cursor counts characters, never bytes, so every edit keeps
//! the text valid UTF-8 whatever it holds.

use std::fmt;

/// A one-line text and a cursor (a character index, `0..=len`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prompt {
    text: String,
    cursor: usize,
}

/// An edit of the open prompt, whichever it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// One character left / right.
    Left,
    Right,
    /// To the start of this (or the previous) word / past the end of this (or the next) word.
    WordLeft,
    WordRight,
    /// To the start / end of the line.
    Start,
    End,
    /// Deletes the character after the cursor.
    Delete,
    /// Deletes the word before the cursor (and the spaces after it), as Ctrl-W does in a shell.
    DeleteWord,
    /// Deletes from the cursor to the end.
    KillToEnd,
}

impl Prompt {
    /// `text` with the cursor at its end.
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let cursor = text.chars().count();
        Prompt { text, cursor }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The cursor, in characters from the start.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The text before the cursor.
    pub fn before_cursor(&self) -> &str {
        &self.text[..self.byte(self.cursor)]
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    /// The byte offset of character `i` (the end for `i` past it).
    fn byte(&self, i: usize) -> usize {
        self.text
            .char_indices()
            .nth(i)
            .map_or(self.text.len(), |(b, _)| b)
    }

    /// Removes characters `from..to` (character indices), leaving the cursor at `from`.
    fn remove(&mut self, from: usize, to: usize) {
        let (a, b) = (self.byte(from), self.byte(to));
        self.text.replace_range(a..b, "");
        self.cursor = from;
    }

    /// Types `s` at the cursor, leaving the cursor after it.
    pub fn insert(&mut self, s: &str) {
        let at = self.byte(self.cursor);
        self.text.insert_str(at, s);
        self.cursor += s.chars().count();
    }

    pub fn push(&mut self, c: char) {
        self.insert(c.encode_utf8(&mut [0; 4]));
    }

    /// Deletes the character before the cursor.
    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            self.remove(self.cursor - 1, self.cursor);
        }
    }

    /// Deletes from the start to the cursor (Ctrl-U).
    pub fn kill_to_start(&mut self) {
        self.remove(0, self.cursor);
    }

    pub fn apply(&mut self, edit: Edit) {
        let len = self.len();
        match edit {
            Edit::Left => self.cursor = self.cursor.saturating_sub(1),
            Edit::Right => self.cursor = (self.cursor + 1).min(len),
            Edit::WordLeft => self.cursor = self.word_start(),
            Edit::WordRight => self.cursor = self.word_end(),
            Edit::Start => self.cursor = 0,
            Edit::End => self.cursor = len,
            Edit::Delete if self.cursor < len => self.remove(self.cursor, self.cursor + 1),
            Edit::Delete => {}
            Edit::DeleteWord => self.remove(self.word_start(), self.cursor),
            Edit::KillToEnd => self.remove(self.cursor, len),
        }
    }

    /// Where the word before the cursor starts: back over non-word characters, then over word ones.
    fn word_start(&self) -> usize {
        let chars: Vec<char> = self.text.chars().take(self.cursor).collect();
        let mut i = chars.len();
        while i > 0 && !is_word(chars[i - 1]) {
            i -= 1;
        }
        while i > 0 && is_word(chars[i - 1]) {
            i -= 1;
        }
        i
    }

    /// Where the word at or after the cursor ends: over non-word characters, then over word ones.
    fn word_end(&self) -> usize {
        let mut chars = self.text.chars().skip(self.cursor).peekable();
        let mut i = self.cursor;
        while chars.next_if(|&c| !is_word(c)).is_some() {
            i += 1;
        }
        while chars.next_if(|&c| is_word(c)).is_some() {
            i += 1;
        }
        i
    }
}

/// A word is letters and digits (any script), so `/`, `.`, `-` and spaces end one: Ctrl-W in
/// `~/out/reviews.csv` deletes `csv`, then `reviews.`, as in most line editors.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl From<&str> for Prompt {
    fn from(s: &str) -> Self {
        Prompt::new(s)
    }
}

impl From<String> for Prompt {
    fn from(s: String) -> Self {
        Prompt::new(s)
    }
}

impl PartialEq<str> for Prompt {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for Prompt {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl fmt::Display for Prompt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::{Edit::*, Prompt};

    /// The text with `|` where the cursor is.
    fn show(p: &Prompt) -> String {
        format!(
            "{}|{}",
            p.before_cursor(),
            &p.as_str()[p.before_cursor().len()..]
        )
    }

    fn at(text: &str, cursor: usize) -> Prompt {
        let mut p = Prompt::new(text);
        p.apply(Start);
        (0..cursor).for_each(|_| p.apply(Right));
        p
    }

    #[test]
    fn moves_by_character_and_stops_at_the_ends() {
        let mut p = Prompt::new("né😀");
        assert_eq!(show(&p), "né😀|");
        p.apply(Right);
        assert_eq!(show(&p), "né😀|");
        p.apply(Left);
        assert_eq!(show(&p), "né|😀");
        p.apply(Left);
        assert_eq!(show(&p), "n|é😀");
        p.apply(Start);
        p.apply(Left);
        assert_eq!(show(&p), "|né😀");
        p.apply(End);
        assert_eq!(show(&p), "né😀|");
    }

    #[test]
    fn moves_by_word() {
        let mut p = Prompt::new("~/out/grüße über.csv");
        p.apply(WordLeft);
        assert_eq!(show(&p), "~/out/grüße über.|csv");
        p.apply(WordLeft);
        assert_eq!(show(&p), "~/out/grüße |über.csv");
        p.apply(WordLeft);
        p.apply(WordLeft);
        assert_eq!(show(&p), "~/|out/grüße über.csv");
        p.apply(WordLeft);
        p.apply(WordLeft);
        assert_eq!(show(&p), "|~/out/grüße über.csv");
        p.apply(WordRight);
        assert_eq!(show(&p), "~/out|/grüße über.csv");
        p.apply(WordRight);
        assert_eq!(show(&p), "~/out/grüße| über.csv");
    }

    #[test]
    fn inserts_and_deletes_at_the_cursor() {
        let mut p = at("日本", 1);
        p.push('x');
        p.insert("語é");
        assert_eq!(show(&p), "日x語é|本");
        p.backspace();
        assert_eq!(show(&p), "日x語|本");
        p.apply(Delete);
        assert_eq!(show(&p), "日x語|");
        p.apply(Delete);
        assert_eq!(show(&p), "日x語|");
        p.apply(Start);
        p.backspace();
        assert_eq!(show(&p), "|日x語");
    }

    #[test]
    fn deletes_words_and_to_either_end() {
        let mut p = Prompt::new("very  bad café  ");
        p.apply(DeleteWord);
        assert_eq!(show(&p), "very  bad |");
        p.apply(DeleteWord);
        assert_eq!(show(&p), "very  |");
        let mut p = at("abc déf ghi", 5);
        p.kill_to_start();
        assert_eq!(show(&p), "|éf ghi");
        p.apply(Right);
        p.apply(KillToEnd);
        assert_eq!(show(&p), "é|");
    }
}
