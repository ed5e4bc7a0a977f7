//! Where an output may go: never over a file the data was read from (by whatever name or link),
//! never into a folder the data is read from (a new data file there would join the data), and over
//! an existing file only when told to (`--force`).

use std::path::{Path, PathBuf};

use super::atomic::Existing;
use crate::data::Inputs;
use crate::error::{Error, Result};

/// Refuses `path` as an output file: an input, a file in a folder the data is read from, or (without
/// `force`) a file that exists.
pub fn check_file(path: &Path, inputs: &Inputs, force: bool) -> Result<()> {
    refuse_inputs(path, inputs)?;
    if !force && std::fs::symlink_metadata(path).is_ok() {
        return Err(exists(path));
    }
    Ok(())
}

/// Refuses `dir` as an output folder when the data is read from it: a folder `--data` named or
/// found, or the folder of any input file. Also with `--force`.
pub fn check_folder(dir: &Path, inputs: &Inputs) -> Result<()> {
    let parents = inputs.files.iter().filter_map(|f| f.parent());
    let read_from = inputs.folders.iter().map(PathBuf::as_path).chain(parents);
    for folder in read_from {
        if same(dir, folder) {
            return Err(read_from_here(dir));
        }
    }
    Ok(())
}

/// Refuses `path` when it is one of the input files, or would be written into a folder the data is
/// read from; also with `--force` or the explorer's overwrite.
pub fn refuse_inputs(path: &Path, inputs: &Inputs) -> Result<()> {
    if inputs.files.iter().any(|input| same(path, input)) {
        return Err(Error::at_path(
            path,
            "is an input of this run (the data is read from it); an output never replaces its input: pick another name",
        ));
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if inputs.folders.iter().any(|input| same(folder, input)) {
        return Err(read_from_here(folder));
    }
    Ok(())
}

/// `bytes` to `path` atomically; an existing file replaced only with `force`.
pub fn write(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    let existing = if force {
        Existing::Replace
    } else {
        Existing::Keep
    };
    match super::atomic::write(path, bytes, existing) {
        Ok(true) => Ok(()),
        Ok(false) => Err(exists(path)),
        Err(e) => Err(Error::at_path(path, format!("cannot write ({e})"))),
    }
}

/// The one line for an existing output without `--force`.
pub fn exists(path: &Path) -> Error {
    Error::at_path(path, "already exists; pass --force to replace it")
}

fn read_from_here(folder: &Path) -> Error {
    Error::at_path(
        folder,
        "the data is read from this folder, and an output written here would change it: pick another --output",
    )
}

/// The same file or folder, by identity (device and inode), so another spelling of the path, a
/// symbolic link or a hard link is caught; a path that does not exist is no input.
fn same(a: &Path, b: &Path) -> bool {
    same_file::is_same_file(a, b).unwrap_or(false)
}
