//! The explanation as batches of token sequences: ask [`Explainer::next_batch`] for sequences, run
//! them, hand the probabilities back with [`Explainer::take`], until it has nothing more to ask.

use std::collections::VecDeque;

use super::flip::{FLIP_CANDIDATES, FLIP_MAX_WORDS, sets_of};
use super::{Explanation, Flip, Word};
use crate::model::argmax;
use crate::model::tokenize::{Encoded, Words};

/// One review's explanation in the making.
pub struct Explainer {
    words: Words,
    /// Known once the whole input has run.
    explanation: Option<Explanation>,
    stage: Stage,
    /// Word sets still to run in this stage, in order.
    queue: VecDeque<Vec<usize>>,
    /// The sets of the batch handed out last, awaiting their probabilities.
    in_flight: Vec<Vec<usize>>,
    /// For each word, the label and its probability without it (a one-word flip needs no run).
    alone: Vec<Option<(u32, f32)>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Whole,
    Words,
    /// Sets of this many of the top words.
    Flip(usize),
    Done,
}

impl Explainer {
    pub fn new(words: Words) -> Self {
        Explainer {
            alone: vec![None; words.spans.len()],
            words,
            explanation: None,
            stage: Stage::Whole,
            queue: VecDeque::new(),
            in_flight: Vec::new(),
        }
    }

    /// What is known so far (`None` before the whole input has run).
    pub fn explanation(&self) -> Option<&Explanation> {
        self.explanation.as_ref()
    }

    pub fn is_done(&self) -> bool {
        self.stage == Stage::Done
    }

    /// Sequences still to run in all, at most (the flip search usually stops early).
    pub fn remaining(&self) -> usize {
        self.queue.len() + self.in_flight.len()
    }

    /// Up to `max` sequences to run next; empty when the explanation is complete.
    pub fn next_batch(&mut self, max: usize) -> Vec<Encoded> {
        if !self.in_flight.is_empty() {
            return Vec::new(); // the last batch has not come back
        }
        self.in_flight = match self.stage {
            Stage::Whole => vec![Vec::new()],
            Stage::Done => Vec::new(),
            _ => {
                let n = max.max(1).min(self.queue.len());
                self.queue.drain(..n).collect()
            }
        };
        self.in_flight.iter().map(|set| self.without(set)).collect()
    }

    /// The probabilities (dataset classes) of the last batch's sequences, in order.
    pub fn take(&mut self, probs: Vec<Vec<f32>>) {
        let sets = std::mem::take(&mut self.in_flight);
        debug_assert_eq!(sets.len(), probs.len(), "one result per sequence");
        match self.stage {
            Stage::Whole => self.start(probs.into_iter().next().unwrap_or_default()),
            Stage::Words => self.scored(sets, probs),
            Stage::Flip(size) => self.tried(size, sets, probs),
            Stage::Done => {}
        }
    }

    /// The input without the tokens of the words in `set`.
    fn without(&self, set: &[usize]) -> Encoded {
        let kept = (self.words.encoded.ids.iter().zip(&self.words.word_of_token))
            .filter(|(_, w)| !w.is_some_and(|w| set.contains(&(w as usize))))
            .map(|(&id, _)| id);
        Encoded {
            ids: kept.collect(),
            truncated: self.words.encoded.truncated,
        }
    }

    /// The whole input's prediction is in: every word inside the input gets a run of its own,
    /// the shortest variants (the longest words) last.
    fn start(&mut self, probs: Vec<f32>) {
        let mut tokens = vec![0usize; self.words.spans.len()];
        for w in self.words.word_of_token.iter().flatten() {
            tokens[*w as usize] += 1;
        }
        let inside: Vec<usize> = (0..tokens.len()).filter(|&w| tokens[w] > 0).collect();
        let last_inside = inside.last().map_or(0, |&w| w + 1);
        let mut order = inside.clone();
        order.sort_by_key(|&w| tokens[w]);
        self.queue = order.into_iter().map(|w| vec![w]).collect();
        let words = inside.iter().map(|&w| {
            let (start, end) = self.words.spans[w];
            Word {
                start,
                end,
                score: None,
            }
        });
        self.explanation = Some(Explanation {
            predicted: argmax(&probs),
            probs,
            words: words.collect(),
            beyond: self.words.spans.len().saturating_sub(last_inside),
            flip: None,
        });
        // Word indices from here on are positions among the words inside.
        self.index_inside(&inside);
        self.stage = Stage::Words;
        if self.queue.is_empty() {
            self.start_flip();
        }
    }

    /// Renumbers words (spans and tokens) as positions among `inside`.
    fn index_inside(&mut self, inside: &[usize]) {
        let mut position = vec![None; self.words.spans.len()];
        for (i, &w) in inside.iter().enumerate() {
            position[w] = Some(i as u32);
        }
        for w in self.words.word_of_token.iter_mut() {
            *w = w.and_then(|w| position[w as usize]);
        }
        for set in self.queue.iter_mut() {
            set[0] = position[set[0]].expect("queued words are inside") as usize;
        }
        self.alone = vec![None; inside.len()];
    }

    fn scored(&mut self, sets: Vec<Vec<usize>>, probs: Vec<Vec<f32>>) {
        let e = self
            .explanation
            .as_mut()
            .expect("the whole input ran first");
        let c = e.predicted as usize;
        for (set, p) in sets.iter().zip(&probs) {
            e.words[set[0]].score = Some(e.probs[c] - p[c]);
            let label = argmax(p);
            self.alone[set[0]] = Some((label, p[label as usize]));
        }
        if self.queue.is_empty() {
            self.start_flip();
        }
    }

    /// Every word is scored: one-word flips are known already; larger sets need runs.
    fn start_flip(&mut self) {
        let e = self
            .explanation
            .as_ref()
            .expect("the whole input ran first");
        let c = e.predicted;
        let ranked: Vec<usize> = e.ranked().into_iter().take(FLIP_CANDIDATES).collect();
        let single = (ranked.iter()).find_map(|&w| match self.alone[w] {
            Some((label, prob)) if label != c => Some((w, label, prob)),
            _ => None,
        });
        match single {
            Some((w, to, prob)) => self.finish(Flip::Flipped {
                words: vec![w],
                to,
                prob,
            }),
            None => self.next_size(1, ranked),
        }
    }

    /// Queues the sets one larger than `size`, or ends the search without a flip.
    fn next_size(&mut self, size: usize, ranked: Vec<usize>) {
        let within = FLIP_MAX_WORDS.min(ranked.len());
        if size >= within {
            return self.finish(Flip::None { within });
        }
        self.queue = sets_of(&ranked, size + 1).into();
        self.stage = Stage::Flip(size + 1);
    }

    fn tried(&mut self, size: usize, sets: Vec<Vec<usize>>, probs: Vec<Vec<f32>>) {
        let e = self
            .explanation
            .as_ref()
            .expect("the whole input ran first");
        let c = e.predicted;
        // Sets run in order, so the first that flips is the first of its size that does.
        for (set, p) in sets.into_iter().zip(probs) {
            let to = argmax(&p);
            if to != c {
                let prob = p[to as usize];
                return self.finish(Flip::Flipped {
                    words: set,
                    to,
                    prob,
                });
            }
        }
        if self.queue.is_empty() {
            let ranked = e.ranked().into_iter().take(FLIP_CANDIDATES).collect();
            self.next_size(size, ranked);
        }
    }

    fn finish(&mut self, flip: Flip) {
        if let Some(e) = self.explanation.as_mut() {
            e.flip = Some(flip);
        }
        self.queue.clear();
        self.stage = Stage::Done;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in scorer with interactions: p(class 1) = sigmoid(sum of the ids' weights + a
    /// bonus when tokens 5 and 6 are both present), so some flips need two words.
    fn probs(e: &Encoded) -> Vec<f32> {
        let weight = |id: u32| match id {
            5 => 1.5,
            6 => 1.0,
            7 => -0.4,
            9 => 0.3,
            _ => 0.05 * (id % 3) as f32,
        };
        let both = e.ids.contains(&5) && e.ids.contains(&6);
        let z: f32 = e.ids.iter().map(|&i| weight(i)).sum::<f32>() + if both { 2.0 } else { 0.0 };
        let p = 1.0 / (1.0 + (-(z - 3.0)).exp());
        vec![1.0 - p, p]
    }

    /// Words 0..n, one or two tokens each, between [CLS] (101) and [SEP] (102).
    fn words(ids_per_word: &[&[u32]], beyond: usize) -> Words {
        let mut ids = vec![101];
        let mut word_of_token = vec![None];
        let mut spans = Vec::new();
        for (w, word) in ids_per_word.iter().enumerate() {
            spans.push((w * 10, w * 10 + 4));
            ids.extend_from_slice(word);
            word_of_token.extend(std::iter::repeat_n(Some(w as u32), word.len()));
        }
        spans.extend((0..beyond).map(|b| (1000 + b, 1001 + b)));
        ids.push(102);
        word_of_token.push(None);
        Words {
            spans,
            encoded: Encoded {
                ids,
                truncated: beyond > 0,
            },
            word_of_token,
        }
    }

    fn run(words: Words, batch: usize) -> (Explanation, usize) {
        let mut ex = Explainer::new(words);
        let mut runs = 0;
        loop {
            let seqs = ex.next_batch(batch);
            if seqs.is_empty() {
                break;
            }
            runs += seqs.len();
            ex.take(seqs.iter().map(probs).collect());
        }
        assert!(ex.is_done());
        (ex.explanation().unwrap().clone(), runs)
    }

    fn removed(w: &Words, set: &[usize]) -> Encoded {
        let ex = Explainer::new(w.clone());
        ex.without(set)
    }

    #[test]
    fn scores_are_the_drop_in_the_predicted_class() {
        let w = words(&[&[5], &[6, 11], &[7], &[9], &[12]], 3);
        let (e, _) = run(w.clone(), 2);
        let full = probs(&w.encoded);
        let c = argmax(&full) as usize;
        assert_eq!(e.predicted as usize, c);
        assert_eq!(e.beyond, 3);
        for (i, word) in e.words.iter().enumerate() {
            let want = full[c] - probs(&removed(&w, &[i]))[c];
            assert_eq!(word.score, Some(want), "word {i}");
        }
    }

    /// The reported flip is a smallest set among the top words that flips (found by trying every
    /// set), the first in rank order; no strict subset of it flips.
    #[test]
    fn the_flip_is_a_smallest_set_and_no_subset_flips() {
        let cases: [&[&[u32]]; 4] = [
            &[&[5], &[6], &[1], &[9], &[2]],
            &[&[5, 6], &[9], &[7]],
            &[&[5], &[6], &[5], &[6], &[9], &[1]],
            &[&[1], &[2]],
        ];
        for ids in cases {
            let w = words(ids, 0);
            for batch in [1, 3, 64] {
                let (e, _) = run(w.clone(), batch);
                let ranked: Vec<usize> = e.ranked().into_iter().take(FLIP_CANDIDATES).collect();
                let flips = |set: &[usize]| argmax(&probs(&removed(&w, set))) != e.predicted;
                let brute = (1..=FLIP_MAX_WORDS.min(ranked.len()))
                    .flat_map(|k| sets_of(&ranked, k))
                    .find(|s| flips(s));
                match (&e.flip, &brute) {
                    (Some(Flip::Flipped { words, to, .. }), Some(b)) => {
                        assert_eq!(words, b, "{ids:?}");
                        assert_ne!(*to, e.predicted);
                        for k in 1..words.len() {
                            assert!(sets_of(words, k).iter().all(|s| !flips(s)));
                        }
                    }
                    (Some(Flip::None { within }), None) => {
                        assert_eq!(*within, FLIP_MAX_WORDS.min(ranked.len()))
                    }
                    other => panic!("{ids:?}: {other:?}"),
                }
            }
        }
    }

    #[test]
    fn an_input_without_words_has_nothing_to_flip() {
        let (e, runs) = run(words(&[], 2), 8);
        assert!(e.words.is_empty());
        assert_eq!(e.beyond, 2);
        assert_eq!(e.flip, Some(Flip::None { within: 0 }));
        assert_eq!(runs, 1);
    }
}
