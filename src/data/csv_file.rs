//! The original `amazon_review_polarity` CSV (Xiang Zhang, 2015): no header, three columns
//! `class,title,text`, class 1 = negative and 2 = positive.

use std::path::Path;

use super::RawRows;
use crate::error::{Error, Result};

const NAMES: [&str; 2] = ["negative", "positive"];

pub(crate) fn read(path: &Path) -> Result<RawRows> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .map_err(|e| Error::at_path(path, format!("cannot open ({e})")))?;
    let mut out = RawRows {
        label_names: Some(NAMES.iter().map(|s| s.to_string()).collect()),
        ..RawRows::default()
    };
    let mut record = csv::ByteRecord::new();
    loop {
        let more = reader
            .read_byte_record(&mut record)
            .map_err(|e| Error::at_path(path, format!("malformed CSV ({e})")))?;
        if !more {
            break;
        }
        let line = record.position().map_or(0, |p| p.line());
        let bad = |problem: String| Error::at_path(path, format!("line {line}: {problem}"));
        if record.len() != 3 {
            return Err(bad(format!(
                "{} fields, expected 3 (class, title, text) as in amazon_review_polarity",
                record.len()
            )));
        }
        let field = |i: usize| {
            std::str::from_utf8(&record[i]).map_err(|e| {
                bad(format!(
                    "invalid UTF-8 in field {} at byte {}; re-encode the file as UTF-8",
                    i + 1,
                    e.valid_up_to() + 1
                ))
            })
        };
        let class = field(0)?;
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
        out.titles.push(field(1)?.to_owned());
        out.contents.push(field(2)?.to_owned());
    }
    Ok(out)
}
