//! Why a classifier said what it did: leave-one-word-out occlusion and the smallest set of words
//! whose removal flips the label (LIT's AblationFlip), for any classifier that turns token ids into
//! class probabilities.
//!
//! A word's score is p_c(the input) − p_c(the input without that word's tokens), c the class
//! predicted for the whole input: the shortened sequence is run as it is (re-encoded, not masked),
//! `[CLS]`, `[SEP]` and the other tokens unchanged. Positive: the word pushed toward c. Removal is
//! what is measured, not importance in general: a word whose meaning another word repeats scores
//! low though it matters.
//!
//! [`Explainer`] is the work as a sequence of batches (the whole input, then every word's variant
//! longest first, then the flip search a set size at a time), so the worker can run a batch, report
//! what is known, and stop between batches.

mod flip;
mod search;

use serde::{Deserialize, Serialize};

pub use flip::{FLIP_CANDIDATES, FLIP_MAX_WORDS};
pub use search::Explainer;

use crate::error::Result;
use crate::model::tokenize::{Encoded, Words};

/// The whole explanation of one text at once (headless): `probs` runs a batch of up to `batch`
/// sequences and gives each one's class probabilities.
pub fn explain(
    words: Words,
    batch: usize,
    mut probs: impl FnMut(&[Encoded]) -> Result<Vec<Vec<f32>>>,
) -> Result<Explanation> {
    let mut explainer = Explainer::new(words);
    loop {
        let sequences = explainer.next_batch(batch);
        if sequences.is_empty() {
            break;
        }
        explainer.take(probs(&sequences)?);
    }
    Ok(explainer
        .explanation()
        .expect("the whole input ran")
        .clone())
}

/// A review's explanation, as far as it has got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// The class predicted for the whole input (c), and every class's probability.
    pub predicted: u32,
    pub probs: Vec<f32>,
    /// The words inside the model's input, in order.
    pub words: Vec<Word>,
    /// Words past the truncation: no score.
    pub beyond: usize,
    /// The smallest flip, once searched.
    pub flip: Option<Flip>,
}

/// A word of the input and what removing it did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    /// Byte range in the text.
    pub start: usize,
    pub end: usize,
    /// p_c(input) − p_c(input without this word); `None` until computed.
    pub score: Option<f32>,
}

/// What the flip search found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Flip {
    /// Removing these words (indices into `words`, highest score first) changes the label to
    /// `to`, with probability `prob`.
    Flipped {
        words: Vec<usize>,
        to: u32,
        prob: f32,
    },
    /// No set of up to `within` of the top words changes the label.
    None { within: usize },
}

impl Explanation {
    /// Whether every word has its score and the flip search is over.
    pub fn is_complete(&self) -> bool {
        self.flip.is_some() && self.words.iter().all(|w| w.score.is_some())
    }

    /// Word indices by score, highest first (ties by position); scored words only.
    pub fn ranked(&self) -> Vec<usize> {
        let mut scored: Vec<(usize, f32)> = (self.words.iter().enumerate())
            .filter_map(|(i, w)| w.score.map(|s| (i, s)))
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored.into_iter().map(|(i, _)| i).collect()
    }
}
