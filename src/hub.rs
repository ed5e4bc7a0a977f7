//! The Hugging Face Hub client that models and datasets share: the settings from the environment,
//! an hf-hub client on the standard cache (`$HF_HUB_CACHE`, else `$HF_HOME/hub`, else
//! `~/.cache/huggingface/hub`), files fetched from a snapshot or downloaded with progress, and the
//! cache's `refs/` → `snapshots/` lookup. hf-hub's own progress bar is off (it would print under the
//! TUI); steps and download progress go to a `Status` callback instead.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hf_hub::api::tokio::{ApiBuilder, Progress};

use crate::error::{Error, Result};
use crate::throttle::Throttle;

/// Reports a step ("downloading model.safetensors 120/268 MB, 35 MB/s").
pub type Status = Arc<dyn Fn(String) + Send + Sync>;

/// The Hugging Face settings from the environment.
#[derive(Debug, Clone)]
pub struct HubEnv {
    pub cache: PathBuf,
    /// `HF_ENDPOINT`: another Hub (a mirror, or a test server).
    pub endpoint: Option<String>,
    pub offline: bool,
    pub token: Option<String>,
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
        }
    }
}

/// An hf-hub client on our cache, with our token, without its stderr progress bar.
pub fn api(env: &HubEnv, place: &str) -> Result<hf_hub::api::tokio::Api> {
    let mut builder = ApiBuilder::new();
    if let Some(endpoint) = &env.endpoint {
        builder = builder.with_endpoint(endpoint.trim_end_matches('/').to_owned());
    }
    builder
        .with_cache_dir(env.cache.clone())
        .with_token(
            env.token
                .clone()
                .or_else(|| hf_hub::Cache::new(env.cache.clone()).token()),
        )
        .with_progress(false)
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

/// `name` at commit `sha`: from the cache when its snapshot already holds it (whoever downloaded
/// it, Python included), else downloaded with progress reported to `status`.
pub async fn fetch_file(
    api_repo: &hf_hub::api::tokio::ApiRepo,
    env: &HubEnv,
    folder: &str,
    sha: &str,
    name: &str,
    status: &Status,
) -> std::result::Result<PathBuf, hf_hub::api::tokio::ApiError> {
    let cached = env
        .cache
        .join(folder)
        .join("snapshots")
        .join(sha)
        .join(name);
    if cached.is_file() {
        return Ok(cached);
    }
    api_repo
        .download_with_progress(name, Reporter::new(status.clone()))
        .await
}

/// The cached snapshot folder and commit of `<folder>` (e.g. `models--org--name`) at `revision`: a
/// branch or tag through `refs/`, or a commit directly, as huggingface_hub lays them out.
pub fn cached_snapshot(env: &HubEnv, folder: &str, revision: &str) -> Option<(PathBuf, String)> {
    let root = env.cache.join(folder);
    let commit = match std::fs::read_to_string(root.join("refs").join(revision)) {
        Ok(c) => c.trim().to_owned(),
        Err(_) if root.join("snapshots").join(revision).is_dir() => revision.to_owned(),
        Err(_) => return None,
    };
    Some((root.join("snapshots").join(&commit), commit))
}

/// Turns hf-hub's byte counts into status lines, at most ten a second.
#[derive(Clone)]
struct Reporter {
    status: Status,
    file: String,
    total: usize,
    done: usize,
    started: Instant,
    throttle: Throttle,
}

impl Reporter {
    fn new(status: Status) -> Self {
        Reporter {
            status,
            file: String::new(),
            total: 0,
            done: 0,
            started: Instant::now(),
            throttle: Throttle::new(Duration::from_millis(100)),
        }
    }

    fn report(&mut self, force: bool) {
        let due = self.throttle.ready();
        if !force && !due {
            return;
        }
        let mb = |b: usize| b as f64 / 1e6;
        let rate = mb(self.done) / self.started.elapsed().as_secs_f64().max(1e-3);
        (self.status)(format!(
            "downloading {} {:.1}/{:.1} MB, {:.1} MB/s",
            self.file,
            mb(self.done),
            mb(self.total),
            rate
        ));
    }
}

impl Progress for Reporter {
    async fn init(&mut self, size: usize, filename: &str) {
        self.file = Path::new(filename)
            .file_name()
            .map_or(filename.into(), |f| f.to_string_lossy().into_owned());
        self.total = size;
        self.started = Instant::now();
        self.report(true);
    }
    async fn update(&mut self, size: usize) {
        self.done += size;
        self.report(false);
    }
    async fn finish(&mut self) {
        self.report(true);
    }
}
