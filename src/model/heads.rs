//! Classifiers built on sentence embeddings: a logistic regression trained on the train split, or
//! zero-shot, by cosine similarity to one description per class.

use super::embed::Embedder;
use super::logreg::LogReg;
use super::math::softmax;

/// Zero-shot similarities become probabilities as softmax(20 · cos): 20 is the scale
/// all-MiniLM-L6-v2 was trained with (MultipleNegativesRankingLoss), so the spread is its own.
pub const ZERO_SHOT_SCALE: f32 = 20.0;

pub enum Head {
    Logistic(LogReg),
    /// One unit vector per class.
    ZeroShot(Vec<Vec<f32>>),
}

impl Head {
    pub fn probs(&self, v: &[f32]) -> Vec<f32> {
        match self {
            Head::Logistic(m) => m.probs(v),
            Head::ZeroShot(labels) => {
                let v = unit(v);
                let z: Vec<f32> = labels
                    .iter()
                    .map(|l| ZERO_SHOT_SCALE * l.iter().zip(&v).map(|(a, b)| a * b).sum::<f32>())
                    .collect();
                softmax(&z)
            }
        }
    }
}

/// `v / ‖v‖` (cosine similarity needs unit vectors even when the model does not normalise).
pub fn unit(v: &[f32]) -> Vec<f32> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    v.iter().map(|x| x / norm).collect()
}

pub struct EmbedClassifier {
    /// "all-MiniLM-L6-v2 + logistic regression", for the status bar.
    pub name: String,
    pub embedder: Embedder,
    pub head: Head,
}
