//! The bundled parquet files hold exactly the rows of the JSONL they were built from
//! (`assets/source`, copied verbatim from the shared real rows), with their `row_index`.

use reviewlens::data::{Columns, load};

#[derive(serde::Deserialize)]
struct Row {
    label: u32,
    title: String,
    content: String,
}

#[derive(serde::Deserialize)]
struct Provenance {
    row_index: u64,
}

fn jsonl<T: serde::de::DeserializeOwned>(name: &str) -> Vec<T> {
    let path = format!("{}/assets/source/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn bundled_sample_equals_the_source_jsonl() {
    let data = load(None, &Columns::default()).unwrap();
    assert_eq!(
        data.label_names,
        ["negative", "positive"],
        "names from the Hugging Face metadata"
    );
    assert_eq!(data.rows.len(), 16_980);
    for (i, split) in ["train", "test"].into_iter().enumerate() {
        assert_eq!(data.splits[i].name, split);
        let rows: Vec<Row> = jsonl(&format!("amazon_polarity_{split}_sample.jsonl"));
        let prov: Vec<Provenance> =
            jsonl(&format!("amazon_polarity_{split}_sample.provenance.jsonl"));
        let all = data.rows.to_vec();
        let ours = &all[data.splits[i].rows.clone()];
        assert_eq!(ours.len(), rows.len(), "{split}");
        for (n, ((ours, row), prov)) in ours.iter().zip(&rows).zip(&prov).enumerate() {
            assert_eq!(
                (
                    ours.label,
                    ours.title.as_str(),
                    ours.content.as_str(),
                    ours.row_index
                ),
                (
                    row.label,
                    row.title.as_str(),
                    row.content.as_str(),
                    prov.row_index
                ),
                "{split} row {n}"
            );
        }
    }
}

#[test]
fn the_committed_parquet_files_are_what_the_binary_embeds() {
    // `--data assets/sample` reads the same files from disk: same rows, same order.
    let embedded = load(None, &Columns::default()).unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sample");
    let on_disk = load(Some(&dir), &Columns::default()).unwrap();
    assert_eq!(embedded.rows.to_vec(), on_disk.rows.to_vec());
    assert_eq!(embedded.splits, on_disk.splits);
}
