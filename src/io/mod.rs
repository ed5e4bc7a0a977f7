//! Writing, at the edges: atomic file writes, where outputs may go, the one parquet encoder, the
//! prediction and embedding caches, results on stdout, and tables of reviews and predictions
//! (exports and `predict` outputs).

pub mod atomic;
pub mod findings;
pub mod mapped;
pub mod output;
pub mod parquet;
pub mod stdout;
pub mod store;
pub mod table;
