//! Files as the ecosystem writes them (issue 15): text in any Arrow text type (dictionaries
//! included), labels of any integer type or strings (classes named by their sorted values, or by
//! the file's ClassLabel names), and CSV/TSV with a header row. Fixtures are written here; every bad
//! input is one line on stderr and exit code 2.

#[path = "support/parquet.rs"]
mod parquet_fixture;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use arrow::array::{
    ArrayRef, DictionaryArray, Int8Array, Int16Array, Int32Array, Int64Array, LargeStringArray,
    StringArray, StringViewArray, UInt8Array, UInt16Array, UInt32Array, UInt64Array,
};
use arrow::datatypes::{Int8Type, Int16Type, Int32Type, UInt8Type};
use reviewlens::data::{Columns, Dataset, load};

fn write_parquet(path: &Path, columns: Vec<(&str, ArrayRef)>, hf_meta: bool) {
    parquet_fixture::write_parquet(path, columns, hf_meta, None);
}

fn strings(v: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(v.to_vec()))
}

fn open(path: &Path) -> Dataset {
    load(Some(path), &Columns::default())
        .unwrap_or_else(|e| panic!("{} should load: {e}", path.display()))
}

fn run(args: &[&str], cache: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .args(args)
        .env("XDG_CACHE_HOME", cache)
        .output()
        .unwrap()
}

/// The binary on `path` with `args` then `snapshot`: one line holding every fragment, exit code 2.
fn refused(path: &Path, args: &[&str], fragments: &[&str]) -> String {
    let cache = tempfile::tempdir().unwrap();
    let mut all = vec!["--data", path.to_str().unwrap()];
    all.extend(args);
    all.push("snapshot");
    let out = run(&all, cache.path());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{all:?}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("reviewlens: "), "{stderr}");
    for f in fragments {
        assert!(stderr.contains(f), "{stderr:?} should contain {f:?}");
    }
    assert!(out.stdout.is_empty());
    stderr
}

/// (label, title, content) of every row.
fn rows(d: &Dataset) -> Vec<(u32, &str, &str)> {
    d.rows
        .iter()
        .map(|r| (r.label, r.title, r.content))
        .collect()
}

fn dictionary<K: arrow::datatypes::ArrowDictionaryKeyType>(
    keys: Vec<Option<K::Native>>,
    values: ArrayRef,
) -> ArrayRef {
    let keys: arrow::array::PrimitiveArray<K> = keys.into_iter().collect();
    Arc::new(DictionaryArray::<K>::try_new(keys, values).unwrap())
}

// 1. Text columns of any Arrow text type.

#[test]
fn dictionary_encoded_text_columns_open_and_a_null_text_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("train.parquet");
    let titles = dictionary::<Int32Type>(
        vec![Some(1), Some(0), Some(1)],
        Arc::new(StringArray::from(vec!["Bad", "Great"])),
    );
    let contents = dictionary::<Int16Type>(
        vec![Some(0), None, Some(1)],
        Arc::new(LargeStringArray::from(vec!["lovely", "again"])),
    );
    write_parquet(
        &path,
        vec![
            (
                "label",
                Arc::new(Int64Array::from(vec![1, 0, 1])) as ArrayRef,
            ),
            ("title", titles),
            ("content", contents),
        ],
        true,
    );
    let d = open(&path);
    assert_eq!(
        rows(&d),
        [
            (1, "Great", "lovely"),
            (0, "Bad", ""),
            (1, "Great", "again")
        ]
    );
    assert_eq!(d.label_names, ["negative", "positive"]);
}

#[test]
fn string_views_and_their_dictionaries_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("train.parquet");
    let titles = dictionary::<UInt8Type>(
        vec![Some(0), Some(0)],
        Arc::new(StringViewArray::from(vec!["Same title"])),
    );
    write_parquet(
        &path,
        vec![
            ("label", Arc::new(Int32Array::from(vec![0, 1])) as ArrayRef),
            ("title", titles),
            (
                "content",
                Arc::new(StringViewArray::from(vec![
                    Some("a review longer than twelve bytes"),
                    None,
                ])) as ArrayRef,
            ),
        ],
        false,
    );
    let d = open(&path);
    assert_eq!(
        rows(&d),
        [
            (0, "Same title", "a review longer than twelve bytes"),
            (1, "Same title", "")
        ]
    );
}

// 2. Labels of any integer type, and string labels.

#[test]
fn labels_of_every_integer_type_and_integer_dictionaries() {
    let dir = tempfile::tempdir().unwrap();
    let label_columns: Vec<ArrayRef> = vec![
        Arc::new(Int8Array::from(vec![1, 0, 2])),
        Arc::new(Int16Array::from(vec![1, 0, 2])),
        Arc::new(Int32Array::from(vec![1, 0, 2])),
        Arc::new(Int64Array::from(vec![1, 0, 2])),
        Arc::new(UInt8Array::from(vec![1, 0, 2])),
        Arc::new(UInt16Array::from(vec![1, 0, 2])),
        Arc::new(UInt32Array::from(vec![1, 0, 2])),
        Arc::new(UInt64Array::from(vec![1, 0, 2])),
        // pandas categoricals of integers: int8 keys into int64 values.
        dictionary::<Int8Type>(
            vec![Some(1), Some(0), Some(2)],
            Arc::new(Int64Array::from(vec![0, 1, 2])),
        ),
    ];
    for label in label_columns {
        let kind = label.data_type().to_string();
        let path = dir.path().join("train.parquet");
        write_parquet(
            &path,
            vec![
                ("label", label),
                ("content", strings(&[Some("a"), Some("b"), Some("c")])),
            ],
            false,
        );
        let d = load(Some(&path), &Columns::default()).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(d.label_names, ["0", "1", "2"], "{kind}");
        let labels: Vec<u32> = d.rows.iter().map(|r| r.label).collect();
        assert_eq!(labels, [1, 0, 2], "{kind}");
    }
}

#[test]
fn integer_labels_that_cannot_be_classes_are_refused_with_their_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("train.parquet");
    write_parquet(
        &path,
        vec![
            ("label", Arc::new(Int8Array::from(vec![0, -3])) as ArrayRef),
            ("content", strings(&[Some("a"), Some("b")])),
        ],
        false,
    );
    refused(
        &path,
        &[],
        &["row 2: label -3 is outside the known classes"],
    );
    write_parquet(
        &path,
        vec![
            (
                "label",
                Arc::new(UInt64Array::from(vec![0, u64::MAX])) as ArrayRef,
            ),
            ("content", strings(&[Some("a"), Some("b")])),
        ],
        false,
    );
    refused(
        &path,
        &[],
        &["row 2: label 18446744073709551615 is too large"],
    );
}

#[test]
fn string_labels_of_every_text_type_are_classes_in_sorted_order() {
    let dir = tempfile::tempdir().unwrap();
    let label_columns: Vec<ArrayRef> = vec![
        strings(&[Some("pos"), Some("neg"), Some("pos")]),
        Arc::new(LargeStringArray::from(vec!["pos", "neg", "pos"])),
        Arc::new(StringViewArray::from(vec!["pos", "neg", "pos"])),
        dictionary::<Int32Type>(
            vec![Some(0), Some(1), Some(0)],
            Arc::new(StringArray::from(vec!["pos", "neg"])),
        ),
        dictionary::<Int8Type>(
            vec![Some(1), Some(0), Some(1)],
            Arc::new(LargeStringArray::from(vec!["neg", "pos"])),
        ),
    ];
    for label in label_columns {
        let kind = label.data_type().to_string();
        let path = dir.path().join("test.parquet");
        write_parquet(
            &path,
            vec![
                ("label", label),
                ("content", strings(&[Some("a"), Some("b"), Some("c")])),
            ],
            false,
        );
        let d = load(Some(&path), &Columns::default()).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(d.label_names, ["neg", "pos"], "{kind}");
        let labels: Vec<u32> = d.rows.iter().map(|r| r.label).collect();
        assert_eq!(labels, [1, 0, 1], "{kind}");
    }
}

#[test]
fn string_labels_are_matched_to_the_files_classlabel_names() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("train.parquet");
    write_parquet(
        &path,
        vec![
            ("label", strings(&[Some("positive"), Some("negative")])),
            ("content", strings(&[Some("a"), Some("b")])),
        ],
        true,
    );
    let d = open(&path);
    assert_eq!(d.label_names, ["negative", "positive"]);
    assert_eq!(rows(&d), [(1, "", "a"), (0, "", "b")]);
    // Even when one class never occurs: the names come from the metadata, not the values.
    write_parquet(
        &path,
        vec![
            ("label", strings(&[Some("positive")])),
            ("content", strings(&[Some("a")])),
        ],
        true,
    );
    assert_eq!(open(&path).rows.get(0).label, 1);
    write_parquet(
        &path,
        vec![
            ("label", strings(&[Some("positive"), Some("neutral")])),
            ("content", strings(&[Some("a"), Some("b")])),
        ],
        true,
    );
    refused(
        &path,
        &[],
        &["row 2: label \"neutral\"", "negative, positive"],
    );
}

#[test]
fn string_labels_across_files_share_one_set_of_classes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("train.jsonl"),
        "{\"label\": \"pos\", \"content\": \"a\"}\n{\"label\": \"pos\", \"content\": \"b\"}\n",
    )
    .unwrap();
    let test = dir.path().join("test.parquet");
    write_parquet(
        &test,
        vec![
            ("label", strings(&[Some("neg"), Some("pos")])),
            ("content", strings(&[Some("c"), Some("d")])),
        ],
        false,
    );
    let d = open(dir.path());
    assert_eq!(d.label_names, ["neg", "pos"]);
    let labels: Vec<u32> = d.rows.iter().map(|r| r.label).collect();
    assert_eq!(labels, [1, 1, 0, 1]);
    // Integers in one file and strings in another cannot be one set of classes.
    std::fs::write(
        dir.path().join("train.jsonl"),
        "{\"label\": 1, \"content\": \"a\"}\n",
    )
    .unwrap();
    let message = load(Some(dir.path()), &Columns::default())
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("string labels") && message.contains("integer labels"),
        "{message}"
    );
}

#[test]
fn a_sample_of_string_labels_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    for (i, shard) in ["train-00000-of-00002", "train-00001-of-00002"]
        .iter()
        .enumerate()
    {
        let labels: Vec<Option<&str>> = if i == 0 {
            vec![Some("b"); 5]
        } else {
            vec![Some("a"); 5]
        };
        write_parquet(
            &dir.path().join(format!("{shard}.parquet")),
            vec![
                ("label", strings(&labels)),
                (
                    "content",
                    strings(&[Some(if i == 0 { "B" } else { "A" }); 5]),
                ),
            ],
            false,
        );
    }
    let sampling = reviewlens::data::Sampling {
        train: Some(reviewlens::data::Count::All),
        seed: 42,
        ..Default::default()
    };
    let d =
        reviewlens::data::load_sampled(Some(dir.path()), &Columns::default(), &sampling).unwrap();
    assert_eq!(d.label_names, ["a", "b"]);
    for r in d.rows.iter() {
        let expected = if r.content == "A" { 0 } else { 1 };
        assert_eq!(r.label, expected, "{r:?}");
    }
}

#[test]
fn a_null_label_is_refused_with_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("train.parquet");
    write_parquet(
        &path,
        vec![
            ("label", strings(&[Some("pos"), None])),
            ("content", strings(&[Some("a"), Some("b")])),
        ],
        false,
    );
    refused(&path, &[], &["row 2: label is empty (null)"]);
    let jsonl = dir.path().join("test.jsonl");
    std::fs::write(
        &jsonl,
        "{\"label\": \"pos\", \"content\": \"a\"}\n{\"label\": null, \"content\": \"b\"}\n",
    )
    .unwrap();
    refused(&jsonl, &[], &["line 2: label is empty (null)"]);
}

#[test]
fn jsonl_string_labels_and_labels_of_no_usable_kind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("train.jsonl");
    std::fs::write(
        &path,
        "{\"label\": \"pos\", \"title\": \"t\", \"content\": \"a\"}\n{\"label\": \"neg\", \"content\": \"b\"}\n",
    )
    .unwrap();
    let d = open(&path);
    assert_eq!(d.label_names, ["neg", "pos"]);
    assert_eq!(rows(&d), [(1, "t", "a"), (0, "", "b")]);
    std::fs::write(
        &path,
        "{\"label\": \"pos\", \"content\": \"a\"}\n{\"label\": 0, \"content\": \"b\"}\n",
    )
    .unwrap();
    refused(&path, &[], &["line 2:", "integer", "string labels"]);
    std::fs::write(&path, "{\"label\": 1.5, \"content\": \"a\"}\n").unwrap();
    refused(
        &path,
        &[],
        &[
            "line 1: field \"label\" is 1.5",
            "integer class id or a string",
        ],
    );
}

#[test]
fn where_string_labels_class_names_came_from_is_said_once() {
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let path = dir.path().join("test.jsonl");
    std::fs::write(
        &path,
        "{\"label\": \"pos\", \"content\": \"good\"}\n{\"label\": \"neg\", \"content\": \"bad\"}\n",
    )
    .unwrap();
    let data = path.to_str().unwrap();
    let out = run(&["--data", data, "snapshot"], cache.path());
    assert!(out.status.success());
    let screen = String::from_utf8(out.stdout).unwrap();
    let status = screen.lines().last().unwrap();
    assert!(status.contains("classes: sorted label values"), "{status}");
    let output = dir.path().join("out.csv");
    let tiny = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/distilbert-tiny");
    let out = run(
        &[
            "--data",
            data,
            "--model-dir",
            tiny.to_str().unwrap(),
            "--label-map",
            "NEGATIVE=neg,POSITIVE=pos",
            "predict",
            "--output",
            output.to_str().unwrap(),
        ],
        cache.path(),
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    let said: Vec<&str> = stderr.lines().filter(|l| l.contains("classes")).collect();
    assert_eq!(said.len(), 1, "{stderr}");
    assert!(said[0].contains("neg, pos"), "{stderr}");
}

// 3. CSV and TSV with a header row.

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn csv_with_a_header_row_is_read_by_column_name() {
    let dir = tempfile::tempdir().unwrap();
    // pandas' to_csv(index=False): label,title,content.
    let path = write(
        dir.path(),
        "train.csv",
        "label,title,content\n1,Great,\"Lovely, \"\"really\"\"\"\n0,Bad,Broke\n",
    );
    let d = open(&path);
    assert_eq!(d.label_names, ["0", "1"]);
    assert_eq!(
        rows(&d),
        [(1, "Great", "Lovely, \"really\""), (0, "Bad", "Broke")]
    );
    // Any column order, extra columns, string labels, a row_index column.
    let path = write(
        dir.path(),
        "test.csv",
        "row_index,content,extra,label\n7,good,x,pos\n9,bad,y,neg\n",
    );
    let d = open(&path);
    assert_eq!(d.label_names, ["neg", "pos"]);
    assert_eq!(rows(&d), [(1, "", "good"), (0, "", "bad")]);
    assert_eq!(d.rows.get(1).row_index, 9);
    // The column options apply.
    let path = write(
        dir.path(),
        "other.csv",
        "stars,headline,text\n2,A,aa\n0,B,bb\n",
    );
    let columns = Columns {
        text: "text".into(),
        label: "stars".into(),
        title: Some("headline".into()),
        ..Columns::default()
    };
    let d = load(Some(&path), &columns).unwrap();
    assert_eq!(d.label_names, ["0", "1", "2"]);
    assert_eq!(rows(&d), [(2, "A", "aa"), (0, "B", "bb")]);
}

#[test]
fn tsv_files_by_extension_with_or_without_a_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "train.tsv",
        "label\ttitle\tcontent\npos\tGreat\tcomma, kept\nneg\tBad\t\"quoted\ttab\"\n",
    );
    let d = open(&path);
    assert_eq!(d.label_names, ["neg", "pos"]);
    assert_eq!(
        rows(&d),
        [(1, "Great", "comma, kept"), (0, "Bad", "quoted\ttab")]
    );
    let path = write(dir.path(), "test.tsv", "2\tGreat\tFine\n1\tBad\tNo\n");
    let d = open(&path);
    assert_eq!(d.label_names, ["negative", "positive"]);
    assert_eq!(rows(&d), [(1, "Great", "Fine"), (0, "Bad", "No")]);
    // A directory in the Hub's layout may hold TSV files.
    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).unwrap();
    write(&folder, "test.tsv", "label\tcontent\n0\tbad\n");
    write(&folder, "train.tsv", "label\tcontent\n1\tgood\n");
    let d = open(&folder);
    let names: Vec<&str> = d.splits.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["train", "test"]);
    assert_eq!(rows(&d), [(1, "", "good"), (0, "", "bad")]);
}

#[test]
fn the_headerless_original_csv_reads_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "train.csv",
        "\"2\",\"label\",\"content\"\n\"1\",\"Bad\",\"No.\"\n",
    );
    let d = open(&path);
    assert_eq!(d.label_names, ["negative", "positive"]);
    assert_eq!(rows(&d), [(1, "label", "content"), (0, "Bad", "No.")]);
}

#[test]
fn csv_header_option_forces_either_reading() {
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    // A header naming other columns: `yes` says which column is missing and how to name it.
    let path = write(dir.path(), "train.csv", "stars,body\n1,good\n");
    refused(
        &path,
        &["--csv-header", "yes"],
        &[
            "column \"label\" is missing (columns: stars, body)",
            "--label-column",
        ],
    );
    let data = path.to_str().unwrap();
    let out = run(
        &[
            "--data",
            data,
            "--csv-header",
            "yes",
            "--label-column",
            "stars",
            "--text-column",
            "body",
            "snapshot",
        ],
        cache.path(),
    );
    assert!(out.status.success(), "{:?}", out);
    // `no`: the first row is data, even when it looks like a header.
    let path = write(
        dir.path(),
        "test.csv",
        "label,title,content\n\"2\",\"Great\",\"Fine\"\n",
    );
    refused(
        &path,
        &["--csv-header", "no"],
        &["line 1: class \"label\" is outside the known classes"],
    );
    refused(
        &path,
        &["--csv-header", "maybe"],
        &["--csv-header", "maybe"],
    );
}

#[test]
fn a_header_that_names_other_columns_says_what_to_pass() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "train.csv", "label,text\n1,good\n0,bad\n");
    refused(
        &path,
        &[],
        &[
            "line 1",
            "header",
            "no \"content\" column (columns: label, text)",
            "--text-column",
            "--csv-header",
        ],
    );
}

#[test]
fn bad_rows_in_a_csv_with_a_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "train.csv", "label,content\n1,good\n,bad\n");
    refused(&path, &[], &["line 3: label is empty"]);
    let path = write(
        dir.path(),
        "test.csv",
        "label,content\n1,good\n0,bad,extra\n",
    );
    refused(&path, &[], &["line 3: 3 fields", "the header has 2"]);
    let path = write(dir.path(), "valid.csv", "label,content\n1,good\n");
    std::fs::write(&path, b"label,content\n1,bad \xff text\n").unwrap();
    refused(&path, &[], &["line 2: invalid UTF-8"]);
}
