//! `reviewlens snapshot`: the explorer's first screen as plain text, without a terminal.

use crate::app::State;
use crate::data::Dataset;
use crate::error::Result;
use crate::ui;

pub fn run(data: Dataset, (width, height): (u16, u16)) -> Result<()> {
    crate::io::stdout::print(&ui::snapshot::render(&State::new(data, (width, height))))
}
