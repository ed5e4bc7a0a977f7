//! The worker's explanation jobs: one review's words, then its variants a batch at a time (see
//! [`crate::explain`]), what is known reported after every batch, the finished explanation cached.

use super::{Backend, Predict, Worker, guarded};
use crate::app::{JobId, WorkerMsg};
use crate::explain::{Explainer, Explanation};

/// An explanation asked for and not yet finished.
pub(super) struct Explaining {
    pub job: JobId,
    pub row: u32,
    pub text: String,
    /// Once the text is split into words.
    pub explainer: Option<Explainer>,
}

impl<B: Backend> Worker<B> {
    /// Runs the next batch of the first explanation.
    pub(super) fn explain_batch(&mut self) {
        let job = self.explains.front().expect("an explanation is queued").job;
        if let Err(error) = self.ensure_loaded() {
            // A stopped load has already ended every job.
            if self.explains.front().is_some_and(|e| e.job == job) {
                self.fail_explanation(error);
            }
            return;
        }
        if self.explains[0].explainer.is_none() && !self.start_explanation() {
            return;
        }
        let size = self.rows_per_batch();
        let model = self.model.as_mut().expect("loaded above");
        let explaining = self.explains.front_mut().expect("checked above");
        let explainer = explaining.explainer.as_mut().expect("started above");
        let batch = explainer.next_batch(size);
        let result = guarded(|| model.probs(&batch));
        for w in model.take_warnings() {
            (self.out)(WorkerMsg::Warning(w));
        }
        match result {
            Ok(probs) => explainer.take(probs),
            Err(error) => return self.fail_explanation(error),
        }
        let done = explainer.is_done();
        if let Some(explanation) = explainer.explanation().cloned() {
            self.report_explanation(explanation, done);
        }
    }

    /// Splits the first explanation's text into words, or answers it from the cache; `false`
    /// when there is nothing to run (cached, or the text cannot be split).
    fn start_explanation(&mut self) -> bool {
        let text = self.explains[0].text.clone();
        if let Some(cached) = self.backend.explained(&text) {
            self.report_explanation(cached, true);
            return false;
        }
        let model = self.model.as_mut().expect("loaded before");
        match guarded(|| model.words(&text)) {
            Ok(words) => {
                self.explains[0].explainer = Some(Explainer::new(words));
                true
            }
            Err(error) => {
                self.fail_explanation(error);
                false
            }
        }
    }

    /// Tells what the first explanation knows; when `done`, keeps it and ends its job.
    fn report_explanation(&mut self, explanation: Explanation, done: bool) {
        let Explaining { job, row, .. } = self.explains[0];
        if done {
            let text = &self.explains[0].text;
            if let Err(e) = self.backend.save_explanation(text, &explanation) {
                (self.out)(WorkerMsg::Warning(format!(
                    "explanation cache not updated: {e}"
                )));
            }
        }
        (self.out)(WorkerMsg::Explained {
            job,
            row,
            explanation,
            done,
        });
        if done {
            (self.out)(WorkerMsg::Finished {
                job,
                cancelled: false,
            });
            self.explains.pop_front();
        }
    }

    /// Reports the first explanation failed and drops it.
    fn fail_explanation(&mut self, error: String) {
        if let Some(e) = self.explains.pop_front() {
            (self.out)(WorkerMsg::Failed { job: e.job, error });
        }
    }
}
