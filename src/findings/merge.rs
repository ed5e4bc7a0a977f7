//! Two findings files of the same data made one: per review, tags are united and a mark kept if
//! either has it; a corrected label or a note set differently in both is a conflict, the first
//! file's kept and the conflict listed.

use super::{Entry, Field, Finding, Findings, RowKey};

/// A field both files set, differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub row: RowKey,
    /// The first file's value (kept) and the second's.
    pub first: Field,
    pub second: Field,
}

/// The merged findings as a journal of changes from nothing, and the conflicts.
pub fn merge(first: &Findings, second: &Findings) -> (Vec<Entry>, Vec<Conflict>) {
    let mut rows: Vec<&RowKey> = first.iter().map(|(k, _)| k).collect();
    rows.extend(
        second
            .iter()
            .map(|(k, _)| k)
            .filter(|k| first.get(k).is_none()),
    );
    rows.sort();
    let mut merged = Findings::default();
    let mut entries = Vec::new();
    let mut conflicts = Vec::new();
    let empty = Finding::default();
    for row in rows {
        let a = first.get(row).unwrap_or(&empty);
        let b = second.get(row).unwrap_or(&empty);
        let mut either = |x: Option<Field>, y: Option<Field>| match (x, y) {
            (Some(x), Some(y)) if x != y => {
                conflicts.push(Conflict {
                    row: row.clone(),
                    first: x.clone(),
                    second: y,
                });
                Some(x)
            }
            (x, y) => x.or(y),
        };
        let label = either(
            a.label.map(|l| Field::Label(Some(l))),
            b.label.map(|l| Field::Label(Some(l))),
        );
        let note = either(
            a.note.clone().map(|n| Field::Note(Some(n))),
            b.note.clone().map(|n| Field::Note(Some(n))),
        );
        let tags = Field::Tags(a.tags.union(&b.tags).cloned().collect());
        let marked = Field::Marked(a.marked || b.marked);
        for field in [label, note, Some(tags), Some(marked)]
            .into_iter()
            .flatten()
        {
            if let Some(e) = merged.change(row, field) {
                merged.apply(&e);
                entries.push(e);
            }
        }
    }
    (entries, conflicts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(i: u64) -> RowKey {
        RowKey {
            split: "test".into(),
            row_index: i,
        }
    }

    fn findings(changes: &[(u64, Field)]) -> Findings {
        let mut f = Findings::default();
        for (row, field) in changes {
            let e = f.change(&key(*row), field.clone()).unwrap();
            f.apply(&e);
        }
        f
    }

    #[test]
    fn tags_unite_marks_stay_and_different_labels_conflict() {
        let a = findings(&[
            (1, Field::Label(Some(0))),
            (1, Field::Tags(["x".to_owned()].into())),
            (2, Field::Note(Some("a's".into()))),
        ]);
        let b = findings(&[
            (1, Field::Label(Some(1))),
            (1, Field::Tags(["y".to_owned()].into())),
            (2, Field::Note(Some("a's".into()))),
            (3, Field::Marked(true)),
        ]);
        let (entries, conflicts) = merge(&a, &b);
        let merged = Findings::replay(&entries);
        let one = merged.get(&key(1)).unwrap();
        assert_eq!(one.label, Some(0), "the first file's label is kept");
        assert_eq!(one.tags.len(), 2);
        assert_eq!(merged.get(&key(2)).unwrap().note.as_deref(), Some("a's"));
        assert!(merged.get(&key(3)).unwrap().marked);
        assert_eq!(
            conflicts,
            vec![Conflict {
                row: key(1),
                first: Field::Label(Some(0)),
                second: Field::Label(Some(1)),
            }]
        );
    }
}
