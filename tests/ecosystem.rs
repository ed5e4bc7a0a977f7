//! The ecosystem matrix in small (issue 15; `scripts/make_ecosystem_files.py` is the same with
//! pandas, polars, DuckDB, pyarrow and `datasets`): a few bundled rows written at test time by the
//! arrow/parquet/csv crates in every codec, with parquet dictionary encoding on and off, as large
//! strings, string views and dictionaries, with integer labels (named by ClassLabel metadata in
//! either layout, or numbered) and string labels, as parquet, CSV and TSV (with and without a header)
//! and JSONL. Every file is opened by the binary: `sample` gives back the rows it read, compared
//! with the rows written, and `predict` with the tiny model classifies them.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use arrow::array::{
    ArrayRef, AsArray, DictionaryArray, Int8Array, Int32Array, Int64Array, LargeStringArray,
    RecordBatch, StringArray, StringViewArray, UInt32Array,
};
use arrow::datatypes::{DataType, Field, Int8Type, Int32Type, Int64Type, Metadata, Schema};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{BrotliLevel, Compression, GzipLevel, ZstdLevel};
use parquet::file::properties::WriterProperties;

const ROWS: usize = 6;
const NAMES: [&str; 2] = ["negative", "positive"];
const STRINGS: [&str; 2] = ["neg", "pos"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The first bundled test rows (quotes, commas and all): labels, titles, contents.
struct Rows {
    labels: Vec<usize>,
    titles: Vec<String>,
    contents: Vec<String>,
}

fn bundled() -> Rows {
    let text =
        std::fs::read_to_string(root().join("assets/source/amazon_polarity_test_sample.jsonl"))
            .unwrap();
    let mut rows = Rows {
        labels: Vec::new(),
        titles: Vec::new(),
        contents: Vec::new(),
    };
    for line in text.lines().take(ROWS) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        rows.labels.push(v["label"].as_u64().unwrap() as usize);
        rows.titles.push(v["title"].as_str().unwrap().to_owned());
        rows.contents
            .push(v["content"].as_str().unwrap().to_owned());
    }
    assert!(rows.labels.contains(&0) && rows.labels.contains(&1));
    rows
}

/// How a file's labels are written, and so which class names reading it must give.
#[derive(Clone, Copy, Debug)]
enum Labels {
    /// Integers, with ClassLabel names in the `huggingface` metadata (`{"info": {"features"}}`).
    Named,
    /// The same, in the newer top-level `{"features"}` layout.
    NamedNewLayout,
    /// Integers alone: classes "0", "1".
    Numbered,
    /// `neg` / `pos`.
    Strings,
    /// The headerless original CSV: classes 1 and 2.
    Original,
}

impl Labels {
    fn names(self) -> [&'static str; 2] {
        match self {
            Labels::Named | Labels::NamedNewLayout | Labels::Original => NAMES,
            Labels::Numbered => ["0", "1"],
            Labels::Strings => STRINGS,
        }
    }

    /// What predict needs to pair the tiny model's NEGATIVE/POSITIVE with these classes.
    fn model_args(self) -> &'static [&'static str] {
        match self {
            Labels::Strings => &["--label-map", "NEGATIVE=neg,POSITIVE=pos"],
            _ => &[],
        }
    }

    fn metadata(self) -> Option<String> {
        let features = serde_json::json!({
            "label": {"names": NAMES, "_type": "ClassLabel"},
            "title": {"dtype": "string", "_type": "Value"},
            "content": {"dtype": "string", "_type": "Value"},
        });
        match self {
            Labels::Named => Some(serde_json::json!({"info": {"features": features}}).to_string()),
            Labels::NamedNewLayout => Some(serde_json::json!({"features": features}).to_string()),
            _ => None,
        }
    }
}

/// One file of the matrix.
struct Case {
    name: String,
    labels: Labels,
    null_titles: bool,
}

/// Text columns as one Arrow type.
#[derive(Clone, Copy)]
enum Text {
    Utf8,
    Large,
    View,
    Dictionary,
    LargeDictionary,
}

fn text(values: Vec<Option<&str>>, kind: Text) -> ArrayRef {
    let keys = || Int32Array::from_iter_values(0..values.len() as i32);
    match kind {
        Text::Utf8 => Arc::new(StringArray::from(values)),
        Text::Large => Arc::new(LargeStringArray::from(values)),
        Text::View => Arc::new(StringViewArray::from(values)),
        Text::Dictionary => Arc::new(
            DictionaryArray::<Int32Type>::try_new(keys(), Arc::new(StringArray::from(values)))
                .unwrap(),
        ),
        Text::LargeDictionary => Arc::new(
            DictionaryArray::<Int8Type>::try_new(
                Int8Array::from_iter_values(0..values.len() as i8),
                Arc::new(LargeStringArray::from(values)),
            )
            .unwrap(),
        ),
    }
}

/// The label column for `labels`, in an Arrow type that suits it.
fn label_column(rows: &Rows, labels: Labels, variant: usize) -> ArrayRef {
    let strings: Vec<&str> = rows.labels.iter().map(|&l| STRINGS[l]).collect();
    match (labels, variant) {
        (Labels::Strings, 0) => Arc::new(StringArray::from(strings)),
        (Labels::Strings, 1) => {
            // pyarrow's dictionary_encode(): int32 keys into utf8.
            let keys = Int32Array::from_iter_values(rows.labels.iter().map(|&l| l as i32));
            Arc::new(
                DictionaryArray::<Int32Type>::try_new(
                    keys,
                    Arc::new(StringArray::from(STRINGS.to_vec())),
                )
                .unwrap(),
            )
        }
        (Labels::Strings, 2) => {
            // pandas and polars categoricals: small keys into large strings.
            let keys = Int8Array::from_iter_values(rows.labels.iter().map(|&l| 1 - l as i8));
            let values = LargeStringArray::from(vec!["pos", "neg"]);
            Arc::new(DictionaryArray::<Int8Type>::try_new(keys, Arc::new(values)).unwrap())
        }
        (Labels::Strings, _) => Arc::new(StringViewArray::from(strings)),
        (_, 1) => Arc::new(UInt32Array::from_iter_values(
            rows.labels.iter().map(|&l| l as u32),
        )),
        (_, 2) => Arc::new(Int8Array::from_iter_values(
            rows.labels.iter().map(|&l| l as i8),
        )),
        _ => Arc::new(Int64Array::from_iter_values(
            rows.labels.iter().map(|&l| l as i64),
        )),
    }
}

fn write_parquet(
    path: &Path,
    rows: &Rows,
    case: &Case,
    (text_kind, label_variant): (Text, usize),
    props: WriterProperties,
) {
    let titles: Vec<Option<&str>> = (rows.titles.iter().enumerate())
        .map(|(i, t)| (!(case.null_titles && i % 2 == 0)).then_some(t.as_str()))
        .collect();
    let contents: Vec<Option<&str>> = rows.contents.iter().map(|c| Some(c.as_str())).collect();
    let columns = vec![
        label_column(rows, case.labels, label_variant),
        text(titles, text_kind),
        text(contents, text_kind),
    ];
    let fields: Vec<Field> = ["label", "title", "content"]
        .iter()
        .zip(&columns)
        .map(|(n, c)| Field::new(*n, c.data_type().clone(), true))
        .collect();
    let mut schema = Schema::new(fields);
    if let Some(meta) = case.labels.metadata() {
        schema = schema.with_metadata(Metadata::from([("huggingface".to_string(), meta)]));
    }
    let schema = Arc::new(schema);
    let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
    let file = std::fs::File::create(path).unwrap();
    let mut writer = ArrowWriter::try_new(file, schema, Some(props)).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
}

fn props(codec: Compression, dictionary: bool) -> WriterProperties {
    WriterProperties::builder()
        .set_compression(codec)
        .set_dictionary_enabled(dictionary)
        .set_max_row_group_row_count(Some(4))
        .build()
}

/// Every parquet file of the matrix, written into `dir`.
fn parquet_files(dir: &Path, rows: &Rows) -> Vec<(PathBuf, Case)> {
    let mut out = Vec::new();
    let mut add = |name: String, labels: Labels, null_titles: bool, kinds: (Text, usize), p| {
        let case = Case {
            name: name.clone(),
            labels,
            null_titles,
        };
        let path = dir.join(&name);
        write_parquet(&path, rows, &case, kinds, p);
        out.push((path, case));
    };
    let codecs = [
        ("snappy", Compression::SNAPPY),
        ("zstd", Compression::ZSTD(ZstdLevel::default())),
        ("gzip", Compression::GZIP(GzipLevel::default())),
        ("lz4-hadoop", Compression::LZ4),
        ("lz4-raw", Compression::LZ4_RAW),
        ("brotli", Compression::BROTLI(BrotliLevel::default())),
        ("none", Compression::UNCOMPRESSED),
    ];
    for (name, codec) in codecs {
        for dictionary in [true, false] {
            let file = format!(
                "{name}-dict-{}.parquet",
                if dictionary { "on" } else { "off" }
            );
            add(
                file,
                Labels::Named,
                false,
                (Text::Utf8, 0),
                props(codec, dictionary),
            );
        }
    }
    let zstd = || props(Compression::ZSTD(ZstdLevel::default()), true);
    let texts = [
        ("large-string", Text::Large),
        ("string-view", Text::View),
        ("dictionary-text", Text::Dictionary),
        ("dictionary-large-text", Text::LargeDictionary),
    ];
    for (name, kind) in texts {
        add(
            format!("{name}.parquet"),
            Labels::Named,
            false,
            (kind, 0),
            zstd(),
        );
    }
    add(
        "new-metadata-layout.parquet".into(),
        Labels::NamedNewLayout,
        false,
        (Text::Utf8, 0),
        zstd(),
    );
    add(
        "null-titles.parquet".into(),
        Labels::Named,
        true,
        (Text::Utf8, 0),
        zstd(),
    );
    for (variant, name) in ["int64", "uint32", "int8"].iter().enumerate() {
        let file = format!("numbered-{name}.parquet");
        add(file, Labels::Numbered, false, (Text::Utf8, variant), zstd());
    }
    let string_labels = ["utf8", "dictionary", "categorical", "view"];
    for (variant, name) in string_labels.iter().enumerate() {
        let file = format!("string-labels-{name}.parquet");
        add(file, Labels::Strings, false, (Text::Large, variant), zstd());
    }
    out
}

/// CSV/TSV files (with a header, integer and string labels; the headerless original) and JSONL.
fn text_files(dir: &Path, rows: &Rows) -> Vec<(PathBuf, Case)> {
    let mut out = Vec::new();
    let header_cases = [
        ("header.csv", b',', Labels::Numbered),
        ("header-string-labels.csv", b',', Labels::Strings),
        ("header.tsv", b'\t', Labels::Numbered),
        ("header-string-labels.tsv", b'\t', Labels::Strings),
    ];
    for (name, delimiter, labels) in header_cases {
        let path = dir.join(name);
        let mut w = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .from_path(&path)
            .unwrap();
        w.write_record(["label", "title", "content"]).unwrap();
        for i in 0..ROWS {
            let label = match labels {
                Labels::Strings => STRINGS[rows.labels[i]].to_string(),
                _ => rows.labels[i].to_string(),
            };
            w.write_record([&label, &rows.titles[i], &rows.contents[i]])
                .unwrap();
        }
        w.flush().unwrap();
        out.push((path, case(name, labels)));
    }
    let path = dir.join("original.csv");
    let mut w = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .from_path(&path)
        .unwrap();
    for i in 0..ROWS {
        let class = (rows.labels[i] + 1).to_string();
        w.write_record([&class, &rows.titles[i], &rows.contents[i]])
            .unwrap();
    }
    w.flush().unwrap();
    out.push((path, case("original.csv", Labels::Original)));
    for (name, labels) in [
        ("ints.jsonl", Labels::Numbered),
        ("strings.jsonl", Labels::Strings),
    ] {
        let lines: Vec<String> = (0..ROWS)
            .map(|i| {
                let label = match labels {
                    Labels::Strings => serde_json::json!(STRINGS[rows.labels[i]]),
                    _ => serde_json::json!(rows.labels[i]),
                };
                serde_json::json!({"label": label, "title": rows.titles[i], "content": rows.contents[i]})
                    .to_string()
            })
            .collect();
        let path = dir.join(name);
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        out.push((path, case(name, labels)));
    }
    out
}

fn case(name: &str, labels: Labels) -> Case {
    Case {
        name: name.to_owned(),
        labels,
        null_titles: false,
    }
}

fn reviewlens(args: &[&str], cache: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .args(args)
        .env("XDG_CACHE_HOME", cache)
        .output()
        .unwrap()
}

/// (class name, title, content) of every row `sample` wrote.
fn sampled(path: &Path) -> Vec<(String, String, String)> {
    let file = std::fs::File::open(path).unwrap();
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let meta: serde_json::Value =
        serde_json::from_str(&builder.schema().metadata()["huggingface"]).unwrap();
    let names = meta["info"]["features"]["label"]["names"].clone();
    let mut out = Vec::new();
    for batch in builder.build().unwrap() {
        let batch = batch.unwrap();
        let labels = batch.column(0).as_primitive::<Int64Type>();
        let titles = batch.column(1).as_string::<i32>();
        let contents = batch.column(2).as_string::<i32>();
        for i in 0..batch.num_rows() {
            let name = names[labels.value(i) as usize].as_str().unwrap().to_owned();
            out.push((
                name,
                titles.value(i).to_owned(),
                contents.value(i).to_owned(),
            ));
        }
    }
    out
}

/// Opens `path` with `sample` and compares the rows it read with `rows`; then classifies it with
/// `predict` on the tiny model. Returns what went wrong, if anything.
fn check(path: &Path, case: &Case, rows: &Rows, work: &Path) -> Option<String> {
    let out_dir = work.join(format!("{}-sample", case.name));
    let data = path.to_str().unwrap();
    let run = reviewlens(
        &[
            "--data",
            data,
            "sample",
            "--output",
            out_dir.to_str().unwrap(),
        ],
        work,
    );
    if !run.status.success() {
        return Some(String::from_utf8_lossy(&run.stderr).trim().to_owned());
    }
    let written: Vec<PathBuf> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let got = sampled(&written[0]);
    let names = case.labels.names();
    let want: Vec<(String, String, String)> = (0..ROWS)
        .map(|i| {
            let title = if case.null_titles && i % 2 == 0 {
                ""
            } else {
                &rows.titles[i]
            };
            (
                names[rows.labels[i]].to_owned(),
                title.to_owned(),
                rows.contents[i].clone(),
            )
        })
        .collect();
    if got != want {
        return Some(format!("read {got:?}, wrote {want:?}"));
    }
    let output = work.join(format!("{}-predictions.csv", case.name));
    let tiny = root().join("tests/fixtures/models/distilbert-tiny");
    let mut args = vec![
        "--data",
        data,
        "--model-dir",
        tiny.to_str().unwrap(),
        "--no-cache",
    ];
    args.extend(case.labels.model_args());
    args.extend(["predict", "--output", output.to_str().unwrap()]);
    let run = reviewlens(&args, work);
    if !run.status.success() {
        let stderr = String::from_utf8_lossy(&run.stderr);
        return Some(format!("predict: {}", stderr.lines().last().unwrap_or("")));
    }
    let mut reader = csv::Reader::from_path(&output).unwrap();
    let labels: Vec<String> = reader.records().map(|r| r.unwrap()[2].to_owned()).collect();
    let want: Vec<&str> = rows.labels.iter().map(|&l| names[l]).collect();
    (labels != want).then(|| format!("predict wrote gold labels {labels:?}, expected {want:?}"))
}

#[test]
fn every_file_of_the_matrix_opens_with_the_rows_written() {
    let rows = bundled();
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files");
    let work = dir.path().join("work");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    let mut all = parquet_files(&files, &rows);
    all.extend(text_files(&files, &rows));
    assert!(all.len() >= 30, "{} files", all.len());
    let failures: Vec<String> = all
        .iter()
        .filter_map(|(path, case)| {
            check(path, case, &rows, &work)
                .map(|why| format!("{} ({:?}): {why}", case.name, case.labels))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} files failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

#[test]
fn a_text_type_the_reader_cannot_take_is_one_line() {
    // A binary column named as the text: refused by name and type, exit code 2, no panic.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("binary.parquet");
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from(vec![0, 1])),
        Arc::new(arrow::array::BinaryArray::from(vec![
            b"a".as_ref(),
            b"b".as_ref(),
        ])),
    ];
    let schema = Arc::new(Schema::new(vec![
        Field::new("label", DataType::Int64, true),
        Field::new("content", columns[1].data_type().clone(), true),
    ]));
    let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
    let mut w = ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let out = reviewlens(&["--data", path.to_str().unwrap(), "snapshot"], dir.path());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("column \"content\" has type Binary, expected text"),
        "{stderr}"
    );
}
