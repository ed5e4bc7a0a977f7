//! The one error type the program reports. Every variant renders as a single line that says what went
//! wrong, where, and (when there is something to do) what to do about it.

use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input: a path, a file's contents, a column. Exit code 2.
    #[error("{place}: {problem}")]
    Input { place: String, problem: String },
    /// A complete one-line message (e.g. a model that would not load, reported by the worker). Exit 2.
    #[error("{0}")]
    Message(String),
    /// The user stopped the work (e.g. training a head with `x`); says how far it got. Exit code 2.
    #[error("{0}")]
    Stopped(String),
    /// The terminal could not be set up or written to. Exit code 1.
    #[error("terminal: {0}")]
    Terminal(#[source] std::io::Error),
}

impl Error {
    pub fn input(place: impl std::fmt::Display, problem: impl Into<String>) -> Self {
        Error::Input {
            place: place.to_string(),
            problem: problem.into(),
        }
    }

    pub fn at_path(path: &Path, problem: impl Into<String>) -> Self {
        Self::input(path.display(), problem)
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input { .. } | Error::Message(_) | Error::Stopped(_) => 2,
            Error::Terminal(_) => 1,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
