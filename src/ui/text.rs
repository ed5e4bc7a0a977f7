//! Small text helpers shared by the panes: review text made safe to draw, highlighting, and fitting
//! text to a width without ever cutting through a number.

use ratatui::style::Style;
use ratatui::text::Span;

use crate::app::Query;
pub use crate::app::thousands;

/// Columns `text` takes on screen.
pub fn width(text: &str) -> usize {
    Span::raw(text).width()
}

/// Columns tab stops are apart in the review text.
const TAB: usize = 4;

/// `text` for one line of a pane: line breaks and tabs become spaces, and what terminals draw at
/// different widths is made unambiguous (see `drawable`).
pub fn one_line(text: &str) -> String {
    drawable(text, |c, out| {
        if c.is_control() {
            out.push(' ');
        }
    })
}

/// One line of a paragraph (no line breaks in it; `wrap` splits the text at them) made drawable,
/// tabs expanded to 4-column stops.
pub fn paragraph_line(line: &str) -> String {
    // Columns and bytes of the line up to the last tab, so a tab measures only what follows it.
    let upto = std::cell::Cell::new((0, 0));
    drawable(line, |c, out| match c {
        '\t' => {
            let (columns, bytes) = upto.get();
            let col = columns + width(&out[bytes..]);
            let pad = TAB - col % TAB;
            out.extend(std::iter::repeat_n(' ', pad));
            upto.set((col + pad, out.len()));
        }
        c if c.is_control() => out.push(' '),
        _ => {}
    })
}

/// The first `max` characters of `text`: what a pane can show of a text that may be megabytes long
/// on one line, cut before anything measures or cleans it.
pub fn clip(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

/// `text` with control characters handed to `control` (which pushes what stands for them), and the
/// characters whose width terminals disagree on replaced: a regional indicator (half a flag) by its
/// letter in brackets, `🇫🇷` → `[FR]`; the zero-width joiner and the emoji variation selector are
/// dropped, so each emoji is drawn as one glyph of the width ratatui counts. Otherwise the screen and
/// ratatui's idea of it part ways, and glyphs are left behind when the row changes.
fn drawable(text: &str, control: impl Fn(char, &mut String)) -> String {
    const INDICATORS: std::ops::RangeInclusive<char> = '\u{1F1E6}'..='\u{1F1FF}';
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if INDICATORS.contains(&c) {
            out.push('[');
            out.push(letter(c));
            if let Some(next) = chars.next_if(|n| INDICATORS.contains(n)) {
                out.push(letter(next));
            }
            out.push(']');
        } else if c == '\u{200D}' || c == '\u{FE0F}' {
            // dropped
        } else if c.is_control() {
            control(c, &mut out);
        } else {
            out.push(c);
        }
    }
    out
}

/// The letter a regional indicator stands for.
fn letter(indicator: char) -> char {
    char::from(b'A' + (indicator as u32 - 0x1F1E6) as u8)
}

/// `text` cut to `width` columns with a `…` at the end when it is longer (for names and messages,
/// never for numbers).
pub fn ellipsize(text: &str, width: usize) -> String {
    if self::width(text) <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = self::width(c.encode_utf8(&mut [0; 4]));
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// What a prompt line shows of `text` in `room` columns with the cursor (`cursor`, in characters)
/// in view, and the cursor's column in it: all of it when it fits with a cell to spare for the
/// cursor, else a window around the cursor, with `…` where the text goes on beyond either side.
/// Wide characters count two columns and are never split.
pub fn scrolled(text: &str, cursor: usize, room: usize) -> (String, usize) {
    let cells: Vec<(char, usize)> = (text.chars())
        .map(|c| (c, width(c.encode_utf8(&mut [0; 4]))))
        .collect();
    let cols = |from: usize, to: usize| cells[from..to].iter().map(|&(_, w)| w).sum::<usize>();
    let cursor = cursor.min(cells.len());
    if cols(0, cells.len()) < room {
        return (text.to_owned(), cols(0, cursor));
    }
    // The first character shown: as many before the cursor as leave room for the cursor's own cell
    // and, when more follows it, a `…` after it.
    let under = cells.get(cursor).map_or(1, |&(_, w)| w.max(1));
    let after = usize::from(cursor + 1 < cells.len());
    let lead = |start: usize| usize::from(start > 0);
    // Back from the cursor while what is shown still fits (one pass: a 100 kB paste is one line).
    let budget = room.saturating_sub(under + after);
    let (mut start, mut before) = (cursor, 0);
    while start > 0 && lead(start - 1) + before + cells[start - 1].1 <= budget {
        before += cells[start - 1].1;
        start -= 1;
    }
    let mut used = lead(start) + before;
    let mut end = cursor;
    while end < cells.len() {
        let w = cells[end].1;
        let more = usize::from(end + 1 < cells.len());
        if used + w + more > room {
            break;
        }
        used += w;
        end += 1;
    }
    let mut shown = String::from(if start > 0 { "…" } else { "" });
    shown.extend(cells[start..end].iter().map(|&(c, _)| c));
    if end < cells.len() {
        shown.push('…');
    }
    (shown, lead(start) + cols(start, cursor))
}

/// `text` as spans, with what `query` finds in it highlighted in `matched`.
pub fn highlighted(
    text: &str,
    query: Option<&Query>,
    style: Style,
    matched: Style,
) -> Vec<Span<'static>> {
    let ranges = query.map(|q| q.highlights(text)).unwrap_or_default();
    let mut spans = Vec::with_capacity(ranges.len() * 2 + 1);
    let mut at = 0;
    for r in ranges {
        if r.start > at {
            spans.push(Span::styled(text[at..r.start].to_owned(), style));
        }
        spans.push(Span::styled(
            text[r.clone()].to_owned(),
            style.patch(matched),
        ));
        at = r.end;
    }
    if at < text.len() || spans.is_empty() {
        spans.push(Span::styled(text[at..].to_owned(), style));
    }
    spans
}

/// The leading `parts` that fit in `width` columns together, each whole: what does not fit is
/// left out rather than cut (a number is shown whole or not at all).
pub fn whole_parts<'a>(parts: Vec<Span<'a>>, width: usize) -> Vec<Span<'a>> {
    let mut used = 0;
    parts
        .into_iter()
        .take_while(|p| {
            used += p.width();
            used <= width
        })
        .collect()
}

#[cfg(test)]
mod tests {
    /// A long prompt keeps its cursor in view: the text scrolls, `…` marks what is cut, wide
    /// characters are never split.
    #[test]
    fn a_prompt_scrolls_to_keep_the_cursor_in_view() {
        use super::scrolled;
        assert_eq!(scrolled("abc", 1, 10), ("abc".into(), 1));
        assert_eq!(scrolled("abcdefghij", 10, 6), ("…ghij".into(), 5));
        assert_eq!(scrolled("abcdefghij", 0, 6), ("abcde…".into(), 0));
        assert_eq!(scrolled("abcdefghij", 5, 6), ("…cdef…".into(), 4));
        // 日本語 are two columns each.
        assert_eq!(scrolled("日本語日本語", 6, 7), ("…本語".into(), 5));
        assert_eq!(scrolled("日本語日本語", 0, 7), ("日本語…".into(), 0));
        assert_eq!(scrolled("日本語日本語", 3, 7), ("…語日…".into(), 3));
    }

    use super::*;
    use ratatui::style::Modifier;

    #[test]
    fn highlighted_splits_around_matches() {
        let matched = Style::new().add_modifier(Modifier::UNDERLINED);
        let query = Query::parse("great", &[]).unwrap();
        let spans = highlighted("Great, GREAT", Some(&query), Style::new(), matched);
        let texts: Vec<&str> = spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(texts, ["Great", ", ", "GREAT"]);
        assert_eq!(spans[0].style, matched);
        assert_eq!(spans[1].style, Style::new());
    }

    #[test]
    fn review_text_is_made_drawable() {
        assert_eq!(one_line("a\nb\tc\r\nd"), "a b c  d");
        assert_eq!(paragraph_line("\td"), "    d");
        assert_eq!(paragraph_line("ab\tc"), "ab  c");
        assert_eq!(paragraph_line("a\tbcdef\tg\t\th"), "a   bcdef   g       h");
        assert_eq!(one_line("🇫🇷🇮🇹 and 🇫"), "[FR][IT] and [F]");
        assert_eq!(one_line("👨\u{200D}👩 ❤\u{FE0F}"), "👨👩 ❤");
    }

    #[test]
    fn clip_cuts_at_a_character() {
        assert_eq!(clip("négatif", 2), "né");
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("abc", 10), "abc");
    }

    #[test]
    fn ellipsize_marks_the_cut() {
        assert_eq!(ellipsize("negative", 8), "negative");
        assert_eq!(ellipsize("negative", 6), "negat…");
        assert_eq!(ellipsize("négatif", 4), "nég…");
    }
}
