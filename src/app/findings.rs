//! The explorer's side of findings (`crate::findings`): which review a row is, the filters on
//! findings, and how a finding is told.

use super::state::State;
use crate::findings::{Finding, RowKey};

/// `F` and `T`: only the reviews with a finding of a kind, or with one tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindingFilter {
    Marked,
    Corrected,
    Noted,
    Tagged,
    Tag(String),
}

impl FindingFilter {
    /// `F`: none → marked → corrected → noted → tagged → none (a tag filter goes to none).
    pub fn next(current: Option<&FindingFilter>) -> Option<FindingFilter> {
        use FindingFilter::*;
        match current {
            None | Some(Tag(_)) => Some(Marked),
            Some(Marked) => Some(Corrected),
            Some(Corrected) => Some(Noted),
            Some(Noted) => Some(Tagged),
            Some(Tagged) => None,
        }
    }

    pub fn keeps(&self, f: Option<&Finding>) -> bool {
        let Some(f) = f else { return false };
        match self {
            FindingFilter::Marked => f.marked,
            FindingFilter::Corrected => f.label.is_some(),
            FindingFilter::Noted => f.note.is_some(),
            FindingFilter::Tagged => !f.tags.is_empty(),
            FindingFilter::Tag(t) => f.tags.contains(t),
        }
    }

    /// "marked", "tag kindle", for the status bar.
    pub fn describe(&self) -> String {
        match self {
            FindingFilter::Marked => "marked".into(),
            FindingFilter::Corrected => "corrected".into(),
            FindingFilter::Noted => "with a note".into(),
            FindingFilter::Tagged => "tagged".into(),
            FindingFilter::Tag(t) => format!("tag {t}"),
        }
    }
}

impl State {
    /// Row `row`'s identity in the findings: its split and row index.
    pub fn row_key(&self, row: usize) -> RowKey {
        RowKey {
            split: self.data.split_of(row).to_owned(),
            row_index: self.data.rows.row_index(row),
        }
    }

    /// Row `row`'s finding, if it has one.
    pub fn finding(&self, row: usize) -> Option<&Finding> {
        self.findings.get(&self.row_key(row))
    }
}

/// "corrected: positive · tags: kindle, returns · marked", or `None` without a finding.
pub fn finding_line(state: &State, row: usize) -> Option<String> {
    let f = state.finding(row)?;
    let mut parts = Vec::new();
    if let Some(l) = f.label {
        parts.push(format!("corrected to {}", state.data.label_name(l)));
    }
    if !f.tags.is_empty() {
        let tags: Vec<&str> = f.tags.iter().map(String::as_str).collect();
        parts.push(format!("tags: {}", tags.join(", ")));
    }
    if f.marked {
        parts.push("marked".into());
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}
