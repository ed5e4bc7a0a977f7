//! `reviewlens predict`: classify a split (or every split) without a terminal UI and write one row
//! per review. Same model code, batching and prediction cache as the explorer; progress on stderr.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::backend::ModelBackend;
use crate::cli::ModelArgs;
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::export;
use crate::model::Prediction;
use crate::worker::{self, Backend, Request, WorkerMsg};

pub fn run(
    data: &Dataset,
    m: &ModelArgs,
    split: Option<&str>,
    output: &Path,
    cache_root: Option<std::path::PathBuf>,
) -> Result<()> {
    export::Format::of(output)?; // a bad name fails before any model work
    let rows = split_rows(data, split)?;
    let (backend_a, backend_b) = ModelBackend::pair_from_args(data, m, cache_root)?;
    let a = predict_rows(data, m, backend_a, &rows)?;
    let b = match backend_b {
        Some(backend) => Some(predict_rows(data, m, backend, &rows)?),
        None => None,
    };
    let sides = export::Sides {
        a: chosen(&rows, &a),
        b: b.as_deref().map(|b| chosen(&rows, b)),
    };
    export::write_predictions(output, data, &rows, &sides)?;
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

/// `reviewlens eval`: classify (or reuse cached predictions for) a split and print scikit-learn's
/// classification report and confusion matrix, or one JSON object with `--json`.
pub fn eval(
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
    let report_of = |predictions: &[Option<Prediction>]| {
        let pairs = rows.iter().filter_map(|&r| {
            predictions[r]
                .as_ref()
                .map(|p| (data.rows[r].label, p.label))
        });
        crate::eval::Report::new(&data.label_names, pairs)
    };
    let (backend_a, backend_b) = ModelBackend::pair_from_args(data, m, cache_root)?;
    let a = predict_rows(data, m, backend_a, &rows)?;
    let (Some(backend_b), Some(kind_b)) = (backend_b, m.compare) else {
        let report = report_of(&a);
        if json {
            println!("{}", report.json());
        } else {
            println!("{}", report.text(4));
            println!("{}", report.confusion_text());
        }
        return Ok(());
    };
    let b = predict_rows(data, m, backend_b, &rows)?;
    let (ra, rb) = (report_of(&a), report_of(&b));
    // Where the two part ways, and who was right there.
    let (mut disagree, mut only_a, mut only_b) = (0, 0, 0);
    for &r in &rows {
        if let (Some(pa), Some(pb)) = (&a[r], &b[r])
            && pa.label != pb.label
        {
            disagree += 1;
            let gold = data.rows[r].label;
            only_a += (pa.label == gold) as usize;
            only_b += (pb.label == gold) as usize;
        }
    }
    let name = |kind: crate::cli::ClassifierKind| m.source(kind).name() + &format!(" ({kind:?})");
    if json {
        let out = serde_json::json!({
            "A": {"classifier": name(m.classifier), "report": ra.json()},
            "B": {"classifier": name(kind_b), "report": rb.json()},
            "disagree": disagree, "A_right_where_they_disagree": only_a, "B_right_where_they_disagree": only_b,
        });
        println!("{out}");
    } else {
        for (side, kind, report) in [("A", m.classifier, &ra), ("B", kind_b, &rb)] {
            println!("{side}: {}\n", name(kind));
            println!("{}", report.text(4));
            println!("{}\n", report.confusion_text());
        }
        println!(
            "A and B disagree on {disagree} of {} reviews: A is right on {only_a}, B on {only_b}",
            rows.len()
        );
    }
    Ok(())
}

/// Indices into `data.rows` of one split, or of every split.
fn split_rows(data: &Dataset, split: Option<&str>) -> Result<Vec<usize>> {
    match split {
        None => Ok((0..data.rows.len()).collect()),
        Some(name) => {
            let s = data.splits.iter().find(|s| s.name == name).ok_or_else(|| {
                let have: Vec<&str> = data.splits.iter().map(|s| s.name.as_str()).collect();
                Error::input(
                    "--split",
                    format!(
                        "no split \"{name}\" in {} (splits: {})",
                        data.source,
                        have.join(", ")
                    ),
                )
            })?;
            Ok(s.rows.clone().collect())
        }
    }
}

/// A prediction for every row in `rows` (indexed by row), from the cache where it has them and
/// from `backend`'s model for the rest.
fn predict_rows(
    data: &Dataset,
    m: &ModelArgs,
    mut backend: ModelBackend,
    rows: &[usize],
) -> Result<Vec<Option<Prediction>>> {
    let mut predictions: Vec<Option<Prediction>> = vec![None; data.rows.len()];
    let (cached, warnings) = backend.cached();
    for w in warnings {
        eprintln!("reviewlens: warning: {w}");
    }
    for (row, p) in cached {
        if let Some(slot) = predictions.get_mut(row as usize) {
            *slot = Some(p);
        }
    }
    let todo: Vec<(u32, String)> = rows
        .iter()
        .filter(|&&r| predictions[r].is_none())
        .map(|&r| (r as u32, m.text.text(&data.rows[r])))
        .collect();
    let from_cache = rows.len() - todo.len();
    if from_cache > 0 {
        eprintln!("{from_cache} of {} predictions from the cache", rows.len());
    }
    if !todo.is_empty() {
        classify(backend, m.batch_size, todo, &mut predictions)?;
    }
    Ok(predictions)
}

/// Runs the worker on this thread's behalf and collects its results, reporting progress on stderr.
fn classify(
    backend: ModelBackend,
    batch_size: Option<usize>,
    todo: Vec<(u32, String)>,
    predictions: &mut [Option<Prediction>],
) -> Result<()> {
    let (tx, reports) = std::sync::mpsc::channel();
    let out: worker::Out = Arc::new(move |m| {
        let _ = tx.send(m);
    });
    let requests = worker::spawn(backend, batch_size, out);
    let total = todo.len();
    let _ = requests.send(Request::Classify {
        job: 1,
        rows: todo,
        urgent: false,
    });
    drop(requests); // the worker finishes the job, then stops and closes `reports`
    let tty = std::io::stderr().is_terminal();
    let mut last = Instant::now() - Duration::from_secs(10);
    let mut started = Instant::now();
    let mut done = 0;
    for report in reports {
        match report {
            WorkerMsg::Status(s) => eprintln!("{s}"),
            WorkerMsg::Ready {
                model,
                device,
                note,
                batch_size,
            } => {
                eprintln!(
                    "{model} on {device}{}, batches of {batch_size}, loaded in {:.2} s",
                    note.map(|n| format!(" ({n})")).unwrap_or_default(),
                    started.elapsed().as_secs_f64()
                );
                started = Instant::now(); // the rate reported at the end is inference alone
            }
            WorkerMsg::LoadFailed(e) => return Err(Error::Message(e)),
            WorkerMsg::Failed { error, .. } => {
                return Err(Error::Message(format!("classification failed: {error}")));
            }
            WorkerMsg::Warning(w) => eprintln!("reviewlens: warning: {w}"),
            WorkerMsg::Cached(rows)
            | WorkerMsg::Results {
                predictions: rows, ..
            } => {
                for (row, p) in rows {
                    predictions[row as usize] = Some(p);
                }
            }
            WorkerMsg::Progress {
                done: d,
                elapsed,
                done_chars,
                total_chars,
                ..
            } => {
                done = d;
                if last.elapsed() >= Duration::from_millis(if tty { 100 } else { 2000 })
                    || d == total
                {
                    last = Instant::now();
                    let rate = d as f64 / elapsed.as_secs_f64().max(1e-9);
                    let eta = elapsed.as_secs_f64() * (total_chars - done_chars) as f64
                        / done_chars.max(1) as f64;
                    let line = format!("classified {d}/{total} ({rate:.1}/s, ETA {eta:.0} s)");
                    if tty {
                        eprint!("\r{line}   ");
                    } else {
                        eprintln!("{line}");
                    }
                }
            }
            WorkerMsg::Finished { .. } => {}
        }
    }
    if tty {
        eprintln!();
    }
    if done < total {
        return Err(Error::Message(format!(
            "the classifier stopped after {done} of {total} reviews"
        )));
    }
    let _ = std::io::stderr().flush();
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "classified {total} reviews in {secs:.2} s ({:.1}/s)",
        total as f64 / secs
    );
    Ok(())
}
