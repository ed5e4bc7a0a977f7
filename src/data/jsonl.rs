//! JSON Lines: one object per line, e.g. `{"label": 1, "title": "...", "content": "..."}`; labels are
//! integers or strings (`"pos"`), one kind per file. An optional integer `row_index` field keeps the
//! row's position in a larger split.

use std::path::Path;

use serde_json::Value;

use super::labels::LabelColumn;
use super::{Columns, RawRows};
use crate::error::{Error, Result};

pub(crate) fn read(path: &Path, columns: &Columns) -> Result<RawRows> {
    let bytes =
        std::fs::read(path).map_err(|e| Error::at_path(path, format!("cannot read ({e})")))?;
    // A byte order mark, as some editors write one (the CSV reader skips it too).
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    let mut out = RawRows::default();
    let mut labels = LabelColumn::default();
    let mut row_index = Vec::new();
    let mut all_have_row_index = true;
    for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let line_no = n + 1;
        let bad = |problem: String| Error::at_path(path, format!("line {line_no}: {problem}"));
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let text = std::str::from_utf8(line).map_err(|e| {
            bad(format!(
                "invalid UTF-8 at byte {} of the line; re-encode the file as UTF-8",
                e.valid_up_to() + 1
            ))
        })?;
        let object: serde_json::Map<String, Value> = serde_json::from_str(text).map_err(|e| {
            bad(format!(
                "malformed JSON ({e}); each line must be one JSON object"
            ))
        })?;
        let field = |name: &str, flag: &str| {
            object.get(name).ok_or_else(|| {
                bad(format!(
                    "field \"{name}\" is missing; name the right one with {flag}"
                ))
            })
        };
        let string = |name: &str, value: &Value| match value {
            Value::String(s) => Ok(s.clone()),
            Value::Null => Ok(String::new()),
            other => Err(bad(format!(
                "field \"{name}\" is {other}, expected a string"
            ))),
        };
        push_label(
            field(&columns.label, "--label-column")?,
            &columns.label,
            &mut labels,
        )
        .map_err(bad)?;
        out.contents.push(&string(
            &columns.text,
            field(&columns.text, "--text-column")?,
        )?);
        let title = match &columns.title {
            Some(name) => string(name, field(name, "--title-column")?)?,
            None => match object.get(columns.title_or_default()) {
                Some(v) => string(columns.title_or_default(), v)?,
                None => String::new(),
            },
        };
        out.titles.push(&title);
        match object.get("row_index").and_then(Value::as_u64) {
            Some(ri) => row_index.push(ri),
            None => all_have_row_index = false,
        }
    }
    if all_have_row_index && !row_index.is_empty() {
        out.row_index = Some(row_index);
    }
    (out.labels, out.label_values) = labels.finish();
    Ok(out)
}

/// One line's label: an integer class id or a string; `Err` says what is wrong with it.
fn push_label(
    label: &Value,
    name: &str,
    labels: &mut LabelColumn,
) -> std::result::Result<(), String> {
    match label {
        Value::String(s) => labels.push_str(s),
        Value::Null => Err("label is empty (null); every row needs a class".into()),
        Value::Number(n) => match n.as_i64() {
            Some(id) => labels.push_int(id),
            None if n.is_u64() => Err(format!(
                "field \"{name}\" is {n}, too large for a class id; fix the line or pick another --label-column"
            )),
            None => Err(format!(
                "field \"{name}\" is {n}, expected an integer class id or a string"
            )),
        },
        other => Err(format!(
            "field \"{name}\" is {other}, expected an integer class id or a string"
        )),
    }
}
