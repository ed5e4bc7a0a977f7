//! The numbers of the notebook's last cell: scikit-learn's `classification_report(y_true, y_pred,
//! digits=4, zero_division=0)` (per-class precision, recall, F1 and support; accuracy; macro and
//! weighted averages) and `confusion_matrix`, computed the same way and printed in the same layout.

use crate::format::right;

/// Precision, recall, F1 and support of one class (or an average).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Scores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub names: Vec<String>,
    pub classes: Vec<Scores>,
    pub accuracy: f64,
    pub macro_avg: Scores,
    pub weighted_avg: Scores,
    /// `confusion[gold][predicted]`: rows are the true classes, as in scikit-learn.
    pub confusion: Vec<Vec<usize>>,
    pub total: usize,
}

/// `num / den`, or 0 where scikit-learn's `zero_division=0` says so.
fn ratio(num: f64, den: f64) -> f64 {
    if den == 0.0 { 0.0 } else { num / den }
}

impl Report {
    /// From (gold, predicted) class pairs; `names` gives the classes, in order.
    pub fn new(names: &[String], pairs: impl IntoIterator<Item = (u32, u32)>) -> Self {
        let n = names.len();
        let mut confusion = vec![vec![0usize; n]; n];
        for (gold, pred) in pairs {
            confusion[gold as usize][pred as usize] += 1;
        }
        Self::from_confusion(names, confusion)
    }

    /// From a confusion matrix (`confusion[gold][predicted]`, square, one row per name).
    pub fn from_confusion(names: &[String], confusion: Vec<Vec<usize>>) -> Self {
        let n = names.len();
        let total: usize = confusion.iter().flatten().sum();
        let classes: Vec<Scores> = (0..n)
            .map(|c| {
                let tp = confusion[c][c] as f64;
                let predicted: usize = (0..n).map(|g| confusion[g][c]).sum();
                let support: usize = confusion[c].iter().sum();
                let (fp, fn_) = (predicted as f64 - tp, support as f64 - tp);
                Scores {
                    precision: ratio(tp, tp + fp),
                    recall: ratio(tp, tp + fn_),
                    f1: ratio(2.0 * tp, 2.0 * tp + fp + fn_),
                    support,
                }
            })
            .collect();
        let correct: usize = (0..n).map(|c| confusion[c][c]).sum();
        let mean = |f: fn(&Scores) -> f64| ratio(classes.iter().map(f).sum(), n as f64);
        let weighted = |f: fn(&Scores) -> f64| {
            ratio(
                classes.iter().map(|s| f(s) * s.support as f64).sum(),
                total as f64,
            )
        };
        Report {
            names: names.to_vec(),
            accuracy: ratio(correct as f64, total as f64),
            macro_avg: Scores {
                precision: mean(|s| s.precision),
                recall: mean(|s| s.recall),
                f1: mean(|s| s.f1),
                support: total,
            },
            weighted_avg: Scores {
                precision: weighted(|s| s.precision),
                recall: weighted(|s| s.recall),
                f1: weighted(|s| s.f1),
                support: total,
            },
            classes,
            confusion,
            total,
        }
    }

    /// The report exactly as `classification_report(..., digits)` prints it.
    pub fn text(&self, digits: usize) -> String {
        let width = self
            .names
            .iter()
            .map(|n| n.chars().count())
            .chain([12, digits]) // "weighted avg"
            .max()
            .unwrap_or(12);
        let row = |name: &str, s: &Scores| {
            format!(
                "{}  {:>9.digits$} {:>9.digits$} {:>9.digits$} {:>9}\n",
                right(name, width),
                s.precision,
                s.recall,
                s.f1,
                s.support
            )
        };
        let mut out = format!(
            "{}  {:>9} {:>9} {:>9} {:>9}\n\n",
            right("", width),
            "precision",
            "recall",
            "f1-score",
            "support"
        );
        for (name, s) in self.names.iter().zip(&self.classes) {
            out.push_str(&row(name, s));
        }
        out.push('\n');
        out.push_str(&format!(
            "{}  {:>9} {:>9} {:>9.digits$} {:>9}\n",
            right("accuracy", width),
            "",
            "",
            self.accuracy,
            self.total
        ));
        out.push_str(&row("macro avg", &self.macro_avg));
        out.push_str(&row("weighted avg", &self.weighted_avg));
        out
    }

    /// The confusion matrix as numpy prints `confusion_matrix(...)`: `[[a b]\n [c d]]`.
    pub fn confusion_text(&self) -> String {
        let width = self
            .confusion
            .iter()
            .flatten()
            .map(|v| v.to_string().len())
            .max()
            .unwrap_or(1);
        let rows: Vec<String> = self
            .confusion
            .iter()
            .map(|r| {
                format!(
                    "[{}]",
                    r.iter()
                        .map(|v| format!("{v:>width$}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            })
            .collect();
        format!("[{}]", rows.join("\n "))
    }

    /// scikit-learn's `output_dict=True` layout, plus the confusion matrix and labels.
    pub fn json(&self) -> serde_json::Value {
        let scores = |s: &Scores| serde_json::json!({"precision": s.precision, "recall": s.recall, "f1-score": s.f1, "support": s.support});
        let mut map = serde_json::Map::new();
        for (name, s) in self.names.iter().zip(&self.classes) {
            map.insert(name.clone(), scores(s));
        }
        map.insert("accuracy".into(), self.accuracy.into());
        map.insert("macro avg".into(), scores(&self.macro_avg));
        map.insert("weighted avg".into(), scores(&self.weighted_avg));
        map.insert("confusion_matrix".into(), serde_json::json!(self.confusion));
        map.insert("labels".into(), serde_json::json!(self.names));
        serde_json::Value::Object(map)
    }
}
