//! Findings: what the user decided about reviews (a corrected label, tags, a note, a mark), kept as
//! a journal of changes. Each change holds the field's value before and after, so undo is applying
//! the value before, and undo and redo are journal entries too: replaying the journal gives the
//! same findings and the same undo history after a restart. Pure: the journal file is `io::findings`.

mod merge;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

pub use merge::{Conflict, merge};

/// A review's identity that survives re-sampling: its split and its row index in the full split.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RowKey {
    pub split: String,
    pub row_index: u64,
}

/// What is recorded about one review.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Finding {
    /// The label the user says is right, when it differs from the given one.
    pub label: Option<u32>,
    pub tags: BTreeSet<String>,
    pub note: Option<String>,
    pub marked: bool,
}

impl Finding {
    fn is_empty(&self) -> bool {
        *self == Finding::default()
    }
}

/// One field of a finding, with its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Label(Option<u32>),
    Tags(BTreeSet<String>),
    Note(Option<String>),
    Marked(bool),
}

/// A change to one review's finding: the field before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Unique in the journal, increasing.
    pub id: u64,
    pub row: RowKey,
    pub before: Field,
    pub after: Field,
}

/// A line of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entry {
    Change(Change),
    /// The change with this id was undone.
    Undo(u64),
    /// ... and done again.
    Redo(u64),
}

/// Every review's findings, and the undo and redo history, as the journal's entries build them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Findings {
    of: BTreeMap<RowKey, Finding>,
    /// Changes in force, oldest first: `u` undoes the last.
    done: Vec<Change>,
    /// Changes undone, the last undone last: Ctrl-R redoes it. A new change empties it.
    undone: Vec<Change>,
    next_id: u64,
}

impl Findings {
    /// The findings an entire journal builds.
    pub fn replay(entries: &[Entry]) -> Findings {
        let mut f = Findings::default();
        for e in entries {
            f.apply(e);
        }
        f
    }

    /// Applies one journal entry (entries that no longer fit, an undo of nothing, are skipped).
    pub fn apply(&mut self, entry: &Entry) {
        match entry {
            Entry::Change(c) => {
                self.set(&c.row, &c.after);
                self.next_id = self.next_id.max(c.id + 1);
                self.done.push(c.clone());
                self.undone.clear();
            }
            Entry::Undo(id) => {
                if self.done.last().is_some_and(|c| c.id == *id) {
                    let c = self.done.pop().expect("checked");
                    self.set(&c.row, &c.before);
                    self.undone.push(c);
                }
            }
            Entry::Redo(id) => {
                if self.undone.last().is_some_and(|c| c.id == *id) {
                    let c = self.undone.pop().expect("checked");
                    self.set(&c.row, &c.after);
                    self.done.push(c);
                }
            }
        }
    }

    /// The entry that sets `row`'s field to `after` (from what it is now), or `None` when it is
    /// already so.
    pub fn change(&self, row: &RowKey, after: Field) -> Option<Entry> {
        let before = self.field(row, &after);
        (before != after).then(|| {
            Entry::Change(Change {
                id: self.next_id,
                row: row.clone(),
                before,
                after,
            })
        })
    }

    /// The entry that undoes the last change in force, and that change.
    pub fn undo(&self) -> Option<(Entry, &Change)> {
        self.done.last().map(|c| (Entry::Undo(c.id), c))
    }

    /// The entry that redoes the last change undone, and that change.
    pub fn redo(&self) -> Option<(Entry, &Change)> {
        self.undone.last().map(|c| (Entry::Redo(c.id), c))
    }

    pub fn get(&self, row: &RowKey) -> Option<&Finding> {
        self.of.get(row)
    }

    /// Every review with a finding, in (split, row_index) order.
    pub fn iter(&self) -> impl Iterator<Item = (&RowKey, &Finding)> {
        self.of.iter()
    }

    /// Every tag in use, with the reviews that have it, by name.
    pub fn tags(&self) -> BTreeMap<&str, usize> {
        let mut counts = BTreeMap::new();
        for tag in self.of.values().flat_map(|f| &f.tags) {
            *counts.entry(tag.as_str()).or_default() += 1;
        }
        counts
    }

    /// The changes in force, oldest first.
    pub fn history(&self) -> &[Change] {
        &self.done
    }

    /// `row`'s current value of the field `like` names.
    fn field(&self, row: &RowKey, like: &Field) -> Field {
        let f = self.of.get(row).cloned().unwrap_or_default();
        match like {
            Field::Label(_) => Field::Label(f.label),
            Field::Tags(_) => Field::Tags(f.tags),
            Field::Note(_) => Field::Note(f.note),
            Field::Marked(_) => Field::Marked(f.marked),
        }
    }

    fn set(&mut self, row: &RowKey, value: &Field) {
        let f = self.of.entry(row.clone()).or_default();
        match value.clone() {
            Field::Label(l) => f.label = l,
            Field::Tags(t) => f.tags = t,
            Field::Note(n) => f.note = n,
            Field::Marked(m) => f.marked = m,
        }
        if f.is_empty() {
            self.of.remove(row);
        }
    }
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

    /// Changes, undos and redos, applied as they are made, give what replaying their journal gives;
    /// undo walks back through every change and redo forward again; a new change drops the redos.
    #[test]
    fn the_journal_replays_to_the_same_findings_and_history() {
        let mut f = Findings::default();
        let mut journal = Vec::new();
        let mut record = |f: &mut Findings, make: &dyn Fn(&Findings) -> Option<Entry>| {
            let e = make(f).expect("an entry");
            f.apply(&e);
            journal.push(e);
        };
        record(&mut f, &|f| f.change(&key(1), Field::Marked(true)));
        record(&mut f, &|f| f.change(&key(1), Field::Label(Some(0))));
        let tags: BTreeSet<String> = ["kindle".to_owned()].into();
        record(&mut f, &|f| f.change(&key(2), Field::Tags(tags.clone())));
        assert_eq!(
            f.change(&key(1), Field::Marked(true)),
            None,
            "no change, no entry"
        );
        assert_eq!(f.get(&key(1)).unwrap().label, Some(0));
        record(&mut f, &|f| f.undo().map(|(e, _)| e));
        record(&mut f, &|f| f.undo().map(|(e, _)| e));
        assert_eq!(f.get(&key(1)).unwrap().label, None);
        assert_eq!(f.get(&key(2)), None, "an emptied finding is gone");
        record(&mut f, &|f| f.redo().map(|(e, _)| e));
        assert_eq!(f.get(&key(1)).unwrap().label, Some(0));
        record(&mut f, &|f| {
            f.change(&key(3), Field::Note(Some("odd".into())))
        });
        assert!(f.redo().is_none(), "a new change drops what was undone");
        let replayed = Findings::replay(&journal);
        assert_eq!(replayed, f);
        assert_eq!(f.tags().len(), 0);
        // Undo all the way back: nothing left.
        let mut g = replayed;
        while let Some((e, _)) = g.undo() {
            g.apply(&e);
        }
        assert_eq!(g.iter().count(), 0);
    }
}
