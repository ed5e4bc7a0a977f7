//! Which dataset class each model output means: the model's `id2label` matched to the dataset's label
//! names case-insensitively (NEGATIVE → negative), `LABEL_k` to a class named `k`, or an explicit
//! `--label-map NEGATIVE=0,POSITIVE=1`. Classes that are only numbered ("0", "1": integer labels
//! without names) and a model with as many labels, none naming a class, pair up in order (said
//! once). A model that cannot be matched is refused before inference.

use crate::error::{Error, Result};

/// Parses `--label-map NAME=CLASS,...` (CLASS: a dataset class id or name).
pub fn parse_map(text: &str) -> Result<Vec<(String, String)>> {
    text.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|pair| {
            let (model, data) = pair.split_once('=').ok_or_else(|| {
                Error::input(
                    "--label-map",
                    format!(
                        "\"{pair}\" is not MODEL_LABEL=DATASET_CLASS (e.g. NEGATIVE=0,POSITIVE=1)"
                    ),
                )
            })?;
            Ok((model.trim().to_owned(), data.trim().to_owned()))
        })
        .collect()
}

/// For each model output `i` (named `id2label[i]`), the dataset class it predicts; and what the
/// user should be told about it, when the classes were taken in order.
pub fn match_labels(
    id2label: &[String],
    dataset: &[String],
    map: Option<&[(String, String)]>,
) -> Result<(Vec<u32>, Option<String>)> {
    if map.is_none()
        && let Some(in_order) = in_order(id2label, dataset)
    {
        return Ok(in_order);
    }
    let mut out = Vec::with_capacity(id2label.len());
    for (i, model_label) in id2label.iter().enumerate() {
        let class = match map {
            Some(map) => mapped_class(model_label, map, dataset)?,
            None => matched_class(i, id2label, dataset)?,
        };
        if out.contains(&class) {
            return Err(Error::input(
                "model",
                format!(
                    "two of its labels map to the dataset class \"{}\"; fix --label-map",
                    dataset[class as usize]
                ),
            ));
        }
        out.push(class);
    }
    Ok((out, None))
}

/// Numbered classes (named `0..n`, as integer labels without names are) and a model with exactly
/// `n` labels, none of which names a class: model label k is class k, and a note says so.
fn in_order(id2label: &[String], dataset: &[String]) -> Option<(Vec<u32>, Option<String>)> {
    let numbered = (dataset.iter().enumerate()).all(|(i, name)| *name == i.to_string());
    let none_named = (id2label.iter()).all(|label| named_class(label, dataset).is_none());
    if !numbered || !none_named || id2label.len() != dataset.len() {
        return None;
    }
    let note = format!(
        "model labels {} taken as classes {}; --label-map to change",
        id2label.join(", "),
        dataset.join(", ")
    );
    Some(((0..dataset.len() as u32).collect(), Some(note)))
}

/// The class `--label-map` gives `model_label`: an explicit map may name a class or give its id.
fn mapped_class(model_label: &str, map: &[(String, String)], dataset: &[String]) -> Result<u32> {
    let (_, target) = map
        .iter()
        .find(|(m, _)| m.eq_ignore_ascii_case(model_label))
        .ok_or_else(|| {
            Error::input(
                "--label-map",
                format!("does not say which class the model's label \"{model_label}\" is"),
            )
        })?;
    class_named(dataset, target)
        .or_else(|| {
            target
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|&i| (i as usize) < dataset.len())
        })
        .ok_or_else(|| {
            Error::input(
                "--label-map",
                format!(
                    "\"{target}\" is not a dataset class ({})",
                    dataset.join(", ")
                ),
            )
        })
}

/// The class output `i` means by name alone (`NEGATIVE`, or `LABEL_k` for a class named `k`):
/// apart from numbered classes (`in_order`), automatic matching never guesses from ids.
fn matched_class(i: usize, id2label: &[String], dataset: &[String]) -> Result<u32> {
    let model_label = &id2label[i];
    named_class(model_label, dataset).ok_or_else(|| {
            Error::input(
                "model",
                format!(
                    "its label \"{model_label}\" (output {i}) matches none of the dataset's classes ({}); say which is which with --label-map, e.g. {}",
                    dataset.join(", "),
                    example_map(id2label)
                ),
            )
        })
}

/// The class a model label names: the same name (ignoring case), or `LABEL_k` for a class named `k`.
fn named_class(model_label: &str, dataset: &[String]) -> Option<u32> {
    class_named(dataset, model_label).or_else(|| {
        model_label
            .strip_prefix("LABEL_")
            .and_then(|k| class_named(dataset, k))
    })
}

/// The dataset class named `name`, ignoring case and surrounding spaces.
fn class_named(dataset: &[String], name: &str) -> Option<u32> {
    let name = name.trim();
    dataset
        .iter()
        .position(|d| d.eq_ignore_ascii_case(name))
        .map(|i| i as u32)
}

fn example_map(id2label: &[String]) -> String {
    id2label
        .iter()
        .enumerate()
        .map(|(i, l)| format!("{l}={i}"))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn matches_case_insensitively_and_by_label_k() {
        let data = names(&["negative", "positive"]);
        assert_eq!(
            match_labels(&names(&["NEGATIVE", "POSITIVE"]), &data, None)
                .unwrap()
                .0,
            [0, 1]
        );
        assert_eq!(
            match_labels(&names(&["POSITIVE", "NEGATIVE"]), &data, None)
                .unwrap()
                .0,
            [1, 0]
        );
        assert_eq!(
            match_labels(&names(&["LABEL_0", "LABEL_1"]), &names(&["0", "1"]), None)
                .unwrap()
                .0,
            [0, 1]
        );
    }

    #[test]
    fn refuses_what_it_cannot_match_and_says_how_to_fix_it() {
        let data = names(&["negative", "positive"]);
        let err = match_labels(&names(&["LABEL_0", "LABEL_1"]), &data, None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"LABEL_0\" (output 0) matches none"), "{err}");
        assert!(
            err.contains("--label-map, e.g. LABEL_0=0,LABEL_1=1"),
            "{err}"
        );
    }

    #[test]
    fn an_explicit_map_wins() {
        let data = names(&["negative", "positive"]);
        let map = parse_map("LABEL_0=positive, LABEL_1=0").unwrap();
        assert_eq!(
            match_labels(&names(&["LABEL_0", "LABEL_1"]), &data, Some(&map))
                .unwrap()
                .0,
            [1, 0]
        );
        assert!(parse_map("NEGATIVE").is_err());
        let map = parse_map("LABEL_0=0,LABEL_1=0").unwrap();
        assert!(match_labels(&names(&["LABEL_0", "LABEL_1"]), &data, Some(&map)).is_err());
    }

    #[test]
    fn numbered_classes_take_a_named_model_in_order() {
        let numbered = names(&["0", "1"]);
        let sst2 = names(&["NEGATIVE", "POSITIVE"]);
        let (classes, note) = match_labels(&sst2, &numbered, None).unwrap();
        assert_eq!(classes, [0, 1]);
        assert_eq!(
            note.as_deref(),
            Some("model labels NEGATIVE, POSITIVE taken as classes 0, 1; --label-map to change")
        );
        // Names that match still match by name, and say nothing.
        let swapped = names(&["LABEL_1", "LABEL_0"]);
        assert_eq!(
            match_labels(&swapped, &numbered, None).unwrap(),
            (vec![1, 0], None)
        );
        // An explicit map decides.
        let map = parse_map("NEGATIVE=1,POSITIVE=0").unwrap();
        assert_eq!(
            match_labels(&sst2, &numbered, Some(&map)).unwrap(),
            (vec![1, 0], None)
        );
        // Not when the counts differ, nor when the classes have names.
        assert!(match_labels(&sst2, &names(&["0", "1", "2"]), None).is_err());
        assert!(match_labels(&sst2, &names(&["neg", "pos"]), None).is_err());
        assert!(match_labels(&names(&["LABEL_1", "OTHER"]), &numbered, None).is_err());
    }
}
