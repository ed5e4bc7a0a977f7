//! Models from the Hugging Face Hub, through hf-hub and the standard cache layout
//! (`$HF_HUB_CACHE`, else `$HF_HOME/hub`, else `~/.cache/huggingface/hub`), so files Python already
//! downloaded are reused and ours are reusable from Python. `HF_HUB_OFFLINE=1` reads the cache alone;
//! `HF_TOKEN` authenticates. hf-hub's own progress bar is off (it would print under the TUI); steps and
//! download progress go to `status` instead.

use std::path::PathBuf;

use super::files::{IDENTITY_FILES, ModelFiles};
use crate::error::{Error, Result};
use crate::hub::{
    HubEnv, Kind, Repo, Size, Status, api, cached_snapshot, fetch_file, info, runtime,
};

/// The files a model needs; the rest of `IDENTITY_FILES` are fetched when the repo has them.
const REQUIRED: [&str; 2] = ["config.json", "model.safetensors"];

/// The model files of `repo` at `revision` (default `main`), downloading what the cache lacks.
pub fn fetch(
    repo: &str,
    revision: Option<&str>,
    env: &HubEnv,
    status: &Status,
) -> Result<ModelFiles> {
    let repo = Repo::new(Kind::Model, repo, revision.unwrap_or("main"))?;
    if env.offline {
        return from_cache(&repo, env).ok_or_else(|| {
            Error::input(
                repo.place(),
                format!(
                    "not in the Hugging Face cache at {} and HF_HUB_OFFLINE is set; run once online, or pass --model-dir",
                    env.cache.display()
                ),
            )
        });
    }
    runtime(&repo.place())?.block_on(download(&repo, env, status))
}

async fn download(repo: &Repo, env: &HubEnv, status: &Status) -> Result<ModelFiles> {
    let place = repo.place();
    let api_repo = repo.on(&api(env, &place)?);
    status(format!("asking the Hub about {place}"));
    let info = match info(&api_repo, env).await {
        Ok(info) => info,
        // Unreachable Hub: what an earlier run (or Python) cached still works.
        Err(reason) => {
            return from_cache(repo, env).ok_or_else(|| {
                Error::input(
                    &place,
                    format!("{reason}; the model is not in the cache either (or pass --model-dir)"),
                )
            });
        }
    };
    let listed: Vec<&str> = info.siblings.iter().map(|s| s.rfilename.as_str()).collect();
    let mut paths = Vec::new();
    for name in &IDENTITY_FILES {
        if !listed.contains(name) {
            if REQUIRED.contains(name) {
                return Err(Error::input(
                    &place,
                    format!(
                        "the repo has no {name}; reviewlens needs config.json and model.safetensors"
                    ),
                ));
            }
            paths.push(None);
            continue;
        }
        let size = match *name {
            "model.safetensors" => Size::Large,
            _ => Size::Small,
        };
        let path = fetch_file(&api_repo, env, repo, &info.sha, name, size, status)
            .await
            .map_err(|e| Error::input(&place, format!("cannot download {name}: {e}")))?;
        paths.push(Some(path));
    }
    files(&repo.id, &info.sha, paths)
}

/// The model's files from `paths`, one per name of `IDENTITY_FILES`, in its order.
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

/// The cached snapshot of `repo`, when it holds the files a model needs.
pub fn from_cache(repo: &Repo, env: &HubEnv) -> Option<ModelFiles> {
    let (snapshot, commit) = cached_snapshot(env, repo)?;
    let get = |name: &str| Some(snapshot.join(name)).filter(|p| p.exists());
    if REQUIRED.iter().any(|n| get(n).is_none()) {
        return None;
    }
    let paths = IDENTITY_FILES.iter().map(|n| get(n)).collect();
    files(&repo.id, &commit, paths).ok()
}
