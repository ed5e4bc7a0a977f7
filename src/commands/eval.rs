//! `reviewlens eval`: classify (or reuse cached predictions for) a split and print scikit-learn's
//! classification report and confusion matrix, or one JSON object with `--json`.

use super::classify::{predict_rows, split_rows};
use crate::cli::{ClassifierKind, ModelArgs};
use crate::data::Dataset;
use crate::error::Result;
use crate::io::stdout::println;
use crate::label_issues::{Estimation, LabelProbs, label_errors_per_class_pair, num_label_issues};
use crate::metrics::Report;
use crate::model::Prediction;

/// `reviewlens eval`: classify (or reuse cached predictions for) a split and print scikit-learn's
/// classification report and confusion matrix, or one JSON object with `--json`.
pub fn run(
    data: &Dataset,
    m: &ModelArgs,
    split: Option<&str>,
    json: bool,
    cache_root: Option<std::path::PathBuf>,
) -> Result<()> {
    // The notebook evaluates on the test split: that is the default when there is one.
    let split = split.or_else(|| {
        data.splits
            .iter()
            .any(|s| s.name == "test")
            .then_some("test")
    });
    let rows = split_rows(data, split)?;
    let (session_a, session_b) = m.sessions(data, cache_root)?;
    let a = predict_rows(data, m, session_a, &rows)?;
    let (Some(session_b), Some(kind_b)) = (session_b, m.compare) else {
        let report = report(data, &rows, &a);
        return if json {
            let mut out = report.json();
            out["label_issues"] = estimated_label_errors(data, &rows, &a);
            println(out)
        } else {
            println(format!("{}\n{}", report.text(4), report.confusion_text()))
        };
    };
    let b = predict_rows(data, m, session_b, &rows)?;
    let sides = [(m.classifier, a), (kind_b, b)];
    print_comparison(data, m, &rows, &sides, json)
}

/// cleanlab's estimate of the label errors among `rows` (`num_label_issues`, calibrated below four
/// classes, and per class pair, `[given][true]`), from their predicted probabilities; or why there is
/// none (e.g. a class with a single row). Out-of-sample unless the embedding head is evaluated on
/// its own train split.
fn estimated_label_errors(
    data: &Dataset,
    rows: &[usize],
    predictions: &[Option<Prediction>],
) -> serde_json::Value {
    let have: Vec<(usize, &Prediction)> = (rows.iter())
        .filter_map(|&r| predictions[r].as_ref().map(|p| (r, p)))
        .collect();
    let probs = have
        .iter()
        .flat_map(|(_, p)| &p.probs)
        .map(|&p| p as f64)
        .collect();
    let labels = have
        .iter()
        .map(|(r, _)| data.rows.label(*r) as usize)
        .collect();
    let classes = data.label_names.len();
    match LabelProbs::new(probs, classes, labels) {
        Ok(input) => {
            let estimation = Estimation::default_for(classes);
            serde_json::json!({
                "estimation": estimation.name(),
                "count": num_label_issues(&input, estimation),
                "per_class_pair": label_errors_per_class_pair(&input),
            })
        }
        Err(e) => serde_json::json!({ "error": e.to_string() }),
    }
}

/// The classification report of `rows` that have a prediction.
fn report(data: &Dataset, rows: &[usize], predictions: &[Option<Prediction>]) -> Report {
    let pairs = rows.iter().filter_map(|&r| {
        predictions[r]
            .as_ref()
            .map(|p| (data.rows.label(r), p.label))
    });
    Report::new(&data.label_names, pairs)
}

/// Both reports, and where the two classifiers part ways and who was right there.
fn print_comparison(
    data: &Dataset,
    m: &ModelArgs,
    rows: &[usize],
    [(kind_a, a), (kind_b, b)]: &[(ClassifierKind, Vec<Option<Prediction>>); 2],
    json: bool,
) -> Result<()> {
    let (ra, rb) = (report(data, rows, a), report(data, rows, b));
    let (mut disagree, mut only_a, mut only_b) = (0, 0, 0);
    for &r in rows {
        if let (Some(pa), Some(pb)) = (&a[r], &b[r])
            && pa.label != pb.label
        {
            disagree += 1;
            let gold = data.rows.label(r);
            only_a += (pa.label == gold) as usize;
            only_b += (pb.label == gold) as usize;
        }
    }
    let name = |kind: ClassifierKind| m.source(kind).name() + &format!(" ({kind:?})");
    if json {
        let out = serde_json::json!({
            "A": {"classifier": name(*kind_a), "report": ra.json()},
            "B": {"classifier": name(*kind_b), "report": rb.json()},
            "disagree": disagree, "A_right_where_they_disagree": only_a, "B_right_where_they_disagree": only_b,
        });
        return println(out);
    }
    for (side, kind, report) in [("A", kind_a, &ra), ("B", kind_b, &rb)] {
        println(format!(
            "{side}: {}\n\n{}\n{}\n",
            name(*kind),
            report.text(4),
            report.confusion_text()
        ))?;
    }
    println(format!(
        "A and B disagree on {disagree} of {} reviews: A is right on {only_a}, B on {only_b}",
        rows.len()
    ))
}
