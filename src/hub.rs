//! The Hugging Face Hub client that models and datasets share: the settings from the environment,
//! an hf-hub client on the standard cache (`$HF_HUB_CACHE`, else `$HF_HOME/hub`, else
//! `~/.cache/huggingface/hub`), files fetched from a snapshot or downloaded with progress, and the
//! cache's `refs/` → `snapshots/` lookup. hf-hub's own progress bar is off (it would print under the
//! TUI); steps and download progress go to a `Status` callback instead.
//!
//! hf-hub is patched (`crates/hf-hub`, see its `PATCHES.md`): every name that becomes a cache path
//! is checked there, requests have timeouts, and a download can be capped. Here: repo ids and
//! revisions are checked before anything is asked (`names.rs`), each request is tried at most
//! [`TRIES`] times, small files are capped and large ones must fit the free space (`space.rs`), and
//! each failure becomes one line naming the endpoint.

mod fetch;
pub mod names;
mod progress;
mod space;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use hf_hub::api::tokio::{Api, ApiBuilder};

pub use fetch::{Size, fetch_file, info};

use crate::error::{Error, Result};

/// Reports a step ("downloading model.safetensors 120/268 MB, 35 MB/s").
pub type Status = Arc<dyn Fn(String) + Send + Sync>;

/// Steps and progress as lines on stderr, for the commands without a screen.
pub fn to_stderr() -> Status {
    Arc::new(|s| eprintln!("{s}"))
}

/// How often a request that failed on the way (a timeout, a dropped connection, a 5xx) is tried.
pub const TRIES: usize = 3;
const DEFAULT_TIMEOUT_SECS: u64 = 20;
const PUBLIC_HUB: &str = "https://huggingface.co";

/// The Hugging Face settings from the environment.
#[derive(Debug, Clone)]
pub struct HubEnv {
    pub cache: PathBuf,
    /// `HF_ENDPOINT`: another Hub (a mirror, or a test server).
    pub endpoint: Option<String>,
    pub offline: bool,
    pub token: Option<String>,
    /// `REVIEWLENS_HUB_TIMEOUT_SECS`, as given: checked when a client is built.
    pub timeout: Option<String>,
}

impl HubEnv {
    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let cache = var("HF_HUB_CACHE")
            .map(PathBuf::from)
            .unwrap_or_else(|| hf_hub::Cache::from_env().path().clone());
        let offline =
            var("HF_HUB_OFFLINE").is_some_and(|v| !matches!(v.as_str(), "0" | "false" | "False"));
        HubEnv {
            cache,
            endpoint: var("HF_ENDPOINT"),
            offline,
            token: var("HF_TOKEN"),
            timeout: var("REVIEWLENS_HUB_TIMEOUT_SECS"),
        }
    }

    /// The Hub asked, as messages name it.
    pub fn endpoint(&self) -> &str {
        self.endpoint
            .as_deref()
            .map_or(PUBLIC_HUB, |e| e.trim_end_matches('/'))
    }

    /// How long to wait for a connection, and for each read of an answer.
    fn timeout(&self) -> Result<Duration> {
        let Some(text) = &self.timeout else {
            return Ok(Duration::from_secs(DEFAULT_TIMEOUT_SECS));
        };
        match text.trim().parse::<u64>() {
            Ok(secs @ 1..=3600) => Ok(Duration::from_secs(secs)),
            _ => Err(Error::input(
                "REVIEWLENS_HUB_TIMEOUT_SECS",
                format!(
                    "\"{text}\" is not a number of seconds from 1 to 3600; unset it for the default of {DEFAULT_TIMEOUT_SECS}"
                ),
            )),
        }
    }
}

/// What a repo holds, which decides its folder in the cache and its URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Model,
    Dataset,
}

/// A repo at a revision, both checked against the Hub's rules: safe to put in a path.
#[derive(Debug, Clone)]
pub struct Repo {
    pub kind: Kind,
    pub id: String,
    pub revision: String,
}

impl Repo {
    /// `id` at `revision`, refused (one line saying what is wrong) unless both follow the Hub's
    /// rules.
    pub fn new(kind: Kind, id: &str, revision: &str) -> Result<Self> {
        let place = format!("{id}@{revision}");
        names::check_repo_id(id).map_err(|e| Error::input(&place, e))?;
        names::check_revision(revision).map_err(|e| Error::input(&place, e))?;
        Ok(Repo {
            kind,
            id: id.to_owned(),
            revision: revision.to_owned(),
        })
    }

    /// Its folder in the cache: `models--org--name`, `datasets--org--name`.
    pub fn folder(&self) -> String {
        let prefix = match self.kind {
            Kind::Model => "models",
            Kind::Dataset => "datasets",
        };
        format!("{prefix}--{}", self.id.replace('/', "--"))
    }

    /// `org/name@revision`, as messages name it.
    pub fn place(&self) -> String {
        format!("{}@{}", self.id, self.revision)
    }

    /// hf-hub's handle on this repo.
    pub fn on(&self, api: &Api) -> hf_hub::api::tokio::ApiRepo {
        let kind = match self.kind {
            Kind::Model => hf_hub::RepoType::Model,
            Kind::Dataset => hf_hub::RepoType::Dataset,
        };
        api.repo(hf_hub::Repo::with_revision(
            self.id.clone(),
            kind,
            self.revision.clone(),
        ))
    }
}

/// An hf-hub client on our cache, with our token and timeouts, without its stderr progress bar.
pub fn api(env: &HubEnv, place: &str) -> Result<Api> {
    let timeout = env.timeout()?;
    // `from_cache`, not `new`: hf-hub's default cache panics where there is no home folder.
    ApiBuilder::from_cache(hf_hub::Cache::new(env.cache.clone()))
        .with_endpoint(env.endpoint().to_owned())
        .with_token(
            env.token
                .clone()
                .or_else(|| hf_hub::Cache::new(env.cache.clone()).token()),
        )
        .with_progress(false)
        .with_timeouts(timeout, timeout)
        // A chunk whose connection dropped or stalled is tried again, resuming the file.
        .with_retries(1, TRIES - 1)
        .build()
        .map_err(|e| Error::input(place, format!("cannot set up the Hub client ({e})")))
}

/// A small runtime for hf-hub's async client, on the calling thread.
pub fn runtime(place: &str) -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::input(place, format!("cannot start the downloader ({e})")))
}

/// The cached snapshot folder and commit of `repo`: a branch or tag through `refs/`, or a commit
/// directly, as huggingface_hub lays them out. `None` when it is not there, or when `refs/` holds
/// something that is not a commit (it would become a path).
pub fn cached_snapshot(env: &HubEnv, repo: &Repo) -> Option<(PathBuf, String)> {
    let root = env.cache.join(repo.folder());
    let commit = match std::fs::read_to_string(root.join("refs").join(&repo.revision)) {
        Ok(c) => c.trim().to_owned(),
        Err(_) => repo.revision.clone(),
    };
    let snapshot = root.join("snapshots").join(&commit);
    (hf_hub::safe::is_commit_hash(&commit) && snapshot.is_dir()).then_some((snapshot, commit))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(cache: &std::path::Path, timeout: Option<&str>) -> HubEnv {
        HubEnv {
            cache: cache.to_path_buf(),
            endpoint: None,
            offline: true,
            token: None,
            timeout: timeout.map(str::to_owned),
        }
    }

    #[test]
    fn a_ref_that_is_not_a_commit_is_not_a_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let env = env(dir.path(), None);
        let repo = Repo::new(Kind::Model, "o/n", "main").unwrap();
        let root = dir.path().join("models--o--n");
        std::fs::create_dir_all(root.join("refs")).unwrap();
        std::fs::create_dir_all(root.join("snapshots").join("x")).unwrap();
        std::fs::write(root.join("refs/main"), "x").unwrap();
        assert!(cached_snapshot(&env, &repo).is_none());
        let commit = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";
        std::fs::create_dir_all(root.join("snapshots").join(commit)).unwrap();
        std::fs::write(root.join("refs/main"), format!("{commit}\n")).unwrap();
        let (snapshot, found) = cached_snapshot(&env, &repo).unwrap();
        assert_eq!(
            (snapshot, found.as_str()),
            (root.join("snapshots").join(commit), commit)
        );
    }

    #[test]
    fn a_timeout_that_is_not_seconds_is_one_line() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(env(dir.path(), None).timeout().unwrap().as_secs(), 20);
        assert_eq!(env(dir.path(), Some("3")).timeout().unwrap().as_secs(), 3);
        for bad in ["0", "-1", "soon", "99999"] {
            let e = env(dir.path(), Some(bad))
                .timeout()
                .unwrap_err()
                .to_string();
            assert!(e.contains("REVIEWLENS_HUB_TIMEOUT_SECS"), "{e}");
        }
    }
}
