//! reviewlens patch: every name that becomes a part of a cache path is checked first.
//!
//! hf-hub 0.4.3 joins the server's `etag` and `x-repo-commit` headers, the caller's revision and the
//! file name into paths under the cache unchecked, so a hostile or broken endpoint (or a revision
//! such as `../../x`) could write outside the cache. These are the rules huggingface_hub applies
//! (a commit is 40 hex digits; an etag a plain token) plus git's for ref names.

/// A commit as the Hub names it: 40 hexadecimal digits.
pub fn is_commit_hash(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The blob name an `etag` stands for (a weak `W/` prefix and the quotes dropped, as
/// huggingface_hub does), when it is a plain token: letters, digits, `-` and `_`, at most 128.
pub fn blob_name(etag: &str) -> Option<String> {
    let etag = etag.strip_prefix("W/").unwrap_or(etag).replace('"', "");
    let plain = etag
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    (plain && !etag.is_empty() && etag.len() <= 128).then_some(etag)
}

/// A relative `/`-separated path: no empty, `.` or `..` part, no backslash, NUL or control
/// character, at most `max` bytes.
fn is_relative(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.split('/').all(|p| !p.is_empty() && p != "." && p != "..")
        && !s.chars().any(|c| c == '\\' || c.is_control())
}

/// A file's path in a repo.
pub fn is_file_name(name: &str) -> bool {
    is_relative(name, 1024)
}

/// A branch, tag or commit (`refs/pr/1` included); git refuses `..` anywhere in a ref name.
pub fn is_revision(revision: &str) -> bool {
    is_relative(revision, 256) && !revision.contains("..")
}

// Tested in reviewlens's src/hub/names.rs: this crate is not a member of its workspace.
