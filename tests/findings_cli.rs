//! Findings out of reviewlens: `sample --apply-findings` writes the bundled sample with the
//! corrected labels (`original_label` and `tags` beside them, the ClassLabel names in the metadata
//! `datasets` reads), and `findings` prints a summary or writes every finding with its history.
//! The findings are made as the explorer makes them (the journal of `update`'s entries).

mod common;

use std::path::Path;
use std::process::{Command, Output};

use arrow::array::{Array, Int64Array, StringArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use reviewlens::findings::{Field, Findings, RowKey};
use reviewlens::io::findings::Journal;
use serde_json::Value;

fn run(cache: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .args(args)
        .env("XDG_CACHE_HOME", cache)
        .output()
        .unwrap()
}

/// Findings on the bundled sample's first two train rows, in the journal `path`: the first's label
/// corrected and tagged, the second marked and then unmarked (a change undone keeps nothing).
fn make_findings(path: &Path) -> (RowKey, u32) {
    let data = common::bundled();
    let mut journal = Journal::open(path, &data.identity).unwrap().journal;
    let key = |i: usize| RowKey {
        split: "train".into(),
        row_index: data.rows.get(i).row_index,
    };
    let mut f = Findings::default();
    let corrected = 1 - data.rows.get(0).label;
    let mut keep = |f: &mut Findings, e| {
        journal.append(&e).unwrap();
        f.apply(&e);
    };
    for (row, field) in [
        (0, Field::Label(Some(corrected))),
        (
            0,
            Field::Tags(["returns".to_owned(), "kindle".to_owned()].into()),
        ),
        (1, Field::Marked(true)),
    ] {
        let e = f.change(&key(row), field).unwrap();
        keep(&mut f, e);
    }
    let (undo, _) = f.undo().unwrap();
    keep(&mut f, undo);
    (key(0), corrected)
}

#[test]
fn sample_apply_findings_writes_the_corrected_labels_with_the_original_beside_them() {
    let dir = tempfile::tempdir().unwrap();
    let findings = dir.path().join("findings.jsonl");
    let (key, corrected) = make_findings(&findings);
    let out = dir.path().join("out");
    let o = run(
        dir.path(),
        &[
            "--findings",
            findings.to_str().unwrap(),
            "sample",
            "--apply-findings",
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("(1 labels corrected)"));
    let file = std::fs::File::open(out.join("train.parquet")).unwrap();
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let meta = builder.schema().metadata()["huggingface"].clone();
    let features: Value = serde_json::from_str(&meta).unwrap();
    let names = &features["info"]["features"]["original_label"]["names"];
    assert_eq!(names, &serde_json::json!(["negative", "positive"]));
    let batch = builder.build().unwrap().next().unwrap().unwrap();
    let col = |name: &str| batch.column_by_name(name).unwrap().clone();
    let label = col("label");
    let label = label.as_any().downcast_ref::<Int64Array>().unwrap();
    let original = col("original_label");
    let original = original.as_any().downcast_ref::<Int64Array>().unwrap();
    let tags = col("tags");
    let tags = tags.as_any().downcast_ref::<StringArray>().unwrap();
    let rows = col("row_index");
    let rows = rows.as_any().downcast_ref::<Int64Array>().unwrap();
    assert_eq!(rows.value(0) as u64, key.row_index);
    assert_eq!(
        (label.value(0), original.value(0)),
        (corrected as i64, 1 - corrected as i64)
    );
    assert_eq!(tags.value(0), "kindle, returns");
    let changed = (0..label.len())
        .filter(|&i| label.value(i) != original.value(i))
        .count();
    assert_eq!(changed, 1, "only the corrected row differs");
    // Without --apply-findings the layout is the Hub's, as before.
    let plain = dir.path().join("plain");
    assert!(
        run(dir.path(), &["sample", "--output", plain.to_str().unwrap()])
            .status
            .success()
    );
    let file = std::fs::File::open(plain.join("train.parquet")).unwrap();
    let fields = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .schema()
        .fields()
        .len();
    assert_eq!(fields, 4);
}

#[test]
fn findings_prints_a_summary_and_writes_every_finding_with_its_history() {
    let dir = tempfile::tempdir().unwrap();
    let findings = dir.path().join("findings.jsonl");
    let (key, _) = make_findings(&findings);
    let f = findings.to_str().unwrap();
    let o = run(dir.path(), &["--findings", f, "findings"]);
    let summary = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(summary.starts_with("1 reviews of"), "{summary}");
    assert!(
        summary.contains("1 corrected") && summary.contains("kindle (1), returns (1)"),
        "{summary}"
    );
    let out = dir.path().join("all.jsonl");
    let o = run(
        dir.path(),
        &[
            "--findings",
            f,
            "findings",
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines: Vec<Value> = (std::fs::read_to_string(&out).unwrap().lines())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["row_index"].as_u64(), Some(key.row_index));
    assert_eq!(
        lines[0]["history"].as_array().unwrap().len(),
        2,
        "label, then tags"
    );
    let csv = dir.path().join("all.csv");
    let o = run(
        dir.path(),
        &[
            "--findings",
            f,
            "findings",
            "--output",
            csv.to_str().unwrap(),
        ],
    );
    assert!(o.status.success());
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.starts_with("split,row_index,label,corrected_label,tags,note,marked,changes"),
        "{text}"
    );
    // No cache folder and no file named: one line, exit code 2.
    let o = run(dir.path(), &["--no-cache", "findings"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err.contains("give --findings FILE") && err.trim().lines().count() == 1,
        "{err}"
    );
}

/// `findings --merge A B --output C`: one findings file of both, a label set differently in each
/// listed as a conflict (A's kept); C opens as the data's findings; C may not be A.
#[test]
fn two_findings_files_merge_into_one_with_the_conflicts_listed() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    let (key, corrected) = make_findings(&a);
    let data = common::bundled();
    let mut journal = Journal::open(&b, &data.identity).unwrap().journal;
    let mut f = Findings::default();
    for field in [
        Field::Label(Some(1 - corrected)),
        Field::Note(Some("from b".into())),
    ] {
        let e = f.change(&key, field).unwrap();
        journal.append(&e).unwrap();
        f.apply(&e);
    }
    drop(journal);
    let c = dir.path().join("c.jsonl");
    let (a_, b_, c_) = (
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        c.to_str().unwrap(),
    );
    let o = run(dir.path(), &["findings", "--merge", a_, b_, "--output", c_]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.contains("1 conflicts"), "{out}");
    let names = ["negative", "positive"];
    let listed = format!(
        "train:{}: {} / {}",
        key.row_index,
        names[corrected as usize],
        names[1 - corrected as usize]
    );
    assert!(out.contains(&listed), "{out}");
    let merged =
        Findings::replay(&reviewlens::io::findings::read_entries(&c, &data.identity).unwrap());
    let m = merged.get(&key).unwrap();
    assert_eq!(
        (m.label, m.note.as_deref(), m.tags.len()),
        (Some(corrected), Some("from b"), 2)
    );
    let o = run(
        dir.path(),
        &["findings", "--merge", a_, b_, "--output", a_, "--force"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is one of the files merged"));
}
