//! `f` and `/~text`: the rows ranked by embedding similarity, asked of the worker and shown as the
//! list (in the ranking's order, with the other filters; Esc brings every row back); and the
//! worker's ranking itself, against cosines computed straight from the embedding model.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::channel;
use std::time::Duration;

use common::*;
use reviewlens::app::{
    Action::*, Command, Msg, Side, SimilarTo, SplitView, State, WorkerMsg, update,
};
use reviewlens::model::embed::Embedder;
use reviewlens::model::heads::unit;
use reviewlens::model::{ModelFiles, ModelSource, RunOptions};
use reviewlens::runtime::worker::{self, Request};
use reviewlens::runtime::{ClassifierSpec, Session};

#[test]
fn f_shows_the_nearest_reviews_in_their_order_and_esc_brings_all_back() {
    let mut s = State::new(tiny(), (120, 30));
    apply(&mut s, &[Down]);
    let commands = update(&mut s, FindSimilar.into());
    assert_eq!(
        commands,
        vec![Command::Similar {
            side: Side::A,
            to: SimilarTo::Row(1),
            k: 20
        }]
    );
    // A ranking over both splits: the train view shows its train rows, in the ranking's order.
    let ranked = vec![(4, 0.9), (7, 0.8), (0, 0.7), (5, 0.2)];
    let report = |s: &mut State, to: SimilarTo, result| {
        update(s, Msg::Worker(Side::A, WorkerMsg::Similar { to, result }));
    };
    report(&mut s, SimilarTo::Row(3), Ok(ranked.clone()));
    assert_eq!(
        s.view.len(),
        6,
        "an answer to something not asked is dropped"
    );
    report(&mut s, SimilarTo::Row(1), Ok(ranked));
    assert_eq!(s.view, vec![4, 0, 5]);
    assert_eq!(s.selected, 0);
    let screen = reviewlens::ui::snapshot::render(&s);
    assert!(
        screen.contains("similar to train:1: cosine 0.90 (#1 of 4)"),
        "{screen}"
    );
    apply(&mut s, &[NextSplit]);
    assert_eq!(s.view, vec![7]);
    s.split = SplitView::One(0);
    apply(&mut s, &[Down, Escape]);
    assert_eq!(s.view.len(), 6);
    assert_eq!(
        s.selected_row(),
        Some(0),
        "the selection stays on its review"
    );
    // `/~text`: a semantic search asks for every row ranked by the text, and clears the search.
    apply(&mut s, &[StartSearch]);
    type_text(&mut s, "~ battery died ");
    let commands = update(&mut s, SearchConfirm.into());
    let to = SimilarTo::Text("battery died".into());
    assert_eq!(
        commands,
        vec![Command::Similar {
            side: Side::A,
            to: to.clone(),
            k: 10
        }]
    );
    assert!(s.search.is_none());
    report(
        &mut s,
        to,
        Err("no embedding model for similar reviews: give --embed-model".into()),
    );
    assert!(s.alert.as_deref().unwrap().contains("give --embed-model"));
}

fn bert() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/bert-tiny")
}

/// The worker's ranking is the cosines of the embedding model's vectors, sorted (the row asked
/// about left out), for a row and for a text.
#[test]
fn the_worker_ranks_rows_by_the_cosine_of_their_embeddings() {
    let distilbert =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/distilbert-tiny");
    let mut session = Session::new(
        ClassifierSpec::Sequence {
            model: ModelSource::Dir(distilbert),
        },
        vec!["negative".into(), "positive".into()],
        RunOptions::default(),
        None,
        "d".into(),
        "content".into(),
    );
    session.neighbours_model = Some(ModelSource::Dir(bert()));
    let (tx, rx) = channel();
    let out: worker::Out = Arc::new(move |m| {
        let _ = tx.send(m);
    });
    let requests = worker::spawn(session, Some(8), out);
    let data = tiny();
    let rows: Vec<(u32, String, u32)> = (data.rows.iter().enumerate())
        .map(|(i, r)| (i as u32, r.content.to_owned(), r.label))
        .collect();
    let embedder = Embedder::load(
        &ModelFiles::from_dir(&bert()).unwrap(),
        &RunOptions::default(),
    )
    .unwrap();
    let vector = |t: &str| {
        let e = embedder.tokenize(&[t]).unwrap();
        unit(&embedder.embed(&e.iter().collect::<Vec<_>>()).unwrap()[0])
    };
    for (to, k) in [
        (SimilarTo::Row(2), 5),
        (SimilarTo::Text("great value for money".into()), 10),
    ] {
        requests
            .send(Request::Similar {
                to: to.clone(),
                rows: rows.clone(),
                k,
            })
            .unwrap();
        let got = loop {
            let msg = rx.recv_timeout(Duration::from_secs(120)).unwrap();
            if let WorkerMsg::Similar { result, .. } = msg {
                break result.unwrap();
            }
        };
        let query = match &to {
            SimilarTo::Row(r) => vector(&rows[*r as usize].1),
            SimilarTo::Text(t) => vector(t),
        };
        let mut want: Vec<(u32, f32)> = (rows.iter())
            .filter(|(r, _, _)| to != SimilarTo::Row(*r))
            .map(|(r, t, _)| (*r, vector(t).iter().zip(&query).map(|(a, b)| a * b).sum()))
            .collect();
        want.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        want.truncate(k);
        assert_eq!(got.len(), want.len(), "{to:?}");
        for (g, w) in got.iter().zip(&want) {
            assert!((g.1 - w.1).abs() < 1e-4, "{to:?}: {got:?} vs {want:?}");
        }
        let rows_got: Vec<u32> = got.iter().map(|g| g.0).collect();
        let rows_want: Vec<u32> = want.iter().map(|w| w.0).collect();
        assert_eq!(rows_got, rows_want, "{to:?}");
    }
}
