//! CSV and TSV files. With a header row naming the columns (pandas' `to_csv(index=False)`, polars,
//! DuckDB), columns are found by name as in parquet, and labels are integers or strings. Without one,
//! the original `amazon_review_polarity` CSV (Xiang Zhang, 2015): three columns `class,title,text`,
//! class 1 = negative and 2 = positive. `--csv-header` says which, or (by default) the first row does:
//! it is a header when it names the label column and the text column (and is not a row of the
//! original layout: class 1 or 2 and two more fields).

use std::path::Path;

use csv::{ByteRecord, Reader};

use super::labels::LabelColumn;
use super::{Columns, RawRows};
use crate::error::{Error, Result};

const NAMES: [&str; 2] = ["negative", "positive"];

/// `--csv-header`: whether a CSV/TSV file's first row names its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum CsvHeader {
    /// A header when the first row names the label and text columns.
    #[default]
    Auto,
    /// The first row names the columns.
    Yes,
    /// No header: the original amazon_review_polarity layout (class,title,text).
    No,
}

pub(crate) fn read(path: &Path, columns: &Columns, delimiter: u8) -> Result<RawRows> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_path(path)
        .map_err(|e| Error::at_path(path, format!("cannot open ({e})")))?;
    let mut first = ByteRecord::new();
    if !next(&mut reader, &mut first, path)? {
        return headerless(reader, None, columns, path);
    }
    let names = header_names(&first);
    let names_both = names.as_ref().is_some_and(|names| {
        let has = |c: &str| names.iter().any(|n| n == c);
        has(&columns.label) && has(&columns.text)
    });
    // A first row of the original layout is data, whatever its title and text say.
    let original = first.len() == 3 && matches!(first[0].trim_ascii(), b"1" | b"2");
    let header = match columns.csv_header {
        CsvHeader::Yes => true,
        CsvHeader::No => false,
        CsvHeader::Auto => names_both && !original,
    };
    if header {
        with_header(reader, names, columns, path)
    } else {
        headerless(reader, Some(first), columns, path)
    }
}

/// The next record into `record`; `false` at the end of the file.
fn next<R: std::io::Read>(
    reader: &mut Reader<R>,
    record: &mut ByteRecord,
    path: &Path,
) -> Result<bool> {
    reader
        .read_byte_record(record)
        .map_err(|e| Error::at_path(path, format!("malformed CSV ({e})")))
}

/// The first row as column names (`None` when it is not UTF-8); a byte order mark is dropped.
fn header_names(record: &ByteRecord) -> Option<Vec<String>> {
    record
        .iter()
        .enumerate()
        .map(|(i, field)| {
            let name = std::str::from_utf8(field).ok()?;
            let name = if i == 0 {
                name.trim_start_matches('\u{feff}')
            } else {
                name
            };
            Some(name.trim().to_owned())
        })
        .collect()
}

/// Field `i` of the record on `line` as text, or an error saying where the bad byte is.
fn field<'r>(record: &'r ByteRecord, i: usize, line: u64, path: &Path) -> Result<&'r str> {
    std::str::from_utf8(&record[i]).map_err(|e| {
        Error::at_path(
            path,
            format!(
                "line {line}: invalid UTF-8 in field {} at byte {}; re-encode the file as UTF-8",
                i + 1,
                e.valid_up_to() + 1
            ),
        )
    })
}

/// The columns a header names, by position.
struct Layout {
    width: usize,
    label: usize,
    text: usize,
    title: Option<usize>,
    row_index: Option<usize>,
}

impl Layout {
    /// Finds `columns` among the header's `names`, refusing a missing one with the flag to use.
    fn find(names: &[String], columns: &Columns, path: &Path) -> Result<Self> {
        let index = |name: &str| names.iter().position(|n| n == name);
        let require = |name: &str, flag: &str| {
            index(name).ok_or_else(|| {
                Error::at_path(
                    path,
                    format!(
                        "line 1: column \"{name}\" is missing (columns: {}); name the right one with {flag}",
                        names.join(", ")
                    ),
                )
            })
        };
        Ok(Layout {
            width: names.len(),
            label: require(&columns.label, "--label-column")?,
            text: require(&columns.text, "--text-column")?,
            title: match &columns.title {
                Some(name) => Some(require(name, "--title-column")?),
                None => index(columns.title_or_default()),
            },
            row_index: index("row_index"),
        })
    }
}

/// The rows after a header row, read by column name. Labels are integers when every one is,
/// else strings.
fn with_header<R: std::io::Read>(
    mut reader: Reader<R>,
    names: Option<Vec<String>>,
    columns: &Columns,
    path: &Path,
) -> Result<RawRows> {
    let names = names.ok_or_else(|| {
        Error::at_path(
            path,
            "line 1: the header is not UTF-8; re-encode the file as UTF-8",
        )
    })?;
    let layout = Layout::find(&names, columns, path)?;
    let mut out = RawRows::default();
    let mut labels = LabelColumn::default();
    let mut row_index = layout.row_index.map(|_| Vec::new());
    let mut record = ByteRecord::new();
    while next(&mut reader, &mut record, path)? {
        let line = record.position().map_or(0, |p| p.line());
        let bad = |problem: String| Error::at_path(path, format!("line {line}: {problem}"));
        if record.len() != layout.width {
            return Err(bad(format!(
                "{} fields, the header has {}",
                record.len(),
                layout.width
            )));
        }
        let label = field(&record, layout.label, line, path)?.trim();
        if label.is_empty() {
            return Err(bad("label is empty; every row needs a class".into()));
        }
        labels.push_str(label).map_err(bad)?;
        out.contents.push(field(&record, layout.text, line, path)?);
        let title = match layout.title {
            Some(i) => field(&record, i, line, path)?,
            None => "",
        };
        out.titles.push(title);
        if let (Some(i), Some(ri)) = (layout.row_index, row_index.as_mut()) {
            match field(&record, i, line, path)?.trim().parse::<u64>() {
                Ok(v) => ri.push(v),
                Err(_) => row_index = None,
            }
        }
    }
    labels.integers_when_all_are();
    (out.labels, out.label_values) = labels.finish();
    out.row_index = row_index;
    Ok(out)
}

/// The original amazon_review_polarity layout: `class,title,text` with classes 1 and 2, no header.
/// `first` is the first record, already read.
fn headerless<R: std::io::Read>(
    mut reader: Reader<R>,
    first: Option<ByteRecord>,
    columns: &Columns,
    path: &Path,
) -> Result<RawRows> {
    let mut out = RawRows {
        label_names: Some(NAMES.iter().map(|s| s.to_string()).collect()),
        ..RawRows::default()
    };
    let hint = first.as_ref().and_then(|f| header_hint(f, columns));
    let mut record = first.unwrap_or_default();
    let mut more = !record.is_empty() || next(&mut reader, &mut record, path)?;
    while more {
        let line = record.position().map_or(0, |p| p.line());
        original_row(&record, line, path, &mut out).map_err(|e| match (&hint, e) {
            (Some(hint), Error::Input { place, problem }) if line == 1 => Error::Input {
                place,
                problem: format!("{problem}; {hint}"),
            },
            (_, e) => e,
        })?;
        more = next(&mut reader, &mut record, path)?;
    }
    Ok(out)
}

/// For a first row that is not the original layout, under `--csv-header auto`: what it lacks to
/// be read as a header, and the options that would make it one.
fn header_hint(first: &ByteRecord, columns: &Columns) -> Option<String> {
    if columns.csv_header != CsvHeader::Auto {
        return None;
    }
    let names = header_names(first)?;
    let missing: Vec<(&str, &str)> = [
        (columns.label.as_str(), "--label-column"),
        (columns.text.as_str(), "--text-column"),
    ]
    .into_iter()
    .filter(|(name, _)| !names.iter().any(|n| n == name))
    .collect();
    let quoted: Vec<String> = missing.iter().map(|(n, _)| format!("\"{n}\"")).collect();
    let flags: Vec<&str> = missing.iter().map(|(_, f)| *f).collect();
    Some(format!(
        "read as a header (--csv-header yes) it has no {} column (columns: {}): name the right one with {}",
        quoted.join(" or "),
        names.join(", "),
        flags.join(" and ")
    ))
}

/// One row of the original layout.
fn original_row(record: &ByteRecord, line: u64, path: &Path, out: &mut RawRows) -> Result<()> {
    let bad = |problem: String| Error::at_path(path, format!("line {line}: {problem}"));
    if record.len() != 3 {
        return Err(bad(format!(
            "{} fields, expected 3 (class, title, text) as in amazon_review_polarity",
            record.len()
        )));
    }
    let class = field(record, 0, line, path)?;
    let label = match class.trim() {
        "1" => 0,
        "2" => 1,
        other => {
            return Err(bad(format!(
                "class \"{other}\" is outside the known classes (1 = negative, 2 = positive)"
            )));
        }
    };
    out.labels.push(label);
    out.titles.push(field(record, 1, line, path)?);
    out.contents.push(field(record, 2, line, path)?);
    Ok(())
}
