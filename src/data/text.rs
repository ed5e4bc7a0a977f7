//! A column of texts in few allocations: rows' bytes back to back in chunks of a few megabytes, with
//! each row's end offset. Four million reviews are then some hundreds of allocations rather than
//! eight million `String`s (each with its own header and allocator rounding), and a column grows
//! without ever copying what it holds (a chunk is filled to its capacity, then a new one starts).

/// Bytes a chunk is given when it starts: large enough that the chunks are few, small enough that
/// the unused end of the last one does not matter.
const CHUNK_BYTES: usize = 4 << 20;

/// Rows per entry of the chunk index: `index[i >> BLOCK_SHIFT]` is the chunk holding row
/// `i & !(BLOCK - 1)`, so finding a row's chunk takes a step or two whatever the chunk sizes.
const BLOCK_SHIFT: u32 = 10;

#[derive(Debug, Default, Clone)]
struct Chunk {
    text: String,
    /// End of each row in `text`; a row starts where the one before it ends.
    ends: Vec<u32>,
}

impl Chunk {
    fn get(&self, k: usize) -> &str {
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        &self.text[start as usize..self.ends[k] as usize]
    }
}

/// Texts, one a row, in chunks (see the module's comment).
#[derive(Debug, Default, Clone)]
pub struct TextColumn {
    chunks: Vec<Chunk>,
    /// First row of each chunk.
    starts: Vec<usize>,
    /// See `BLOCK_SHIFT`.
    index: Vec<u32>,
    len: usize,
    bytes: usize,
}

impl TextColumn {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes of text held (not counting offsets and unused capacity).
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Bytes allocated: text capacity plus offsets.
    pub fn allocated(&self) -> usize {
        (self.chunks.iter())
            .map(|c| c.text.capacity() + 4 * c.ends.capacity())
            .sum::<usize>()
            + 8 * self.starts.capacity()
            + 4 * self.index.capacity()
    }

    pub fn push(&mut self, text: &str) {
        let fits = (self.chunks.last()).is_some_and(|c| {
            c.text.capacity() - c.text.len() >= text.len()
                && c.text.len() + text.len() <= u32::MAX as usize
        });
        if !fits {
            self.start_chunk(text.len());
        }
        let chunk = self.chunks.last_mut().expect("a chunk was started");
        chunk.text.push_str(text);
        chunk.ends.push(chunk.text.len() as u32);
        self.bytes += text.len();
        self.len += 1;
        if (self.len - 1).is_multiple_of(1 << BLOCK_SHIFT) {
            self.index.push(self.chunks.len() as u32 - 1);
        }
    }

    /// `n` empty texts (a file without titles).
    pub fn push_empty(&mut self, n: usize) {
        for _ in 0..n {
            self.push("");
        }
    }

    fn start_chunk(&mut self, at_least: usize) {
        if let Some(last) = self.chunks.last_mut() {
            last.ends.shrink_to_fit();
        }
        self.chunks.push(Chunk {
            text: String::with_capacity(CHUNK_BYTES.max(at_least)),
            ends: Vec::new(),
        });
        self.starts.push(self.len);
    }

    /// The text of row `i`. Panics past the end, as slices do.
    pub fn get(&self, i: usize) -> &str {
        assert!(i < self.len, "row {i} of {}", self.len);
        let mut c = self.index[i >> BLOCK_SHIFT] as usize;
        while c + 1 < self.starts.len() && self.starts[c + 1] <= i {
            c += 1;
        }
        self.chunks[c].get(i - self.starts[c])
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len).map(|i| self.get(i))
    }

    /// Each row's length in bytes, in order: `get(i).len()` without finding each row's chunk.
    pub fn lens(&self) -> impl Iterator<Item = usize> + '_ {
        self.chunks.iter().flat_map(|c| {
            let starts = std::iter::once(0).chain(c.ends.iter().copied());
            c.ends
                .iter()
                .zip(starts)
                .map(|(&end, start)| (end - start) as usize)
        })
    }

    /// Appends every row of `more`, moving its chunks rather than copying its text.
    pub fn append(&mut self, more: TextColumn) {
        if let Some(last) = self.chunks.last_mut() {
            last.text.shrink_to_fit(); // its unused end would otherwise stay unused
        }
        let base = self.len;
        self.starts.extend(more.starts.iter().map(|s| s + base));
        self.chunks.extend(more.chunks);
        self.len += more.len;
        self.bytes += more.bytes;
        let blocks = self.len.div_ceil(1 << BLOCK_SHIFT);
        for block in self.index.len()..blocks {
            let row = block << BLOCK_SHIFT;
            let chunk = self.starts.partition_point(|&s| s <= row) - 1;
            self.index.push(chunk as u32);
        }
    }

    /// The rows at `positions`, in that order.
    pub fn pick(&self, positions: &[usize]) -> TextColumn {
        let mut out = TextColumn::default();
        for &p in positions {
            out.push(self.get(p));
        }
        out.shrink();
        out
    }

    /// Gives back the unused end of the last chunk (call once the column is complete).
    pub fn shrink(&mut self) {
        if let Some(last) = self.chunks.last_mut() {
            last.text.shrink_to_fit();
            last.ends.shrink_to_fit();
        }
        self.starts.shrink_to_fit();
        self.index.shrink_to_fit();
    }
}

impl<S: AsRef<str>> FromIterator<S> for TextColumn {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        let mut out = TextColumn::default();
        for s in iter {
            out.push(s.as_ref());
        }
        out.shrink();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_read_back_across_chunks_of_any_size() {
        // Texts from empty to larger than a chunk, so chunks hold from one row to thousands.
        let texts: Vec<String> = (0..5000)
            .map(|i| match i % 997 {
                0 => "x".repeat(CHUNK_BYTES + i),
                k => format!("row {i} ").repeat(k % 40),
            })
            .collect();
        let mut column: TextColumn = texts.iter().collect();
        assert_eq!(column.len(), texts.len());
        assert!(column.chunks.len() > 5, "{} chunks", column.chunks.len());
        for (i, t) in texts.iter().enumerate() {
            assert_eq!(column.get(i), t, "row {i}");
        }
        assert_eq!(column.bytes(), texts.iter().map(String::len).sum::<usize>());
        assert!(column.lens().eq(texts.iter().map(String::len)));
        let picked = column.pick(&[4999, 0, 17, 17]);
        let expected = [&texts[4999], &texts[0], &texts[17], &texts[17]];
        assert!(picked.iter().eq(expected.iter().map(|s| s.as_str())));
        column.append(picked);
        assert_eq!(column.get(5000), texts[4999]);
        assert_eq!(column.get(5003), texts[17]);
        // Appended after a column that ends mid-block, then pushed to.
        let mut small: TextColumn = ["a", "b", "c"].into_iter().collect();
        small.append(column);
        small.push("last");
        assert_eq!(small.len(), 3 + 5004 + 1);
        for (i, t) in texts.iter().enumerate() {
            assert_eq!(small.get(i + 3), t, "row {i}");
        }
        assert_eq!(small.get(5007), "last");
    }

    #[test]
    fn a_full_column_costs_little_more_than_its_text() {
        let column: TextColumn = (0..100_000)
            .map(|i| format!("review number {i}, ").repeat(3))
            .collect();
        let overhead = column.allocated() as f64 / column.bytes() as f64;
        assert!(overhead < 1.1, "{overhead}");
    }
}
