//! `--train N --test M --seed S [--first]`: the rows of `split.shuffle(seed=S).select(range(N))`, in
//! that order, read without decoding more than needed. Parquet splits are sampled shard by shard:
//! footers give the row counts, the permutation (numpy's, see `numpy_rng.rs`) gives the positions, and
//! each shard decodes only the row groups and rows it holds. Other formats are read whole, then picked.

use std::str::FromStr;

use super::{Columns, DataFile, Format, RawRows, labels, numpy_rng, parquet, read_file};
use crate::error::{Error, Result};

/// How many rows of a split: a number, or `all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Rows(usize),
    All,
}

impl FromStr for Count {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        if s.eq_ignore_ascii_case("all") {
            return Ok(Count::All);
        }
        match s.replace('_', "").parse() {
            Ok(0) => Err("0 rows would leave the split empty; ask for at least 1, or all".into()),
            Ok(n) => Ok(Count::Rows(n)),
            Err(_) => Err(format!(
                "\"{s}\" is not a row count (a positive integer, or all)"
            )),
        }
    }
}

/// What to take from each split; `None` counts leave a split whole and in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sampling {
    pub train: Option<Count>,
    pub test: Option<Count>,
    pub seed: u64,
    /// The first rows (`split="train[:N]"`) instead of a shuffled sample.
    pub first: bool,
}

impl Sampling {
    pub fn count_for(&self, split: &str) -> Option<Count> {
        match split {
            "train" => self.train,
            "test" => self.test,
            _ => None,
        }
    }

    /// Positions in a split of `total` rows, in sample order.
    pub fn positions(
        &self,
        count: Count,
        total: usize,
        split: &str,
        place: &str,
    ) -> Result<Vec<usize>> {
        let n = match count {
            Count::All => total,
            Count::Rows(n) if n <= total => n,
            Count::Rows(n) => {
                return Err(Error::input(
                    place,
                    format!(
                        "--{split} {n} is more than the {total} rows of split \"{split}\"; ask for at most {total}, or all"
                    ),
                ));
            }
        };
        if self.first {
            return Ok((0..n).collect());
        }
        if total > u32::MAX as usize {
            return Err(Error::input(
                place,
                format!("split \"{split}\" has {total} rows; sampling supports up to 2^32"),
            ));
        }
        let permutation = numpy_rng::permutation(self.seed, total);
        Ok(permutation[..n].iter().map(|&i| i as usize).collect())
    }
}

/// The sampled rows of one split, in sample order. Each row keeps its position in the full split as
/// `row_index` (or the files' own `row_index` column, when they carry one).
pub(crate) fn read_split(
    files: &[DataFile],
    columns: &Columns,
    sampling: &Sampling,
    count: Count,
    split: &str,
) -> Result<RawRows> {
    let place = files
        .first()
        .map_or_else(String::new, |f| f.path.display().to_string());
    if files.iter().all(|f| f.format == Format::Parquet) {
        read_parquet_split(files, columns, sampling, count, split, &place)
    } else {
        let mut read = Vec::with_capacity(files.len());
        for f in files {
            read.push((f.path.display().to_string(), read_file(f, columns)?));
        }
        labels::unify(&mut read)?;
        let mut all = RawRows::default();
        for (i, (_, raw)) in read.into_iter().enumerate() {
            append(&mut all, raw, i == 0);
        }
        let positions = sampling.positions(count, all.labels.len(), split, &place)?;
        Ok(pick(all, &positions))
    }
}

fn open(f: &DataFile) -> Result<std::fs::File> {
    std::fs::File::open(&f.path).map_err(|e| Error::at_path(&f.path, format!("cannot open ({e})")))
}

fn read_parquet_split(
    files: &[DataFile],
    columns: &Columns,
    sampling: &Sampling,
    count: Count,
    split: &str,
    place: &str,
) -> Result<RawRows> {
    let counts = files
        .iter()
        .map(|f| parquet::row_count(open(f)?, &f.path.display().to_string()))
        .collect::<Result<Vec<usize>>>()?;
    let total: usize = counts.iter().sum();
    let positions = sampling.positions(count, total, split, place)?;
    // Which rows each shard holds, sorted (the order the reader returns them in).
    let mut starts = Vec::with_capacity(counts.len());
    let mut at = 0;
    for c in &counts {
        starts.push(at);
        at += c;
    }
    let shard_of = |pos: usize| starts.partition_point(|&s| s <= pos) - 1;
    let mut wanted: Vec<Vec<usize>> = vec![Vec::new(); files.len()];
    for &pos in &positions {
        let s = shard_of(pos);
        wanted[s].push(pos - starts[s]);
    }
    for w in &mut wanted {
        w.sort_unstable();
    }
    let (mut shards, row_groups_read) = read_shards(files, &wanted, columns)?;
    let label_names = shards.iter().find_map(|s| s.label_names.clone());
    let label_values = shards.iter().find_map(|s| s.label_values.clone());
    let mut out = RawRows {
        label_names,
        label_values,
        row_groups_read,
        row_index: Some(Vec::with_capacity(positions.len())),
        ..RawRows::default()
    };
    for &pos in &positions {
        let s = shard_of(pos);
        let local = pos - starts[s];
        let i = wanted[s]
            .binary_search(&local)
            .expect("every sampled row was asked for");
        let shard = &mut shards[s];
        out.labels.push(shard.labels[i]);
        out.titles.push(shard.titles.get(i));
        out.contents.push(shard.contents.get(i));
        let row_index = shard.row_index.as_ref().map_or(pos as u64, |ri| ri[i]);
        out.row_index.as_mut().expect("set above").push(row_index);
    }
    Ok(out)
}

/// The `wanted` rows of each shard, decoded side by side (a thread each; the OS shares out the
/// cores), their string labels given one table; also how many row groups were decoded.
fn read_shards(
    files: &[DataFile],
    wanted: &[Vec<usize>],
    columns: &Columns,
) -> Result<(Vec<RawRows>, usize)> {
    let read: Vec<Result<RawRows>> = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .iter()
            .zip(wanted)
            .map(|(f, rows)| {
                scope.spawn(move || {
                    if rows.is_empty() {
                        return Ok(RawRows::default());
                    }
                    parquet::read(open(f)?, &f.path.display().to_string(), columns, Some(rows))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a shard reader panicked"))
            .collect()
    });
    let mut shards = Vec::with_capacity(files.len());
    let mut row_groups_read = 0;
    for (f, raw) in files.iter().zip(read) {
        let raw = raw?;
        row_groups_read += raw.row_groups_read;
        shards.push((f.path.display().to_string(), raw));
    }
    labels::unify(&mut shards)?;
    Ok((
        shards.into_iter().map(|(_, raw)| raw).collect(),
        row_groups_read,
    ))
}

/// Appends `more` to `all` (`first`: `all` is still empty). `row_index` survives only when every file
/// has the column; otherwise positions stand in for it.
fn append(all: &mut RawRows, more: RawRows, first: bool) {
    all.row_index = match (first, all.row_index.take(), more.row_index) {
        (true, _, ri) => ri,
        (false, Some(mut a), Some(b)) => {
            a.extend(b);
            Some(a)
        }
        _ => None,
    };
    all.labels.extend(more.labels);
    all.titles.append(more.titles);
    all.contents.append(more.contents);
    all.label_names = all.label_names.take().or(more.label_names);
    // One table for every file (`labels::unify`), so the last file's is everyone's.
    all.label_values = more.label_values.or(all.label_values.take());
}

/// The rows at `positions`, in that order, each keeping its `row_index` (or its position).
pub(crate) fn pick(all: RawRows, positions: &[usize]) -> RawRows {
    let row_index = positions
        .iter()
        .map(|&p| all.row_index.as_ref().map_or(p as u64, |ri| ri[p]))
        .collect();
    RawRows {
        labels: positions.iter().map(|&p| all.labels[p]).collect(),
        titles: all.titles.pick(positions),
        contents: all.contents.pick(positions),
        row_index: Some(row_index),
        label_names: all.label_names,
        label_values: all.label_values,
        row_groups_read: all.row_groups_read,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_parse() {
        assert_eq!("10000".parse(), Ok(Count::Rows(10000)));
        assert_eq!("10_000".parse(), Ok(Count::Rows(10000)));
        assert_eq!("ALL".parse(), Ok(Count::All));
        assert!("-3".parse::<Count>().is_err());
        assert!("0".parse::<Count>().is_err(), "no rows is not a sample");
    }

    #[test]
    fn positions_follow_numpy_or_take_the_first() {
        let s = Sampling {
            seed: 42,
            ..Sampling::default()
        };
        assert_eq!(
            s.positions(Count::Rows(4), 10, "train", "x").unwrap(),
            [5, 6, 0, 7]
        );
        assert_eq!(
            s.positions(Count::All, 10, "train", "x").unwrap(),
            [5, 6, 0, 7, 3, 2, 4, 9, 1, 8]
        );
        let first = Sampling {
            first: true,
            ..s.clone()
        };
        assert_eq!(
            first.positions(Count::Rows(3), 10, "train", "x").unwrap(),
            [0, 1, 2]
        );
        let err = s
            .positions(Count::Rows(11), 10, "test", "f")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "f: --test 11 is more than the 10 rows of split \"test\"; ask for at most 10, or all"
        );
    }
}
