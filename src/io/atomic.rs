//! Every file this program writes goes through `write`: a temporary file beside the target, then a
//! rename, so a reader (or a crash) never sees half a file. The temporary file asks for 0666, so the
//! result follows the umask like any other tool's output.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// Temporary files are named `.reviewlens-XXXXXX.tmp`, so ours can be told from anyone else's.
const PREFIX: &str = ".reviewlens-";
const SUFFIX: &str = ".tmp";

/// What to do when the target already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    Replace,
    /// Leave it as it is and report `false`; the check and the rename are one step, so a file that
    /// appears meanwhile is not clobbered either.
    Keep,
}

/// Writes `bytes` to `path` atomically; `Ok(false)` when `path` exists and `existing` is `Keep`.
pub fn write(path: &Path, bytes: &[u8], existing: Existing) -> std::io::Result<bool> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(PREFIX).suffix(SUFFIX);
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir).map_err(plain)?;
    tmp.write_all(bytes).map_err(plain)?;
    let persisted = match existing {
        Existing::Replace => tmp.persist(path),
        Existing::Keep => tmp.persist_noclobber(path),
    };
    match persisted {
        Ok(_) => Ok(true),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(plain(e.error)),
    }
}

/// The error without the temporary file's name, which tempfile adds and the user never chose
/// (callers name the file they asked for).
fn plain(e: std::io::Error) -> std::io::Error {
    // tempfile wraps the system's error as "<error> at path <temporary file>", with no source.
    let text = e.to_string();
    match text.rfind(" at path \"") {
        Some(end) => std::io::Error::new(e.kind(), &text[..end]),
        None => e,
    }
}

/// `write` that replaces, with the error as one line naming the file (for caches and outputs).
pub fn replace(path: &Path, bytes: &[u8]) -> Result<(), String> {
    write(path, bytes, Existing::Replace)
        .map(drop)
        .map_err(|e| format!("cannot write {} ({e})", path.display()))
}

/// Removes our temporary files in `dir` last modified more than `age` ago: what a run killed
/// mid-write left behind (a younger one may be another run's write in progress). Best effort.
pub fn clear_stale(dir: &Path, age: Duration) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(PREFIX) && name.ends_with(SUFFIX)) {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| now.duration_since(t).is_ok_and(|d| d > age));
        if old && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_names_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-folder").join("out.csv");
        let e = replace(&path, b"x").unwrap_err();
        assert!(
            e.starts_with(&format!("cannot write {}", path.display())),
            "{e}"
        );
        assert!(!e.contains(PREFIX) && !e.contains("at path"), "{e}");
    }

    #[test]
    fn keeps_or_replaces_an_existing_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        assert!(write(&path, b"one", Existing::Keep).unwrap());
        assert!(!write(&path, b"two", Existing::Keep).unwrap());
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        replace(&path, b"three").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"three");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(names.len(), 1, "only the output is left");
    }
}
