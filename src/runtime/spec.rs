//! What classifies, resolved once (from the command line, or by a test) and checked before any work:
//! the worker, the headless commands and the explorer all start from a `ClassifierSpec`.

use std::sync::Arc;

use crate::data::{Dataset, TextField};
use crate::error::{Error, Result};
use crate::model::ModelSource;

#[derive(Debug, Clone)]
pub enum ClassifierSpec {
    /// A fine-tuned sequence classifier (`--model`).
    Sequence { model: ModelSource },
    /// Logistic regression on `model`'s sentence embeddings of these train rows: (row, text, class).
    Logistic {
        model: ModelSource,
        train: Arc<Vec<(u32, String, u32)>>,
    },
    /// Cosine similarity of `model`'s sentence embeddings to one description per class.
    ZeroShot {
        model: ModelSource,
        descriptions: Vec<String>,
    },
}

impl ClassifierSpec {
    /// Logistic regression trained on `data`'s train split, which it needs.
    pub fn logistic(model: ModelSource, data: &Dataset, text: TextField) -> Result<Self> {
        let Some(split) = data.splits.iter().find(|s| s.name == "train") else {
            let names: Vec<&str> = data.splits.iter().map(|s| s.name.as_str()).collect();
            return Err(Error::input(
                "--classifier embed",
                format!(
                    "trains on the train split, and this data has none (it has: {}); use --classifier zero-shot",
                    names.join(", ")
                ),
            ));
        };
        Ok(ClassifierSpec::Logistic {
            model,
            train: Arc::new(data.labelled(split.rows.clone(), text)),
        })
    }

    /// Zero-shot over `classes`, with the descriptions given ("A|B", one per class in order) or
    /// `"A <class> review"` for each.
    pub fn zero_shot(model: ModelSource, classes: &[String], given: Option<&str>) -> Result<Self> {
        let descriptions: Vec<String> = match given {
            // "A 0 review" tells an embedding model nothing: ask rather than guess.
            None if classes.iter().all(|n| n.parse::<i64>().is_ok()) => {
                return Err(Error::input(
                    "--classifier zero-shot",
                    format!(
                        "the classes are only numbered ({}), so there is nothing to compare reviews with; describe each, e.g. --label-descriptions \"A negative review|A positive review\"",
                        classes.join(", ")
                    ),
                ));
            }
            None => classes.iter().map(|c| format!("A {c} review")).collect(),
            Some(text) => text.split('|').map(|d| d.trim().to_owned()).collect(),
        };
        if descriptions.len() != classes.len() {
            return Err(Error::input(
                "--label-descriptions",
                format!(
                    "{} descriptions for {} classes ({}); give one per class, separated by |",
                    descriptions.len(),
                    classes.len(),
                    classes.join(", ")
                ),
            ));
        }
        if let Some(i) = descriptions.iter().position(String::is_empty) {
            return Err(Error::input(
                "--label-descriptions",
                format!("the description of {} is empty", classes[i]),
            ));
        }
        Ok(ClassifierSpec::ZeroShot {
            model,
            descriptions,
        })
    }

    /// The model it runs (the fine-tuned classifier, or the embedding model).
    pub fn model(&self) -> &ModelSource {
        match self {
            ClassifierSpec::Sequence { model }
            | ClassifierSpec::Logistic { model, .. }
            | ClassifierSpec::ZeroShot { model, .. } => model,
        }
    }

    /// Whether it runs a fine-tuned sequence classifier (its max length is `max_position_embeddings`)
    /// rather than sentence embeddings.
    pub fn is_sequence(&self) -> bool {
        matches!(self, ClassifierSpec::Sequence { .. })
    }

    /// The model part of the prediction cache's key.
    pub fn cache_name(&self, identity: &str) -> String {
        match self {
            ClassifierSpec::Sequence { .. } => identity.to_owned(),
            ClassifierSpec::Logistic { .. } => format!("logistic-regression(C=1) on {identity}"),
            ClassifierSpec::ZeroShot { descriptions, .. } => {
                format!("zero-shot[{}] on {identity}", descriptions.join("|"))
            }
        }
    }
}
