//! Every data source, good and bad. Fixtures are written here, by the arrow/parquet writers; every bad
//! input must give exactly one line on stderr, naming the file and the problem, and exit code 2.

#[path = "support/parquet.rs"]
mod parquet_fixture;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use arrow::array::{
    ArrayRef, Float64Array, Int32Array, Int64Array, LargeStringArray, StringArray, StringViewArray,
    UInt8Array,
};
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use reviewlens::data::{Columns, Dataset, load};

/// With zstd and two rows per row group, so every file has several groups to decode.
fn write_parquet(path: &Path, columns: Vec<(&str, ArrayRef)>, hf_meta: bool) {
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .set_max_row_group_row_count(Some(2))
        .build();
    parquet_fixture::write_parquet(path, columns, hf_meta, Some(props));
}

fn strings(v: &[&str]) -> ArrayRef {
    Arc::new(StringArray::from(v.to_vec()))
}

/// The Hub's amazon_polarity columns for `labels`, titles "t0", "t1", ... and contents "c0", ...
fn hub_columns(labels: &[i64]) -> Vec<(&'static str, ArrayRef)> {
    let titles: Vec<String> = (0..labels.len()).map(|i| format!("t{i}")).collect();
    let contents: Vec<String> = (0..labels.len()).map(|i| format!("c{i}")).collect();
    vec![
        (
            "label",
            Arc::new(Int64Array::from(labels.to_vec())) as ArrayRef,
        ),
        ("title", Arc::new(StringArray::from(titles)) as ArrayRef),
        ("content", Arc::new(StringArray::from(contents)) as ArrayRef),
    ]
}

fn good_parquet(dir: &Path, name: &str, labels: &[i64]) -> PathBuf {
    let path = dir.join(name);
    write_parquet(&path, hub_columns(labels), true);
    path
}

fn open(path: &Path) -> Dataset {
    load(Some(path), &Columns::default())
        .unwrap_or_else(|e| panic!("{} should load: {e}", path.display()))
}

/// Asserts the load fails with a message holding every fragment, and that the binary reports the
/// same message as its one line of stderr with exit code 2.
fn refused(path: &Path, columns: &[&str], fragments: &[&str]) {
    let mut cols = Columns::default();
    for pair in columns.chunks(2) {
        match pair[0] {
            "--text-column" => cols.text = pair[1].into(),
            "--label-column" => cols.label = pair[1].into(),
            "--title-column" => cols.title = Some(pair[1].into()),
            other => panic!("unknown flag {other}"),
        }
    }
    let message = load(Some(path), &cols)
        .expect_err("should be refused")
        .to_string();
    assert!(
        message.starts_with(&path.display().to_string()),
        "names the file: {message}"
    );
    for f in fragments {
        assert!(message.contains(f), "{message:?} should contain {f:?}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .arg("--data")
        .arg(path)
        .args(columns)
        .arg("snapshot")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "exit code for {message}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr,
        format!("reviewlens: {message}\n"),
        "one line, no panic, no backtrace"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn hub_layout_directory_concatenates_shards_in_name_order() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("amazon_polarity");
    std::fs::create_dir(&config).unwrap();
    good_parquet(&config, "train-00001-of-00002.parquet", &[0, 0]);
    good_parquet(&config, "train-00000-of-00002.parquet", &[1, 1, 0]);
    good_parquet(&config, "test-00000-of-00001.parquet", &[1]);
    let d = open(dir.path());
    let names: Vec<&str> = d.splits.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["train", "test"]);
    assert_eq!(d.label_names, ["negative", "positive"]);
    let train: Vec<(u64, u32, &str)> = (d.splits[0].rows.clone())
        .map(|i| d.rows.get(i))
        .map(|r| (r.row_index, r.label, r.title))
        .collect();
    // Shard 00000 first; row_index counts through the whole split.
    assert_eq!(
        train,
        [
            (0, 1, "t0"),
            (1, 1, "t1"),
            (2, 0, "t2"),
            (3, 0, "t0"),
            (4, 0, "t1")
        ]
    );
}

#[test]
fn flat_directory_with_train_and_test_files() {
    let dir = tempfile::tempdir().unwrap();
    good_parquet(dir.path(), "test.parquet", &[0, 1]);
    good_parquet(dir.path(), "train.parquet", &[1]);
    let d = open(dir.path());
    assert_eq!(d.splits[0].name, "train");
    assert_eq!(d.splits[1].name, "test");
    assert_eq!(d.splits[1].rows, 1..3);
}

#[test]
fn text_types_and_label_widths_and_the_row_index_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reviews.parquet");
    write_parquet(
        &path,
        vec![
            ("label", Arc::new(UInt8Array::from(vec![1, 0])) as ArrayRef),
            (
                "title",
                Arc::new(LargeStringArray::from(vec!["a", "b"])) as ArrayRef,
            ),
            (
                "content",
                Arc::new(StringViewArray::from(vec!["x", "y"])) as ArrayRef,
            ),
            (
                "row_index",
                Arc::new(Int32Array::from(vec![17, 4242])) as ArrayRef,
            ),
        ],
        false,
    );
    let d = open(&path);
    assert_eq!(d.splits[0].name, "reviews");
    assert_eq!(
        d.label_names,
        ["0", "1"],
        "no metadata: classes are numbered"
    );
    assert_eq!(d.rows.get(1).title, "b");
    assert_eq!(d.rows.get(1).content, "y");
    assert_eq!(d.rows.get(1).label, 0);
    assert_eq!(d.rows.get(1).row_index, 4242);
}

#[test]
fn other_column_names() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("train.parquet");
    write_parquet(
        &path,
        vec![
            ("stars", Arc::new(Int64Array::from(vec![0, 4])) as ArrayRef),
            ("text", strings(&["meh", "wow"])),
        ],
        false,
    );
    let cols = Columns {
        text: "text".into(),
        label: "stars".into(),
        title: None,
        ..Columns::default()
    };
    let d = load(Some(&path), &cols).unwrap();
    assert_eq!(d.label_names, ["0", "1", "2", "3", "4"]);
    assert_eq!(d.rows.get(1).content, "wow");
    assert_eq!(d.rows.get(1).title, "", "no title column: no title");
}

#[test]
fn only_the_needed_columns_are_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("train.parquet");
    let mut columns = hub_columns(&[0, 1, 1]);
    let junk: Vec<String> = (0..3)
        .map(|i| format!("{i}-unused-{}", "z".repeat(500)))
        .collect();
    columns.push(("unused", Arc::new(StringArray::from(junk)) as ArrayRef));
    write_parquet(&path, columns, true);
    // Overwrite every chunk of the unused column with garbage: reading it would fail.
    let file =
        parquet::file::reader::SerializedFileReader::new(std::fs::File::open(&path).unwrap())
            .unwrap();
    let meta = parquet::file::reader::FileReader::metadata(&file).clone();
    let mut bytes = std::fs::read(&path).unwrap();
    for rg in meta.row_groups() {
        let (start, len) = rg.column(3).byte_range();
        bytes[start as usize..(start + len) as usize].fill(0xAB);
    }
    std::fs::write(&path, &bytes).unwrap();
    let d = open(&path);
    assert_eq!(d.rows.len(), 3);
    // The same bytes, asked for the garbage column, fail: the test above is not vacuous.
    refused(&path, &["--text-column", "unused"], &["corrupt data"]);
}

#[test]
fn jsonl_and_original_csv() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("amazon_polarity_test_sample.jsonl");
    std::fs::write(
        &jsonl,
        "{\"label\": 1, \"title\": \"Great CD\", \"content\": \"lovely\"}\n\n{\"label\": 0, \"content\": \"bad\", \"row_index\": 3}\n",
    )
    .unwrap();
    let d = open(&jsonl);
    assert_eq!(d.splits[0].name, "test");
    assert_eq!(d.rows.len(), 2);
    assert_eq!(d.rows.get(1).title, "");
    assert_eq!(
        d.rows.get(1).row_index,
        1,
        "row_index is used only when every line has one"
    );

    let csv = dir.path().join("train.csv");
    std::fs::write(&csv, "\"2\",\"Great CD\",\"My lovely Pat, one of the \"\"GREAT\"\" voices\"\n\"1\",\"Bad\",\"No.\"\n").unwrap();
    let d = open(&csv);
    assert_eq!(d.label_names, ["negative", "positive"]);
    assert_eq!(d.rows.get(0).label, 1);
    assert_eq!(
        d.rows.get(0).content,
        "My lovely Pat, one of the \"GREAT\" voices"
    );
    assert_eq!(d.rows.get(1).label, 0);
}

#[test]
fn missing_path() {
    refused(
        Path::new("/no/such/reviews.parquet"),
        &[],
        &["no such file or directory", "pass a parquet"],
    );
}

#[test]
fn unreadable_file() {
    // Root reads anything whatever its mode, so use a file the kernel refuses to read: /proc/self/mem
    // at offset 0 gives EIO.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reviews.jsonl");
    std::os::unix::fs::symlink("/proc/self/mem", &path).unwrap();
    refused(&path, &[], &["cannot read"]);
}

#[test]
fn not_parquet() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("train.parquet");
    std::fs::write(&path, "label,title,content\n1,a,b\n").unwrap();
    refused(&path, &[], &["not a readable parquet file"]);
    let unknown = dir.path().join("notes.txt");
    std::fs::write(&unknown, "hello").unwrap();
    refused(&unknown, &[], &["unknown file type"]);
}

#[test]
fn truncated_parquet() {
    let dir = tempfile::tempdir().unwrap();
    let path = good_parquet(dir.path(), "train.parquet", &[0, 1, 0, 1, 1]);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    refused(
        &path,
        &[],
        &["not a readable parquet file", "check that it is complete"],
    );
}

#[test]
fn corrupt_parquet_pages() {
    let dir = tempfile::tempdir().unwrap();
    let path = good_parquet(dir.path(), "train.parquet", &[0, 1, 0, 1, 1]);
    let mut bytes = std::fs::read(&path).unwrap();
    // Scribble over the data pages of every column chunk (the footer and page index stay intact, so
    // the file opens and the damage shows when the pages are decoded).
    let file =
        parquet::file::reader::SerializedFileReader::new(std::fs::File::open(&path).unwrap())
            .unwrap();
    let meta = parquet::file::reader::FileReader::metadata(&file).clone();
    for rg in meta.row_groups() {
        for col in rg.columns() {
            let (start, len) = col.byte_range();
            for b in &mut bytes[start as usize..(start + len) as usize] {
                *b ^= 0x5A;
            }
        }
    }
    std::fs::write(&path, &bytes).unwrap();
    refused(&path, &[], &["corrupt data"]);
    // Scribbling over everything between the magic number and the footer (page index included)
    // is refused when the file is opened.
    let footer =
        u32::from_le_bytes(bytes[bytes.len() - 8..bytes.len() - 4].try_into().unwrap()) as usize;
    let end = bytes.len() - 8 - footer;
    for b in &mut bytes[4..end] {
        *b ^= 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    refused(&path, &[], &["not a readable parquet file"]);
}

#[test]
fn required_column_missing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("train.parquet");
    write_parquet(
        &path,
        vec![
            ("label", Arc::new(Int64Array::from(vec![0])) as ArrayRef),
            ("text", strings(&["x"])),
        ],
        false,
    );
    refused(
        &path,
        &[],
        &[
            "column \"content\" is missing (columns: label, text)",
            "--text-column",
        ],
    );
    refused(
        &path,
        &["--text-column", "text", "--title-column", "headline"],
        &["column \"headline\" is missing"],
    );
}

#[test]
fn column_of_the_wrong_type() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("train.parquet");
    write_parquet(
        &path,
        vec![
            ("label", Arc::new(Float64Array::from(vec![1.0])) as ArrayRef),
            ("content", Arc::new(Int64Array::from(vec![3])) as ArrayRef),
        ],
        false,
    );
    refused(
        &path,
        &[],
        &["column \"label\" has type Float64, expected integer class ids or string labels"],
    );
    refused(
        &path,
        &["--label-column", "content", "--text-column", "content"],
        &["column \"content\" has type Int64, expected text"],
    );
}

#[test]
fn labels_outside_the_known_classes() {
    let dir = tempfile::tempdir().unwrap();
    let path = good_parquet(dir.path(), "train.parquet", &[0, 1, 2]);
    refused(
        &path,
        &[],
        &["row 3: label 2 is outside the known classes (0 = negative, 1 = positive)"],
    );
    let path = dir.path().join("test.parquet");
    write_parquet(
        &path,
        vec![
            ("label", Arc::new(Int64Array::from(vec![1, -1])) as ArrayRef),
            ("content", strings(&["a", "b"])),
        ],
        false,
    );
    refused(
        &path,
        &[],
        &["row 2: label -1 is outside the known classes (0, 1)"],
    );
    let csv = dir.path().join("train.csv");
    std::fs::write(&csv, "\"2\",\"a\",\"b\"\n\"3\",\"c\",\"d\"\n").unwrap();
    refused(
        &csv,
        &[],
        &["line 2: class \"3\" is outside the known classes (1 = negative, 2 = positive)"],
    );
}

#[test]
fn an_empty_split() {
    let dir = tempfile::tempdir().unwrap();
    good_parquet(dir.path(), "train.parquet", &[0, 1]);
    let empty = good_parquet(dir.path(), "test.parquet", &[]);
    let message = load(Some(dir.path()), &Columns::default())
        .unwrap_err()
        .to_string();
    assert!(
        message.starts_with(&empty.display().to_string()),
        "{message}"
    );
    assert!(message.contains("split \"test\" has no rows"), "{message}");
    refused(&empty, &[], &["split \"test\" has no rows"]);
}

#[test]
fn invalid_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("train.csv");
    std::fs::write(
        &csv,
        b"\"2\",\"ok\",\"fine\"\n\"1\",\"bad \xff title\",\"text\"\n",
    )
    .unwrap();
    refused(&csv, &[], &["line 2: invalid UTF-8 in field 2"]);
    let jsonl = dir.path().join("train.jsonl");
    std::fs::write(
        &jsonl,
        b"{\"label\": 1, \"content\": \"ok\"}\n{\"label\": 0, \"content\": \"\xc3\x28\"}\n",
    )
    .unwrap();
    refused(&jsonl, &[], &["line 2: invalid UTF-8"]);
}

#[test]
fn malformed_jsonl_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("train.jsonl");
    std::fs::write(&path, "{\"label\": 1, \"content\": \"ok\"}\n{\"label\": 0, \"content\": \"ok\"}\n{\"label\": 1, \"content\": \"cut\n").unwrap();
    refused(&path, &[], &["line 3: malformed JSON"]);
    std::fs::write(
        &path,
        "{\"label\": 1, \"content\": \"ok\"}\n{\"label\": [1], \"content\": \"x\"}\n",
    )
    .unwrap();
    refused(
        &path,
        &[],
        &["line 2: field \"label\" is [1], expected an integer class id or a string"],
    );
    std::fs::write(&path, "{\"label\": 1, \"text\": \"ok\"}\n").unwrap();
    refused(
        &path,
        &[],
        &["line 1: field \"content\" is missing", "--text-column"],
    );
}

#[test]
fn a_directory_without_data() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "hi").unwrap();
    refused(
        dir.path(),
        &[],
        &["no .parquet, .jsonl, .csv or .tsv files"],
    );
    for config in ["a", "b"] {
        std::fs::create_dir(dir.path().join(config)).unwrap();
        good_parquet(&dir.path().join(config), "train.parquet", &[0]);
    }
    refused(
        dir.path(),
        &[],
        &["several configs", "pass one of them with --data"],
    );
}
