//! `D`: near duplicates among every row (cleanlab Datalab's definition), found on the worker from
//! an embedding model: what they say about labels (a duplicate labelled otherwise) and about the
//! splits (a test row with a duplicate in train has leaked).

use std::collections::HashMap;

use crate::data::Dataset;

/// What `D` asked for and found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Duplicates {
    /// The worker is finding them.
    pub asked: bool,
    /// Each row with near duplicates, and those rows (ascending); or why none could be found.
    pub found: Option<Result<HashMap<u32, Vec<u32>>, String>>,
}

/// Counts over some rows: with a near duplicate, labelled unlike one, test rows leaked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DuplicateCounts {
    pub near: usize,
    pub conflicting: usize,
    pub leaked: usize,
}

impl Duplicates {
    /// Row `row`'s near duplicates, once found.
    pub fn of(&self, row: u32) -> &[u32] {
        match &self.found {
            Some(Ok(sets)) => sets.get(&row).map_or(&[], Vec::as_slice),
            _ => &[],
        }
    }

    /// Whether a near duplicate of `row` has another gold label.
    pub fn conflicts(&self, data: &Dataset, row: u32) -> bool {
        let label = data.rows.label(row as usize);
        (self.of(row).iter()).any(|&j| data.rows.label(j as usize) != label)
    }

    /// Whether `row` is a test row with a near duplicate in train.
    pub fn leaked(&self, data: &Dataset, row: u32) -> bool {
        data.split_of(row as usize) == "test"
            && (self.of(row).iter()).any(|&j| data.split_of(j as usize) == "train")
    }

    /// The counts over `rows`.
    pub fn counts(&self, data: &Dataset, rows: impl Iterator<Item = u32>) -> DuplicateCounts {
        let mut c = DuplicateCounts::default();
        for row in rows.filter(|&r| !self.of(r).is_empty()) {
            c.near += 1;
            c.conflicting += self.conflicts(data, row) as usize;
            c.leaked += self.leaked(data, row) as usize;
        }
        c
    }
}
