//! What the worker runs: a fine-tuned sequence classifier, or a head on sentence embeddings together
//! with the embeddings already computed (so a review is embedded once, whatever the head).

use super::vectors::{self, Shared};
use super::worker::Predict;
use crate::error::Result;
use crate::model::heads::EmbedClassifier;
use crate::model::tokenize::{Encoded, Words};
use crate::model::{Classifier, Prediction, argmax, device};

pub enum Predictor {
    Sequence(Classifier),
    Embedding {
        classifier: EmbedClassifier,
        vectors: Shared,
    },
}

impl Predict for Predictor {
    fn name(&self) -> String {
        match self {
            Predictor::Sequence(c) => c.name.clone(),
            Predictor::Embedding { classifier, .. } => classifier.name.clone(),
        }
    }

    fn device_label(&self) -> String {
        match self {
            Predictor::Sequence(c) => c.device_label(),
            Predictor::Embedding { classifier, .. } => classifier.embedder.device_label(),
        }
    }

    /// The device's best measured size.
    fn default_batch_size(&self) -> usize {
        device::default_batch_size(match self {
            Predictor::Sequence(c) => c.device(),
            Predictor::Embedding { classifier, .. } => classifier.embedder.device(),
        })
    }

    /// What the status bar should add: a CPU fallback, a missing pooling config.
    fn note(&self) -> Option<String> {
        match self {
            Predictor::Sequence(c) => c.device_note.clone(),
            Predictor::Embedding { classifier, .. } => {
                let notes = &classifier.embedder.notes;
                (!notes.is_empty()).then(|| notes.join("; "))
            }
        }
    }

    /// Classifies one batch of (row, text), padded to its longest text. Rows whose embeddings are
    /// known already (from the cache, or another head) are not embedded again.
    fn classify(&mut self, rows: &[(u32, &str)]) -> Result<Vec<Prediction>> {
        match self {
            Predictor::Sequence(c) => {
                let texts: Vec<&str> = rows.iter().map(|(_, text)| *text).collect();
                let encoded = c.tokenize(&texts)?;
                c.predict(&encoded.iter().collect::<Vec<_>>())
            }
            Predictor::Embedding {
                classifier,
                vectors,
            } => Ok(vectors::lock(vectors)
                .embed(&classifier.embedder, rows)?
                .into_iter()
                .map(|e| {
                    let probs = classifier.head.probs(e.vector);
                    Prediction {
                        label: argmax(&probs),
                        probs,
                        tokens: e.tokens,
                        truncated: e.truncated,
                    }
                })
                .collect()),
        }
    }

    fn words(&self, text: &str) -> Result<Words> {
        match self {
            Predictor::Sequence(c) => c.words(text),
            Predictor::Embedding { classifier, .. } => classifier.embedder.words(text),
        }
    }

    /// Class probabilities of token sequences as they are (no cache: variants of one review are
    /// seen once).
    fn probs(&mut self, batch: &[Encoded]) -> Result<Vec<Vec<f32>>> {
        match self {
            Predictor::Sequence(c) => c.probs(batch),
            Predictor::Embedding { classifier, .. } => {
                let vectors = classifier
                    .embedder
                    .embed(&batch.iter().collect::<Vec<_>>())?;
                Ok(vectors.iter().map(|v| classifier.head.probs(v)).collect())
            }
        }
    }

    /// Warnings since the last call: about the embedding cache, a model's labels taken as numbered
    /// classes in order, and a batch run in pieces to fit the memory at hand (each said once).
    fn take_warnings(&mut self) -> Vec<String> {
        match self {
            Predictor::Sequence(c) => c
                .take_label_note()
                .into_iter()
                .chain(c.take_note())
                .collect(),
            Predictor::Embedding {
                classifier,
                vectors,
            } => {
                let mut warnings = vectors::lock(vectors).take_warnings();
                warnings.extend(classifier.embedder.take_note());
                warnings
            }
        }
    }
}
