//! `w`: the words that carry the predictions of the rows in view (the confident mistakes, say),
//! ranked by their scores summed over the rows whose explanations are known, each with the number
//! of those rows it appears in.

use std::collections::HashMap;

use super::state::State;
use crate::explain::Explanation;

/// The pane's cursor; the pane is open while it is `Some` in `State::words`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WordsPane {
    pub selected: usize,
}

/// A word (lower-cased) and what it did over the explained rows in view.
#[derive(Debug, Clone, PartialEq)]
pub struct WordRank {
    pub word: String,
    /// Its scores summed, each toward its row's predicted class.
    pub score: f32,
    /// Explained rows it appears in.
    pub rows: usize,
}

/// The ranking over the view, highest summed score first (ties by word), and how many of the
/// view's rows it is built from.
pub struct Ranking {
    pub words: Vec<WordRank>,
    pub explained: usize,
    pub in_view: usize,
}

/// Ranks the words of the view's explained rows.
pub fn rank(state: &State) -> Ranking {
    let mut by_word: HashMap<String, (f32, usize)> = HashMap::new();
    let mut explained = 0;
    for &row in &state.view {
        let Some(e) = state.explanations.of.get(&row).filter(|e| e.is_complete()) else {
            continue;
        };
        explained += 1;
        let text = state.text_of(row);
        for (word, score) in row_words(&text, e) {
            let entry = by_word.entry(word).or_default();
            entry.0 += score;
            entry.1 += 1;
        }
    }
    let mut words: Vec<WordRank> = (by_word.into_iter())
        .map(|(word, (score, rows))| WordRank { word, score, rows })
        .collect();
    words.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.word.cmp(&b.word)));
    Ranking {
        words,
        explained,
        in_view: state.view.len(),
    }
}

/// Each distinct word of one explanation (lower-cased) with its score, summed where it repeats.
fn row_words(text: &str, e: &Explanation) -> Vec<(String, f32)> {
    let mut seen: HashMap<String, f32> = HashMap::new();
    for w in &e.words {
        let word = text.get(w.start..w.end).unwrap_or("").to_lowercase();
        *seen.entry(word).or_default() += w.score.unwrap_or(0.0);
    }
    seen.into_iter().collect()
}

/// The view's rows without a complete explanation: what `a` in the pane explains.
pub fn unexplained(state: &State) -> Vec<u32> {
    (state.view.iter().copied())
        .filter(|r| {
            !state
                .explanations
                .of
                .get(r)
                .is_some_and(Explanation::is_complete)
        })
        .collect()
}
