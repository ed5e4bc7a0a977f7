//! A class name of 65,536 characters or more (issue 13, item 5): `format!`'s widths stop at 65,535
//! and panicked when the panes, the snapshot or `eval`'s report padded such a name. Each is drawn,
//! printed or cut to fit now.

mod common;

use std::sync::Arc;

use arrow::array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{Field, Schema};
use common::*;
use reviewlens::app::{Action::*, State};
use reviewlens::metrics::Report;
use reviewlens::ui::snapshot::render;

fn long_name() -> String {
    "x".repeat(70_000)
}

#[test]
fn the_panes_draw_a_class_name_longer_than_format_can_pad() {
    let mut data = bundled();
    data.label_names = vec!["negative".into(), long_name()];
    let mut s = State::new(data, (120, 40));
    assert!(render(&s).contains("negative"));
    classify_first_60(&mut s);
    apply(&mut s, &[ToggleMetrics]);
    let screen = render(&s);
    assert!(screen.contains("Metrics · "), "{screen}");
}

#[test]
fn the_report_prints_a_class_name_longer_than_format_can_pad() {
    let names = vec!["negative".to_string(), long_name()];
    let text = Report::new(&names, [(0, 0), (1, 1), (1, 0)]).text(4);
    let line = text.lines().find(|l| l.contains("xxx")).unwrap();
    assert!(
        line.starts_with(&long_name()),
        "the whole name, as scikit-learn prints it"
    );
    assert!(text.contains("weighted avg"));
}

/// The binary, on a parquet file whose Hugging Face metadata names the long class.
#[test]
fn snapshot_and_eval_print_a_long_class_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("test.parquet");
    write_parquet(&path);
    let bin = env!("CARGO_BIN_EXE_reviewlens");
    let model = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/models/distilbert-tiny");
    let run = |args: &[&str]| {
        std::process::Command::new(bin)
            .args(["--data", path.to_str().unwrap()])
            .args(args)
            .env("XDG_CACHE_HOME", dir.path().join("cache"))
            .output()
            .unwrap()
    };
    let out = run(&["snapshot"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let map = format!("NEGATIVE=negative,POSITIVE={}", long_name());
    let model = model.to_str().unwrap();
    let out = run(&["--model-dir", model, "--label-map", &map, "eval"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(&long_name()), "{stdout}");
}

fn write_parquet(path: &std::path::Path) {
    let features = serde_json::json!({"info": {"features": {
        "label": {"names": ["negative", long_name()], "_type": "ClassLabel"},
        "title": {"dtype": "string", "_type": "Value"},
        "content": {"dtype": "string", "_type": "Value"},
    }}});
    let metadata = [("huggingface".to_string(), features.to_string())];
    let schema = Schema::new(vec![
        Field::new("label", arrow::datatypes::DataType::Int64, false),
        Field::new("title", arrow::datatypes::DataType::Utf8, false),
        Field::new("content", arrow::datatypes::DataType::Utf8, false),
    ])
    .with_metadata(std::collections::HashMap::from(metadata));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from(vec![0, 1, 0, 1])),
        Arc::new(StringArray::from(vec!["a", "b", "c", "d"])),
        Arc::new(StringArray::from(vec!["good one", "bad one", "ok", "meh"])),
    ];
    let batch = RecordBatch::try_new(Arc::new(schema), columns).unwrap();
    let file = std::fs::File::create(path).unwrap();
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
}
