//! Every loaded row, column by column: what the list, the search and the classifier read.

use super::Review;
use super::text::TextColumn;

/// One row, borrowed from `Rows`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewRef<'a> {
    /// The row's position in its full split (kept through sampling, shown in the list).
    pub row_index: u64,
    /// Class id, an index into `Dataset::label_names`.
    pub label: u32,
    pub title: &'a str,
    pub content: &'a str,
}

impl ReviewRef<'_> {
    /// Bytes of title and content: what the length column sorts by and `len>N` tests.
    pub fn length(&self) -> usize {
        self.title.len() + self.content.len()
    }

    pub fn to_owned(self) -> Review {
        Review {
            row_index: self.row_index,
            label: self.label,
            title: self.title.to_owned(),
            content: self.content.to_owned(),
        }
    }
}

impl<'a> From<&'a Review> for ReviewRef<'a> {
    fn from(r: &'a Review) -> Self {
        ReviewRef {
            row_index: r.row_index,
            label: r.label,
            title: &r.title,
            content: &r.content,
        }
    }
}

/// The rows' columns, of equal length.
#[derive(Debug, Default, Clone)]
pub struct Rows {
    row_index: Vec<u64>,
    label: Vec<u32>,
    /// Bytes of title and content, kept apart because sorting and filtering by it must not look
    /// the texts up.
    length: Vec<u32>,
    title: TextColumn,
    content: TextColumn,
}

impl Rows {
    pub fn len(&self) -> usize {
        self.label.len()
    }

    pub fn is_empty(&self) -> bool {
        self.label.is_empty()
    }

    pub fn get(&self, i: usize) -> ReviewRef<'_> {
        ReviewRef {
            row_index: self.row_index[i],
            label: self.label[i],
            title: self.title.get(i),
            content: self.content.get(i),
        }
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = ReviewRef<'_>> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    pub fn label(&self, i: usize) -> u32 {
        self.label[i]
    }

    pub fn row_index(&self, i: usize) -> u64 {
        self.row_index[i]
    }

    /// Bytes of title and content (`ReviewRef::length`), without looking the texts up.
    pub fn length(&self, i: usize) -> usize {
        self.length[i] as usize
    }

    pub fn push(&mut self, r: ReviewRef<'_>) {
        self.row_index.push(r.row_index);
        self.label.push(r.label);
        self.length.push(r.length().min(u32::MAX as usize) as u32);
        self.title.push(r.title);
        self.content.push(r.content);
    }

    /// Appends whole columns (one file's rows), moving their text.
    pub(crate) fn append(
        &mut self,
        row_index: Vec<u64>,
        label: Vec<u32>,
        title: TextColumn,
        content: TextColumn,
    ) {
        debug_assert!(row_index.len() == label.len() && title.len() == content.len());
        self.row_index.extend(row_index);
        self.label.extend(label);
        let lengths = (title.lens().zip(content.lens())).map(|(t, c)| (t + c) as u32);
        self.length.extend(lengths);
        self.title.append(title);
        self.content.append(content);
    }

    /// Gives back unused capacity (once every row is in).
    pub(crate) fn shrink(&mut self) {
        self.title.shrink();
        self.content.shrink();
        self.row_index.shrink_to_fit();
        self.label.shrink_to_fit();
        self.length.shrink_to_fit();
    }

    /// Bytes of title and content text held.
    pub fn text_bytes(&self) -> usize {
        self.title.bytes() + self.content.bytes()
    }

    /// Bytes allocated for the rows: texts with their offsets, positions and labels.
    pub fn allocated(&self) -> usize {
        self.title.allocated()
            + self.content.allocated()
            + 8 * self.row_index.capacity()
            + 4 * self.label.capacity()
            + 4 * self.length.capacity()
    }

    /// Every row as an owned `Review` (tests and small tables).
    pub fn to_vec(&self) -> Vec<Review> {
        self.iter().map(ReviewRef::to_owned).collect()
    }
}

impl FromIterator<Review> for Rows {
    fn from_iter<I: IntoIterator<Item = Review>>(iter: I) -> Self {
        let mut rows = Rows::default();
        for r in iter {
            rows.push((&r).into());
        }
        rows.shrink();
        rows
    }
}
