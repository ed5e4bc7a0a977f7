//! `reviewlens label-issues`: the rows whose given label is likely wrong, as cleanlab finds them
//! (confident learning), on out-of-sample probabilities: the sequence or zero-shot classifier's
//! predictions (neither trained on the data), or K-fold cross-validated ones for the embedding head.
//! Prints a summary (or `--json`) and writes one row per checked review with `--output`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use arrow::array::{ArrayRef, BooleanArray, Float64Array, Int64Array, StringArray};

use super::classify::{predict_rows, split_rows};
use super::duplicates::{self, Duplicates};
use crate::cli::{LabelIssuesArgs, ModelArgs};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::format::thousands;
use crate::hub;
use crate::io::stdout::println;
use crate::io::table;
use crate::label_issues::{Estimation, FilterBy, Found, LabelProbs, ScoreMethod};
use crate::runtime::{ClassifierSpec, Session};

/// Where the probabilities came from, as every output says.
struct Source {
    /// "out-of-fold: 5-fold stratified cross-validation (seed 0) of …".
    text: String,
    /// Each row's test fold, with cross-validation.
    folds: Option<Vec<usize>>,
}

pub fn run(
    data: &Dataset,
    m: &ModelArgs,
    args: &LabelIssuesArgs,
    cache_root: Option<PathBuf>,
) -> Result<()> {
    let method = ScoreMethod::from_name(&args.method).expect("clap checks the name");
    let filter_by = FilterBy::from_name(&args.filter_by).expect("clap checks the name");
    if args.folds < 2 {
        let e = crate::label_issues::LabelIssuesError::TooFewFolds { folds: args.folds };
        return Err(Error::input("--folds", e.to_string()));
    }
    if let Some(out) = &args.output {
        table::output_format(out)?;
        crate::io::output::check_file(out, &data.inputs, args.force)?;
    }
    let rows = split_rows(data, args.split.as_deref())?;
    let dups = match args.duplicates {
        true => Some(duplicates::find(
            data,
            m,
            cache_root.clone(),
            args.exact_up_to,
        )?),
        false => None,
    };
    let (session, _) = m.sessions(data, cache_root)?;
    let started = Instant::now();
    let (probs, source) = probabilities(data, m, session, &rows, args)?;
    let probabilities_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let found = find(
        data,
        &rows,
        probs,
        method,
        args.adjust_pred_probs,
        filter_by,
    )
    .map_err(|e| Error::input("label-issues", e.to_string()))?;
    let seconds = (probabilities_s, started.elapsed().as_secs_f64());
    if let Some(out) = &args.output {
        write(
            out,
            data,
            &rows,
            (&found, &source, dups.as_ref()),
            args.force,
        )?;
        eprintln!("wrote {} rows to {}", rows.len(), out.display());
    }
    let summary = Summary {
        data,
        rows: &rows,
        found: &found,
        source: &source,
        dups: dups.as_ref(),
        args,
        seconds,
    };
    match args.json {
        true => println(summary.json()),
        false => println(summary.text()),
    }
}

/// Out-of-sample probabilities for `rows`: cross-validated for the embedding head (it trains on the
/// data), the classifier's own predictions otherwise.
fn probabilities(
    data: &Dataset,
    m: &ModelArgs,
    mut session: Session,
    rows: &[usize],
    args: &LabelIssuesArgs,
) -> Result<(Vec<Vec<f32>>, Source)> {
    if !matches!(session.spec, ClassifierSpec::Logistic { .. }) {
        let name = session.name();
        let predictions = predict_rows(data, m, session, rows)?;
        let probs = rows
            .iter()
            .map(|&r| predictions[r].as_ref().map(|p| p.probs.clone()))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| Error::Message("a row was left without a prediction".into()))?;
        let text = format!("out-of-sample: {name}'s predictions (it never trained on these rows)");
        return Ok((probs, Source { text, folds: None }));
    }
    let checked = data.labelled(rows.iter().copied(), m.text);
    let name = session.name();
    let folds = (args.folds, args.fold_seed);
    let (probs, folds) = session.cross_validated(&checked, folds, &hub::to_stderr())?;
    let text = format!(
        "out-of-fold: {}-fold stratified cross-validation (seed {}) of {name} embeddings + logistic regression",
        args.folds, args.fold_seed
    );
    let folds = Some(folds);
    Ok((probs, Source { text, folds }))
}

/// Scores, the issue set, its order, suggestions and counts, as cleanlab computes them.
fn find(
    data: &Dataset,
    rows: &[usize],
    probs: Vec<Vec<f32>>,
    method: ScoreMethod,
    adjust: bool,
    filter_by: FilterBy,
) -> std::result::Result<Found, crate::label_issues::LabelIssuesError> {
    let classes = data.label_names.len();
    let flat: Vec<f64> = probs.iter().flatten().map(|&p| p as f64).collect();
    let labels = rows.iter().map(|&r| data.rows.label(r) as usize).collect();
    let input = LabelProbs::new(flat, classes, labels)?;
    Found::new(input, method, adjust, filter_by)
}

/// One row per checked review: split, row_index, label, suggested_label, label_quality,
/// is_label_issue, issue_rank (1 = most likely label error), p_label, fold; with `--duplicates`,
/// near_duplicates, conflicting_label and leaked.
fn write(
    path: &std::path::Path,
    data: &Dataset,
    rows: &[usize],
    (found, source, dups): (&Found, &Source, Option<&Duplicates>),
    force: bool,
) -> Result<()> {
    let mut rank = vec![None; rows.len()];
    for (position, &i) in found.ranked.iter().enumerate() {
        rank[i] = Some(position as i64 + 1);
    }
    let k = found.input.classes();
    let given = |i: usize| found.input.row(i)[found.input.labels()[i]];
    let columns: Vec<(&str, ArrayRef)> = vec![
        (
            "split",
            Arc::new(StringArray::from_iter_values(
                rows.iter().map(|&r| data.split_of(r)),
            )),
        ),
        (
            "row_index",
            Arc::new(Int64Array::from_iter_values(
                rows.iter().map(|&r| data.rows.row_index(r) as i64),
            )),
        ),
        (
            "label",
            Arc::new(StringArray::from_iter_values(
                rows.iter().map(|&r| data.label_name(data.rows.label(r))),
            )),
        ),
        (
            "suggested_label",
            Arc::new(StringArray::from_iter_values(
                found.suggested.iter().map(|&s| data.label_name(s as u32)),
            )),
        ),
        (
            "label_quality",
            Arc::new(Float64Array::from(found.scores.clone())),
        ),
        (
            "is_label_issue",
            Arc::new(BooleanArray::from(found.issues.clone())),
        ),
        ("issue_rank", Arc::new(Int64Array::from(rank))),
        (
            "p_label",
            Arc::new(Float64Array::from_iter_values((0..rows.len()).map(given))),
        ),
        (
            "fold",
            Arc::new(Int64Array::from_iter(
                source.folds.as_ref().map_or(vec![None; rows.len()], |f| {
                    f.iter().map(|&f| Some(f as i64)).collect()
                }),
            )),
        ),
    ];
    debug_assert_eq!(found.input.rows() * k, found.input.probs().len());
    let mut columns = columns;
    if let Some(d) = dups {
        columns.extend(d.columns(data, rows));
    }
    table::write_columns(path, &data.inputs, columns, force)
}

/// The summary printed: counts, where the probabilities came from, the estimated errors per class
/// pair, and the first flagged rows.
struct Summary<'a> {
    data: &'a Dataset,
    rows: &'a [usize],
    found: &'a Found,
    source: &'a Source,
    dups: Option<&'a Duplicates>,
    args: &'a LabelIssuesArgs,
    /// Wall time of the probabilities (prediction or cross-validation, embeddings included) and of
    /// the scores, issue set, order and counts.
    seconds: (f64, f64),
}

impl Summary<'_> {
    /// Accuracy of the probabilities' top class against the given labels.
    fn accuracy(&self) -> f64 {
        let f = self.found;
        let right = (0..f.input.rows())
            .filter(|&i| f.suggested[i] == f.input.labels()[i])
            .count();
        right as f64 / f.input.rows().max(1) as f64
    }

    fn text(&self) -> String {
        let (names, f) = (&self.data.label_names, self.found);
        let mut out = format!(
            "{} of {} rows flagged as label issues ({}); cleanlab estimates {} label errors ({})\n",
            thousands(self.found.flagged()),
            thousands(self.rows.len()),
            self.args.filter_by,
            thousands(f.estimated),
            Estimation::default_for(names.len()).name(),
        );
        out += &format!(
            "probabilities: {}; their accuracy against the given labels {:.4}\n",
            self.source.text,
            self.accuracy()
        );
        out += "estimated label errors per class pair (given → true):\n";
        for (g, row) in f.per_pair.iter().enumerate() {
            for (t, &n) in row.iter().enumerate().filter(|(t, _)| *t != g) {
                out += &format!("  {} → {}: {}\n", names[g], names[t], thousands(n as usize));
            }
        }
        if let Some(d) = self.dups {
            out += &format!("{}\n", d.text(self.data, self.rows));
        }
        out += &format!("most likely label errors first ({}):\n", self.args.method);
        for &i in f.ranked.iter().take(10) {
            let r = self.rows[i];
            let review = self.data.rows.get(r);
            out += &format!(
                "  {} row {}: given {}, suggested {}, score {:.4}: {}\n",
                self.data.split_of(r),
                review.row_index,
                names[f.input.labels()[i]],
                names[f.suggested[i]],
                f.scores[i],
                review.title.chars().take(60).collect::<String>()
            );
        }
        out.trim_end().to_owned()
    }

    fn json(&self) -> serde_json::Value {
        let (names, f) = (&self.data.label_names, self.found);
        let mut pairs = serde_json::Map::new();
        for (g, row) in f.per_pair.iter().enumerate() {
            let to: serde_json::Map<_, _> = (row.iter().enumerate())
                .map(|(t, &n)| (names[t].clone(), n.into()))
                .collect();
            pairs.insert(names[g].clone(), to.into());
        }
        let ranked: Vec<serde_json::Value> = (f.ranked.iter())
            .map(|&i| {
                let r = self.rows[i];
                serde_json::json!({"split": self.data.split_of(r), "row_index": self.data.rows.row_index(r)})
            })
            .collect();
        serde_json::json!({
            "rows": self.rows.len(),
            "probabilities": {"source": self.source.text, "out_of_sample": true, "accuracy": self.accuracy()},
            "method": self.args.method,
            "adjust_pred_probs": self.args.adjust_pred_probs,
            "filter_by": self.args.filter_by,
            "issues": self.found.flagged(),
            "num_label_issues": {"estimation": Estimation::default_for(names.len()).name(), "count": f.estimated},
            "label_errors_per_class_pair": pairs,
            "ranked": ranked,
            "duplicates": self.dups.map(|d| d.json(self.data, self.rows)),
            "seconds": {"probabilities": self.seconds.0, "label_issues": self.seconds.1},
        })
    }
}
