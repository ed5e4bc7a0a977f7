//! The names that become parts of paths in the Hub cache, checked before they do: repo ids and
//! revisions from the command line, and commits, etags and file names from the Hub's answers (a
//! hostile or broken `HF_ENDPOINT` could otherwise climb out of the cache with `..`). Repo ids and
//! revisions follow huggingface_hub's own rules (`validate_repo_id`, git's ref names).

/// `name` or `namespace/name`: ASCII letters, digits, `_`, `-` and `.`, each part starting and
/// ending with a letter, digit or `_`, no `--` or `..`, the name at most 96 characters.
pub fn check_repo_id(id: &str) -> Result<(), String> {
    let bad = |why: &str| {
        Err(format!(
            "\"{id}\" is not a Hugging Face repo id ({why}); use namespace/name, e.g. distilbert/distilbert-base-uncased"
        ))
    };
    let parts: Vec<&str> = id.split('/').collect();
    if parts.len() > 2 {
        return bad("more than one /");
    }
    for part in &parts {
        let edges_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        if !part
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
        {
            return bad("only letters, digits, _, - and . are allowed");
        }
        if !edges_ok(part.chars().next()) || !edges_ok(part.chars().last()) {
            return bad("each part starts and ends with a letter, digit or _");
        }
    }
    if id.contains("--") || id.contains("..") {
        return bad("-- and .. are not allowed");
    }
    if parts.last().is_some_and(|name| name.len() > 96) {
        return bad("the name is longer than 96 characters");
    }
    Ok(())
}

/// A branch, tag or commit: `/`-separated parts, none empty, `.` or `..`, nothing `..` anywhere
/// (git refuses it in ref names), no backslash, NUL or control character, at most 256 bytes.
pub fn check_revision(revision: &str) -> Result<(), String> {
    if hf_hub::safe::is_revision(revision) {
        Ok(())
    } else {
        Err(format!(
            "\"{}\" is not a usable revision (a branch, tag or commit; no .., no leading or doubled /, no backslash)",
            revision.escape_debug()
        ))
    }
}

/// A file's path in a repo: relative, `/`-separated, no empty, `.` or `..` part, no backslash, NUL
/// or control character.
pub fn check_file_name(name: &str) -> Result<(), String> {
    if hf_hub::safe::is_file_name(name) {
        Ok(())
    } else {
        Err(format!(
            "the Hub listed an unsafe file name \"{}\"",
            name.escape_debug()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    // The commit and etag rules are the patched hf-hub's (crates/hf-hub/src/safe.rs); its own tests
    // do not run here (it is not a workspace member), so they are tested through ours.
    use hf_hub::safe::{blob_name, is_commit_hash as is_commit};

    #[test]
    fn repo_ids_follow_huggingface_hubs_rules() {
        for ok in [
            "gpt2",
            "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
            "fancyzhx/amazon_polarity",
            "sentence-transformers/all-MiniLM-L6-v2",
            "a.b/c_d.e",
        ] {
            assert_eq!(check_repo_id(ok), Ok(()), "{ok}");
        }
        let long = format!("org/{}", "a".repeat(97));
        for bad in [
            "", "/", "a/", "/a", "a/b/c", "../x", "a/..", "a/b..c", "a--b/c", "-a/b", "a/b-",
            ".a/b", "a/b.", "a b/c", "a/b\0", "a\\b", "é/b", &long,
        ] {
            assert!(check_repo_id(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn revisions_never_climb_or_start_at_the_root() {
        for ok in [
            "main",
            "v1.0",
            "refs/pr/1",
            "refs/convert/parquet",
            "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00",
        ] {
            assert_eq!(check_revision(ok), Ok(()), "{ok}");
        }
        for bad in [
            "", "..", "../x", "a/../b", "a..b", "/etc", "a/", "a//b", "./a", "a\\b", "a\0b", "a\nb",
        ] {
            assert!(check_revision(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn commits_are_40_hex_digits() {
        assert!(is_commit("c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"));
        assert!(!is_commit("c0ffee00c0ffee00c0ffee00c0ffee00c0ffee0"));
        assert!(!is_commit("../../../../../../../../../../../../evil"));
        assert!(!is_commit("main"));
    }

    #[test]
    fn etags_become_blob_names_only_when_plain() {
        let sha = "a".repeat(64);
        assert_eq!(blob_name(&format!("\"{sha}\"")), Some(sha.clone()));
        assert_eq!(blob_name(&format!("W/\"{sha}\"")), Some(sha));
        assert_eq!(blob_name("\"5f0c8e2b-1a2\""), Some("5f0c8e2b-1a2".into()));
        for bad in [
            "",
            "\"\"",
            "../../victim",
            "a/b",
            "a.b",
            "..",
            "a\\b",
            "a\0",
        ] {
            assert_eq!(blob_name(bad), None, "{bad:?}");
        }
        assert_eq!(blob_name(&"a".repeat(129)), None);
    }

    #[test]
    fn file_names_stay_inside_the_snapshot() {
        for ok in [
            "config.json",
            "1_Pooling/config.json",
            "plain_text/train-00000-of-00001.parquet",
        ] {
            assert_eq!(check_file_name(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "../x",
            "a/../../x",
            "/etc/passwd",
            "a//b",
            "./a",
            "a/.",
            "a\\..\\b",
            "a\0",
            "a/",
        ] {
            assert!(check_file_name(bad).is_err(), "{bad:?}");
        }
    }
}
