//! Class names: from the files' Hugging Face metadata when they carry it, else `0..n`.

use super::RawRows;
use crate::error::{Error, Result};

/// More classes than this is a sign the wrong column was picked as the label.
const MAX_CLASSES: i64 = 1000;

type Parts = [(String, Vec<(String, RawRows)>)];

/// The dataset's class names. Every file that names its classes must name the same ones.
pub(crate) fn settle(parts: &Parts) -> Result<Vec<String>> {
    let files = || parts.iter().flat_map(|(_, files)| files.iter());
    let mut named: Option<(&str, &Vec<String>)> = None;
    for (place, raw) in files() {
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
    if let Some((_, names)) = named {
        return Ok(names.clone());
    }
    let max = files()
        .flat_map(|(_, raw)| raw.labels.iter().copied())
        .max()
        .unwrap_or(0);
    if max >= MAX_CLASSES {
        let (place, _) = files()
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
