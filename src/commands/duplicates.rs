//! `label-issues --duplicates`: near duplicates among every row of the data (all splits), from the
//! embedding model's vectors (through the embedding cache), with what they mean for the labels:
//! near duplicates labelled differently, and test rows with a near duplicate in train (leakage).

use std::path::PathBuf;
use std::sync::Arc;

use arrow::array::{ArrayRef, BooleanArray, StringArray};

use crate::cli::{ClassifierKind, ModelArgs};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::format::thousands;
use crate::hub;
use crate::label_issues::{Method, NearDuplicates, Search, near_duplicates_with};
use crate::runtime::{ClassifierSpec, Session};

/// The near duplicates of every row of the data (indexed like `data.rows`).
pub struct Duplicates {
    near: NearDuplicates,
    /// The embedding model, as outputs name it.
    pub model: String,
}

/// Embeds every row with `--embed-model` and finds their near duplicates, with exact neighbour
/// search up to `exact_up_to` rows and the HNSW index above.
pub fn find(
    data: &Dataset,
    m: &ModelArgs,
    cache_root: Option<PathBuf>,
    exact_up_to: usize,
) -> Result<Duplicates> {
    let model = m.source(ClassifierKind::Embed);
    // Only the embedding model is used: no head is trained.
    let spec = ClassifierSpec::Logistic {
        model,
        train: Arc::new(Vec::new()),
    };
    let opts = m.run_options()?;
    let (mut session, _) = Session::pair(data, (spec, None), &opts, cache_root, m.text);
    let all = data.labelled(0..data.rows.len(), m.text);
    let (x, dim) = session.embeddings(&all, &hub::to_stderr())?;
    let search = Search {
        exact_up_to,
        ..Search::default()
    };
    let near =
        near_duplicates_with(&x, dim, search).map_err(|e| Error::input("--duplicates", e))?;
    Ok(Duplicates {
        near,
        model: session.name(),
    })
}

impl Duplicates {
    /// Row `r`'s near duplicates, as `split:row_index`.
    fn named(&self, data: &Dataset, r: usize) -> String {
        (self.near.sets[r].iter())
            .map(|&j| format!("{}:{}", data.split_of(j), data.rows.row_index(j)))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Whether a near duplicate of row `r` has another label.
    fn conflicts(&self, data: &Dataset, r: usize) -> bool {
        let label = data.rows.label(r);
        self.near.sets[r]
            .iter()
            .any(|&j| data.rows.label(j) != label)
    }

    /// Whether row `r` is a test row with a near duplicate in train.
    fn leaked(&self, data: &Dataset, r: usize) -> bool {
        data.split_of(r) == "test"
            && (self.near.sets[r].iter()).any(|&j| data.split_of(j) == "train")
    }

    /// The output's columns for `rows`: near_duplicates, conflicting_label, leaked.
    pub fn columns(&self, data: &Dataset, rows: &[usize]) -> Vec<(&'static str, ArrayRef)> {
        let of = |f: &dyn Fn(usize) -> bool| -> ArrayRef {
            Arc::new(BooleanArray::from(
                rows.iter().map(|&r| f(r)).collect::<Vec<_>>(),
            ))
        };
        vec![
            (
                "near_duplicates",
                Arc::new(StringArray::from_iter_values(
                    rows.iter().map(|&r| self.named(data, r)),
                )),
            ),
            ("conflicting_label", of(&|r| self.conflicts(data, r))),
            ("leaked", of(&|r| self.leaked(data, r))),
        ]
    }

    /// (rows with a near duplicate, of which labelled unlike one of them, test rows leaked), among
    /// `rows`.
    fn counts(&self, data: &Dataset, rows: &[usize]) -> (usize, usize, usize) {
        let count = |f: &dyn Fn(usize) -> bool| rows.iter().filter(|&&r| f(r)).count();
        (
            count(&|r| self.near.is_issue(r)),
            count(&|r| self.conflicts(data, r)),
            count(&|r| self.leaked(data, r)),
        )
    }

    /// How the neighbours were found, as the summary says it.
    fn search_text(&self) -> String {
        match self.near.neighbours {
            Method::Exact => "exact neighbours".into(),
            Method::Hnsw(r) => format!(
                "approximate neighbours (HNSW), recall@{} {:.3} against exact search on {} sampled rows",
                r.k,
                r.at_k,
                thousands(r.sampled)
            ),
        }
    }

    fn search_json(&self) -> serde_json::Value {
        match self.near.neighbours {
            Method::Exact => serde_json::json!({"method": "exact"}),
            Method::Hnsw(r) => serde_json::json!({
                "method": "hnsw",
                format!("recall_at_{}", r.k): r.at_k,
                "sampled": r.sampled,
            }),
        }
    }

    pub fn text(&self, data: &Dataset, rows: &[usize]) -> String {
        let (near, conflicting, leaked) = self.counts(data, rows);
        format!(
            "near duplicates (cleanlab Datalab's definition, from {} embeddings of all {} rows, {}): {} of the checked rows have one, {} labelled unlike it; {} test rows have a near duplicate in train (leakage)",
            self.model,
            thousands(data.rows.len()),
            self.search_text(),
            thousands(near),
            thousands(conflicting),
            thousands(leaked)
        )
    }

    pub fn json(&self, data: &Dataset, rows: &[usize]) -> serde_json::Value {
        let (near, conflicting, leaked) = self.counts(data, rows);
        serde_json::json!({
            "embedding_model": self.model,
            "rows_with_near_duplicates": near,
            "conflicting_label": conflicting,
            "leaked_test_rows": leaked,
            "median_nn_distance": self.near.median_nn_distance,
            "neighbours": self.search_json(),
        })
    }
}
