//! Names from a Hub and from the command line never become paths unchecked. A stand-in Hub on
//! loopback sends a crafted `etag`, a crafted `x-repo-commit`, a crafted commit in its listing, and a
//! dataset file named `../…`; the user passes a revision that climbs out of the cache. Each is one
//! line and exit code 2, and nothing outside the cache changes: the file planted beside it keeps its
//! bytes and no file or folder appears.

#[path = "support/stand_in_hub.rs"]
mod stand_in_hub;

use stand_in_hub::{Files, Place, VICTIM, assert_refused, dataset_files, model_files, serve};

/// Climbs from a folder of the Hub cache (`blobs/`, `refs/`, `snapshots/`) to the place's root.
const UP: &str = "../../../../..";

fn untouched(
    place: &Place,
    before: &std::collections::BTreeMap<std::path::PathBuf, Option<Vec<u8>>>,
) {
    assert_eq!(
        std::fs::read(place.root().join("victim")).unwrap(),
        VICTIM,
        "the file outside the cache was overwritten"
    );
    let after = place.outside();
    let new: Vec<_> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    assert!(new.is_empty(), "written outside the cache: {new:?}");
    assert_eq!(&after, before, "something outside the cache changed");
}

fn model_hub(tweak: impl FnOnce(&mut Files)) -> stand_in_hub::Hub {
    let mut files = Files::new(model_files());
    tweak(&mut files);
    serve(move |req| files.reply(req))
}

#[test]
fn an_etag_that_climbs_out_of_the_cache_is_refused() {
    let hub = model_hub(|f| f.etag = Some(format!("{UP}/victim")));
    let place = Place::new();
    let before = place.outside();
    let (code, stderr) = place.predict(&hub, "someone/tiny", &[]);
    assert_refused(code, &stderr, &["someone/tiny@main", "etag", "HF_ENDPOINT"]);
    untouched(&place, &before);
    assert!(!place.output().exists());
}

#[test]
fn a_commit_header_that_climbs_out_of_the_cache_is_refused() {
    let hub = model_hub(|f| f.commit_header = format!("{UP}/evil"));
    let place = Place::new();
    let before = place.outside();
    let (code, stderr) = place.predict(&hub, "someone/tiny", &[]);
    assert_refused(code, &stderr, &["someone/tiny@main", "commit"]);
    untouched(&place, &before);
}

#[test]
fn a_listed_commit_that_climbs_out_of_the_cache_is_refused() {
    let hub = model_hub(|f| {
        f.sha = format!("{UP}/evil");
        f.commit_header = f.sha.clone();
    });
    let place = Place::new();
    let before = place.outside();
    let (code, stderr) = place.predict(&hub, "someone/tiny", &[]);
    assert_refused(code, &stderr, &["someone/tiny@main", "commit"]);
    untouched(&place, &before);
}

#[test]
fn a_listed_dataset_file_that_climbs_out_of_the_cache_is_refused() {
    let evil = format!("{UP}/../evil/train-00000-of-00001.parquet");
    let mut files = dataset_files();
    let bytes = files
        .remove("amazon_polarity/train-00000-of-00001.parquet")
        .unwrap();
    files.clear();
    files.insert(evil, bytes);
    let files = Files::new(files);
    let hub = serve(move |req| files.reply(req));
    let place = Place::new();
    let before = place.outside();
    let out = place.output();
    let args = [
        "--hub=someone/data",
        "--train",
        "5",
        "sample",
        "--output",
        out.to_str().unwrap(),
    ];
    let (code, stderr) = place.run(&hub, &args, &[]);
    assert_refused(code, &stderr, &["someone/data@main", "file name", "../"]);
    untouched(&place, &before);
}

#[test]
fn a_revision_that_climbs_out_of_the_cache_is_refused_before_any_request() {
    // The stand-in would serve the model: the name is refused before the Hub is asked.
    let hub = model_hub(|_| {});
    let place = Place::new();
    let before = place.outside();
    for model in [format!("someone/tiny@{UP}/x"), "someone/tiny@/etc".into()] {
        let (code, stderr) = place.predict(&hub, &model, &[]);
        assert_refused(code, &stderr, &["revision"]);
    }
    let out = place.output();
    let revision = format!("--revision={UP}/x");
    let args = [
        "--hub=someone/data",
        revision.as_str(),
        "sample",
        "--output",
        out.to_str().unwrap(),
    ];
    let (code, stderr) = place.run(&hub, &args, &[]);
    assert_refused(code, &stderr, &["revision"]);
    untouched(&place, &before);
}

#[test]
fn offline_a_revision_never_loads_a_model_from_outside_the_cache() {
    let hub = model_hub(|_| {});
    let place = Place::new();
    // A complete model folder beside the cache, where `snapshots/<UP>/outside-model` points.
    let outside = place.root().join("outside-model");
    std::fs::create_dir(&outside).unwrap();
    for (name, bytes) in model_files() {
        std::fs::write(outside.join(name), bytes).unwrap();
    }
    std::fs::create_dir_all(place.cache().join("models--someone--tiny/snapshots")).unwrap();
    std::fs::create_dir_all(place.cache().join("models--someone--tiny/refs")).unwrap();
    let before = place.outside();
    let model = format!("someone/tiny@{UP}/outside-model");
    let (code, stderr) = place.predict(&hub, &model, &[("HF_HUB_OFFLINE", "1")]);
    assert_refused(code, &stderr, &["revision"]);
    assert!(!place.output().exists());
    untouched(&place, &before);
}

#[test]
fn a_repo_id_outside_the_hubs_rules_is_refused() {
    let hub = model_hub(|_| {});
    let place = Place::new();
    for model in ["someone/../tiny", "a/b/c", "lead-/name", "someone/tiny--x"] {
        let (code, stderr) = place.predict(&hub, model, &[]);
        assert_refused(code, &stderr, &["repo id"]);
    }
}
