//! The findings journal on disk: a header line naming the format and the data, then one JSON entry
//! per line. A change is one `write` of one line, then `fsync`, so a `kill -9` loses at most the
//! line being written; a damaged end (a cut line, garbage) is set aside in a file of its own on
//! open, and what comes before it kept. The file is rewritten (atomically: temporary file, rename)
//! only to drop a damaged end and on exit.
//!
//! One explorer writes a findings file at a time: it holds a lock on `FILE.lock` while it runs, and
//! a second one on the same file opens it read-only and says so (a lock, not a merge: the first
//! explorer's undo history stays its own).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::atomic::{self, Existing};
use crate::error::{Error, Result};
use crate::findings::Entry;

/// The journal format this build writes and reads.
pub const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    reviewlens_findings: u32,
    /// The data's identity (`Dataset::fingerprint`): findings of other data are refused.
    data: String,
}

/// An open findings file.
pub struct Journal {
    path: PathBuf,
    /// Appends go here; `None` when the file is read-only (another explorer has it, or the file
    /// system says so).
    writer: Option<(File, File)>,
}

/// What opening found.
pub struct Opened {
    pub journal: Journal,
    pub entries: Vec<Entry>,
    /// Said once in the status bar: a damaged end set aside, read-only.
    pub warnings: Vec<String>,
}

/// Where the findings of the data `identity` are: `file` (`--findings`), else
/// `<cache>/findings/<id>.jsonl`, the id a hash of the identity; none without either.
pub fn path(file: Option<&Path>, cache_root: Option<&Path>, identity: &str) -> Option<PathBuf> {
    let id = || crate::hash::Fnv::default().field(identity).hex();
    match (file, cache_root) {
        (Some(f), _) => Some(f.to_owned()),
        (None, Some(root)) => Some(root.join("findings").join(format!("{}.jsonl", id()))),
        (None, None) => None,
    }
}

/// The entries of the findings file `path` for the data `identity`, read without the lock (the
/// headless commands only read); none when there is no file yet. A damaged end is left out.
pub fn read_entries(path: &Path, identity: &str) -> Result<Vec<Entry>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(read(path, &bytes, identity)?.0),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(Error::at_path(path, format!("cannot read ({e})"))),
    }
}

/// A new findings file at `path` holding `entries` (written atomically; an existing file only
/// replaced with `force`).
pub fn write_new(path: &Path, identity: &str, entries: &[Entry], force: bool) -> Result<()> {
    super::output::write(path, journal_text(identity, entries).as_bytes(), force)
}

impl Journal {
    /// Opens (or creates) the findings file `path` for the data `identity`.
    pub fn open(path: &Path, identity: &str) -> Result<Opened> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::at_path(dir, format!("cannot create ({e})")))?;
        }
        let mut warnings = Vec::new();
        let lock = lock(path, &mut warnings);
        if !path.exists() && lock.is_some() {
            let header = header_line(identity);
            atomic::write(path, header.as_bytes(), Existing::Keep)
                .map_err(|e| Error::at_path(path, format!("cannot create ({e})")))?;
        }
        let bytes =
            std::fs::read(path).map_err(|e| Error::at_path(path, format!("cannot read ({e})")))?;
        let (entries, good) = read(path, &bytes, identity)?;
        if good < bytes.len() {
            warnings.push(set_aside(path, &bytes, good, entries.len(), lock.is_some()));
        }
        let writer = match lock {
            Some(lock) => match OpenOptions::new().append(true).open(path) {
                Ok(file) => Some((file, lock)),
                Err(e) => {
                    warnings.push(format!(
                        "findings: {} is read-only ({e}): what you change now is not kept",
                        path.display()
                    ));
                    None
                }
            },
            None => None,
        };
        let journal = Journal {
            path: path.to_owned(),
            writer,
        };
        Ok(Opened {
            journal,
            entries,
            warnings,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn is_read_only(&self) -> bool {
        self.writer.is_none()
    }

    /// Appends one entry: one line, one write, then `fsync`.
    pub fn append(&mut self, entry: &Entry) -> std::result::Result<(), String> {
        let Some((file, _)) = &mut self.writer else {
            return Err("the findings file is open read-only".into());
        };
        let mut line = serde_json::to_string(entry).map_err(|e| e.to_string())?;
        line.push('\n');
        file.write_all(line.as_bytes())
            .and_then(|()| file.sync_data())
            .map_err(|e| format!("cannot write {} ({e})", self.path.display()))
    }

    /// Rewrites the file with `entries` (what it holds, read back), atomically; on exit.
    pub fn compact(&mut self, identity: &str) -> std::result::Result<(), String> {
        if self.writer.is_none() {
            return Ok(());
        }
        let bytes = std::fs::read(&self.path).map_err(|e| e.to_string())?;
        let (entries, _) = read(&self.path, &bytes, identity).map_err(|e| e.to_string())?;
        let text = journal_text(identity, &entries);
        atomic::write(&self.path, text.as_bytes(), Existing::Replace)
            .map(drop)
            .map_err(|e| format!("cannot rewrite {} ({e})", self.path.display()))?;
        // Appends after this would go to the replaced file: reopen.
        let file = OpenOptions::new()
            .append(true)
            .open(&self.path)
            .map_err(|e| e.to_string())?;
        if let Some((writer, _)) = &mut self.writer {
            *writer = file;
        }
        Ok(())
    }
}

fn header_line(identity: &str) -> String {
    let header = Header {
        reviewlens_findings: VERSION,
        data: identity.to_owned(),
    };
    format!(
        "{}\n",
        serde_json::to_string(&header).expect("a header serialises")
    )
}

/// A whole journal: the header line, then a line per entry.
fn journal_text(identity: &str, entries: &[Entry]) -> String {
    let mut text = header_line(identity);
    for e in entries {
        text.push_str(&serde_json::to_string(e).expect("an entry serialises"));
        text.push('\n');
    }
    text
}

/// Takes the file's lock, or, when another explorer holds it, says that this one reads only.
fn lock(path: &Path, warnings: &mut Vec<String>) -> Option<File> {
    let lock_path = sibling(path, ".lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path);
    match file.map(|f| f.try_lock().map(|()| f)) {
        Ok(Ok(f)) => Some(f),
        Ok(Err(_)) => {
            warnings.push(format!(
                "findings: another reviewlens has {} open: this one shows them and keeps nothing",
                path.display()
            ));
            None
        }
        Err(e) => {
            warnings.push(format!(
                "findings: cannot lock {} ({e}): what you change now is not kept",
                lock_path.display()
            ));
            None
        }
    }
}

/// `path` with `suffix` added to its name.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(suffix);
    path.with_file_name(name)
}

/// The entries of a journal's bytes, and how many bytes of it are sound (the rest is a damaged end).
/// A header of other data or of a newer format is refused.
fn read(path: &Path, bytes: &[u8], identity: &str) -> Result<(Vec<Entry>, usize)> {
    let mut lines = bytes.split_inclusive(|&b| b == b'\n');
    let first = lines.next().unwrap_or_default();
    let header: Header = serde_json::from_slice(first).map_err(|_| {
        Error::at_path(
            path,
            "is not a reviewlens findings file (no header line); give another --findings file",
        )
    })?;
    if header.reviewlens_findings > VERSION {
        return Err(Error::at_path(
            path,
            format!(
                "was written by a newer reviewlens (findings format {}; this one reads {VERSION}); update reviewlens",
                header.reviewlens_findings
            ),
        ));
    }
    if header.data != identity {
        return Err(Error::at_path(
            path,
            format!(
                "holds findings of other data ({}), not of this data ({identity}); give --findings another file",
                header.data
            ),
        ));
    }
    let mut entries = Vec::new();
    let mut good = first.len();
    for line in lines {
        let whole = line.ends_with(b"\n");
        match serde_json::from_slice::<Entry>(line) {
            Ok(e) if whole => entries.push(e),
            _ => break,
        }
        good += line.len();
    }
    Ok((entries, good))
}

/// Moves the damaged end of the journal (from byte `good`) to `FILE.damaged-N` and rewrites the
/// file without it (when this explorer may write); the warning to show.
fn set_aside(path: &Path, bytes: &[u8], good: usize, kept: usize, writable: bool) -> String {
    let aside = (1..)
        .map(|n| sibling(path, &format!(".damaged-{n}")))
        .find(|p| !p.exists());
    let aside = aside.expect("a free name");
    let moved = writable
        && atomic::write(&aside, &bytes[good..], Existing::Keep).is_ok()
        && atomic::write(path, &bytes[..good], Existing::Replace).is_ok();
    let cut = bytes.len() - good;
    match moved {
        true => format!(
            "findings: a damaged end of {} ({cut} bytes) was set aside in {}; the {kept} changes before it are kept",
            path.display(),
            aside.display()
        ),
        false => format!(
            "findings: {} ends in {cut} damaged bytes; the {kept} changes before them are read",
            path.display()
        ),
    }
}
