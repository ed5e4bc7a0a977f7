//! Predictions as the screen needs them: one slot per row, per-split tallies kept up to date as
//! results arrive (so no pane counts all rows per frame), the model's state and the running job.

use std::time::Duration;

use super::protocol::JobId;
use crate::data::Dataset;
use crate::model::Prediction;

/// The confusion matrix of one split's classified rows, kept up to date as predictions arrive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// `confusion[gold][predicted]`, as in scikit-learn.
    pub confusion: Vec<Vec<usize>>,
    pub classified: usize,
}

impl Tally {
    fn new(classes: usize) -> Self {
        Tally {
            confusion: vec![vec![0; classes]; classes],
            classified: 0,
        }
    }

    /// Rows predicted as each class.
    pub fn predicted(&self) -> Vec<usize> {
        (0..self.confusion.len())
            .map(|p| self.confusion.iter().map(|row| row[p]).sum())
            .collect()
    }

    pub fn correct(&self) -> usize {
        (0..self.confusion.len())
            .map(|c| self.confusion[c][c])
            .sum()
    }

    /// Adds another split's counts (for the "all" view).
    pub fn add(&mut self, other: &Tally) {
        for (row, o) in self.confusion.iter_mut().zip(&other.confusion) {
            for (a, b) in row.iter_mut().zip(o) {
                *a += b;
            }
        }
        self.classified += other.classified;
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ModelStatus {
    /// Not asked for yet: it loads on the first classification.
    #[default]
    Idle,
    /// Fetching or loading: what the worker last said.
    Busy(String),
    Ready {
        device: String,
        note: Option<String>,
        /// Rows per batch.
        batch_size: usize,
    },
    Failed(String),
}

/// A "classify every row in view" job in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchJob {
    pub id: JobId,
    pub done: usize,
    pub total: usize,
    pub done_chars: usize,
    pub total_chars: usize,
    pub elapsed: Duration,
}

impl BatchJob {
    pub fn rate(&self) -> f64 {
        self.done as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Time left, assuming the remaining text costs what the text so far did (batches run shortest
    /// first, so counting texts would promise too much).
    pub fn eta(&self) -> Option<Duration> {
        (self.done_chars > 0).then(|| {
            let per_char = self.elapsed.as_secs_f64() / self.done_chars as f64;
            Duration::from_secs_f64(per_char * (self.total_chars - self.done_chars) as f64)
        })
    }
}

#[derive(Debug)]
pub struct Predictions {
    pub model_name: String,
    pub status: ModelStatus,
    /// Boxed: a row without a prediction costs 8 bytes, not 40 (four million rows, 400k classified).
    slots: Vec<Option<Box<Prediction>>>,
    /// Per split, in `Dataset::splits` order.
    tallies: Vec<Tally>,
    split_of_row: Vec<u16>,
    pub job: Option<BatchJob>,
    /// A single-row request in flight: (job, row).
    pub pending: Option<(JobId, u32)>,
    /// Wall time of the last single-row classification, and its row.
    pub latency: Option<(u32, Duration)>,
    pub next_job: JobId,
}

impl Predictions {
    pub fn new(data: &Dataset, model_name: String) -> Self {
        let mut split_of_row = vec![0u16; data.rows.len()];
        for (i, s) in data.splits.iter().enumerate() {
            split_of_row[s.rows.clone()].fill(i as u16);
        }
        let classes = data.label_names.len();
        Predictions {
            model_name,
            status: ModelStatus::Idle,
            slots: vec![None; data.rows.len()],
            tallies: vec![Tally::new(classes); data.splits.len()],
            split_of_row,
            job: None,
            pending: None,
            latency: None,
            next_job: 1,
        }
    }

    /// A fresh job id.
    pub fn new_job(&mut self) -> JobId {
        let job = self.next_job;
        self.next_job += 1;
        job
    }

    pub fn get(&self, row: usize) -> Option<&Prediction> {
        self.slots.get(row).and_then(Option::as_deref)
    }

    /// Whether any row has a prediction.
    pub fn any(&self) -> bool {
        self.tallies.iter().any(|t| t.classified > 0)
    }

    pub fn tally(&self, split: usize) -> &Tally {
        &self.tallies[split]
    }

    /// The tallies of several splits summed.
    pub fn tally_of(&self, splits: impl IntoIterator<Item = usize>) -> Tally {
        let mut sum = Tally::new(self.tallies[0].confusion.len());
        for s in splits {
            sum.add(&self.tallies[s]);
        }
        sum
    }

    /// Whether row `row` (gold label `gold`) was predicted wrong.
    pub fn is_wrong(&self, row: usize, gold: u32) -> bool {
        self.get(row).is_some_and(|p| p.label != gold)
    }

    /// Stores a prediction, replacing any earlier one for the row, and keeps the tallies right.
    pub fn insert(&mut self, row: u32, gold: u32, p: Prediction) {
        let row = row as usize;
        let Some(slot) = self.slots.get_mut(row) else {
            return; // a row from another dataset (a stale cache): ignore
        };
        if p.probs.len() != self.tallies[0].confusion.len() {
            return;
        }
        let tally = &mut self.tallies[self.split_of_row[row] as usize];
        let gold = &mut tally.confusion[gold as usize];
        if let Some(old) = slot.take() {
            gold[old.label as usize] -= 1;
            tally.classified -= 1;
        }
        gold[p.label as usize] += 1;
        tally.classified += 1;
        *slot = Some(Box::new(p));
    }
}
