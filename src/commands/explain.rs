//! `reviewlens explain`: word attributions and the smallest flip for chosen reviews (by row, or the
//! most confident mistakes), without the UI: the same worker jobs and explanation cache as the
//! explorer's `a`. Prints a summary per review, or writes / prints every word.

use std::path::Path;
use std::sync::Arc;

use arrow::array::{ArrayRef, BooleanArray, Float64Array, Int64Array, StringArray};
use serde_json::{Value, json};

use super::classify::{Progress, predict_rows, split_rows};
use crate::app::{WorkerMsg, flip_line, top_words};
use crate::cli::{ExplainArgs, ModelArgs};
use crate::data::{Dataset, Format};
use crate::error::{Error, Result};
use crate::explain::{Explanation, Flip};
use crate::io::stdout::println;
use crate::io::table;
use crate::runtime::worker::{self, Request};

/// One explained review: its row in `data.rows`, the text classified, what was found.
struct Explained {
    row: usize,
    text: String,
    explanation: Explanation,
}

pub fn run(
    data: &Dataset,
    m: &ModelArgs,
    args: &ExplainArgs,
    cache_root: Option<std::path::PathBuf>,
) -> Result<()> {
    if let Some(out) = &args.output {
        out_format(out)?;
        crate::io::output::check_file(out, &data.inputs, args.force)?;
    }
    let split = args.split.clone().unwrap_or_else(|| default_split(data));
    let in_split = split_rows(data, Some(&split))?;
    let rows = match args.mistakes {
        Some(n) => mistakes(data, m, &in_split, n, cache_root.clone())?,
        None => by_row_index(data, &split, &in_split, &args.rows)?,
    };
    if rows.is_empty() {
        eprintln!("no mistakes in {split}: nothing to explain");
    }
    let texts: Vec<(u32, String)> = (rows.iter())
        .map(|&r| (r as u32, m.text.text(data.rows.get(r))))
        .collect();
    let (session, _) = m.sessions(data, cache_root)?;
    let explained = explain_rows(session, m.batch_size, texts)?;
    if let Some(out) = &args.output {
        write(out, data, &explained, args.force)?;
        eprintln!(
            "wrote {} explanations to {}",
            explained.len(),
            out.display()
        );
    }
    match (args.json, &args.output) {
        (true, _) => println(Value::Array(
            explained.iter().map(|e| object(data, e)).collect(),
        )),
        (false, Some(_)) => Ok(()),
        (false, None) => println(summary(data, &explained)),
    }
}

/// The test split when there is one, else the first.
fn default_split(data: &Dataset) -> String {
    let names = data.splits.iter().map(|s| s.name.as_str());
    let test = names.clone().find(|&n| n == "test");
    test.or(names.clone().next()).unwrap_or("test").to_owned()
}

/// `--rows`: the split's rows with those row indices (as the explorer's list shows them).
fn by_row_index(
    data: &Dataset,
    split: &str,
    in_split: &[usize],
    wanted: &[u64],
) -> Result<Vec<usize>> {
    let mut rows = Vec::with_capacity(wanted.len());
    for &n in wanted {
        let found = in_split.iter().find(|&&r| data.rows.row_index(r) == n);
        let row = found.ok_or_else(|| {
            Error::input(
                "--rows",
                format!(
                    "no row {n} in {split} (rows are the split's row_index, as the explorer lists them)"
                ),
            )
        })?;
        rows.push(*row);
    }
    Ok(rows)
}

/// `--mistakes N`: the split's N most confident mistakes (classified first, through the cache).
fn mistakes(
    data: &Dataset,
    m: &ModelArgs,
    in_split: &[usize],
    n: usize,
    cache_root: Option<std::path::PathBuf>,
) -> Result<Vec<usize>> {
    let (session, _) = m.sessions(data, cache_root)?;
    let predictions = predict_rows(data, m, session, in_split)?;
    let mut wrong: Vec<(usize, f32)> = (in_split.iter())
        .filter_map(|&r| {
            let p = predictions[r].as_ref()?;
            (p.label != data.rows.label(r)).then(|| (r, p.probs[p.label as usize]))
        })
        .collect();
    wrong.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(wrong.into_iter().take(n).map(|(r, _)| r).collect())
}

/// Explains each (row, text) on the worker, in order; stderr follows along.
fn explain_rows(
    session: crate::runtime::Session,
    batch_size: Option<usize>,
    texts: Vec<(u32, String)>,
) -> Result<Vec<Explained>> {
    let (tx, reports) = std::sync::mpsc::channel();
    let out: worker::Out = Arc::new(move |m| {
        let _ = tx.send(m);
    });
    let requests = worker::spawn(session, batch_size, out);
    for (job, (row, text)) in texts.iter().enumerate() {
        let (row, text) = (*row, text.clone());
        let _ = requests.send(Request::Explain {
            job: job as u64,
            row,
            text,
        });
    }
    drop(requests); // the worker finishes the jobs, then stops and closes `reports`
    let mut found: Vec<Option<Explanation>> = vec![None; texts.len()];
    let mut progress = Progress::new(texts.len());
    for report in reports {
        match report {
            WorkerMsg::LoadFailed(e) => return Err(Error::Message(e)),
            WorkerMsg::Failed { job, error } => {
                let row = texts[job as usize].0;
                return Err(Error::Message(format!(
                    "explaining row {row} failed: {error}"
                )));
            }
            WorkerMsg::Explained {
                job,
                explanation,
                done: true,
                ..
            } => {
                found[job as usize] = Some(explanation);
                let done = found.iter().flatten().count();
                eprintln!("explained {done}/{}", texts.len());
            }
            other => progress.show(other),
        }
    }
    (texts.into_iter().zip(found))
        .map(|((row, text), e)| match e {
            Some(explanation) => Ok(Explained {
                row: row as usize,
                text,
                explanation,
            }),
            None => Err(Error::Message(format!("row {row} was left unexplained"))),
        })
        .collect()
}

/// Where a review is: "test:123".
fn place(data: &Dataset, row: usize) -> String {
    format!("{}:{}", data.split_of(row), data.rows.row_index(row))
}

/// Character offset of byte `at` in `text` (what Python's `str` slicing uses).
fn chars_to(text: &str, at: usize) -> usize {
    text.get(..at).map_or(0, |t| t.chars().count())
}

/// Text for people: per review, its prediction, its top words and its flip.
fn summary(data: &Dataset, explained: &[Explained]) -> String {
    let mut out = String::new();
    for x in explained {
        let e = &x.explanation;
        let predicted = data.label_name(e.predicted);
        let gold = data.label_name(data.rows.label(x.row));
        out.push_str(&format!(
            "{} predicted {predicted} {:.2} (gold {gold})\n  {}\n  {}\n",
            place(data, x.row),
            e.probs[e.predicted as usize],
            top_words(data, &x.text, e),
            flip_line(data, &x.text, e, false),
        ));
    }
    out.trim_end().to_owned()
}

/// One review as JSON: its prediction, every word with character offsets into `text` and its
/// score, and the flip.
fn object(data: &Dataset, x: &Explained) -> Value {
    let e = &x.explanation;
    let word = |i: usize| &x.text[e.words[i].start..e.words[i].end];
    let words: Vec<Value> = (e.words.iter().enumerate())
        .map(|(i, w)| {
            json!({"word": word(i), "start": chars_to(&x.text, w.start),
                   "end": chars_to(&x.text, w.end), "score": w.score})
        })
        .collect();
    let flip = match &e.flip {
        Some(Flip::Flipped { words, to, prob }) => json!({
            "words": words.iter().map(|&i| word(i)).collect::<Vec<_>>(),
            "word_indices": words, "to": data.label_name(*to), "probability": prob}),
        Some(Flip::None { within }) => json!({"words": [], "within": within}),
        None => Value::Null,
    };
    let probs: serde_json::Map<String, Value> = (e.probs.iter().enumerate())
        .map(|(c, p)| (data.label_name(c as u32).to_owned(), json!(p)))
        .collect();
    json!({
        "split": data.split_of(x.row), "row_index": data.rows.row_index(x.row),
        "label": data.label_name(data.rows.label(x.row)),
        "predicted": data.label_name(e.predicted), "probability": e.probs[e.predicted as usize],
        "probs": probs, "text": x.text, "words": words, "words_beyond": e.beyond, "flip": flip,
    })
}

/// The output's format: JSONL (one object per review) or a table (one row per word).
fn out_format(path: &Path) -> Result<Format> {
    table::output_format(path)
}

/// `--output`: one JSON object per review (.jsonl), or one row per word (.parquet, .csv, .tsv).
fn write(path: &Path, data: &Dataset, explained: &[Explained], force: bool) -> Result<()> {
    if out_format(path)? == Format::Jsonl {
        let lines: Vec<String> = explained
            .iter()
            .map(|x| object(data, x).to_string())
            .collect();
        let text = lines.join("\n") + "\n";
        return table::write_text(path, &data.inputs, &text, force);
    }
    table::write_columns(path, &data.inputs, word_columns(data, explained), force)
}

/// One row per word: the review's columns repeated, then the word's.
fn word_columns<'a>(data: &Dataset, explained: &[Explained]) -> Vec<(&'a str, ArrayRef)> {
    let mut rows: Vec<(&Explained, usize)> = Vec::new();
    for x in explained {
        rows.extend((0..x.explanation.words.len()).map(|i| (x, i)));
    }
    let review = |f: &dyn Fn(&Explained) -> String| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(
            rows.iter().map(|(x, _)| f(x)),
        ))
    };
    let in_flip = |x: &Explained, i: usize| match &x.explanation.flip {
        Some(Flip::Flipped { words, .. }) => words.contains(&i),
        _ => false,
    };
    let word = |x: &Explained, i: usize| x.explanation.words[i].clone();
    vec![
        ("split", review(&|x| data.split_of(x.row).to_owned())),
        (
            "row_index",
            Arc::new(Int64Array::from_iter_values(
                rows.iter().map(|(x, _)| data.rows.row_index(x.row) as i64),
            )),
        ),
        (
            "label",
            review(&|x| data.label_name(data.rows.label(x.row)).to_owned()),
        ),
        (
            "predicted",
            review(&|x| data.label_name(x.explanation.predicted).to_owned()),
        ),
        (
            "word_index",
            Arc::new(Int64Array::from_iter_values(
                rows.iter().map(|&(_, i)| i as i64),
            )),
        ),
        ("word", {
            let f = |&(x, i): &(&Explained, usize)| {
                let w = word(x, i);
                x.text[w.start..w.end].to_owned()
            };
            Arc::new(StringArray::from_iter_values(rows.iter().map(f)))
        }),
        (
            "start",
            Arc::new(Int64Array::from_iter_values(
                (rows.iter()).map(|&(x, i)| chars_to(&x.text, word(x, i).start) as i64),
            )),
        ),
        (
            "score",
            Arc::new(Float64Array::from_iter(
                rows.iter().map(|&(x, i)| word(x, i).score.map(f64::from)),
            )),
        ),
        (
            "in_flip",
            Arc::new(BooleanArray::from_iter(
                rows.iter().map(|&(x, i)| Some(in_flip(x, i))),
            )),
        ),
    ]
}
