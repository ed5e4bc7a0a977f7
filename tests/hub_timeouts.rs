//! A Hub that accepts the connection and then says nothing (or stops half way through a file) ends
//! the run with one line naming the endpoint, after a bounded number of tries; a connection dropped
//! once is tried again. `REVIEWLENS_HUB_TIMEOUT_SECS=1` keeps these quick; no assertion is about
//! time (a run that has not ended after two minutes counts as hung).

#[path = "support/stand_in_hub.rs"]
mod stand_in_hub;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use stand_in_hub::{Files, Place, Reply, assert_refused, dataset_files, model_files, serve};

const QUICK: [(&str, &str); 1] = [("REVIEWLENS_HUB_TIMEOUT_SECS", "1")];

#[test]
fn a_hub_that_never_answers_ends_the_run_naming_the_endpoint() {
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let hub = serve(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
        Reply::Hang
    });
    let place = Place::new();
    let (code, stderr) = place.predict(&hub, "someone/tiny", &QUICK);
    assert_refused(
        code,
        &stderr,
        &["someone/tiny@main", &hub.url, "did not answer"],
    );
    let tries = asked.load(Ordering::SeqCst);
    assert!(
        (2..=5).contains(&tries),
        "a bounded retry, not {tries} requests"
    );

    let out = place.output();
    let args = [
        "--hub=someone/data",
        "sample",
        "--output",
        out.to_str().unwrap(),
    ];
    let (code, stderr) = place.run(&hub, &args, &QUICK);
    assert_refused(
        code,
        &stderr,
        &["someone/data@main", &hub.url, "did not answer"],
    );
}

#[test]
fn a_file_that_never_comes_ends_the_run_naming_the_endpoint() {
    let files = Files::new(model_files());
    let hub = serve(move |req| {
        if req.path.starts_with("/api/") {
            files.reply(req)
        } else {
            Reply::Hang
        }
    });
    let place = Place::new();
    let (code, stderr) = place.predict(&hub, "someone/tiny", &QUICK);
    assert_refused(
        code,
        &stderr,
        &["cannot download", &hub.url, "did not answer"],
    );
}

#[test]
fn a_file_that_stops_half_way_ends_the_run_naming_the_endpoint() {
    let files = Files::new(dataset_files());
    let hub = serve(move |req| {
        let reply = files.reply(req);
        // The listing and the metadata request (`bytes=0-0`) are answered; a body stops half way.
        let body = !req.path.starts_with("/api/") && req.range != Some((0, Some(0)));
        match reply {
            Reply::Raw(bytes) if body => Reply::Stall(bytes[..bytes.len() / 2].to_vec()),
            reply => reply,
        }
    });
    let place = Place::new();
    let out = place.output();
    let args = [
        "--hub=someone/data",
        "sample",
        "--output",
        out.to_str().unwrap(),
    ];
    let (code, stderr) = place.run(&hub, &args, &QUICK);
    assert_refused(
        code,
        &stderr,
        &["cannot download", &hub.url, "did not answer"],
    );
}

#[test]
fn a_connection_dropped_once_is_tried_again() {
    let files = Files::new(model_files());
    let drops = Arc::new(AtomicUsize::new(0));
    let hub = serve(move |req| {
        // The first answer to the listing and to each file's first request is a closed connection.
        if drops.fetch_add(1, Ordering::SeqCst).is_multiple_of(2) {
            return Reply::Raw(Vec::new());
        }
        files.reply(req)
    });
    let place = Place::new();
    let (code, stderr) = place.predict(&hub, "someone/tiny", &QUICK);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        std::fs::read_to_string(place.output())
            .unwrap()
            .lines()
            .count(),
        3
    );
}
