//! What can stop a label-issue computation, each a single line. Callers turn it into the program's
//! [`crate::error::Error`] (exit code 2 headless, a status-bar message in the explorer) with `?`.

/// Why the probabilities, labels or options cannot be checked for label issues.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LabelIssuesError {
    #[error("no rows to check; label issues need at least one row per class")]
    NoRows,
    #[error("{classes} class(es) of probabilities; label issues need at least 2 classes")]
    TooFewClasses { classes: usize },
    #[error(
        "{values} probabilities for {rows} labels is not {classes} per row; give one row of {classes} per label"
    )]
    Shape {
        values: usize,
        rows: usize,
        classes: usize,
    },
    #[error("row {row}: label {label} is not a class (there are {classes}: 0 to {})", classes - 1)]
    LabelOutOfRange {
        row: usize,
        label: usize,
        classes: usize,
    },
    #[error("row {row}, class {class}: probability {value} is not a number in [0, 1]")]
    NotAProbability {
        row: usize,
        class: usize,
        value: f64,
    },
    #[error(
        "row {row}: probabilities sum to {sum}, not 1; give a probability distribution per row (e.g. a softmax)"
    )]
    NotADistribution { row: usize, sum: f64 },
    #[error("every row is labelled class {class}; label issues need rows of at least 2 classes")]
    SingleClass { class: usize },
    #[error(
        "class {class} labels {count} row(s); label issues need at least {needed} rows of every class"
    )]
    TooFewExamples {
        class: usize,
        count: usize,
        needed: usize,
    },
    #[error("{0}")]
    Unsupported(String),
    #[error("{folds} folds: cross-validation needs at least 2")]
    TooFewFolds { folds: usize },
    #[error("{folds} folds for {rows} rows: give at most one fold per row")]
    MoreFoldsThanRows { folds: usize, rows: usize },
    #[error("{folds} folds, but no class has {folds} rows: give fewer folds")]
    MoreFoldsThanClassRows { folds: usize },
}

impl From<LabelIssuesError> for crate::error::Error {
    fn from(e: LabelIssuesError) -> Self {
        crate::error::Error::input("label issues", e.to_string())
    }
}
