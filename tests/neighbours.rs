//! The approximate neighbour index (HNSW) against exact search, forced on a few thousand synthetic
//! clustered rows by a lower threshold: its recall, the planted near duplicates it finds, and the
//! same answer on every run. The exact path itself is held to cleanlab's goldens in
//! tests/duplicates.rs.

#[path = "support/clustered.rs"]
mod clustered;

use reviewlens::label_issues::neighbours::{self, exact, nearest};
use reviewlens::label_issues::{Method, NearDuplicates, Search, near_duplicates_with};

const ROWS: usize = 3_000;
const DIM: usize = 64;

/// The approximate path, forced (exact search only up to 100 rows), measuring recall on every row.
fn approximate() -> Search {
    Search {
        exact_up_to: 100,
        recall_sample: ROWS,
    }
}

fn check(search: Search) -> NearDuplicates {
    let data = clustered::clustered(ROWS, DIM, 30, 7);
    near_duplicates_with(&data.x, DIM, search).unwrap()
}

#[test]
fn the_index_finds_nine_in_ten_of_the_exact_neighbours() {
    let ann = check(approximate());
    let Method::Hnsw(recall) = ann.neighbours else {
        panic!("the index was not used: {:?}", ann.neighbours);
    };
    assert_eq!((recall.k, recall.sampled), (10, ROWS));
    assert!(recall.at_k >= 0.9, "recall@10 {}", recall.at_k);
    assert!(recall.at_k <= 1.0, "recall@10 {}", recall.at_k);
}

#[test]
fn the_index_finds_the_planted_near_duplicates_as_exact_search_does() {
    let data = clustered::clustered(ROWS, DIM, 30, 7);
    assert!(data.pairs.len() >= 25, "{} planted pairs", data.pairs.len());
    let ann = near_duplicates_with(&data.x, DIM, approximate()).unwrap();
    let exact = near_duplicates_with(&data.x, DIM, Search::default()).unwrap();
    assert_eq!(exact.neighbours, Method::Exact);
    for &(copy, original) in &data.pairs {
        assert!(
            ann.sets[copy].contains(&original),
            "row {copy} is a copy of {original}"
        );
        assert!(
            ann.sets[original].contains(&copy),
            "row {original} was copied as {copy}"
        );
    }
    assert_eq!(ann.sets, exact.sets, "near-duplicate sets");
}

#[test]
fn the_index_gives_the_same_neighbours_on_every_run() {
    let (first, second) = (check(approximate()), check(approximate()));
    assert_eq!(first, second);
}

/// Recall is measured, not assumed: neighbours that are not the nearest lower it.
#[test]
fn recall_counts_only_neighbours_as_near_as_the_exact_ones() {
    let data = clustered::clustered(500, DIM, 5, 3);
    let all: Vec<usize> = (0..500).collect();
    let truth = exact(&data.x, DIM, 10, &all);
    let perfect = neighbours::recall(&data.x, DIM, &truth, 500);
    assert_eq!((perfect.at_k, perfect.sampled, perfect.k), (1.0, 500, 10));
    let far = exact(&data.x, DIM, 20, &all);
    let worse: Vec<_> = far.into_iter().map(|l| l[10..].to_vec()).collect();
    let r = neighbours::recall(&data.x, DIM, &worse, 100);
    assert!(
        r.at_k < 0.05,
        "the 11th to 20th nearest rows have recall@10 {}",
        r.at_k
    );
    assert_eq!(r.sampled, 100);
    let (lists, method) = nearest(&data.x, DIM, 10, Search::default());
    assert_eq!((lists, method), (truth, Method::Exact));
}
