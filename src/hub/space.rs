//! Free space on the disk holding a folder, so a download larger than it is refused before it
//! starts rather than failing (or filling the disk) half way.

use std::path::Path;

/// Bytes an unprivileged user may still write on the file system holding `dir` (or its nearest
/// existing parent: the cache may not exist yet); `None` when the system will not say (then the
/// download goes ahead and a full disk is its error).
pub fn available(dir: &Path) -> Option<u64> {
    let existing = dir.ancestors().find(|d| d.is_dir())?;
    free(existing)
}

#[cfg(unix)]
fn free(dir: &Path) -> Option<u64> {
    let stat = rustix::fs::statvfs(dir).ok()?;
    Some(stat.f_bavail.saturating_mul(stat.f_frsize))
}

#[cfg(not(unix))]
fn free(_dir: &Path) -> Option<u64> {
    None
}
