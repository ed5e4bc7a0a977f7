//! Models from the Hugging Face Hub, through hf-hub and the standard cache layout
//! (`$HF_HUB_CACHE`, else `$HF_HOME/hub`, else `~/.cache/huggingface/hub`), so files Python already
//! downloaded are reused and ours are reusable from Python. `HF_HUB_OFFLINE=1` reads the cache alone;
//! `HF_TOKEN` authenticates. hf-hub's own progress bar is off (it would print under the TUI); steps and
//! download progress go to `status` instead.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use hf_hub::api::tokio::{ApiBuilder, Progress};
use hf_hub::{Repo, RepoType};

use super::files::ModelFiles;
use crate::error::{Error, Result};

/// Reports a step ("downloading model.safetensors 120/268 MB, 35 MB/s").
pub type Status = Arc<dyn Fn(String) + Send + Sync>;

const REQUIRED: [&str; 2] = ["config.json", "model.safetensors"];
/// The tokenizer's files, then sentence-transformers' (pooling, normalisation, max length), which
/// only embedding models have.
const OPTIONAL: [&str; 6] = [
    "tokenizer.json",
    "vocab.txt",
    "tokenizer_config.json",
    "modules.json",
    "1_Pooling/config.json",
    "sentence_bert_config.json",
];

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
pub(crate) fn api(env: &HubEnv, place: &str) -> Result<hf_hub::api::tokio::Api> {
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
pub(crate) fn runtime(place: &str) -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::input(place, format!("cannot start the downloader ({e})")))
}

/// `name` at commit `sha`: from the cache when its snapshot already holds it (whoever downloaded
/// it, Python included), else downloaded with progress reported to `status`.
pub(crate) async fn fetch_file(
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

/// The model files of `repo` at `revision` (default `main`), downloading what the cache lacks.
pub fn fetch(
    repo: &str,
    revision: Option<&str>,
    env: &HubEnv,
    status: &Status,
) -> Result<ModelFiles> {
    let revision = revision.unwrap_or("main");
    let place = format!("{repo}@{revision}");
    if env.offline {
        return from_cache(repo, revision, env).ok_or_else(|| {
            Error::input(
                &place,
                format!(
                    "not in the Hugging Face cache at {} and HF_HUB_OFFLINE is set; run once online, or pass --model-dir",
                    env.cache.display()
                ),
            )
        });
    }
    runtime(&place)?.block_on(download(repo, revision, env, status, &place))
}

async fn download(
    repo: &str,
    revision: &str,
    env: &HubEnv,
    status: &Status,
    place: &str,
) -> Result<ModelFiles> {
    let api = api(env, place)?;
    let api_repo = api.repo(Repo::with_revision(
        repo.into(),
        RepoType::Model,
        revision.into(),
    ));
    status(format!("asking the Hub about {place}"));
    let info = match api_repo.info().await {
        Ok(info) => info,
        // Unreachable Hub: what an earlier run (or Python) cached still works.
        Err(e) => {
            return from_cache(repo, revision, env).ok_or_else(|| {
                Error::input(
                    place,
                    format!("cannot reach the Hugging Face Hub ({e}) and the model is not cached; check the network, or pass --model-dir"),
                )
            });
        }
    };
    let listed: Vec<&str> = info.siblings.iter().map(|s| s.rfilename.as_str()).collect();
    let mut paths = Vec::new();
    for name in REQUIRED.iter().chain(&OPTIONAL) {
        if !listed.contains(name) {
            if REQUIRED.contains(name) {
                return Err(Error::input(
                    place,
                    format!(
                        "the repo has no {name}; reviewlens needs config.json and model.safetensors"
                    ),
                ));
            }
            paths.push(None);
            continue;
        }
        let path = fetch_file(
            &api_repo,
            env,
            &format!("models--{}", repo.replace('/', "--")),
            &info.sha,
            name,
            status,
        )
        .await
        .map_err(|e| {
            Error::input(
                place,
                format!("cannot download {name} ({e}); check the network and try again"),
            )
        })?;
        paths.push(Some(path));
    }
    files(repo, &info.sha, paths)
}

fn files(repo: &str, commit: &str, paths: Vec<Option<PathBuf>>) -> Result<ModelFiles> {
    let mut it = paths.into_iter();
    let mut next = || it.next().flatten();
    let (config, weights) = (next(), next());
    let (tokenizer_json, vocab, tokenizer_config) = (next(), next(), next());
    if tokenizer_json.is_none() && vocab.is_none() {
        return Err(Error::input(
            repo,
            "the repo has neither tokenizer.json nor vocab.txt",
        ));
    }
    Ok(ModelFiles {
        name: repo.to_owned(),
        config: config.expect("required"),
        weights: weights.expect("required"),
        tokenizer_json,
        vocab,
        tokenizer_config,
        identity: format!("hub:{repo}@{commit}"),
    })
}

/// The cached snapshot folder and commit of `<folder>` (e.g. `models--org--name`) at `revision`: a
/// branch or tag through `refs/`, or a commit directly, as huggingface_hub lays them out.
pub(crate) fn cached_snapshot(
    env: &HubEnv,
    folder: &str,
    revision: &str,
) -> Option<(PathBuf, String)> {
    let root = env.cache.join(folder);
    let commit = match std::fs::read_to_string(root.join("refs").join(revision)) {
        Ok(c) => c.trim().to_owned(),
        Err(_) if root.join("snapshots").join(revision).is_dir() => revision.to_owned(),
        Err(_) => return None,
    };
    Some((root.join("snapshots").join(&commit), commit))
}

/// The cached snapshot of `repo` at `revision`, when it holds the files a model needs.
pub fn from_cache(repo: &str, revision: &str, env: &HubEnv) -> Option<ModelFiles> {
    let (snapshot, commit) = cached_snapshot(
        env,
        &format!("models--{}", repo.replace('/', "--")),
        revision,
    )?;
    let get = |name: &str| Some(snapshot.join(name)).filter(|p| p.exists());
    if REQUIRED.iter().any(|n| get(n).is_none()) {
        return None;
    }
    let paths = REQUIRED.iter().chain(&OPTIONAL).map(|n| get(n)).collect();
    files(repo, &commit, paths).ok()
}

/// Turns hf-hub's byte counts into status lines, at most ten a second.
#[derive(Clone)]
pub(crate) struct Reporter {
    status: Status,
    file: String,
    total: usize,
    done: usize,
    started: Instant,
    last: Option<Instant>,
}

impl Reporter {
    pub(crate) fn new(status: Status) -> Self {
        Reporter {
            status,
            file: String::new(),
            total: 0,
            done: 0,
            started: Instant::now(),
            last: None,
        }
    }

    fn report(&mut self, force: bool) {
        if !force && self.last.is_some_and(|t| t.elapsed().as_millis() < 100) {
            return;
        }
        self.last = Some(Instant::now());
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
