//! How many lines a review's text takes wrapped to a width, measured once per review and width, and
//! which of its pieces a window of those lines needs. A review can be megabytes on one line:
//! wrapping all of it for every frame took seconds a key. So the text is cut into pieces (its lines,
//! and a long line every `PIECE` bytes), each piece's wrapped height is measured once and cached, and
//! a frame wraps only the pieces it shows.

use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;

use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::text::paragraph_line;

/// The most bytes of one piece. A line longer than that is drawn as several, each from the start of
/// a line (a break no one notices in a line of thousands of characters), so that drawing any window
/// of the text wraps at most a few pieces.
const PIECE: usize = 16 * 1024;

/// A text's pieces from byte `at` on: its lines without their breaks (`\r\n`, `\n`, `\r`), a line
/// longer than `PIECE` bytes in pieces cut at character boundaries.
struct Pieces<'t> {
    text: &'t str,
    at: usize,
    /// The last piece has been given.
    done: bool,
}

impl Iterator for Pieces<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        if self.done {
            return None;
        }
        let (start, rest) = (self.at, &self.text.as_bytes()[self.at..]);
        // One byte past a full piece, so a break right after one ends it instead of making an
        // empty piece of its own.
        let window = &rest[..rest.len().min(PIECE + 1)];
        if let Some(i) = memchr::memchr2(b'\n', b'\r', window) {
            let crlf = rest[i] == b'\r' && rest.get(i + 1) == Some(&b'\n');
            self.at += i + 1 + crlf as usize;
            return Some(start..start + i);
        }
        if rest.len() <= PIECE {
            self.done = true;
            return Some(start..self.text.len());
        }
        let mut end = start + PIECE;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        self.at = end;
        Some(start..end)
    }
}

/// Lines a piece takes wrapped to `width`, as the pane wraps it.
fn height(piece: &str, width: u16) -> usize {
    let line = Line::raw(paragraph_line(piece));
    Paragraph::new(line)
        .wrap(Wrap { trim: false })
        .line_count(width)
}

/// A text wrapped to one width, measured from its start as far as it was asked.
#[derive(Debug, Clone)]
pub struct Measured {
    /// Wrapped lines of the pieces measured.
    pub lines: usize,
    /// The whole text is measured (else measuring stopped once it had the lines asked for).
    pub complete: bool,
    /// Characters in the text.
    pub chars: usize,
    /// The pieces measured: their bytes in the text and the wrapped lines before them.
    pieces: Vec<(Range<usize>, usize)>,
    /// Where the next piece starts.
    next: usize,
}

impl Measured {
    fn new(text: &str) -> Self {
        Measured {
            lines: 0,
            complete: false,
            chars: text.chars().count(),
            pieces: Vec::new(),
            next: 0,
        }
    }

    /// Measures further pieces until there are `want` lines or the text ends.
    fn extend(&mut self, text: &str, width: u16, want: usize) {
        let mut pieces = Pieces {
            text,
            at: self.next,
            done: false,
        };
        while self.lines < want
            && let Some(range) = pieces.next()
        {
            let lines = height(&text[range.clone()], width);
            self.pieces.push((range, self.lines));
            self.lines += lines;
        }
        self.next = pieces.at;
        self.complete = pieces.done;
    }

    /// The pieces that hold wrapped lines `from..from + count`, and how many lines of the first
    /// come before `from`.
    pub fn window<'t>(&self, text: &'t str, from: usize, count: usize) -> (Vec<&'t str>, usize) {
        if count == 0 {
            return (Vec::new(), 0);
        }
        let first = (self.pieces.partition_point(|&(_, before)| before <= from)).saturating_sub(1);
        let skip = from - self.pieces.get(first).map_or(from, |&(_, before)| before);
        let end = from + count;
        let pieces = (self.pieces[first.min(self.pieces.len())..].iter())
            .take_while(|&&(_, before)| before < end)
            .map(|(range, _)| text.get(range.clone()).unwrap_or_default())
            .collect();
        (pieces, skip)
    }
}

/// Which text a measurement is of: the review, the width, and the text's address and length (the
/// rows of a loaded table never change).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key {
    row: usize,
    width: u16,
    text: (usize, usize),
}

thread_local! {
    /// The selected review's measurement: panes are drawn on one thread, one review at a time.
    static LAST: RefCell<Option<(Key, Rc<Measured>)>> = const { RefCell::new(None) };
}

/// `text` (review `row`) wrapped to `width`, measured until it has `want` lines or ends; kept for
/// the next frame, which then measures only what it asks beyond.
pub fn measure(row: usize, text: &str, width: u16, want: usize) -> Rc<Measured> {
    let key = Key {
        row,
        width,
        text: (text.as_ptr() as usize, text.len()),
    };
    LAST.with_borrow_mut(|last| {
        let mut measured = match last.take() {
            Some((k, m)) if k == key => m,
            _ => Rc::new(Measured::new(text)),
        };
        if !measured.complete && measured.lines < want {
            Rc::make_mut(&mut measured).extend(text, width, want);
        }
        *last = Some((key, Rc::clone(&measured)));
        measured
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<&str> {
        let all = Pieces {
            text,
            at: 0,
            done: false,
        };
        all.map(|r| &text[r]).collect()
    }

    #[test]
    fn pieces_are_the_lines_and_long_lines_cut_at_characters() {
        assert_eq!(pieces("a\r\nb\rc\n\nd"), ["a", "b", "c", "", "d"]);
        assert_eq!(pieces(""), [""]);
        assert_eq!(pieces("a\n"), ["a", ""]);
        let long = "é".repeat(PIECE); // two bytes each
        let cut = pieces(&long);
        assert_eq!(cut.len(), 2);
        assert_eq!(cut.concat(), long);
        let exact = format!("{}\nz", "x".repeat(PIECE));
        assert_eq!(pieces(&exact), ["x".repeat(PIECE).as_str(), "z"]);
    }

    #[test]
    fn measuring_stops_at_what_is_asked_and_goes_on_from_there() {
        let text = "word ".repeat(100_000); // 500 kB on one line
        let mut m = Measured::new(&text);
        m.extend(&text, 50, 10);
        assert!(!m.complete);
        assert_eq!(m.pieces.len(), 1, "one piece holds the first 10 lines");
        let first = m.lines;
        m.extend(&text, 50, first + 1);
        assert_eq!(m.pieces.len(), 2);
        m.extend(&text, 50, usize::MAX);
        assert!(m.complete);
        // 10 words of 5 columns a line, and each cut between pieces ends a line early.
        assert!(
            (10_000..10_000 + m.pieces.len()).contains(&m.lines),
            "{}",
            m.lines
        );
        let (window, skip) = m.window(&text, first + 3, 5);
        assert_eq!((window.len(), skip), (1, 3));
        assert_eq!(m.window(&text, 0, 0).0.len(), 0);
    }
}
