//! `a`: word attributions and the smallest flip of the selected review (see [`crate::explain`]),
//! as the worker reports them, and the words they are told in.

use std::collections::HashMap;

use super::protocol::JobId;
use crate::data::Dataset;
use crate::explain::{Explanation, Flip};
use crate::format::thousands;

/// Explanations asked for in this session.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Explanations {
    /// Each explained row's explanation, as far as it has got.
    pub of: HashMap<u32, Explanation>,
    /// The explanation being made (one at a time: the one asked for last is the one looked at).
    pub running: Option<Running>,
    /// Why a row's explanation failed.
    pub failed: HashMap<u32, String>,
    /// `E`: the last edit of a review, predicted and explained.
    pub edited: Option<Edited>,
    /// `a` in the words pane: the view's unexplained rows, one job each, still queued or running.
    pub batch: Option<ExplainBatch>,
}

/// Explanations of many rows, queued on the worker one job each.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExplainBatch {
    /// The jobs not finished yet, and their rows.
    pub jobs: HashMap<JobId, u32>,
    pub total: usize,
    /// Rows whose explanation failed.
    pub failed: usize,
}

/// The explanation on the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Running {
    pub job: JobId,
    pub row: u32,
    /// Of the edited text (`Explanations::edited`), not of the row's own.
    pub edited: bool,
}

/// A review's text as the user edited it (the data never changes), and what the classifier makes
/// of it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Edited {
    pub row: u32,
    pub text: String,
    pub explanation: Option<Explanation>,
    pub failed: Option<String>,
}

/// Words listed on each side of the top words line.
pub const TOP_WORDS: usize = 3;

impl Explanations {
    /// Whether row `row`'s own explanation is being made.
    pub fn is_running(&self, row: u32) -> bool {
        self.running.is_some_and(|r| r.row == row && !r.edited)
    }

    /// Whether row `row`'s edited text is being explained.
    pub fn is_running_edit(&self, row: u32) -> bool {
        self.running.is_some_and(|r| r.row == row && r.edited)
    }

    /// The edit of row `row`, if it is the one edited last.
    pub fn edit_of(&self, row: u32) -> Option<&Edited> {
        self.edited.as_ref().filter(|e| e.row == row)
    }
}

/// `text[start..end]` of a word, on one line.
fn word<'t>(text: &'t str, e: &Explanation, w: usize) -> &'t str {
    let w = &e.words[w];
    text.get(w.start..w.end).unwrap_or("?")
}

/// "pushed to negative: worst (+0.41), refund (+0.22) · against: great (−0.18)": the top words
/// each way, from the scores known so far.
pub fn top_words(data: &Dataset, text: &str, e: &Explanation) -> String {
    let ranked = e.ranked();
    let score = |w: usize| e.words[w].score.unwrap_or(0.0);
    let listed = |ws: &mut dyn Iterator<Item = &usize>| -> String {
        let named: Vec<String> = ws
            .take(TOP_WORDS)
            .map(|&w| format!("{} ({})", word(text, e, w), signed(score(w))))
            .collect();
        if named.is_empty() {
            "none".into()
        } else {
            named.join(", ")
        }
    };
    let toward = listed(&mut ranked.iter().filter(|&&w| score(w) > 0.0));
    let against = listed(&mut ranked.iter().rev().filter(|&&w| score(w) < 0.0));
    format!(
        "pushed to {}: {toward} · against: {against}",
        data.label_name(e.predicted)
    )
}

/// "+0.41", "−0.18" (a real minus sign).
pub fn signed(score: f32) -> String {
    match score < 0.0 {
        true => format!("−{:.2}", -score),
        false => format!("+{score:.2}"),
    }
}

/// `removing "not", "worst" flips it to positive (0.71)`, `no flip within 5 words`, or how far the
/// scoring is.
pub fn flip_line(data: &Dataset, text: &str, e: &Explanation, running: bool) -> String {
    let scored = e.words.iter().filter(|w| w.score.is_some()).count();
    let beyond = match e.beyond {
        0 => String::new(),
        n => format!(
            " · {} words past the model's input, not scored",
            thousands(n)
        ),
    };
    let state = match &e.flip {
        Some(Flip::Flipped { words, to, prob }) => {
            let quoted: Vec<String> = (words.iter())
                .map(|&w| format!("\"{}\"", word(text, e, w)))
                .collect();
            format!(
                "removing {} flips it to {} ({prob:.2})",
                quoted.join(", "),
                data.label_name(*to)
            )
        }
        Some(Flip::None { within }) => format!("no flip within {within} words"),
        None if !running => format!(
            "stopped after scoring {scored} of {} words; a starts over",
            thousands(e.words.len())
        ),
        None if scored < e.words.len() => format!(
            "scoring words: {scored} of {}… x stops",
            thousands(e.words.len())
        ),
        None => "looking for the smallest flip… x stops".into(),
    };
    format!("{state}{beyond}")
}
