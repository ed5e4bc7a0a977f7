//! What a search query says: text to find (a substring, or a regex after a leading `\v`, as in vim)
//! and field tests on the row and its prediction (`pred:negative`, `gold:positive`, `p>0.9`,
//! `len>2000`, `truncated`, `wrong`), all of which a row must pass.

use std::ops::Range;

use memchr::memchr2;
use regex::{Regex, RegexBuilder};

use super::find::find_ci;
use super::predictions::Predictions;
use crate::data::Dataset;

/// A parsed query. Two queries are equal when their source text is.
#[derive(Debug, Clone)]
pub struct Query {
    source: String,
    text: Option<Text>,
    fields: Vec<Field>,
}

impl PartialEq for Query {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl Eq for Query {}

#[derive(Debug, Clone)]
enum Text {
    /// The substring lower-cased (for highlighting), and found case-insensitively by the regex
    /// that is the substring escaped: the text is searched as it is, with no lower-cased copy.
    Plain(String, Regex),
    Regex(Regex),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Field {
    Predicted(u32),
    Gold(u32),
    /// The probability of the predicted class.
    Confidence(Cmp, f32),
    /// Bytes of title and content, as the length column sorts.
    Length(Cmp, usize),
    Truncated,
    Wrong,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
}

impl Cmp {
    fn holds<T: PartialOrd>(self, a: T, b: T) -> bool {
        match self {
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
            Cmp::Eq => a == b,
        }
    }
}

/// The words a query may hold besides text, for the help and error messages.
pub const FIELDS: &str = "pred:CLASS gold:CLASS p>0.9 len>2000 truncated wrong";

impl Query {
    /// Reads `source`; a field naming no class, a bad number or a bad regex is an error to show.
    /// A word in double quotes is text even when it reads as a field (`"truncated"`).
    pub fn parse(source: &str, classes: &[String]) -> Result<Query, String> {
        let (regex, rest) = match source.strip_prefix("\\v") {
            Some(rest) => (true, rest),
            None => (false, source),
        };
        let mut fields = Vec::new();
        let mut words = Vec::new();
        for word in rest.split_whitespace() {
            match field(word, classes)? {
                Some(f) => fields.push(f),
                None => words.push(unquote(word)),
            }
        }
        // Without fields the text is the query exactly as typed, spaces and quotes included.
        let text = match (fields.is_empty(), regex) {
            (true, false) => rest.to_owned(),
            (true, true) => rest.trim().to_owned(),
            (false, _) => words.join(" "),
        };
        let text = match (text.is_empty(), regex) {
            (true, _) => None,
            (false, false) => Some(Text::Plain(
                text.to_lowercase(),
                compile(&regex::escape(&text), PLAIN_SIZE_LIMIT)?,
            )),
            (false, true) => Some(Text::Regex(compile(&text, 1 << 20)?)),
        };
        Ok(Query {
            source: source.to_owned(),
            text,
            fields,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether the query is text alone, no field words.
    pub fn is_text_only(&self) -> bool {
        self.fields.is_empty()
    }

    /// Whether new predictions can change which rows match.
    pub fn uses_predictions(&self) -> bool {
        self.before_predictions().fields.len() < self.fields.len()
    }

    /// The query without its tests on predictions: the rows its matches can come from once
    /// classified.
    pub fn before_predictions(&self) -> Query {
        let fields = self.fields.iter().copied();
        Query {
            fields: fields
                .filter(|f| matches!(f, Field::Gold(_) | Field::Length(..)))
                .collect(),
            ..self.clone()
        }
    }

    /// A test for rows, to run over many (on several threads: the regex is compiled once).
    pub fn matcher<'a>(
        &'a self,
        data: &'a Dataset,
        preds: &'a Predictions,
    ) -> impl Fn(usize) -> bool + Sync + 'a {
        let rare = match &self.text {
            Some(Text::Plain(needle, _)) => rare_byte(needle),
            _ => None,
        };
        // A row without the needle's rarest byte (either case) cannot match: memchr rules out most
        // rows at memory speed, where a regex call costs some tens of nanoseconds a field.
        let may_hold = move |text: &str| {
            rare.is_none_or(|(lo, up)| memchr2(lo, up, text.as_bytes()).is_some())
        };
        move |row| {
            self.fields.iter().all(|f| passes(*f, data, preds, row))
                && match &self.text {
                    None => true,
                    Some(Text::Plain(_, re) | Text::Regex(re)) => {
                        let review = data.rows.get(row);
                        let holds = |text: &str| may_hold(text) && re.is_match(text);
                        holds(review.title) || holds(review.content)
                    }
                }
        }
    }

    /// Whether every row this query matches is matched by `before` too, so that a search for it
    /// need only look through `before`'s matches (typing on narrows the search). Held for ASCII
    /// substrings that contain `before`'s, with at least its field words, none on predictions
    /// (which may have arrived in between).
    pub fn narrows(&self, before: &Query) -> bool {
        let text = match (&self.text, &before.text) {
            (_, None) => !before.fields.is_empty(),
            (Some(Text::Plain(new, _)), Some(Text::Plain(old, _))) => {
                old.is_ascii() && new.contains(old.as_str())
            }
            _ => false,
        };
        text && !self.uses_predictions()
            && !before.uses_predictions()
            && before.fields.iter().all(|f| self.fields.contains(f))
    }

    /// Byte ranges of `text` to highlight: where the query's text part matches.
    pub fn highlights(&self, text: &str) -> Vec<Range<usize>> {
        match &self.text {
            None => Vec::new(),
            Some(Text::Plain(needle, _)) => find_ci(text, needle),
            Some(Text::Regex(re)) => (re.find_iter(text))
                .filter(|m| !m.is_empty())
                .map(|m| m.range())
                .collect(),
        }
    }
}

/// The rarest byte of an ASCII `needle` (lower-cased), in both cases, for `matcher`'s first test.
/// Not `k` or `s`: case-insensitively they also match the Kelvin sign and the long s, which are
/// other bytes.
fn rare_byte(needle: &str) -> Option<(u8, u8)> {
    if !needle.is_ascii() || needle.is_empty() {
        return None;
    }
    let bytes = needle.as_bytes();
    let pair = memchr::arch::all::packedpair::Pair::new(bytes)?;
    let b = bytes[pair.index1() as usize];
    (b != b'k' && b != b's').then(|| (b, b.to_ascii_uppercase()))
}

/// Bytes a substring's compiled regex may take: a pasted page of text (100 kB) is a search too.
const PLAIN_SIZE_LIMIT: usize = 256 << 20;

/// Case-insensitive; `size_limit` keeps a pathological pattern small.
fn compile(pattern: &str, size_limit: usize) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .size_limit(size_limit)
        .build()
        .map_err(|e| {
            let why = e.to_string();
            let last = why.lines().last().unwrap_or("").trim();
            format!("not a regex: {}", last.trim_start_matches("error: "))
        })
}

fn unquote(word: &str) -> &str {
    let inner = word.strip_prefix('"').and_then(|w| w.strip_suffix('"'));
    inner.filter(|w| !w.is_empty()).unwrap_or(word)
}

/// The field `word` states, `None` when it is text.
fn field(word: &str, classes: &[String]) -> Result<Option<Field>, String> {
    let lower = word.to_lowercase();
    if let Some(name) = lower.strip_prefix("pred:") {
        return class(name, classes).map(|c| Some(Field::Predicted(c)));
    }
    if let Some(name) = (lower.strip_prefix("gold:")).or(lower.strip_prefix("label:")) {
        return class(name, classes).map(|c| Some(Field::Gold(c)));
    }
    match lower.as_str() {
        "truncated" => return Ok(Some(Field::Truncated)),
        "wrong" => return Ok(Some(Field::Wrong)),
        _ => {}
    }
    if let Some((cmp, value)) = compared(&lower, "p") {
        let p: f32 = (value.parse().ok())
            .filter(|p: &f32| (0.0..=1.0).contains(p))
            .ok_or_else(|| format!("{word}: p is compared with a probability from 0 to 1"))?;
        return Ok(Some(Field::Confidence(cmp, p)));
    }
    if let Some((cmp, value)) = compared(&lower, "len") {
        let n = (value.replace('_', "").parse().ok())
            .ok_or_else(|| format!("{word}: len is compared with a whole number of bytes"))?;
        return Ok(Some(Field::Length(cmp, n)));
    }
    Ok(None)
}

/// `name` followed by a comparison: the comparison and the value after it.
fn compared<'a>(word: &'a str, name: &str) -> Option<(Cmp, &'a str)> {
    let rest = word.strip_prefix(name)?;
    [
        (">=", Cmp::Ge),
        ("<=", Cmp::Le),
        (">", Cmp::Gt),
        ("<", Cmp::Lt),
        ("=", Cmp::Eq),
    ]
    .into_iter()
    .find_map(|(op, cmp)| rest.strip_prefix(op).map(|v| (cmp, v)))
}

/// The class `name` names: exactly, or as the start of one class's name only.
fn class(name: &str, classes: &[String]) -> Result<u32, String> {
    let lower: Vec<String> = classes.iter().map(|c| c.to_lowercase()).collect();
    let exact = lower.iter().position(|c| *c == name);
    let mut starting = (lower.iter().enumerate()).filter(|(_, c)| c.starts_with(name));
    let prefix = match (starting.next(), starting.next()) {
        (Some((i, _)), None) if !name.is_empty() => Some(i),
        _ => None,
    };
    (exact.or(prefix).map(|i| i as u32))
        .ok_or_else(|| format!("no class \"{name}\" (the classes: {})", classes.join(", ")))
}

fn passes(field: Field, data: &Dataset, preds: &Predictions, row: usize) -> bool {
    // The rows' columns, not their texts: field words are tested on every row of a search.
    let (rows, pred) = (&data.rows, preds.get(row));
    match field {
        Field::Predicted(c) => pred.is_some_and(|p| p.label == c),
        Field::Gold(c) => rows.label(row) == c,
        Field::Confidence(cmp, v) => pred.is_some_and(|p| cmp.holds(p.probs[p.label as usize], v)),
        Field::Length(cmp, n) => cmp.holds(rows.length(row), n),
        Field::Truncated => pred.is_some_and(|p| p.truncated),
        Field::Wrong => preds.is_wrong(row, rows.label(row)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes() -> Vec<String> {
        vec!["negative".into(), "positive".into()]
    }

    /// The rare-byte test before the regex rules out no row the regex would match: either case,
    /// in the title or the content, and the Kelvin sign that matches `k` case-insensitively.
    #[test]
    fn the_first_test_keeps_every_match() {
        let texts = [
            "ZZQXJ upper",
            "lower zzqxj",
            "none here",
            "\u{212A}ey card",
            "KEY",
            "zzq xj",
        ];
        let rows: Vec<crate::data::Review> = (texts.iter().enumerate())
            .map(|(i, t)| crate::data::Review {
                row_index: i as u64,
                label: 0,
                title: if i % 2 == 0 {
                    t.to_string()
                } else {
                    String::new()
                },
                content: if i % 2 == 1 {
                    t.to_string()
                } else {
                    "x".into()
                },
            })
            .collect();
        let split = crate::data::Split {
            name: "test".into(),
            rows: 0..texts.len(),
        };
        let data = Dataset::new("t".into(), classes(), rows, vec![split]);
        let preds = Predictions::new(&data, String::new());
        let found = |q: &str| {
            let query = Query::parse(q, &classes()).unwrap();
            let matches = query.matcher(&data, &preds);
            (0..texts.len()).filter(|&r| matches(r)).collect::<Vec<_>>()
        };
        assert_eq!(found("zzqxj"), [0, 1]);
        assert_eq!(found("ZzQxJ"), [0, 1]);
        assert_eq!(found("key"), [3, 4]);
        assert_eq!(found("ey c"), [3]);
    }

    #[test]
    fn fields_come_out_of_the_text_and_the_rest_is_searched() {
        let q = Query::parse("great pred:neg p>0.9 sound len<=2_000", &classes()).unwrap();
        assert_eq!(
            q.fields,
            vec![
                Field::Predicted(0),
                Field::Confidence(Cmp::Gt, 0.9),
                Field::Length(Cmp::Le, 2000)
            ]
        );
        assert!(matches!(&q.text, Some(Text::Plain(t, _)) if t == "great sound"));
        assert!(q.uses_predictions());
        let q = Query::parse("gold:POSITIVE \"truncated\"", &classes()).unwrap();
        assert_eq!(q.fields, vec![Field::Gold(1)]);
        assert!(matches!(&q.text, Some(Text::Plain(t, _)) if t == "truncated"));
        assert!(!q.uses_predictions());
        // Without fields, the text is exactly what was typed.
        let q = Query::parse("  two  spaces ", &classes()).unwrap();
        assert!(matches!(&q.text, Some(Text::Plain(t, _)) if t == "  two  spaces "));
    }

    #[test]
    fn bad_fields_and_regexes_say_what_is_wrong() {
        let err = |q: &str| Query::parse(q, &classes()).unwrap_err();
        assert_eq!(
            err("pred:neutral"),
            "no class \"neutral\" (the classes: negative, positive)"
        );
        assert!(
            err("p>2").contains("probability from 0 to 1"),
            "{}",
            err("p>2")
        );
        assert!(err("len>many").contains("whole number"));
        assert!(
            err("\\v(unclosed").starts_with("not a regex:"),
            "{}",
            err("\\v(unclosed")
        );
        // "p" and "len" alone, or "pretty", are words.
        assert!(
            Query::parse("pretty p len", &classes())
                .unwrap()
                .fields
                .is_empty()
        );
    }

    #[test]
    fn a_regex_highlights_what_it_matches_case_insensitively() {
        let q = Query::parse("\\vbatter(y|ies)", &classes()).unwrap();
        assert_eq!(q.highlights("Battery, two BATTERIES"), vec![0..7, 13..22]);
        let q = Query::parse("\\va* p>0.5", &classes()).unwrap();
        assert!(
            q.highlights("bbb").is_empty(),
            "empty matches are not marked"
        );
    }
}
