//! A growable run of `f32`s kept in a memory-mapped file rather than on the heap: embedding
//! vectors for hundreds of thousands of rows (400k × 384 × 4 bytes = 614 MB) are then pages the
//! kernel can write out and drop under memory pressure, read back on demand, instead of memory the
//! process holds. The file is unnamed (`tempfile::tempfile_in`: gone when the process is, even
//! after `kill -9`), in the cache folder when there is one so that it is on disk, not in a tmpfs.

use std::fs::File;
use std::ops::{Deref, DerefMut};
use std::path::Path;

use memmap2::MmapMut;

/// Values the first mapping holds; it doubles as it fills.
const FIRST_CAPACITY: usize = 1 << 16;

pub struct MappedF32 {
    /// `None`: anonymous memory (no file could be made).
    file: Option<File>,
    map: MmapMut,
    len: usize,
}

impl std::fmt::Debug for MappedF32 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MappedF32({} values)", self.len)
    }
}

impl MappedF32 {
    /// An empty run backed by an unnamed file in `dir` (or the temporary folder); anonymous memory
    /// when neither can hold one.
    pub fn new(dir: Option<&Path>) -> MappedF32 {
        let file = dir.and_then(|d| tempfile::tempfile_in(d).ok());
        let mut file = file.or_else(|| tempfile::tempfile().ok());
        let bytes = FIRST_CAPACITY * 4;
        let map = match file.as_ref().and_then(|f| map_file(f, bytes)) {
            Some(map) => map,
            None => {
                file = None;
                MmapMut::map_anon(bytes).expect("memory for the vectors")
            }
        };
        MappedF32 { file, map, len: 0 }
    }

    fn capacity(&self) -> usize {
        self.map.len() / 4
    }

    /// Makes room for `n` values in all, remapping a larger file (its new pages are zeros).
    fn reserve(&mut self, n: usize) {
        if n <= self.capacity() {
            return;
        }
        let bytes = n.max(2 * self.capacity()) * 4;
        self.map = match self.file.as_ref().and_then(|f| map_file(f, bytes)) {
            Some(map) => map,
            None => {
                // No file (or it could not grow): anonymous memory, keeping what was written.
                self.file = None;
                let mut map = MmapMut::map_anon(bytes).expect("memory for the vectors");
                map[..self.len * 4].copy_from_slice(&self.map[..self.len * 4]);
                map
            }
        };
    }

    /// `len` values, zeros added at the end or the end cut off.
    pub fn resize(&mut self, len: usize) {
        self.reserve(len);
        if len < self.len {
            // Past the end is zeros (a new file's pages), so a later grow adds zeros.
            let old = self.len;
            self.as_mut()[len..old].fill(0.0);
        }
        self.len = len;
    }

    pub fn extend_from_slice(&mut self, values: &[f32]) {
        let at = self.len;
        self.resize(at + values.len());
        self[at..].copy_from_slice(values);
    }

    fn as_mut(&mut self) -> &mut [f32] {
        let cap = self.capacity();
        // SAFETY: the map is page-aligned (so aligned for f32) and `cap * 4` bytes long.
        unsafe { std::slice::from_raw_parts_mut(self.map.as_mut_ptr().cast::<f32>(), cap) }
    }
}

/// `file` grown to `bytes` and mapped.
fn map_file(file: &File, bytes: usize) -> Option<MmapMut> {
    file.set_len(bytes as u64).ok()?;
    // SAFETY: the file is unnamed and ours alone, so nothing else changes it under the map.
    unsafe { MmapMut::map_mut(file) }.ok()
}

impl Deref for MappedF32 {
    type Target = [f32];

    fn deref(&self) -> &[f32] {
        // SAFETY: as in `as_mut`; `len` never exceeds the capacity.
        unsafe { std::slice::from_raw_parts(self.map.as_ptr().cast::<f32>(), self.len) }
    }
}

impl DerefMut for MappedF32 {
    fn deref_mut(&mut self) -> &mut [f32] {
        let len = self.len;
        &mut self.as_mut()[..len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_keeping_what_it_holds() {
        for dir in [None, Some(std::env::temp_dir())] {
            let mut m = MappedF32::new(dir.as_deref());
            assert!(m.file.is_some());
            let values: Vec<f32> = (0..300_000).map(|i| i as f32 * 0.5).collect();
            for chunk in values.chunks(1000) {
                m.extend_from_slice(chunk);
            }
            assert_eq!(&m[..], &values[..]);
            m.resize(10);
            m.resize(20);
            assert_eq!(&m[10..], &[0.0; 10]);
            m[3] = -1.0;
            assert_eq!(m[..5], [0.0, 0.5, 1.0, -1.0, 2.0]);
        }
        let mut z = MappedF32::new(None);
        z.resize(5);
        assert_eq!(&z[..], &[0.0; 5]);
    }
}
