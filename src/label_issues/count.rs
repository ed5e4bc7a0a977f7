//! `cleanlab.count.num_label_issues`: how many rows are estimated to carry a wrong label.

use super::filter::given_label_is_top;
use super::input::LabelProbs;
use super::joint::{
    calibrate_confident_joint, calibrated_confident_joint, confident_joint, joint_of,
};
use super::numeric::{round, sum};

/// `num_label_issues(estimation_method=...)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Estimation {
    /// The raw confident joint's off-diagonal rows (less those whose given label is the top class):
    /// the size of `find_label_issues(filter_by="confident_learning")`. cleanlab's default.
    OffDiagonal,
    /// `rows × (1 - trace(joint))` with the joint from the calibrated confident joint; never
    /// below `OffDiagonal`, and what cleanlab advises below four classes.
    OffDiagonalCalibrated,
}

impl Estimation {
    /// The method reviewlens uses for `classes` classes: calibrated below four classes (cleanlab's
    /// docs: off_diagonal "may sometimes underestimate issues for data with few classes"), cleanlab's
    /// default `off_diagonal` from four on. Binary polarity gets the calibrated one.
    pub fn default_for(classes: usize) -> Self {
        if classes < 4 {
            Estimation::OffDiagonalCalibrated
        } else {
            Estimation::OffDiagonal
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Estimation::OffDiagonal => "off_diagonal",
            Estimation::OffDiagonalCalibrated => "off_diagonal_calibrated",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [Estimation::OffDiagonal, Estimation::OffDiagonalCalibrated]
            .into_iter()
            .find(|m| m.name() == name)
    }
}

/// `num_label_issues(labels, pred_probs, estimation_method=...)`.
pub fn num_label_issues(input: &LabelProbs, method: Estimation) -> usize {
    match method {
        Estimation::OffDiagonal => {
            let top = given_label_is_top(input);
            let off = confident_joint(input).off_diagonal_rows;
            off.iter().filter(|&&i| !top[i]).count()
        }
        Estimation::OffDiagonalCalibrated => {
            // cleanlab passes the calibrated joint to `estimate_joint`, which calibrates it again.
            let counts = input.label_counts();
            let joint = joint_of(&calibrate_confident_joint(
                &calibrated_confident_joint(input),
                counts,
            ));
            let diagonal: Vec<f64> = (0..joint.len()).map(|c| joint[c][c]).collect();
            let issues = round((1.0 - sum(&diagonal)) * input.rows() as f64);
            issues.max(0.0) as usize
        }
    }
}
