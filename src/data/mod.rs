//! The reviews: where they come from, how they are read, and the in-memory table every pane draws.

mod bundled;
pub mod contain;
mod csv_file;
mod footer;
pub mod hub;
mod jsonl;
mod labels;
pub mod numpy_rng;
mod parquet;
mod rows;
mod sampling;
mod source;
mod text;

use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

use crate::error::{Error, Result};

pub use csv_file::CsvHeader;
pub use rows::{ReviewRef, Rows};
pub use sampling::{Count, Sampling};
pub use source::{DataFile, Format, Inputs, SplitFiles, resolve};
pub use text::TextColumn;

/// One review as the program sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// The row's position in its full split (kept through sampling, shown in the list).
    pub row_index: u64,
    /// Class id, an index into `Dataset::label_names`.
    pub label: u32,
    pub title: String,
    pub content: String,
}

impl From<Vec<Review>> for Rows {
    fn from(rows: Vec<Review>) -> Self {
        rows.into_iter().collect()
    }
}

/// What of a review is given to the classifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum TextField {
    /// The review text alone, as the notebook classifies it.
    #[default]
    Content,
    /// "Title. Content".
    #[value(name = "title+content")]
    TitleContent,
}

impl TextField {
    pub fn text(self, r: ReviewRef<'_>) -> String {
        match self {
            TextField::Content => r.content.to_owned(),
            TextField::TitleContent if r.title.is_empty() => r.content.to_owned(),
            TextField::TitleContent => format!("{}. {}", r.title, r.content),
        }
    }

    /// Bytes of [`TextField::text`], without making it.
    pub fn len(self, r: ReviewRef<'_>) -> usize {
        self.content_offset(r) + r.content.len()
    }

    /// Where the content starts in [`TextField::text`], in bytes.
    pub fn content_offset(self, r: ReviewRef<'_>) -> usize {
        match self {
            TextField::TitleContent if !r.title.is_empty() => r.title.len() + 2,
            _ => 0,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TextField::Content => "content",
            TextField::TitleContent => "title+content",
        }
    }
}

/// A named slice of `Dataset::rows`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub name: String,
    pub rows: Range<usize>,
}

/// Which columns hold what. Defaults are the Hub's `amazon_polarity` names.
#[derive(Debug, Clone)]
pub struct Columns {
    pub text: String,
    pub label: String,
    /// `None`: use `title` when the file has it, else show no title.
    pub title: Option<String>,
    /// Whether a CSV/TSV file's first row names its columns (`--csv-header`).
    pub csv_header: CsvHeader,
}

impl Default for Columns {
    fn default() -> Self {
        Columns {
            text: "content".into(),
            label: "label".into(),
            title: None,
            csv_header: CsvHeader::Auto,
        }
    }
}

impl Columns {
    pub(crate) fn title_or_default(&self) -> &str {
        self.title.as_deref().unwrap_or("title")
    }
}

/// Rows read from one file, before labels are checked against the dataset's classes.
#[derive(Debug, Default)]
pub(crate) struct RawRows {
    /// Integer labels; with `label_values`, indices into them.
    pub labels: Vec<i64>,
    /// String labels (`"neg"`, `"pos"`): the file's distinct values, which `labels` index.
    pub label_values: Option<Vec<String>>,
    pub titles: TextColumn,
    pub contents: TextColumn,
    /// Present when the file carries its rows' positions in the full split.
    pub row_index: Option<Vec<u64>>,
    /// Class names from the file's own metadata (Hugging Face `ClassLabel`), when it has them.
    pub label_names: Option<Vec<String>>,
    /// Parquet row groups decoded (0 for other formats).
    pub row_groups_read: usize,
}

/// Every loaded row, grouped into splits.
#[derive(Debug)]
pub struct Dataset {
    /// What was opened, as the status bar shows it.
    pub source: String,
    /// Identifies the data for the prediction cache: changes when the files or columns do.
    pub fingerprint: String,
    /// The data whatever was sampled from it (the fingerprint without the sampling): what findings
    /// belong to, since a review is (split, row_index) in any sample.
    pub identity: String,
    /// The files and folders it was read from (none for the bundled sample), which outputs never
    /// replace.
    pub inputs: Inputs,
    pub label_names: Vec<String>,
    /// Where the class names came from when the labels are strings ("sorted label values",
    /// "ClassLabel names"); `None` for integer labels (named by the metadata, or numbered).
    pub classes_from: Option<&'static str>,
    pub rows: Rows,
    pub splits: Vec<Split>,
    /// Parquet row groups decoded while loading (sampling reads only those holding sampled rows).
    pub row_groups_read: usize,
    /// Largest `row_index`, so the list can size its column without scanning every row per frame.
    pub max_row_index: u64,
    /// Rows per class, per split: the numbers `collections.Counter(ds["label"])` gives.
    label_counts: Vec<Vec<usize>>,
    /// (split, row_index) → index into `rows`, built on first use (findings name rows so).
    by_row_index: OnceLock<std::collections::HashMap<(usize, u64), usize>>,
}

impl Dataset {
    /// (row, text, gold label) of each of `rows`: what an embedding head trains on, or what is
    /// checked for label issues.
    pub fn labelled(
        &self,
        rows: impl IntoIterator<Item = usize>,
        text: TextField,
    ) -> Vec<(u32, String, u32)> {
        (rows.into_iter())
            .map(|r| (r as u32, text.text(self.rows.get(r)), self.rows.label(r)))
            .collect()
    }

    /// The name of the split holding row `row` ("" when none does).
    pub fn split_of(&self, row: usize) -> &str {
        (self.splits.iter())
            .find(|s| s.rows.contains(&row))
            .map_or("", |s| s.name.as_str())
    }

    pub fn new(
        source: String,
        label_names: Vec<String>,
        rows: impl Into<Rows>,
        splits: Vec<Split>,
    ) -> Self {
        let mut rows: Rows = rows.into();
        rows.shrink();
        let max_row_index = (0..rows.len())
            .map(|i| rows.row_index(i))
            .max()
            .unwrap_or(0);
        let label_counts = splits
            .iter()
            .map(|split| {
                let mut counts = vec![0; label_names.len()];
                for r in split.rows.clone() {
                    counts[rows.label(r) as usize] += 1;
                }
                counts
            })
            .collect();
        Dataset {
            row_groups_read: 0,
            fingerprint: source.clone(),
            identity: source.clone(),
            inputs: Inputs::default(),
            max_row_index,
            label_counts,
            source,
            label_names,
            classes_from: None,
            rows,
            splits,
            by_row_index: OnceLock::new(),
        }
    }

    /// The row of split `split` whose `row_index` is `row_index`, if the data holds it.
    pub fn row_of(&self, split: &str, row_index: u64) -> Option<usize> {
        let s = self.splits.iter().position(|s| s.name == split)?;
        let index = self.by_row_index.get_or_init(|| {
            let mut index = std::collections::HashMap::with_capacity(self.rows.len());
            for (i, split) in self.splits.iter().enumerate() {
                for r in split.rows.clone() {
                    index.entry((i, self.rows.row_index(r))).or_insert(r);
                }
            }
            index
        });
        index.get(&(s, row_index)).copied()
    }

    /// Where string labels' class names came from, for a line on stderr: "data.csv: classes neg,
    /// pos from the sorted label values". `None` for integer labels.
    pub fn classes_note(&self) -> Option<String> {
        const SHOWN: usize = 10;
        let from = self.classes_from?;
        let mut names = self.label_names[..self.label_names.len().min(SHOWN)].join(", ");
        if self.label_names.len() > SHOWN {
            names += &format!(", … ({} classes)", self.label_names.len());
        }
        Some(format!("{}: classes {names} from the {from}", self.source))
    }

    pub fn label_name(&self, label: u32) -> &str {
        self.label_names
            .get(label as usize)
            .map_or("?", String::as_str)
    }

    /// Rows per class in split `split`: the numbers `collections.Counter(ds["label"])` gives.
    pub fn label_counts(&self, split: usize) -> &[usize] {
        &self.label_counts[split]
    }
}

/// Opens the bundled sample (`path == None`) or whatever `path` names, whole.
pub fn load(path: Option<&Path>, columns: &Columns) -> Result<Dataset> {
    load_sampled(path, columns, &Sampling::default())
}

/// Opens the bundled sample (`path == None`) or whatever `path` names, sampled as `sampling` says.
pub fn load_sampled(
    path: Option<&Path>,
    columns: &Columns,
    sampling: &Sampling,
) -> Result<Dataset> {
    let mut data = match path {
        None => bundled::load(columns, sampling)?,
        Some(path) => {
            let splits = resolve(path)?;
            let mut data = load_splits(path.display().to_string(), &splits, columns, sampling)?;
            data.fingerprint = fingerprint(&splits, columns);
            data.inputs = Inputs::of(path, &splits);
            data
        }
    };
    for (name, asked) in [("train", sampling.train), ("test", sampling.test)] {
        if asked.is_some() && !data.splits.iter().any(|s| s.name == name) {
            let have: Vec<&str> = data.splits.iter().map(|s| s.name.as_str()).collect();
            return Err(Error::input(
                &data.source,
                format!(
                    "has no split \"{name}\" to take --{name} from (splits: {})",
                    have.join(", ")
                ),
            ));
        }
    }
    data.identity = data.fingerprint.clone();
    if *sampling != Sampling::default() {
        data.fingerprint = format!("{}:{sampling:?}", data.fingerprint);
    }
    Ok(data)
}

/// The files (path, size, modification time) and the columns read: what makes this data this data,
/// without hashing every row.
fn fingerprint(splits: &[SplitFiles], columns: &Columns) -> String {
    let mut h = crate::hash::Fnv::default();
    h.field(&columns.text)
        .field(&columns.label)
        .field(columns.title_or_default());
    if columns.csv_header != CsvHeader::Auto {
        h.field(&format!("{:?}", columns.csv_header));
    }
    for split in splits {
        h.field(&split.name);
        for f in &split.files {
            let path = std::fs::canonicalize(&f.path).unwrap_or_else(|_| f.path.clone());
            h.field(&path.display().to_string());
            if let Ok(meta) = std::fs::metadata(&f.path) {
                let mtime = meta
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
                h.field(&format!("{}:{:?}", meta.len(), mtime));
            }
        }
    }
    format!("files:{}", h.hex())
}

/// Reads every file of every split, files side by side (a sampled split is one job), and checks
/// the labels.
pub fn load_splits(
    source: String,
    splits: &[SplitFiles],
    columns: &Columns,
    sampling: &Sampling,
) -> Result<Dataset> {
    // (split, file): `None` reads the split's sample from all its files at once.
    let jobs: Vec<(usize, Option<&DataFile>)> = (splits.iter().enumerate())
        .flat_map(|(s, split)| match sampling.count_for(&split.name) {
            Some(_) => vec![(s, None)],
            None => split.files.iter().map(|f| (s, Some(f))).collect(),
        })
        .collect();
    let read: Vec<Result<(String, RawRows)>> = crate::parallel::map(&jobs, |&(s, file)| {
        let split = &splits[s];
        match (file, sampling.count_for(&split.name)) {
            (Some(f), _) => Ok((f.path.display().to_string(), read_file(f, columns)?)),
            (None, count) => {
                let place = (split.files.first())
                    .map_or_else(String::new, |f| f.path.display().to_string());
                let count = count.expect("a sampled split");
                let raw =
                    sampling::read_split(&split.files, columns, sampling, count, &split.name)?;
                Ok((place, raw))
            }
        }
    });
    let mut parts: Vec<(String, Vec<(String, RawRows)>)> = splits
        .iter()
        .map(|s| (s.name.clone(), Vec::new()))
        .collect();
    for ((s, _), file) in jobs.iter().zip(read) {
        parts[*s].1.push(file?);
    }
    assemble(source, parts)
}

fn read_file(file: &DataFile, columns: &Columns) -> Result<RawRows> {
    match file.format {
        Format::Parquet => {
            let f = std::fs::File::open(&file.path)
                .map_err(|e| Error::at_path(&file.path, format!("cannot open: {e}")))?;
            parquet::read(f, &file.path.display().to_string(), columns, None)
        }
        Format::Jsonl => jsonl::read(&file.path, columns),
        Format::Csv => csv_file::read(&file.path, columns, b','),
        Format::Tsv => csv_file::read(&file.path, columns, b'\t'),
    }
}

/// Turns per-file rows into one `Dataset`: settles the class names, checks every label against them,
/// numbers rows that carry no `row_index`, refuses empty splits.
pub(crate) fn assemble(
    source: String,
    parts: Vec<(String, Vec<(String, RawRows)>)>,
) -> Result<Dataset> {
    let classes = labels::settle(&parts)?;
    let names = classes.names;
    let row_groups_read = parts
        .iter()
        .flat_map(|(_, files)| files.iter().map(|(_, raw)| raw.row_groups_read))
        .sum();
    let mut rows = Rows::default();
    let mut splits = Vec::new();
    for (name, files) in parts {
        let start = rows.len();
        let mut position = 0u64;
        let mut last_place = String::new();
        for (place, raw) in files {
            push_rows(raw, &names, &place, &mut position, &mut rows)?;
            last_place = place;
        }
        if rows.len() == start {
            let place = if last_place.is_empty() {
                source.clone()
            } else {
                last_place
            };
            return Err(Error::input(
                place,
                format!(
                    "split \"{name}\" has no rows; give it at least one row or remove its file"
                ),
            ));
        }
        splits.push(Split {
            name,
            rows: start..rows.len(),
        });
    }
    let mut data = Dataset::new(source, names, rows, splits);
    data.row_groups_read = row_groups_read;
    data.classes_from = classes.from;
    Ok(data)
}

/// Appends one file's rows, each label checked against the classes `names`; rows without a
/// `row_index` are numbered on from `position`.
fn push_rows(
    raw: RawRows,
    names: &[String],
    place: &str,
    position: &mut u64,
    rows: &mut Rows,
) -> Result<()> {
    let value_classes = labels::classes_of_values(&raw, names);
    let values = raw.label_values.unwrap_or_default();
    let mut labels = Vec::with_capacity(raw.labels.len());
    for (i, &label) in raw.labels.iter().enumerate() {
        labels.push(match &value_classes {
            Some(classes) => {
                let v = label as usize;
                labels::check_value(classes[v], &values[v], names, place, i)?
            }
            None => labels::check(label, names, place, i)?,
        });
    }
    let n = labels.len() as u64;
    let row_index = raw
        .row_index
        .unwrap_or_else(|| (*position..*position + n).collect());
    *position += n;
    rows.append(row_index, labels, raw.titles, raw.contents);
    Ok(())
}
