//! What `--data PATH` names: one file, or a directory in the Hub's layout
//! (`<config>/train-00000-of-00004.parquet`, `train.parquet`, the original `train.csv`, ...).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A table file's format, for reading and for writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Parquet,
    Jsonl,
    Csv,
    /// Tab-separated, read and written as CSV is.
    Tsv,
}

impl Format {
    /// `.parquet`/`.pq`, `.jsonl`/`.ndjson`, `.csv`, `.tsv`, in any case.
    pub fn by_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
        match ext.as_str() {
            "parquet" | "pq" => Some(Format::Parquet),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            "tsv" => Some(Format::Tsv),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataFile {
    pub path: PathBuf,
    pub format: Format,
}

/// The files of one split, in file-name order (the order `load_dataset` concatenates them in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitFiles {
    pub name: String,
    pub files: Vec<DataFile>,
}

/// Where a dataset was read from: what no output may replace or add to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inputs {
    /// Every file of every split.
    pub files: Vec<PathBuf>,
    /// The folders listed to find them (a directory `--data` and the config folder below it): a new
    /// data file there would join the data.
    pub folders: Vec<PathBuf>,
}

impl Inputs {
    /// The inputs of `path` (as `--data` named it), resolved into `splits`.
    pub fn of(path: &Path, splits: &[SplitFiles]) -> Self {
        let files: Vec<PathBuf> = splits
            .iter()
            .flat_map(|s| s.files.iter().map(|f| f.path.clone()))
            .collect();
        let mut folders = Vec::new();
        if path.is_dir() {
            folders.push(path.to_owned());
            for parent in files.iter().filter_map(|f| f.parent()) {
                if !folders.iter().any(|d| d == parent) {
                    folders.push(parent.to_owned());
                }
            }
        }
        Inputs { files, folders }
    }
}

const KNOWN_SPLITS: [&str; 3] = ["train", "validation", "test"];
const WHAT_TO_PASS: &str =
    "pass a parquet, JSONL, CSV or TSV file, or a directory holding train/test files";

/// Finds the splits and their files under `path`.
pub fn resolve(path: &Path) -> Result<Vec<SplitFiles>> {
    let meta = std::fs::metadata(path).map_err(|e| {
        let problem = if e.kind() == std::io::ErrorKind::NotFound {
            format!("no such file or directory; {WHAT_TO_PASS}")
        } else {
            format!("cannot read ({e})")
        };
        Error::at_path(path, problem)
    })?;
    if meta.is_file() {
        let format = format_of(path)?.ok_or_else(|| {
            Error::at_path(
                path,
                "unknown file type (expected .parquet, .jsonl, .csv or .tsv, or a parquet file's PAR1 header)",
            )
        })?;
        return Ok(vec![SplitFiles {
            name: split_name(path),
            files: vec![DataFile {
                path: path.to_owned(),
                format,
            }],
        }]);
    }
    if !meta.is_dir() {
        return Err(Error::at_path(
            path,
            format!("is not a regular file or a directory (a pipe or a device?); {WHAT_TO_PASS}"),
        ));
    }
    let mut files = data_files(path)?;
    if files.is_empty() {
        files = one_config(path)?;
    }
    let mut splits: Vec<SplitFiles> = Vec::new();
    for file in files {
        let name = split_name(&file.path);
        match splits.iter_mut().find(|s| s.name == name) {
            Some(split) => split.files.push(file),
            None => splits.push(SplitFiles {
                name,
                files: vec![file],
            }),
        }
    }
    splits.sort_by_key(|s| {
        let rank = KNOWN_SPLITS.iter().position(|k| *k == s.name);
        (rank.unwrap_or(KNOWN_SPLITS.len()), s.name.clone())
    });
    Ok(splits)
}

/// The Hub's layout keeps a config's files one level down (`amazon_polarity/*.parquet`): those
/// of the one config under `path`.
fn one_config(path: &Path) -> Result<Vec<DataFile>> {
    let mut configs = Vec::new();
    for dir in sorted_entries(path)?.into_iter().filter(|p| p.is_dir()) {
        let found = data_files(&dir)?;
        if !found.is_empty() {
            configs.push((dir, found));
        }
    }
    match configs.len() {
        0 => Err(Error::at_path(
            path,
            format!(
                "no .parquet, .jsonl, .csv or .tsv files here or one level down; {WHAT_TO_PASS}"
            ),
        )),
        1 => Ok(configs.pop().expect("one").1),
        _ => {
            let names: Vec<String> = (configs.iter())
                .map(|(d, _)| d.display().to_string())
                .collect();
            Err(Error::at_path(
                path,
                format!(
                    "holds several configs ({}); pass one of them with --data",
                    names.join(", ")
                ),
            ))
        }
    }
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| Error::at_path(dir, format!("cannot list ({e})")))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    Ok(paths)
}

/// The data files directly inside `dir`, sorted by name.
fn data_files(dir: &Path) -> Result<Vec<DataFile>> {
    let mut out = Vec::new();
    for path in sorted_entries(dir)? {
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if path.is_file()
            && !hidden
            && let Some(format) = Format::by_extension(&path)
        {
            out.push(DataFile { path, format });
        }
    }
    Ok(out)
}

/// By extension, else by the parquet magic number.
fn format_of(path: &Path) -> Result<Option<Format>> {
    if let Some(f) = Format::by_extension(path) {
        return Ok(Some(f));
    }
    let mut magic = [0u8; 4];
    let mut file = std::fs::File::open(path)
        .map_err(|e| Error::at_path(path, format!("cannot open ({e})")))?;
    let is_parquet = std::io::Read::read_exact(&mut file, &mut magic).is_ok() && &magic == b"PAR1";
    Ok(is_parquet.then_some(Format::Parquet))
}

/// `train-00000-of-00004.parquet` → train; `amazon_polarity_test_sample.jsonl` → test;
/// a name with no split word in it names its own split.
pub(crate) fn split_name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let lower = stem.to_ascii_lowercase();
    for word in lower.split(['-', '_', '.', ' ']) {
        match word {
            "train" => return "train".into(),
            "test" => return "test".into(),
            "validation" | "valid" | "val" | "dev" => return "validation".into(),
            _ => {}
        }
    }
    stem
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_names_follow_the_hub_and_common_file_names() {
        let name = |p: &str| split_name(Path::new(p));
        assert_eq!(
            name("amazon_polarity/train-00000-of-00004.parquet"),
            "train"
        );
        assert_eq!(name("test.parquet"), "test");
        assert_eq!(name("amazon_polarity_test_sample.jsonl"), "test");
        assert_eq!(name("dev.csv"), "validation");
        assert_eq!(name("reviews.parquet"), "reviews");
        assert_eq!(name("contest.csv"), "contest");
    }
}
