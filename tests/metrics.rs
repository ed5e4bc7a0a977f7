//! The metrics against scikit-learn: golden cases written by `scripts/make_metric_goldens.py`
//! (balanced, imbalanced, a class never predicted, a class never present, three classes). Numbers
//! within 1e-6, the text report identical line for line, the confusion matrix equal.

use reviewlens::metrics::{Report, Scores};
use serde::Deserialize;

#[derive(Deserialize)]
struct Golden {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    names: Vec<String>,
    y_true: Vec<u32>,
    y_pred: Vec<u32>,
    text: String,
    report: serde_json::Value,
    confusion: Vec<Vec<usize>>,
}

fn close(ours: &Scores, theirs: &serde_json::Value, what: &str) {
    for (v, key) in [
        (ours.precision, "precision"),
        (ours.recall, "recall"),
        (ours.f1, "f1-score"),
    ] {
        let t = theirs[key].as_f64().unwrap();
        assert!(
            (v - t).abs() < 1e-6,
            "{what} {key}: {v} vs scikit-learn {t}"
        );
    }
    assert_eq!(
        ours.support as u64,
        theirs["support"].as_f64().unwrap() as u64,
        "{what} support"
    );
}

#[test]
fn matches_scikit_learn() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/metrics.json");
    let golden: Golden = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(golden.cases.len(), 5);
    for case in &golden.cases {
        let report = Report::new(
            &case.names,
            case.y_true.iter().copied().zip(case.y_pred.iter().copied()),
        );
        assert_eq!(report.confusion, case.confusion, "{}", case.name);
        for (name, s) in case.names.iter().zip(&report.classes) {
            close(s, &case.report[name], &format!("{} {name}", case.name));
        }
        close(&report.macro_avg, &case.report["macro avg"], &case.name);
        close(
            &report.weighted_avg,
            &case.report["weighted avg"],
            &case.name,
        );
        assert!((report.accuracy - case.report["accuracy"].as_f64().unwrap()).abs() < 1e-6);
        let ours = report.text(4);
        for (i, (a, b)) in ours.lines().zip(case.text.lines()).enumerate() {
            assert_eq!(a, b, "{} line {i}", case.name);
        }
        assert_eq!(ours, case.text, "{}", case.name);
    }
}

#[test]
fn confusion_prints_like_numpy() {
    let names = vec!["negative".to_string(), "positive".to_string()];
    let r = Report::new(&names, [(0, 0), (0, 0), (0, 1), (1, 1)].repeat(4));
    assert_eq!(r.confusion_text(), "[[8 4]\n [0 4]]");
}

#[test]
fn eval_prints_what_scikit_learn_computes_from_predict() {
    // Golden: scripts/make_eval_golden.py (predict's CSV → scikit-learn), tiny DistilBERT fixture.
    let root = env!("CARGO_MANIFEST_DIR");
    let cache = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .args([
            "--model-dir",
            &format!("{root}/tests/fixtures/models/distilbert-tiny"),
        ])
        .args(["--test", "1000", "--seed", "42", "eval"])
        .env("XDG_CACHE_HOME", cache.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let golden =
        std::fs::read_to_string(format!("{root}/tests/fixtures/eval_tiny_test1000.txt")).unwrap();
    let printed = String::from_utf8(out.stdout).unwrap();
    for (i, (a, b)) in printed.lines().zip(golden.lines()).enumerate() {
        assert_eq!(a, b, "line {i}");
    }
    assert_eq!(printed, golden);
}
