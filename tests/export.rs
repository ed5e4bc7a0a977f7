//! `e`'s writer: the rows shown, with their predictions and text, round-trip through the parquet
//! reader, a CSV parser and a JSON parser; a second classifier's columns follow the first's; an existing file is never replaced without permission,
//! and nothing half-written is left beside it.

mod common;

use std::path::Path;

use arrow::array::{Array, AsArray};
use arrow::datatypes::{Float32Type, Int64Type, UInt32Type};
use common::tiny;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use reviewlens::data::Dataset;
use reviewlens::io::table::{Sides, export_view};
use reviewlens::model::Prediction;

/// Rows 3, 0 and 9 of the tiny dataset (view order, not dataset order); 9 has no prediction.
fn view() -> (Dataset, Vec<usize>, Vec<Prediction>) {
    let data = tiny();
    let preds = vec![
        Prediction {
            label: 1,
            probs: vec![0.25, 0.75],
            tokens: 7,
            truncated: false,
        },
        Prediction {
            label: 1,
            probs: vec![0.125, 0.875],
            tokens: 40,
            truncated: true,
        },
    ];
    (data, vec![3, 0, 9], preds)
}

fn write(path: &Path, overwrite: bool) -> bool {
    let (data, rows, preds) = view();
    let sides = Sides {
        a: vec![Some(&preds[0]), Some(&preds[1]), None],
        b: None,
        findings: Vec::new(),
    };
    export_view(path, &data, &rows, &sides, overwrite).unwrap()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn parquet_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("view.parquet");
    assert!(write(&path, false));
    let file = std::fs::File::open(&path).unwrap();
    let batches: Vec<_> = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let b = &batches[0];
    let schema = b.schema();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(
        names,
        [
            "split",
            "row_index",
            "label",
            "predicted",
            "prob_negative",
            "prob_positive",
            "tokens",
            "truncated",
            "title",
            "content"
        ]
    );
    let text = |c: &str| -> Vec<Option<String>> {
        let col = b.column_by_name(c).unwrap().as_string::<i32>();
        (0..col.len())
            .map(|i| col.is_valid(i).then(|| col.value(i).to_string()))
            .collect()
    };
    let some =
        |v: &[&str]| -> Vec<Option<String>> { v.iter().map(|s| Some(s.to_string())).collect() };
    assert_eq!(text("split"), some(&["train", "train", "test"]));
    assert_eq!(text("label"), some(&["negative", "positive", "negative"]));
    assert_eq!(
        text("predicted"),
        vec![Some("positive".into()), Some("positive".into()), None]
    );
    assert_eq!(text("title"), some(&["Boring", "Great CD", "Great? No."]));
    let rows = b
        .column_by_name("row_index")
        .unwrap()
        .as_primitive::<Int64Type>();
    assert_eq!(rows.values().to_vec(), [3, 0, 3]);
    let p = b
        .column_by_name("prob_positive")
        .unwrap()
        .as_primitive::<Float32Type>();
    assert_eq!((p.value(0), p.value(1), p.is_null(2)), (0.75, 0.875, true));
    let tokens = b
        .column_by_name("tokens")
        .unwrap()
        .as_primitive::<UInt32Type>();
    assert_eq!((tokens.value(1), tokens.is_null(2)), (40, true));
    let truncated = b.column_by_name("truncated").unwrap().as_boolean();
    assert!(truncated.value(1) && !truncated.value(0) && truncated.is_null(2));
}

#[test]
fn csv_and_jsonl_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("view.csv");
    assert!(write(&csv_path, false));
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header.len(), 10);
    let records: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(records.len(), 3);
    assert_eq!(
        &records[0][0..6],
        ["train", "3", "negative", "positive", "0.25", "0.75"]
    );
    assert_eq!(
        &records[2][3..8],
        ["", "", "", "", ""],
        "no prediction: empty cells"
    );
    assert_eq!(&records[1][9], "My lovely Pat has one of the GREAT voices.");

    let jsonl = dir.path().join("view.jsonl");
    assert!(write(&jsonl, false));
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&jsonl)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1]["prob_negative"], serde_json::json!(0.125));
    assert_eq!(lines[1]["truncated"], serde_json::json!(true));
    assert_eq!(lines[2]["predicted"], serde_json::Value::Null);
    assert_eq!(lines[2]["title"], "Great? No.");
}

#[test]
fn a_second_classifier_gets_its_own_prefixed_columns() {
    let (data, rows, preds) = view();
    // B has row 9 that A lacks, and disagrees with A on row 3.
    let b = Prediction {
        label: 0,
        probs: vec![0.5625, 0.4375],
        tokens: 12,
        truncated: false,
    };
    let sides = Sides {
        a: vec![Some(&preds[0]), Some(&preds[1]), None],
        b: Some(vec![Some(&b), None, Some(&b)]),
        findings: Vec::new(),
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("both.csv");
    assert!(export_view(&path, &data, &rows, &sides, false).unwrap());
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "split",
            "row_index",
            "label",
            "predicted",
            "prob_negative",
            "prob_positive",
            "tokens",
            "truncated",
            "b_predicted",
            "b_prob_negative",
            "b_prob_positive",
            "b_tokens",
            "b_truncated",
            "title",
            "content"
        ]
    );
    let records: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(
        &records[0][3..13],
        [
            "positive", "0.25", "0.75", "7", "false", "negative", "0.5625", "0.4375", "12", "false"
        ]
    );
    assert_eq!(&records[1][8..13], ["", "", "", "", ""], "B has no row 0");
    assert_eq!(
        &records[2][3..9],
        ["", "", "", "", "", "negative"],
        "A has no row 9"
    );
}

#[test]
fn refuses_to_overwrite_unless_told_and_leaves_no_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.csv");
    std::fs::write(&path, "precious\n").unwrap();
    assert!(!write(&path, false), "reports that the file exists");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "precious\n");
    assert_eq!(files_in(dir.path()), ["mine.csv"]);
    assert!(write(&path, true));
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .starts_with("split,row_index,label")
    );
    assert_eq!(files_in(dir.path()), ["mine.csv"]);
}

#[test]
fn bad_names_and_places_are_one_line_errors() {
    let (data, rows, _) = view();
    let none = Sides {
        a: vec![None, None, None],
        b: None,
        findings: Vec::new(),
    };
    let dir = tempfile::tempdir().unwrap();
    let e = export_view(&dir.path().join("view.xlsx"), &data, &rows, &none, false).unwrap_err();
    assert!(
        e.to_string()
            .contains("end the name in .parquet, .csv, .tsv or .jsonl"),
        "{e}"
    );
    let missing = dir.path().join("no/such/dir/view.csv");
    let e = export_view(&missing, &data, &rows, &none, false)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("no/such/dir/view.csv") && !e.contains('\n'),
        "{e}"
    );
}
