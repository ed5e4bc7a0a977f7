//! `reviewlens check`: the sequence classifiers' numbers on this machine's device and dtype against
//! golden logits made by PyTorch + transformers (`scripts/make_test_models.py` writes them with the
//! tiny fixture models). It is how the CUDA build is proven on a GPU, and how a user can check theirs.

use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::io::stdout::println;
use crate::model::{Classifier, DTypePref, ModelFiles, RunOptions};

/// The goldens file `scripts/make_test_models.py` writes (also read by `tests/model_parity.rs`).
#[derive(Deserialize)]
pub struct Goldens {
    pub max_length: usize,
    pub texts: Vec<Text>,
    pub models: std::collections::BTreeMap<String, Golden>,
}

#[derive(Deserialize)]
pub struct Text {
    pub name: String,
    pub text: String,
}

#[derive(Deserialize)]
pub struct Golden {
    pub per_text: Vec<PerText>,
    pub batch: Batch,
}

#[derive(Deserialize)]
pub struct PerText {
    pub name: String,
    pub input_ids: Vec<u32>,
    pub truncated: bool,
    pub logits: Vec<f32>,
    /// transformers' predicted label name (NEGATIVE / POSITIVE).
    pub label: String,
}

/// The same texts as one padded batch.
#[derive(Deserialize)]
pub struct Batch {
    pub logits: Vec<Vec<f32>>,
}

/// How far from F32 on the CPU each dtype may land: rounding, not mistakes.
pub fn tolerance(dtype: DTypePref) -> f32 {
    match dtype {
        DTypePref::F32 => 1e-3,
        DTypePref::F16 | DTypePref::Bf16 => 2e-2,
        // int8 rounds every dense layer's input and weight to 8 bits (steps of ~0.4% of a row's
        // range): on the fixture models, whose logits reach 1.2, the largest difference measured
        // was 1.9e-2; 5e-2 (about 4% of the largest logit) leaves room for other CPUs' kernels
        // (7-bit weights on AVX2) while still failing a scale or zero point gone wrong.
        DTypePref::Int8 => 5e-2,
    }
}

/// Where the goldens are in a checkout of the repository, relative to its root.
pub const DEFAULT_GOLDENS: &str = "tests/fixtures/models/goldens.json";

/// The default goldens file, which only a checkout has: run elsewhere, one line saying what to pass.
fn default_goldens() -> Result<&'static Path> {
    let path = Path::new(DEFAULT_GOLDENS);
    if path.is_file() {
        return Ok(path);
    }
    let here = std::env::current_dir().map_or_else(|_| "here".into(), |d| d.display().to_string());
    Err(Error::input(
        "check",
        format!(
            "the goldens file {DEFAULT_GOLDENS} is not in {here}: it comes with a reviewlens checkout (with the fixture models beside it); run check from the checkout's root, or pass --goldens <checkout>/{DEFAULT_GOLDENS}"
        ),
    ))
}

/// Checks every model the goldens name (folders beside the goldens file); prints a line per model
/// and fails, naming the worst one, when any logit is off by more than the tolerance or any label
/// differs.
pub fn run(goldens: Option<&Path>, opts: &RunOptions) -> Result<()> {
    let goldens = match goldens {
        Some(path) => path,
        None => default_goldens()?,
    };
    let text = std::fs::read_to_string(goldens).map_err(|e| {
        Error::at_path(
            goldens,
            format!("cannot read ({e}); pass --goldens <checkout>/{DEFAULT_GOLDENS}"),
        )
    })?;
    let g: Goldens = serde_json::from_str(&text)
        .map_err(|e| Error::at_path(goldens, format!("not a goldens file ({e})")))?;
    if g.models.is_empty() || g.texts.is_empty() {
        let missing = if g.models.is_empty() {
            "names no models"
        } else {
            "holds no texts"
        };
        return Err(Error::at_path(
            goldens,
            format!(
                "{missing}, so there is nothing to check; pass --goldens <checkout>/{DEFAULT_GOLDENS}"
            ),
        ));
    }
    let dir = goldens.parent().unwrap_or(Path::new("."));
    let tol = tolerance(opts.dtype);
    let texts: Vec<&str> = g.texts.iter().map(|t| t.text.as_str()).collect();
    let mut failures = Vec::new();
    for (name, golden) in &g.models {
        let files = ModelFiles::from_dir(&dir.join(name))?;
        let opts = RunOptions {
            max_length: Some(g.max_length),
            label_map: None,
            ..opts.clone()
        };
        let model = Classifier::load(&files, &["negative".into(), "positive".into()], &opts)?;
        let encoded = model.tokenize(&texts)?;
        let (mut worst, mut worst_batch, mut labels) = (0f32, 0f32, 0);
        for (enc, gold) in encoded.iter().zip(&golden.per_text) {
            let logits = model.logits(&[enc])?.remove(0);
            worst = worst.max(max_diff(&logits, &gold.logits));
            let label = model.predict(&[enc])?.remove(0).label;
            labels += (label == u32::from(gold.label == "POSITIVE")) as usize;
        }
        let batch = model.logits(&encoded.iter().collect::<Vec<_>>())?;
        for (ours, gold) in batch.iter().zip(&golden.batch.logits) {
            worst_batch = worst_batch.max(max_diff(ours, gold));
        }
        let ok = worst <= tol && worst_batch <= tol && labels == texts.len();
        if let Some(note) = &model.device_note {
            println(format!("{name}: {note}"))?;
        }
        println(format!(
            "{name:<16} {:<12} one at a time: max |Δlogit| {worst:.2e}, batched: {worst_batch:.2e} (tolerance {tol:.0e}); labels {labels}/{}: {}",
            model.device_label(),
            texts.len(),
            if ok { "ok" } else { "FAILED" }
        ))?;
        if !ok {
            failures.push(name.clone());
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Error::input(
            "check",
            format!(
                "{} differ from the goldens beyond the tolerance: {}",
                failures.len(),
                failures.join(", ")
            ),
        ))
    }
}

fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    if a.len() != b.len() {
        return f32::INFINITY;
    }
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}
