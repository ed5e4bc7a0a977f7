//! Command-line options.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::data::Columns;

#[derive(Debug, Parser)]
#[command(
    name = "reviewlens",
    version,
    about = "See where a text classifier goes wrong: a terminal explorer for labelled reviews."
)]
pub struct Cli {
    #[command(flatten)]
    pub data: DataArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct DataArgs {
    /// A parquet, JSONL or amazon_review_polarity CSV file, or a directory in the Hub's layout
    /// (<config>/train-*.parquet, train.parquet / test.parquet, train.csv / test.csv).
    /// Without it: the bundled 16,980-row amazon_polarity sample.
    #[arg(long, value_name = "PATH", global = true)]
    pub data: Option<PathBuf>,
    /// Column holding the review text.
    #[arg(long, value_name = "NAME", default_value = "content", global = true)]
    pub text_column: String,
    /// Column holding the title [default: title, when the file has it].
    #[arg(long, value_name = "NAME", global = true)]
    pub title_column: Option<String>,
    /// Column holding the integer class id.
    #[arg(long, value_name = "NAME", default_value = "label", global = true)]
    pub label_column: String,
}

impl DataArgs {
    pub fn columns(&self) -> Columns {
        Columns {
            text: self.text_column.clone(),
            label: self.label_column.clone(),
            title: self.title_column.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the explorer's first screen as plain text, without a terminal (for docs and scripts).
    Snapshot {
        #[arg(long, default_value_t = 120)]
        width: u16,
        #[arg(long, default_value_t = 40)]
        height: u16,
    },
}
