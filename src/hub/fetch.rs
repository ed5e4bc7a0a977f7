//! A repo's listing, and one of its files, through hf-hub: each request tried at most [`TRIES`]
//! times when it failed on the way, each failure one line naming the endpoint.

use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

use hf_hub::api::RepoInfo;
use hf_hub::api::tokio::{ApiError, ApiRepo};

use super::progress::Reporter;
use super::{HubEnv, Repo, Status, TRIES, names, space};
use crate::format::megabytes;

/// What a file may weigh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// A config or tokenizer file: at most `SMALL_CAP` (the largest tokenizer.json on the Hub
    /// is a few tens of MB).
    Small,
    /// Weights or a data shard: whatever fits the free space.
    Large,
}

pub const SMALL_CAP: u64 = 64_000_000;

/// The repo's listing at its revision, with its commit checked (40 hex digits: it becomes a path).
pub async fn info(api_repo: &ApiRepo, env: &HubEnv) -> Result<RepoInfo, String> {
    let info = retried(|| api_repo.info())
        .await
        .map_err(|e| failure(env, &e))?;
    if !hf_hub::safe::is_commit_hash(&info.sha) {
        return Err(unsafe_answer(env, "commit", &info.sha));
    }
    Ok(info)
}

/// `name` at commit `sha` (from [`info`]): from the cache when its snapshot already holds it
/// (whoever downloaded it, Python included), else downloaded with progress reported to `status`.
pub async fn fetch_file(
    api_repo: &ApiRepo,
    env: &HubEnv,
    repo: &Repo,
    sha: &str,
    name: &str,
    size: Size,
    status: &Status,
) -> Result<PathBuf, String> {
    names::check_file_name(name).map_err(|e| format!("{e}; {}", not_a_hub(env)))?;
    let cached = env.cache.join(repo.folder()).join("snapshots").join(sha);
    let cached = cached.join(name);
    if cached.is_file() {
        return Ok(cached);
    }
    let limit = match size {
        Size::Small => SMALL_CAP,
        Size::Large => space::available(&env.cache).unwrap_or(u64::MAX),
    };
    let path = retried(|| api_repo.download_within(name, Reporter::new(status.clone()), limit))
        .await
        .map_err(|e| match e {
            ApiError::TooLarge { size: bytes, .. } if size == Size::Small => format!(
                "the Hub at {} says {name} is {}, more than the {} such a file can be; {}",
                env.endpoint(),
                megabytes(bytes),
                megabytes(SMALL_CAP),
                not_a_hub(env)
            ),
            ApiError::TooLarge { size, limit, .. } => format!(
                "{name} is {} but only {} is free at {}; free some space, or set HF_HUB_CACHE to a disk with room",
                megabytes(size),
                megabytes(limit),
                env.cache.display()
            ),
            e => failure(env, &e),
        })?;
    // hf-hub files it under the commit the server names for this file; the listing named `sha`.
    if path != cached {
        return Err(format!(
            "the Hub at {} sent {name} of another commit than the listing's {sha} (did the branch move?); run again",
            env.endpoint()
        ));
    }
    Ok(path)
}

/// `call` again, up to [`TRIES`] times in all, while it fails on the way.
async fn retried<T, F, Fut>(mut call: F) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let mut tries = 1;
    loop {
        match call().await {
            Err(e) if tries < TRIES && on_the_way(&e) => {
                tokio::time::sleep(Duration::from_millis(250 * tries as u64)).await;
                tries += 1;
            }
            result => return result,
        }
    }
}

/// A timeout, a dropped or refused connection, a 5xx or 429: worth another try. (A chunk hf-hub already
/// tried again, a 4xx, or an answer we refuse, is not.)
fn on_the_way(e: &ApiError) -> bool {
    match e {
        ApiError::RequestError(e) => e
            .status()
            .is_none_or(|s| s.is_server_error() || s.as_u16() == 429),
        _ => false,
    }
}

/// One line for a failed request: what the Hub did, and what to check.
fn failure(env: &HubEnv, e: &ApiError) -> String {
    let endpoint = env.endpoint();
    match e {
        ApiError::UnsafeName { what, value } => unsafe_answer(env, what, value),
        ApiError::TooManyRetries(e) => failure(env, e),
        ApiError::RequestError(r) if r.is_timeout() => {
            let secs = env.timeout().map_or(0, |t| t.as_secs());
            format!(
                "the Hub at {endpoint} did not answer within {secs} s ({TRIES} tries); check the network, or HF_ENDPOINT"
            )
        }
        ApiError::RequestError(r) => match r.status() {
            Some(s) if s.is_client_error() => format!(
                "the Hub at {endpoint} answered {s}: no such repo, revision or file, or a private one (set HF_TOKEN)"
            ),
            _ => format!("cannot reach the Hub at {endpoint} ({})", chain(r)),
        },
        e => format!("the Hub at {endpoint}: {e}"),
    }
}

/// A name from the Hub that would become a path outside the cache.
fn unsafe_answer(env: &HubEnv, what: &str, value: &str) -> String {
    format!(
        "the Hub at {} sent {what} \"{}\", which cannot be a name in the cache; {}",
        env.endpoint(),
        value.escape_debug(),
        not_a_hub(env)
    )
}

fn not_a_hub(env: &HubEnv) -> String {
    match env.endpoint {
        Some(_) => "is HF_ENDPOINT a Hugging Face Hub?".into(),
        None => "try again later".into(),
    }
}

/// reqwest's error and its causes on one line ("error sending request: connection refused").
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out = format!("{out}: {s}");
        source = s.source();
    }
    out
}
