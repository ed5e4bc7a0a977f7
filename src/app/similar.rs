//! `f` and `~` searches: the rows ranked by embedding similarity to a review or to a text, found on
//! the worker. While a ranking is shown the list holds its rows in its order (with the other
//! filters); Esc brings every row back.

use std::collections::HashMap;

use super::protocol::SimilarTo;

/// Reviews asked for most like a review (`f`, the 20 nearest) or a text (`/~text`, every row).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Similar {
    /// Asked, and not answered yet.
    pub asked: Option<SimilarTo>,
    /// The ranking the list shows: what it is by, and (row, cosine), most similar first.
    pub shown: Option<(SimilarTo, Vec<(u32, f32)>)>,
}

/// Reviews `f` lists.
pub const NEAREST: usize = 20;

impl Similar {
    /// Each ranked row's place, when a ranking is shown.
    pub fn places(&self) -> Option<HashMap<u32, usize>> {
        let (_, ranked) = self.shown.as_ref()?;
        Some(
            ranked
                .iter()
                .enumerate()
                .map(|(i, &(r, _))| (r, i))
                .collect(),
        )
    }

    /// Row `row`'s place in the ranking shown and its similarity.
    pub fn of(&self, row: u32) -> Option<(usize, f32)> {
        let (_, ranked) = self.shown.as_ref()?;
        let at = ranked.iter().position(|&(r, _)| r == row)?;
        Some((at, ranked[at].1))
    }
}
