//! Where classification runs, off the UI thread: the worker loop and its queues, the session that
//! loads a classifier and keeps its prediction cache, the loaded classifier itself (`Predictor`),
//! training of embedding heads, and the embeddings shared between classifiers.

pub mod explanations;
pub mod predictor;
pub mod session;
pub mod spec;
pub mod training;
pub mod vectors;
pub mod worker;

pub use session::Session;
pub use spec::ClassifierSpec;
