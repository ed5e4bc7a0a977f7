//! Near duplicates against cleanlab 2.7.1's `near_duplicate` issue manager
//! (tests/fixtures/duplicates/goldens.json, from scripts/make_duplicate_goldens.py): the same
//! near-duplicate set for every row, and distances, scores and the median within 1e-6.

use reviewlens::label_issues::near_duplicates;

#[test]
fn near_duplicates_are_cleanlabs() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/duplicates/goldens.json"
    );
    let goldens: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let floats = |v: &serde_json::Value| -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    for case in goldens["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let dim = case["dim"].as_u64().unwrap() as usize;
        let x: Vec<f32> = floats(&case["features"])
            .iter()
            .map(|&v| v as f32)
            .collect();
        let ours = near_duplicates(&x, dim).unwrap();
        let sets: Vec<Vec<usize>> = serde_json::from_value(case["sets"].clone()).unwrap();
        assert_eq!(ours.sets, sets, "{name}: near-duplicate sets");
        let flagged: Vec<bool> = serde_json::from_value(case["is_issue"].clone()).unwrap();
        let is_issue: Vec<bool> = (0..sets.len()).map(|i| ours.is_issue(i)).collect();
        assert_eq!(is_issue, flagged, "{name}: issues");
        assert!(flagged.iter().any(|&f| f), "{name}: a case with duplicates");
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-6;
        let median = case["median_nn_distance"].as_f64().unwrap();
        assert!(
            close(ours.median_nn_distance, median),
            "{name}: median {} vs {median}",
            ours.median_nn_distance
        );
        for (what, got, want) in [
            ("distance", &ours.nn_distance, floats(&case["nn_distance"])),
            ("score", &ours.score, floats(&case["score"])),
        ] {
            for (i, (a, b)) in got.iter().zip(&want).enumerate() {
                assert!(close(*a, *b), "{name}: row {i} {what} {a} vs {b}");
            }
        }
    }
}

#[test]
fn too_few_rows_is_one_line() {
    let e = near_duplicates(&[1.0; 40], 4).unwrap_err();
    assert!(
        e.contains("10 rows: near duplicates need more than 10"),
        "{e}"
    );
}
