//! The headless subcommands: how scripts, CI and benchmarks use reviewlens. Each takes the loaded
//! data and its options and prints or writes its result.

pub mod check;
mod classify;
mod duplicates;
pub mod eval;
pub mod explain;
pub mod findings;
pub mod label_issues;
pub mod predict;
pub mod sample;
pub mod snapshot;
