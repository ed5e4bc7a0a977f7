//! What the inference workers tell the explorer, in the app's own words. The worker thread speaks
//! this vocabulary (`runtime::worker` imports it); the app never imports the worker.

use std::time::Duration;

use crate::explain::Explanation;
use crate::model::Prediction;

pub type JobId = u64;

/// What `f` and a `~` search rank the rows by similarity to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimilarTo {
    /// A row (index into `data.rows`): its nearest rows, itself left out.
    Row(u32),
    /// A text, embedded as a review is: every row ranked.
    Text(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum WorkerMsg {
    /// What the worker is busy with before it can classify (fetching, loading).
    Status(String),
    /// The model is ready on `device` (e.g. "cpu f32"); `note` says why `auto` fell back, if it did.
    Ready {
        model: String,
        device: String,
        note: Option<String>,
        /// Rows per batch from now on (`--batch-size`, or the device's default).
        batch_size: usize,
    },
    /// The model could not be had; the explorer goes on without it.
    LoadFailed(String),
    /// The user stopped the load (training a head): how far it got. Asking again goes on.
    LoadStopped(String),
    /// Predictions from the prediction cache, shown at once.
    Cached(Vec<(u32, Prediction)>),
    Results {
        job: JobId,
        predictions: Vec<(u32, Prediction)>,
        /// Wall time of the batch these came from.
        batch_time: Duration,
    },
    Progress {
        job: JobId,
        done: usize,
        total: usize,
        /// Characters classified and in all: the cost still ahead, for the ETA.
        done_chars: usize,
        total_chars: usize,
        elapsed: Duration,
    },
    Finished {
        job: JobId,
        cancelled: bool,
    },
    /// The job stopped: the model failed, or the batch panicked (the worker lives on).
    Failed {
        job: JobId,
        error: String,
    },
    /// A warning that is not fatal (e.g. a corrupt cache file that was set aside).
    Warning(String),
    /// Out-of-fold probabilities of the rows asked for (in the order asked), or why there are none
    /// (the classifier does not train on the data, the user stopped it, it failed).
    CrossValidated(Result<Vec<(u32, Vec<f32>)>, String>),
    /// The rows most similar to `to`, most similar first, with their cosine similarity; or why
    /// there are none.
    Similar {
        to: SimilarTo,
        result: Result<Vec<(u32, f32)>, String>,
    },
    /// What is known of a review's explanation: after every batch, and at the end (`done`).
    Explained {
        job: JobId,
        row: u32,
        explanation: Explanation,
        done: bool,
    },
    /// The rows with near duplicates, each with those rows (ascending), or why there are none.
    NearDuplicates(Result<Vec<(u32, Vec<u32>)>, String>),
}
