//! `reviewlens predict`: classify a split (or every split) without a terminal UI and write one row
//! per review. Same model code, batching and prediction cache as the explorer; progress on stderr.

use std::path::Path;

use super::classify::{predict_rows, split_rows};
use crate::cli::ModelArgs;
use crate::data::Dataset;
use crate::error::Result;
use crate::io::table::{self, Sides};
use crate::model::Prediction;

pub fn run(
    data: &Dataset,
    m: &ModelArgs,
    split: Option<&str>,
    (output, force): (&Path, bool),
    cache_root: Option<std::path::PathBuf>,
) -> Result<()> {
    // A bad name, an input or an existing file fails before any model work.
    table::output_format(output)?;
    crate::io::output::check_file(output, &data.inputs, force)?;
    let rows = split_rows(data, split)?;
    let (session_a, session_b) = m.sessions(data, cache_root)?;
    let a = predict_rows(data, m, session_a, &rows)?;
    let b = match session_b {
        Some(session) => Some(predict_rows(data, m, session, &rows)?),
        None => None,
    };
    let sides = Sides {
        a: chosen(&rows, &a),
        b: b.as_deref().map(|b| chosen(&rows, b)),
        findings: Vec::new(),
    };
    table::write_predictions(output, data, &rows, &sides, force)?;
    eprintln!("wrote {} rows to {}", rows.len(), output.display());
    Ok(())
}

/// The predictions of `rows`, in their order.
fn chosen<'a>(
    rows: &[usize],
    predictions: &'a [Option<Prediction>],
) -> Vec<Option<&'a Prediction>> {
    rows.iter().map(|&r| predictions[r].as_ref()).collect()
}
