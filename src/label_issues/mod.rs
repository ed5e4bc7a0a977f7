//! Label issues as cleanlab 2.7.1 finds them (confident learning), on a matrix of out-of-sample
//! predicted probabilities and the given labels: per-row label quality scores, the confident joint
//! and its calibration, the issue set for every `filter_by`, its ranked order, the number of label
//! errors (in all and per class pair), the suggested label; the stratified folds that produce
//! out-of-fold probabilities; and near duplicates as Datalab finds them.
//!
//! Every number matches cleanlab's on the same float64 probabilities (tests/label_issues.rs, goldens
//! from scripts/make_cleanlab_goldens.py). Where cleanlab sorts equal keys, numpy's unstable sort
//! gives a CPU-dependent order; here ties go by row index (cleanlab's result with a stable sort).

pub mod count;
pub mod duplicates;
pub mod error;
mod exact;
pub mod filter;
pub mod folds;
mod found;
mod hnsw;
pub mod input;
pub mod joint;
pub mod neighbours;
mod numeric;
mod prune;
mod rounding;
pub mod scores;

pub use count::{Estimation, num_label_issues};
pub use duplicates::{NearDuplicates, near_duplicates, near_duplicates_with};
pub use error::LabelIssuesError;
pub use filter::{FilterBy, FilterOptions, find_label_issues, rank_label_issues, suggested_labels};
pub use folds::stratified_folds;
pub use found::Found;
pub use input::LabelProbs;
pub use joint::{
    ConfidentJoint, calibrate_confident_joint, calibrated_confident_joint, confident_joint,
    estimate_joint, label_errors_per_class_pair,
};
pub use neighbours::{Method, Recall, Search};
pub use scores::{ScoreMethod, confident_thresholds, label_quality_scores};
