//! Class names: from the files' Hugging Face metadata when they carry it; for string labels
//! (`"neg"`/`"pos"`), their distinct values in sorted order (or, with the metadata, matched to its
//! names); else the integers are numbered classes `0..n`.

use std::collections::HashMap;

use super::RawRows;
use crate::error::{Error, Result};

/// More classes than this is a sign the wrong column was picked as the label.
const MAX_CLASSES: i64 = 1000;

type Parts = [(String, Vec<(String, RawRows)>)];

/// A file's labels as they are read: integers kept as they are, strings as indices into the file's
/// distinct values (a million rows of `"pos"` hold one string). One kind per file.
#[derive(Debug, Default)]
pub(crate) struct LabelColumn {
    ids: Vec<i64>,
    values: Vec<String>,
    index: HashMap<String, i64>,
    /// `None` until the first label says which kind the file has.
    strings: Option<bool>,
}

impl LabelColumn {
    pub fn with_capacity(n: usize) -> Self {
        LabelColumn {
            ids: Vec::with_capacity(n),
            ..LabelColumn::default()
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// An integer label; `Err` says why it cannot follow string labels.
    pub fn push_int(&mut self, label: i64) -> std::result::Result<(), String> {
        if self.strings == Some(true) {
            return Err(format!(
                "label {label} is an integer, but the labels before it are strings; use string labels or integer labels throughout"
            ));
        }
        self.strings = Some(false);
        self.ids.push(label);
        Ok(())
    }

    /// A string label; `Err` says why it cannot follow integer labels.
    pub fn push_str(&mut self, label: &str) -> std::result::Result<(), String> {
        if self.strings == Some(false) {
            return Err(format!(
                "label \"{label}\" is a string, but the labels before it are integers; use integer labels or string labels throughout"
            ));
        }
        self.strings = Some(true);
        let id = match self.index.get(label) {
            Some(&id) => id,
            None => {
                let id = self.values.len() as i64;
                self.values.push(label.to_owned());
                self.index.insert(label.to_owned(), id);
                id
            }
        };
        self.ids.push(id);
        Ok(())
    }

    /// CSV: a column whose every value is an integer (`0`, `1`) holds integer labels, as it would
    /// in parquet or JSONL.
    pub fn integers_when_all_are(&mut self) {
        let parsed: Option<Vec<i64>> = (self.values.iter())
            .map(|v| v.trim().parse().ok())
            .collect();
        if let (Some(true), Some(parsed)) = (self.strings, parsed) {
            for id in &mut self.ids {
                *id = parsed[*id as usize];
            }
            self.strings = Some(false);
            self.values.clear();
        }
    }

    /// The labels (integers, or indices into the values) and, for string labels, the values.
    pub fn finish(self) -> (Vec<i64>, Option<Vec<String>>) {
        let values = (self.strings == Some(true)).then_some(self.values);
        (self.ids, values)
    }
}

/// The dataset's classes, and where their names came from when the file's labels are strings.
#[derive(Debug)]
pub(crate) struct Classes {
    pub names: Vec<String>,
    /// For string labels: "sorted label values" or "ClassLabel names".
    pub from: Option<&'static str>,
}

/// The dataset's classes. Every file that names its classes must name the same ones; files with
/// string labels must all have string labels.
pub(crate) fn settle(parts: &Parts) -> Result<Classes> {
    let files = || parts.iter().flat_map(|(_, files)| files.iter());
    let named = named_by_metadata(files())?;
    let strings = string_labels(files())?;
    match (named, strings) {
        (Some(names), strings) => Ok(Classes {
            names: names.clone(),
            from: strings.map(|_| "ClassLabel names"),
        }),
        (None, Some(values)) => {
            if values.len() as i64 > MAX_CLASSES {
                let (place, _) = files().next().expect("values came from some file");
                return Err(Error::input(
                    place,
                    format!(
                        "the label column has {} distinct values, more than {MAX_CLASSES} classes; is --label-column the class column?",
                        values.len()
                    ),
                ));
            }
            Ok(Classes {
                names: values,
                from: Some("sorted label values"),
            })
        }
        (None, None) => numbered(files()).map(|names| Classes { names, from: None }),
    }
}

/// The ClassLabel names the files' metadata gives, the same in every file that gives any.
fn named_by_metadata<'a>(
    files: impl Iterator<Item = &'a (String, RawRows)>,
) -> Result<Option<&'a Vec<String>>> {
    let mut named: Option<(&str, &Vec<String>)> = None;
    for (place, raw) in files {
        if let Some(names) = &raw.label_names {
            match named {
                None => named = Some((place, names)),
                Some((first, known)) if known != names => {
                    return Err(Error::input(
                        place,
                        format!(
                            "label names [{}] differ from [{}] in {first}; all files must share one set of classes",
                            names.join(", "),
                            known.join(", ")
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
    }
    Ok(named.map(|(_, names)| names))
}

/// Every string label value of the files, sorted; `None` when the labels are integers. Refuses
/// files that mix the two kinds.
fn string_labels<'a>(
    files: impl Iterator<Item = &'a (String, RawRows)> + Clone,
) -> Result<Option<Vec<String>>> {
    one_kind(files.clone())?;
    if !files.clone().any(|(_, raw)| raw.label_values.is_some()) {
        return Ok(None);
    }
    let mut values: Vec<String> = files
        .flat_map(|(_, raw)| raw.label_values.iter().flatten().cloned())
        .collect();
    values.sort_unstable();
    values.dedup();
    Ok(Some(values))
}

/// Refuses a file with integer labels beside one with string labels.
fn one_kind<'a>(files: impl Iterator<Item = &'a (String, RawRows)>) -> Result<()> {
    const KINDS: [&str; 2] = ["integer", "string"];
    let mut first: [Option<&str>; 2] = [None, None];
    for (place, raw) in files.filter(|(_, raw)| !raw.labels.is_empty()) {
        let kind = raw.label_values.is_some() as usize;
        first[kind].get_or_insert(place);
        if let Some(other) = first[1 - kind] {
            return Err(Error::input(
                place,
                format!(
                    "has {} labels but {other} has {} labels; all files must use one kind",
                    KINDS[kind],
                    KINDS[1 - kind]
                ),
            ));
        }
    }
    Ok(())
}

/// Integer labels without names: classes `0..=max`.
fn numbered<'a>(
    mut files: impl Iterator<Item = &'a (String, RawRows)> + Clone,
) -> Result<Vec<String>> {
    let max = (files.clone())
        .flat_map(|(_, raw)| raw.labels.iter().copied())
        .max()
        .unwrap_or(0);
    if max >= MAX_CLASSES {
        let (place, _) = files
            .find(|(_, raw)| raw.labels.contains(&max))
            .expect("max came from some file");
        return Err(Error::input(
            place,
            format!(
                "label value {max} would mean more than {MAX_CLASSES} classes; is --label-column the class id column?"
            ),
        ));
    }
    Ok((0..=max.max(0)).map(|i| i.to_string()).collect())
}

/// Gives the string labels of every file one table of values (the union, in first-seen order), so
/// their ids can be mixed when the files are concatenated; refuses files that mix integer and
/// string labels.
pub(crate) fn unify(files: &mut [(String, RawRows)]) -> Result<()> {
    one_kind(files.iter())?;
    let mut table: Vec<String> = Vec::new();
    let mut index: HashMap<String, i64> = HashMap::new();
    for (_, raw) in files.iter_mut() {
        let Some(values) = raw.label_values.as_ref() else {
            continue;
        };
        let map: Vec<i64> = values
            .iter()
            .map(|v| {
                *index.entry(v.clone()).or_insert_with(|| {
                    table.push(v.clone());
                    table.len() as i64 - 1
                })
            })
            .collect();
        for label in &mut raw.labels {
            *label = map[*label as usize];
        }
    }
    for (_, raw) in files.iter_mut() {
        if raw.label_values.is_some() {
            raw.label_values = Some(table.clone());
        }
    }
    Ok(())
}

/// For a file with string labels, the class each of its values is (`None`: not a class).
pub(crate) fn classes_of_values(raw: &RawRows, names: &[String]) -> Option<Vec<Option<u32>>> {
    let values = raw.label_values.as_ref()?;
    Some(
        values
            .iter()
            .map(|v| {
                (names.iter().position(|n| n == v))
                    .or_else(|| names.iter().position(|n| n.eq_ignore_ascii_case(v.trim())))
                    .map(|i| i as u32)
            })
            .collect(),
    )
}

/// String label `value` at `row` (0-based) as a class id, or an error naming the file, the row and
/// the classes the metadata names.
pub(crate) fn check_value(
    class: Option<u32>,
    value: &str,
    names: &[String],
    place: &str,
    row: usize,
) -> Result<u32> {
    class.ok_or_else(|| {
        Error::input(
            place,
            format!(
                "row {}: label \"{value}\" is not one of the classes the file's metadata names ({}); fix the row or pick another --label-column",
                row + 1,
                names.join(", ")
            ),
        )
    })
}

/// `label` as a class id, or an error naming the file, the row and the known classes.
pub(crate) fn check(label: i64, names: &[String], place: &str, row: usize) -> Result<u32> {
    if (0..names.len() as i64).contains(&label) {
        return Ok(label as u32);
    }
    let known: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            if *n == i.to_string() {
                n.clone()
            } else {
                format!("{i} = {n}")
            }
        })
        .collect();
    Err(Error::input(
        place,
        format!(
            "row {}: label {label} is outside the known classes ({}); fix the row or pick another --label-column",
            row + 1,
            known.join(", ")
        ),
    ))
}

/// Class names from a `datasets`-written `huggingface` schema metadata value:
/// `{"info": {"features": {...}}}` or, in newer versions, `{"features": {...}}`.
pub(crate) fn from_hf_metadata(json: &str, label_column: &str) -> Option<Vec<String>> {
    let meta: serde_json::Value = serde_json::from_str(json).ok()?;
    let features = meta
        .pointer("/info/features")
        .or_else(|| meta.get("features"))?;
    let label = features.get(label_column)?;
    if label.get("_type")?.as_str()? != "ClassLabel" {
        return None;
    }
    label
        .get("names")?
        .as_array()?
        .iter()
        .map(|n| n.as_str().map(str::to_owned))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_metadata_layouts() {
        let old = r#"{"info": {"features": {"label": {"names": ["negative", "positive"], "_type": "ClassLabel"}}}}"#;
        let new = r#"{"features": {"label": {"names": ["neg", "pos"], "_type": "ClassLabel"}}}"#;
        assert_eq!(
            from_hf_metadata(old, "label"),
            Some(vec!["negative".into(), "positive".into()])
        );
        assert_eq!(
            from_hf_metadata(new, "label"),
            Some(vec!["neg".into(), "pos".into()])
        );
        assert_eq!(from_hf_metadata(new, "stars"), None);
        assert_eq!(from_hf_metadata("not json", "label"), None);
    }

    #[test]
    fn a_label_column_keeps_one_kind_and_strings_once() {
        let mut c = LabelColumn::default();
        for v in ["pos", "neg", "pos"] {
            c.push_str(v).unwrap();
        }
        assert!(
            c.push_int(1)
                .unwrap_err()
                .contains("labels before it are strings")
        );
        let (ids, values) = c.finish();
        assert_eq!(ids, [0, 1, 0]);
        assert_eq!(values, Some(vec!["pos".to_string(), "neg".to_string()]));
        let mut c = LabelColumn::default();
        c.push_int(3).unwrap();
        assert!(
            c.push_str("x")
                .unwrap_err()
                .contains("labels before it are integers")
        );
        assert_eq!(c.finish(), (vec![3], None));
    }

    #[test]
    fn csv_integers_become_integer_labels() {
        let mut c = LabelColumn::default();
        for v in ["1", "0", " 2", "1"] {
            c.push_str(v).unwrap();
        }
        c.integers_when_all_are();
        assert_eq!(c.finish(), (vec![1, 0, 2, 1], None));
        let mut c = LabelColumn::default();
        for v in ["1", "pos"] {
            c.push_str(v).unwrap();
        }
        c.integers_when_all_are();
        assert_eq!(c.finish().1.unwrap(), ["1", "pos"]);
    }

    #[test]
    fn unify_gives_every_file_one_table() {
        let file = |values: &[&str], ids: &[i64]| RawRows {
            labels: ids.to_vec(),
            label_values: Some(values.iter().map(|v| v.to_string()).collect()),
            ..RawRows::default()
        };
        let mut files = vec![
            ("a".to_string(), file(&["pos"], &[0, 0])),
            ("b".to_string(), file(&["neg", "pos"], &[0, 1])),
        ];
        unify(&mut files).unwrap();
        assert_eq!(files[1].1.labels, [1, 0]);
        assert_eq!(files[0].1.label_values, files[1].1.label_values);
        files.push((
            "c".to_string(),
            RawRows {
                labels: vec![1],
                ..RawRows::default()
            },
        ));
        let err = unify(&mut files).unwrap_err().to_string();
        assert_eq!(
            err,
            "c: has integer labels but a has string labels; all files must use one kind"
        );
    }

    #[test]
    fn check_names_the_row_and_classes() {
        let names = vec!["negative".to_string(), "positive".to_string()];
        assert_eq!(check(1, &names, "f", 0).unwrap(), 1);
        let err = check(2, &names, "f.parquet", 4).unwrap_err().to_string();
        assert_eq!(
            err,
            "f.parquet: row 5: label 2 is outside the known classes (0 = negative, 1 = positive); fix the row or pick another --label-column"
        );
        assert!(check(-1, &names, "f", 0).is_err());
    }
}
