//! `--hub [REPO]`: a dataset's parquet files from the Hugging Face Hub (default
//! `fancyzhx/amazon_polarity`), listed through the Hub API and downloaded with hf-hub into the standard
//! cache, where Python's `datasets` / `huggingface_hub` files are reused. With `HF_HUB_OFFLINE=1` the
//! files are listed from the cached snapshot. The result is a local folder in the Hub's layout, read
//! like any `--data` folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::source::split_name;
use super::{Count, Sampling, parquet};
use crate::error::{Error, Result};
use crate::hub::{
    HubEnv, Kind, Repo, Size, Status, api, cached_snapshot, fetch_file, info, runtime,
};

pub const DEFAULT_REPO: &str = "fancyzhx/amazon_polarity";

/// The local folder (`.../snapshots/<commit>/<config>`) holding the shards the sample needs, and the
/// source's name with its commit.
pub fn fetch(
    repo: &str,
    revision: Option<&str>,
    env: &HubEnv,
    sampling: &Sampling,
    status: &Status,
) -> Result<(PathBuf, String)> {
    let repo = Repo::new(Kind::Dataset, repo, revision.unwrap_or("main"))?;
    let place = repo.place();
    if env.offline {
        let (snapshot, commit) = cached_snapshot(env, &repo).ok_or_else(|| {
            Error::input(
                &place,
                format!(
                    "not in the Hugging Face cache at {} and HF_HUB_OFFLINE is set; run once online",
                    env.cache.display()
                ),
            )
        })?;
        let files = list_parquet(&snapshot, &snapshot);
        let config = pick_config(&files, &repo.id, &place)?;
        check_complete(&config.1, &snapshot, &place)?;
        let name = format!("{}@{}", repo.id, short(&commit));
        return Ok((snapshot.join(&config.0), name));
    }
    runtime(&place)?.block_on(download(&repo, env, sampling, status))
}

async fn download(
    repo: &Repo,
    env: &HubEnv,
    sampling: &Sampling,
    status: &Status,
) -> Result<(PathBuf, String)> {
    let place = repo.place();
    let api_repo = repo.on(&api(env, &place)?);
    status(format!("asking the Hub about {place}"));
    let info = info(&api_repo, env).await.map_err(|e| {
        Error::input(
            &place,
            format!(
                "cannot list the dataset's files: {e} (or set HF_HUB_OFFLINE=1 to use the cache)"
            ),
        )
    })?;
    let listed: Vec<String> = info
        .siblings
        .iter()
        .map(|s| s.rfilename.clone())
        .filter(|f| f.ends_with(".parquet"))
        .collect();
    let (config, files) = pick_config(&listed, &repo.id, &place)?;
    let mut by_split: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in files {
        by_split
            .entry(split_name(Path::new(&f)))
            .or_default()
            .push(f);
    }
    for (split, mut shards) in by_split {
        shards.sort();
        // `--first N` needs only the leading shards; a shuffled sample can land anywhere.
        let limit = match sampling.count_for(&split) {
            Some(Count::Rows(n)) if sampling.first => Some(n),
            _ => None,
        };
        let mut rows = 0;
        for shard in shards {
            if limit.is_some_and(|n| rows >= n) {
                break;
            }
            let path = fetch_file(&api_repo, env, repo, &info.sha, &shard, Size::Large, status)
                .await
                .map_err(|e| {
                    Error::input(
                        &place,
                        format!(
                            "cannot download {shard}: {e}; run again (finished files are kept)"
                        ),
                    )
                })?;
            if limit.is_some() {
                let file = std::fs::File::open(&path)
                    .map_err(|e| Error::at_path(&path, format!("cannot open ({e})")))?;
                rows += parquet::row_count(file, &path.display().to_string())?;
            }
        }
    }
    let snapshot = env
        .cache
        .join(repo.folder())
        .join("snapshots")
        .join(&info.sha);
    let name = format!("{}@{}", repo.id, short(&info.sha));
    Ok((snapshot.join(&config), name))
}

/// The first 8 characters of a commit (a `refs/` file may hold anything: never cut a character).
fn short(commit: &str) -> String {
    commit.chars().take(8).collect()
}

/// Every parquet file under `dir`, as a repo path relative to `snapshot`.
fn list_parquet(dir: &Path, snapshot: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(list_parquet(&path, snapshot));
        } else if (path.extension().is_some_and(|e| e == "parquet")
            || (path.is_symlink() && path.to_string_lossy().ends_with(".parquet")))
            && let Ok(rel) = path.strip_prefix(snapshot)
        {
            out.push(rel.to_string_lossy().into_owned());
        }
    }
    out.sort();
    out
}

/// The one config (folder) whose parquet files to use: the only one, or the one named like the repo.
fn pick_config(files: &[String], repo: &str, place: &str) -> Result<(String, Vec<String>)> {
    let mut configs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in files {
        let dir = Path::new(f)
            .parent()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        configs.entry(dir).or_default().push(f.clone());
    }
    if configs.is_empty() {
        return Err(Error::input(
            place,
            "the dataset has no parquet files; reviewlens reads parquet datasets (or pass --data)",
        ));
    }
    if configs.len() == 1 {
        return Ok(configs.into_iter().next().expect("one"));
    }
    let name = repo.rsplit('/').next().unwrap_or(repo);
    if let Some(files) = configs.remove(name) {
        return Ok((name.to_owned(), files));
    }
    let names: Vec<String> = configs.keys().cloned().collect();
    Err(Error::input(
        place,
        format!(
            "has several configs ({}); download one and pass its folder with --data",
            names.join(", ")
        ),
    ))
}

/// Every `<split>-<i>-of-<n>.parquet` shard for i in 0..n is there (and not a dangling link).
fn check_complete(files: &[String], snapshot: &Path, place: &str) -> Result<()> {
    let mut seen: BTreeMap<(String, String, usize), Vec<usize>> = BTreeMap::new();
    for f in files {
        let path = Path::new(f);
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parts: Vec<&str> = stem.rsplitn(4, '-').collect(); // n, "of", i, split
        if let [n, "of", i, split] = parts.as_slice()
            && let (Ok(n), Ok(i)) = (n.parse::<usize>(), i.parse::<usize>())
        {
            let dir = path
                .parent()
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !snapshot.join(f).is_file() {
                return Err(Error::input(
                    place,
                    format!(
                        "shard {f} is in the cache listing but its file is gone; run once online to fetch it again"
                    ),
                ));
            }
            seen.entry((dir, split.to_string(), n)).or_default().push(i);
        }
    }
    for ((dir, split, n), have) in seen {
        if let Some(missing) = (0..n).find(|i| !have.contains(i)) {
            let name = Path::new(&dir).join(format!("{split}-{missing:05}-of-{n:05}.parquet"));
            return Err(Error::input(
                place,
                format!(
                    "shard {} is missing from the offline cache; run once online (without HF_HUB_OFFLINE) to fetch it",
                    name.display()
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_short_commit_never_cuts_a_character() {
        assert_eq!(super::short("0123456789abcdef"), "01234567");
        assert_eq!(super::short("abcdefgé€x"), "abcdefgé");
        assert_eq!(super::short("ab"), "ab");
    }
}
