//! A classifier's session on the worker: its model (from a folder or the Hub) loaded for the
//! dataset's classes, and the prediction cache that goes with it. Built from a resolved
//! `ClassifierSpec`, never from command-line types.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::explanations;
use super::predictor::Predictor;
use super::spec::ClassifierSpec;
use super::training;
use super::vectors::Pool;
use super::worker::Backend;
use crate::app::SimilarTo;
use crate::data::{Dataset, TextField};
use crate::error::Result;
use crate::explain::Explanation;
use crate::hub::{HubEnv, Kind, Repo, Status};
use crate::io::mapped::MappedF32;
use crate::io::store::{CacheKey, Store};
use crate::model::embed::Embedder;
use crate::model::{self, Classifier, ModelFiles, ModelSource, Prediction, RunOptions};

pub struct Session {
    pub spec: ClassifierSpec,
    pub labels: Vec<String>,
    pub opts: RunOptions,
    pub hub: HubEnv,
    /// Where prediction caches live; `None` with `--no-cache`.
    pub cache_root: Option<PathBuf>,
    pub data_fingerprint: String,
    /// The text field's name ("content", "title+content"), part of the cache key.
    pub text: String,
    /// The session's embedding caches; give both classifiers the same pool.
    pub vectors: Pool,
    /// The files of the loaded model, once known.
    files: Option<ModelFiles>,
    store: Option<Store>,
    /// Set from the UI thread to stop a load (training a head) between batches: the worker cannot
    /// read its requests while it loads.
    stop: Arc<AtomicBool>,
    /// The embedding model near duplicates are found with (`--embed-model`); an embedding
    /// classifier's own model when `None`.
    pub neighbours_model: Option<ModelSource>,
}

impl Session {
    pub fn new(
        spec: ClassifierSpec,
        labels: Vec<String>,
        opts: RunOptions,
        cache_root: Option<PathBuf>,
        data_fingerprint: String,
        text: String,
    ) -> Self {
        if let Some(root) = &cache_root {
            crate::io::store::clear_stale(root);
        }
        Session {
            spec,
            labels,
            opts,
            hub: HubEnv::from_env(),
            cache_root,
            data_fingerprint,
            text,
            vectors: Pool::default(),
            files: None,
            store: None,
            stop: Arc::default(),
            neighbours_model: None,
        }
    }

    /// What stops this session's load when set (see [`Session::load`]).
    pub fn stopper(&self) -> Arc<AtomicBool> {
        self.stop.clone()
    }

    /// Sessions for classifier A and, with `--compare`, B over `data`, sharing one embedding pool
    /// so a review is embedded once for both.
    pub fn pair(
        data: &Dataset,
        (a, b): (ClassifierSpec, Option<ClassifierSpec>),
        opts: &RunOptions,
        cache_root: Option<PathBuf>,
        text: TextField,
    ) -> (Self, Option<Self>) {
        let session = |spec| {
            Session::new(
                spec,
                data.label_names.clone(),
                opts.clone(),
                cache_root.clone(),
                data.fingerprint.clone(),
                text.name().to_owned(),
            )
        };
        let a = session(a);
        let b = b.map(|spec| Session {
            vectors: a.vectors.clone(),
            ..session(spec)
        });
        (a, b)
    }

    /// The model's name, before it is loaded.
    pub fn name(&self) -> String {
        self.spec.model().name()
    }

    /// The model's files, fetched when they come from the Hub.
    pub fn files(&self, status: &Status) -> Result<ModelFiles> {
        self.files_of(self.spec.model(), status)
    }

    /// The files of `source`: a folder's, or fetched from the Hub (through its cache).
    fn files_of(&self, source: &ModelSource, status: &Status) -> Result<ModelFiles> {
        source.check()?;
        match source {
            ModelSource::Dir(dir) => ModelFiles::from_dir(dir),
            ModelSource::Hub { repo, revision } => {
                model::hub::fetch(repo, revision.as_deref(), &self.hub, status)
            }
        }
    }

    /// The model's files without any network: a folder, or a Hub snapshot already in the cache.
    fn local_files(&self) -> Option<ModelFiles> {
        self.spec.model().check().ok()?;
        match self.spec.model() {
            ModelSource::Dir(dir) => ModelFiles::from_dir(dir).ok(),
            ModelSource::Hub { repo, revision } => {
                let repo = Repo::new(Kind::Model, repo, revision.as_deref().unwrap_or("main"));
                model::hub::from_cache(&repo.ok()?, &self.hub)
            }
        }
    }

    pub fn cache_key(&self, files: &ModelFiles) -> Option<CacheKey> {
        let max_length = match self.opts.max_length {
            Some(n) => n,
            None if self.spec.is_sequence() => model::max_positions(&files.config)?,
            None => model::embed::default_max_length(files)?,
        };
        let label_map = self
            .opts
            .label_map
            .iter()
            .flatten()
            .map(|(m, d)| format!("{m}={d}"))
            .collect::<Vec<_>>()
            .join(",");
        Some(CacheKey {
            model: self.spec.cache_name(&files.identity),
            data: self.data_fingerprint.clone(),
            text: self.text.clone(),
            max_length,
            label_map,
            dtype: self.opts.dtype.cache_name(),
            classes: self.labels.clone(),
        })
    }

    /// Where the training steps cache, report and stop.
    fn context<'a>(&'a self, status: &'a Status) -> training::Context<'a> {
        training::Context {
            cache_root: self.cache_root.as_deref(),
            data_fingerprint: &self.data_fingerprint,
            text: &self.text,
            classes: &self.labels,
            status,
            vectors: &self.vectors,
            stop: &self.stop,
        }
    }

    /// Out-of-fold probabilities of `rows` (row, text, label) from this session's embedding model
    /// and `k` stratified folds (see [`training::cross_validated`]), and each row's fold.
    pub fn cross_validated(
        &mut self,
        rows: &[(u32, String, u32)],
        folds: (usize, u32),
        status: &Status,
    ) -> Result<(Vec<Vec<f32>>, Vec<usize>)> {
        let files = self.files(status)?;
        status(format!("loading {}", files.name));
        let embedder = Embedder::load(&files, &self.opts)?;
        training::cross_validated(&embedder, rows, folds, &self.context(status))
    }

    /// The embeddings of `rows` (row, text, label) from this session's embedding model, row-major,
    /// through the embedding cache; and their dimension.
    pub fn embeddings(
        &mut self,
        rows: &[(u32, String, u32)],
        status: &Status,
    ) -> Result<(MappedF32, usize)> {
        let files = self.files(status)?;
        status(format!("loading {}", files.name));
        let embedder = Embedder::load(&files, &self.opts)?;
        let x = training::embeddings(&embedder, rows, &self.context(status), "every row")?;
        Ok((x, embedder.dim))
    }

    /// Each row's near duplicates (positions in `rows`), as cleanlab's Datalab finds them, from
    /// the embeddings of the neighbours model (through the embedding cache; the sets are cached).
    pub fn near_duplicates(
        &mut self,
        rows: &[(u32, String, u32)],
        status: &Status,
    ) -> Result<Vec<Vec<usize>>> {
        let embedder = self.neighbours_embedder("near duplicates", status)?;
        training::near_duplicates(&embedder, rows, &self.context(status))
    }

    /// The embedding model that compares reviews (`--embed-model`, or an embedding classifier's
    /// own), loaded; `what` names the work in the error when there is none.
    fn neighbours_embedder(&mut self, what: &str, status: &Status) -> Result<Embedder> {
        let source = match (&self.neighbours_model, self.spec.is_sequence()) {
            (Some(source), _) => source.clone(),
            (None, false) => self.spec.model().clone(),
            (None, true) => {
                return Err(crate::error::Error::Message(format!(
                    "no embedding model for {what}: give --embed-model"
                )));
            }
        };
        self.stop.store(false, Ordering::Relaxed);
        let files = self.files_of(&source, status)?;
        status(format!("loading {}", files.name));
        Embedder::load(&files, &self.opts)
    }

    /// The classifier the spec names, on `files`.
    fn build(&self, files: &ModelFiles, status: &Status) -> Result<Predictor> {
        let embedder = || Embedder::load(files, &self.opts);
        let ctx = self.context(status);
        match &self.spec {
            ClassifierSpec::Sequence { .. } => Ok(Predictor::Sequence(Classifier::load(
                files,
                &self.labels,
                &self.opts,
            )?)),
            ClassifierSpec::Logistic { train, .. } => training::logistic(embedder()?, train, &ctx),
            ClassifierSpec::ZeroShot { descriptions, .. } => {
                training::zero_shot(embedder()?, descriptions, &ctx)
            }
        }
    }

    /// Where explanations are cached, and under which key: the prediction cache's (the loaded
    /// model's files); none with `--no-cache` or before the model is loaded.
    fn explanation_key(&self) -> Option<(PathBuf, CacheKey)> {
        let root = self.cache_root.clone()?;
        Some((root, self.cache_key(self.files.as_ref()?)?))
    }

    /// Opens the prediction store for `files`, returning what it holds.
    pub fn open_store(&mut self, files: &ModelFiles) -> (Vec<(u32, Prediction)>, Vec<String>) {
        let (Some(root), Some(key)) = (self.cache_root.clone(), self.cache_key(files)) else {
            return (Vec::new(), Vec::new());
        };
        match Store::open(&root, &key) {
            Ok(opened) => {
                self.store = Some(opened.store);
                (opened.predictions, opened.warnings)
            }
            Err(e) => {
                self.cache_root = None; // not writable: go on without a cache
                (Vec::new(), vec![format!("prediction cache off: {e}")])
            }
        }
    }
}

/// The explorer's folds: as `label-issues` draws them by default (K = 5, seed 0).
pub const CROSS_VALIDATION: (usize, u32) = (5, 0);

impl Backend for Session {
    type Model = Predictor;

    fn load(&mut self, status: &Status) -> Result<Predictor> {
        // A stop asked for during an earlier load is spent.
        self.stop.store(false, Ordering::Relaxed);
        // A folder's files (and weights hash) found at start are reused; a Hub model is asked for
        // again, so a moved branch is noticed.
        let files = match (self.spec.model(), &self.files) {
            (ModelSource::Dir(_), Some(files)) => files.clone(),
            _ => self.files(status)?,
        };
        status(format!("loading {}", files.name));
        let predictor = self.build(&files, status)?;
        self.files = Some(files);
        Ok(predictor)
    }

    fn cached(&mut self) -> (Vec<(u32, Prediction)>, Vec<String>) {
        if self.store.is_some() || self.cache_root.is_none() {
            return (Vec::new(), Vec::new());
        }
        match self.files.clone().or_else(|| self.local_files()) {
            Some(files) => {
                if matches!(self.spec.model(), ModelSource::Dir(_)) {
                    self.files = Some(files.clone());
                }
                self.open_store(&files)
            }
            None => (Vec::new(), Vec::new()),
        }
    }

    fn cross_validate(
        &mut self,
        rows: &[(u32, String, u32)],
        status: &Status,
    ) -> Result<Vec<Vec<f32>>> {
        if !matches!(self.spec, ClassifierSpec::Logistic { .. }) {
            return Err(crate::error::Error::Message(
                "only the embedding head trains on the data".into(),
            ));
        }
        self.stop.store(false, Ordering::Relaxed);
        let (probs, _folds) = self.cross_validated(rows, CROSS_VALIDATION, status)?;
        Ok(probs)
    }

    fn near_duplicates(
        &mut self,
        rows: &[(u32, String, u32)],
        status: &Status,
    ) -> Result<Vec<Vec<usize>>> {
        Session::near_duplicates(self, rows, status)
    }

    fn similar(
        &mut self,
        rows: &[(u32, String, u32)],
        to: &SimilarTo,
        k: usize,
        status: &Status,
    ) -> Result<Vec<(u32, f32)>> {
        let embedder = self.neighbours_embedder("similar reviews", status)?;
        training::similar(&embedder, rows, to, k, &self.context(status))
    }

    fn explained(&mut self, text: &str) -> Option<Explanation> {
        let (root, key) = self.explanation_key()?;
        explanations::read(&root, &key, text)
    }

    fn save_explanation(
        &mut self,
        text: &str,
        explanation: &Explanation,
    ) -> std::result::Result<(), String> {
        match self.explanation_key() {
            Some((root, key)) => explanations::write(&root, &key, text, explanation),
            None => Ok(()),
        }
    }

    fn save(&mut self, predictions: &[(u32, Prediction)]) -> std::result::Result<(), String> {
        if self.store.is_none()
            && self.cache_root.is_some()
            && let Some(files) = self.files.clone()
        {
            self.open_store(&files);
        }
        match &mut self.store {
            Some(store) => store.save(predictions),
            None => Ok(()),
        }
    }
}
