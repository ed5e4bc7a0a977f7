//! `reviewlens findings`: what the explorer's findings file holds for this data, as a summary, or
//! every finding with its history (`--output`: JSONL, one object per review; parquet, CSV or TSV,
//! one row per review with the number of changes); or two findings files merged into one.

use std::path::Path;
use std::sync::Arc;

use arrow::array::{ArrayRef, BooleanArray, Int64Array, StringArray};
use serde_json::{Value, json};

use crate::data::Dataset;
use crate::error::Result;
use crate::findings::{Change, Field, Finding, Findings, RowKey};
use crate::io::stdout::println;
use crate::io::table;

pub fn run(
    data: &Dataset,
    findings: &Findings,
    source: &Path,
    (output, force): (Option<&Path>, bool),
) -> Result<()> {
    let Some(out) = output else {
        return println(summary(data, findings, source));
    };
    crate::io::output::check_file(out, &data.inputs, force)?;
    let rows: Vec<(&RowKey, &Finding)> = findings.iter().collect();
    if table::output_format(out)? == crate::data::Format::Jsonl {
        let lines: Vec<String> = (rows.iter())
            .map(|(k, f)| object(data, findings, k, f).to_string())
            .collect();
        let text = lines.iter().map(|l| format!("{l}\n")).collect::<String>();
        table::write_text(out, &data.inputs, &text, force)?;
    } else {
        table::write_columns(out, &data.inputs, columns(data, findings, &rows), force)?;
    }
    eprintln!("wrote {} findings to {}", rows.len(), out.display());
    Ok(())
}

/// "12 reviews with findings in FILE: 5 marked, 3 corrected, 4 noted; tags: kindle (3), returns (2)".
fn summary(data: &Dataset, findings: &Findings, source: &Path) -> String {
    let all: Vec<&Finding> = findings.iter().map(|(_, f)| f).collect();
    let count = |p: fn(&Finding) -> bool| all.iter().filter(|f| p(f)).count();
    let tags: Vec<String> = (findings.tags().into_iter())
        .map(|(t, n)| format!("{t} ({n})"))
        .collect();
    format!(
        "{} reviews of {} with findings in {}: {} marked, {} corrected, {} with a note, {} tagged{}; {} changes in force",
        all.len(),
        data.source,
        source.display(),
        count(|f| f.marked),
        count(|f| f.label.is_some()),
        count(|f| f.note.is_some()),
        count(|f| !f.tags.is_empty()),
        match tags.is_empty() {
            true => String::new(),
            false => format!(" (tags: {})", tags.join(", ")),
        },
        findings.history().len()
    )
}

/// The given label of the review `key` names, when this data has it.
fn given(data: &Dataset, key: &RowKey) -> Option<u32> {
    let row = data.row_of(&key.split, key.row_index)?;
    Some(data.rows.label(row))
}

fn changes<'a>(findings: &'a Findings, key: &'a RowKey) -> impl Iterator<Item = &'a Change> {
    findings.history().iter().filter(move |c| c.row == *key)
}

/// One review's finding and its history (the changes in force, oldest first) as JSON.
fn object(data: &Dataset, findings: &Findings, key: &RowKey, f: &Finding) -> Value {
    let name = |l: Option<u32>| l.map(|l| data.label_name(l).to_owned());
    let value = |field: &Field| match field {
        Field::Label(l) => json!({"corrected_label": name(*l)}),
        Field::Tags(t) => json!({"tags": t}),
        Field::Note(n) => json!({"note": n}),
        Field::Marked(m) => json!({"marked": m}),
    };
    let history: Vec<Value> = changes(findings, key)
        .map(|c| json!({"change": c.id, "before": value(&c.before), "after": value(&c.after)}))
        .collect();
    json!({
        "split": key.split, "row_index": key.row_index, "label": name(given(data, key)),
        "corrected_label": name(f.label), "tags": f.tags, "note": f.note, "marked": f.marked,
        "history": history,
    })
}

/// One row per review: its finding, and how many changes made it.
fn columns<'a>(
    data: &Dataset,
    findings: &Findings,
    rows: &[(&RowKey, &Finding)],
) -> Vec<(&'a str, ArrayRef)> {
    let text = |f: &dyn Fn(&RowKey, &Finding) -> Option<String>| -> ArrayRef {
        Arc::new(StringArray::from_iter(rows.iter().map(|(k, x)| f(k, x))))
    };
    let name = |l: Option<u32>| l.map(|l| data.label_name(l).to_owned());
    vec![
        ("split", text(&|k, _| Some(k.split.clone()))),
        (
            "row_index",
            Arc::new(Int64Array::from_iter_values(
                rows.iter().map(|(k, _)| k.row_index as i64),
            )),
        ),
        ("label", text(&|k, _| name(given(data, k)))),
        ("corrected_label", text(&|_, f| name(f.label))),
        (
            "tags",
            text(&|_, f| Some(f.tags.iter().cloned().collect::<Vec<_>>().join(", "))),
        ),
        ("note", text(&|_, f| f.note.clone())),
        (
            "marked",
            Arc::new(BooleanArray::from_iter(
                rows.iter().map(|(_, f)| Some(f.marked)),
            )),
        ),
        (
            "changes",
            Arc::new(Int64Array::from_iter_values(
                rows.iter()
                    .map(|(k, _)| changes(findings, k).count() as i64),
            )),
        ),
    ]
}

/// `--merge A B --output C`: the two files' findings (both of this data) as one new findings file;
/// the conflicts are listed on stdout, the first file's value kept.
pub fn merge(data: &Dataset, (a, b): (&Path, &Path), out: &Path, force: bool) -> Result<()> {
    for input in [a, b] {
        if let Ok(true) = same_file::is_same_file(input, out) {
            let why = "is one of the files merged; write the merge to another file";
            return Err(crate::error::Error::at_path(out, why));
        }
    }
    crate::io::output::check_file(out, &data.inputs, force)?;
    let read = |p: &Path| -> Result<Findings> {
        if !p.exists() {
            let why = "does not exist; give two findings files";
            return Err(crate::error::Error::at_path(p, why));
        }
        Ok(Findings::replay(&crate::io::findings::read_entries(
            p,
            &data.identity,
        )?))
    };
    let (first, second) = (read(a)?, read(b)?);
    let (entries, conflicts) = crate::findings::merge(&first, &second);
    crate::io::findings::write_new(out, &data.identity, &entries, force)?;
    let merged = Findings::replay(&entries);
    let mut text = format!(
        "merged {} reviews with findings from {} and {} into {}: {} conflicts ({}'s kept)",
        merged.iter().count(),
        a.display(),
        b.display(),
        out.display(),
        conflicts.len(),
        a.display()
    );
    let value = |f: &Field| match f {
        Field::Label(l) => l.map_or("no label".into(), |l| data.label_name(l).to_owned()),
        Field::Note(n) => format!("note \"{}\"", n.clone().unwrap_or_default()),
        Field::Tags(_) | Field::Marked(_) => String::new(),
    };
    for c in &conflicts {
        text.push_str(&format!(
            "\n  {}:{}: {} / {}",
            c.row.split,
            c.row.row_index,
            value(&c.first),
            value(&c.second)
        ));
    }
    println(text)
}
