//! The caches' keys cover every file of a model folder that changes an output: a changed `id2label`,
//! `do_lower_case` or pooling config is never answered from the prediction, embedding or head cache,
//! and the answer equals a `--no-cache` run's.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of a fixture model in `dir`, to edit.
fn copy_model(name: &str, dir: &Path) -> PathBuf {
    let from = root().join("tests/fixtures/models").join(name);
    let to = dir.join(name);
    std::fs::create_dir_all(&to).unwrap();
    for entry in std::fs::read_dir(&from).unwrap().flatten() {
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
    to
}

/// `n` real train reviews as JSONL.
fn data(dir: &Path, n: usize) -> PathBuf {
    let source =
        std::fs::read_to_string(root().join("assets/source/amazon_polarity_train_sample.jsonl"))
            .unwrap();
    let path = dir.join("train.jsonl");
    std::fs::write(&path, source.lines().take(n).collect::<Vec<_>>().join("\n")).unwrap();
    path
}

/// Runs `predict` into a fresh output; returns (stderr, the output's lines).
fn predict(args: &[&str], cache: &Path, out: &Path) -> (String, Vec<serde_json::Value>) {
    let _ = std::fs::remove_file(out);
    let o = Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .args(args)
        .args(["predict", "--output"])
        .arg(out)
        .env("XDG_CACHE_HOME", cache)
        .output()
        .unwrap();
    let stderr = String::from_utf8(o.stderr).unwrap();
    assert!(o.status.success(), "{stderr}");
    let lines = std::fs::read_to_string(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (stderr, lines)
}

/// The predicted labels and probabilities of each row, to compare runs.
fn answers(lines: &[serde_json::Value]) -> Vec<(String, String)> {
    lines
        .iter()
        .map(|l| (l["predicted"].to_string(), l["prob_1"].to_string()))
        .collect()
}

/// Classify `data` with the model in `model`, its labels NEGATIVE and POSITIVE taken as 0 and 1.
fn model_args(data: &Path, model: &Path) -> Vec<String> {
    let (data, model) = (data.to_str().unwrap(), model.to_str().unwrap());
    let args = [
        "--data",
        data,
        "--model-dir",
        model,
        "--label-map",
        "NEGATIVE=0,POSITIVE=1",
    ];
    args.map(String::from).to_vec()
}

/// Edits a JSON file in place.
fn edit_json(path: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(path, v.to_string()).unwrap();
}

/// After `change`, the cached run gives what an uncached run gives, and takes nothing from the cache.
fn assert_fresh_after(args: &[&str], dir: &Path, change: impl FnOnce()) {
    let cache = dir.join("cache");
    let out = dir.join("p.jsonl");
    let (_, before) = predict(args, &cache, &out);
    let (log, again) = predict(args, &cache, &out);
    assert!(log.contains("predictions from the cache"), "{log}");
    assert_eq!(answers(&before), answers(&again));
    change();
    let (log, cached) = predict(args, &cache, &out);
    let uncached = predict(&[args, &["--no-cache"]].concat(), &cache, &out).1;
    assert!(
        !log.contains("from the cache"),
        "a changed model folder is not answered from the cache: {log}"
    );
    assert_eq!(answers(&cached), answers(&uncached));
}

#[test]
fn swapped_id2label_is_not_served_from_the_prediction_cache() {
    let dir = tempfile::tempdir().unwrap();
    let model = copy_model("distilbert-tiny", dir.path());
    let data = data(dir.path(), 12);
    let args = model_args(&data, &model);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let config = model.join("config.json");
    assert_fresh_after(&args, dir.path(), || {
        edit_json(&config, |v| {
            v["id2label"] = serde_json::json!({"0": "POSITIVE", "1": "NEGATIVE"});
            v["label2id"] = serde_json::json!({"POSITIVE": 0, "NEGATIVE": 1});
        })
    });
}

#[test]
fn a_changed_do_lower_case_is_not_served_from_the_prediction_cache() {
    let dir = tempfile::tempdir().unwrap();
    let model = copy_model("distilbert-tiny", dir.path());
    let data = data(dir.path(), 12);
    let args = model_args(&data, &model);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let tokenizer_config = model.join("tokenizer_config.json");
    assert_fresh_after(&args, dir.path(), || {
        edit_json(&tokenizer_config, |v| v["do_lower_case"] = false.into())
    });
}

#[test]
fn a_pooling_config_is_not_served_from_the_zero_shot_or_embedding_cache() {
    let dir = tempfile::tempdir().unwrap();
    let model = copy_model("bert-tiny", dir.path());
    let data = data(dir.path(), 12);
    let args = [
        "--data",
        data.to_str().unwrap(),
        "--classifier",
        "zero-shot",
        "--embed-model-dir",
        model.to_str().unwrap(),
        "--label-descriptions",
        "bad|good",
    ];
    assert_fresh_after(&args, dir.path(), || {
        std::fs::create_dir(model.join("1_Pooling")).unwrap();
        std::fs::write(
            model.join("1_Pooling/config.json"),
            r#"{"word_embedding_dimension": 32, "pooling_mode_cls_token": true}"#,
        )
        .unwrap();
    });
    let keys = std::fs::read_dir(dir.path().join("cache/reviewlens/embeddings"))
        .unwrap()
        .count();
    assert_eq!(keys, 2, "the embeddings of each pooling are kept apart");
}

#[test]
fn a_normalize_step_is_not_served_from_the_head_or_embedding_cache() {
    let dir = tempfile::tempdir().unwrap();
    let model = copy_model("bert-tiny", dir.path());
    let data = data(dir.path(), 40);
    let args = [
        "--data",
        data.to_str().unwrap(),
        "--classifier",
        "embed",
        "--embed-model-dir",
        model.to_str().unwrap(),
    ];
    assert_fresh_after(&args, dir.path(), || {
        std::fs::write(
            model.join("modules.json"),
            r#"[{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]"#,
        )
        .unwrap();
    });
    let cache = dir.path().join("cache/reviewlens");
    let count = |kind: &str| std::fs::read_dir(cache.join(kind)).unwrap().count();
    assert_eq!(
        (count("heads"), count("embeddings")),
        (2, 2),
        "a head and embeddings for each model"
    );
}

#[test]
fn a_model_folder_identity_covers_its_configs_and_tokenizer_files() {
    let dir = tempfile::tempdir().unwrap();
    let model = copy_model("bert-tiny", dir.path());
    let identity = || {
        reviewlens::model::ModelFiles::from_dir(&model)
            .unwrap()
            .identity
    };
    let mut seen = vec![identity()];
    let mut changed = |what: &str| {
        let now = identity();
        assert!(!seen.contains(&now), "{what} changes the identity");
        seen.push(now);
    };
    edit_json(&model.join("config.json"), |v| {
        v["id2label"]["0"] = "BAD".into()
    });
    changed("config.json");
    edit_json(&model.join("tokenizer.json"), |v| {
        v["truncation"] = 1.into()
    });
    changed("tokenizer.json");
    edit_json(&model.join("tokenizer_config.json"), |v| {
        v["do_lower_case"] = false.into()
    });
    changed("tokenizer_config.json");
    std::fs::write(model.join("vocab.txt"), "[PAD]\n").unwrap();
    changed("vocab.txt");
    std::fs::write(model.join("sentence_bert_config.json"), "{}").unwrap();
    changed("sentence_bert_config.json");
    std::fs::write(model.join("modules.json"), "[]").unwrap();
    changed("modules.json");
    std::fs::create_dir(model.join("1_Pooling")).unwrap();
    std::fs::write(model.join("1_Pooling/config.json"), "{}").unwrap();
    changed("1_Pooling/config.json");
    // The same bytes in another folder are the same model.
    let copy = dir.path().join("copy");
    std::fs::create_dir_all(copy.join("1_Pooling")).unwrap();
    for entry in std::fs::read_dir(&model).unwrap().flatten() {
        if entry.path().is_file() {
            std::fs::copy(entry.path(), copy.join(entry.file_name())).unwrap();
        }
    }
    std::fs::copy(
        model.join("1_Pooling/config.json"),
        copy.join("1_Pooling/config.json"),
    )
    .unwrap();
    let same = reviewlens::model::ModelFiles::from_dir(&copy).unwrap();
    assert_eq!(same.identity, identity());
}

#[test]
fn int8_predictions_are_not_served_from_the_f32_cache() {
    let dir = tempfile::tempdir().unwrap();
    let model = copy_model("distilbert-tiny", dir.path());
    let data = data(dir.path(), 12);
    let args = model_args(&data, &model);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (cache, out) = (dir.path().join("cache"), dir.path().join("p.jsonl"));
    let f32_run = predict(&args, &cache, &out).1;
    let (log, int8) = predict(&[&args[..], &["--dtype", "int8"]].concat(), &cache, &out);
    assert!(!log.contains("from the cache"), "{log}");
    assert_ne!(answers(&f32_run), answers(&int8), "int8 rounds differently");
    let (log, again) = predict(&[&args[..], &["--dtype", "int8"]].concat(), &cache, &out);
    assert!(log.contains("predictions from the cache"), "{log}");
    assert_eq!(answers(&int8), answers(&again));
    assert_eq!(cached_dtypes(&cache, "predictions"), ["F32", &int8_key()]);
}

/// The embedding cache keeps int8 vectors apart from f32's, under the weights' range as well.
#[test]
fn int8_embeddings_are_cached_apart_with_their_weight_range() {
    let dir = tempfile::tempdir().unwrap();
    let model = copy_model("bert-tiny", dir.path());
    let data = data(dir.path(), 12);
    let (cache, out) = (dir.path().join("cache"), dir.path().join("p.jsonl"));
    let (data, model) = (data.to_str().unwrap(), model.to_str().unwrap());
    let args = [
        "--data",
        data,
        "--classifier",
        "embed",
        "--embed-model-dir",
        model,
    ];
    predict(&args, &cache, &out);
    predict(&[&args[..], &["--dtype", "int8"]].concat(), &cache, &out);
    let int8 = format!("cpu {}", int8_key());
    assert_eq!(cached_dtypes(&cache, "embeddings"), [&int8, "cpu f32"]);
}

/// What int8 is keyed as on this CPU: its weights' range goes with it.
fn int8_key() -> String {
    format!("Int8 w{}", reviewlens_kernels::weight_levels())
}

/// The `dtype` of every key of one cache (`predictions`, `embeddings`) under `cache`, sorted.
fn cached_dtypes(cache: &Path, kind: &str) -> Vec<String> {
    let keys = std::fs::read_dir(cache.join("reviewlens").join(kind)).unwrap();
    let mut dtypes: Vec<String> = keys
        .map(|entry| {
            let text = std::fs::read_to_string(entry.unwrap().path().join("key.json")).unwrap();
            let key: serde_json::Value = serde_json::from_str(&text).unwrap();
            key["dtype"].as_str().unwrap().to_owned()
        })
        .collect();
    dtypes.sort();
    dtypes
}
