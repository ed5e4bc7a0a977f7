//! The worker's real backend: the model from a folder or the Hub, loaded for the dataset's classes,
//! and the prediction cache that goes with it.

use std::path::PathBuf;

use crate::cli::{ClassifierKind, ModelArgs};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::model::embed::Embedder;
use crate::model::hub::{self, HubEnv, Status};
use crate::model::{Classifier, ModelFiles, ModelSource, Prediction, RunOptions};
use crate::predictor::Predictor;
use crate::store::{CacheKey, Store};
use crate::training::{self, HeadSpec};
use crate::worker::Backend;

pub struct ModelBackend {
    pub source: ModelSource,
    pub labels: Vec<String>,
    pub opts: RunOptions,
    pub hub: HubEnv,
    /// Where prediction caches live; `None` with `--no-cache`.
    pub cache_root: Option<PathBuf>,
    pub data_fingerprint: String,
    /// The text field's name ("content", "title+content"), part of the cache key.
    pub text: String,
    /// A fine-tuned classifier, or which head to put on the embeddings of `source`.
    pub head: HeadSpec,
    /// The session's embedding caches; give both classifiers the same pool.
    pub vectors: crate::vectors::Pool,
    /// The files of the loaded model, once known.
    files: Option<ModelFiles>,
    store: Option<Store>,
}

impl ModelBackend {
    pub fn new(
        source: ModelSource,
        labels: Vec<String>,
        opts: RunOptions,
        cache_root: Option<PathBuf>,
        data_fingerprint: String,
        text: String,
    ) -> Self {
        ModelBackend {
            source,
            labels,
            opts,
            hub: HubEnv::from_env(),
            cache_root,
            data_fingerprint,
            text,
            head: HeadSpec::Sequence,
            vectors: Default::default(),
            files: None,
            store: None,
        }
    }

    /// The backend for a classifier of `kind` as the command line describes it, over `data`.
    pub fn from_args(
        data: &Dataset,
        m: &ModelArgs,
        kind: ClassifierKind,
        cache_root: Option<PathBuf>,
    ) -> Result<Self> {
        let mut backend = ModelBackend::new(
            m.source(kind),
            data.label_names.clone(),
            m.run_options()?,
            cache_root,
            data.fingerprint.clone(),
            m.text.name().to_owned(),
        );
        backend.head = match kind {
            ClassifierKind::Sequence => HeadSpec::Sequence,
            ClassifierKind::Embed => {
                let Some(split) = data.splits.iter().find(|s| s.name == "train") else {
                    let names: Vec<&str> = data.splits.iter().map(|s| s.name.as_str()).collect();
                    return Err(Error::input(
                        "--classifier embed",
                        format!(
                            "trains on the train split, and this data has none (it has: {}); use --classifier zero-shot",
                            names.join(", ")
                        ),
                    ));
                };
                let rows = data.rows[split.rows.clone()].iter().enumerate();
                let train = rows
                    .map(|(i, r)| ((split.rows.start + i) as u32, m.text.text(r), r.label))
                    .collect();
                HeadSpec::Logistic(std::sync::Arc::new(train))
            }
            ClassifierKind::ZeroShot => {
                let descriptions = match &m.label_descriptions {
                    // "A 0 review" tells an embedding model nothing: ask rather than guess.
                    None if data.label_names.iter().all(|n| n.parse::<i64>().is_ok()) => {
                        return Err(Error::input(
                            "--classifier zero-shot",
                            format!(
                                "the classes are only numbered ({}), so there is nothing to compare reviews with; describe each, e.g. --label-descriptions \"A negative review|A positive review\"",
                                data.label_names.join(", ")
                            ),
                        ));
                    }
                    None => training::default_descriptions(&data.label_names),
                    Some(text) => text.split('|').map(|d| d.trim().to_owned()).collect(),
                };
                if descriptions.len() != data.label_names.len() {
                    return Err(Error::input(
                        "--label-descriptions",
                        format!(
                            "{} descriptions for {} classes ({}); give one per class, separated by |",
                            descriptions.len(),
                            data.label_names.len(),
                            data.label_names.join(", ")
                        ),
                    ));
                }
                if let Some(i) = descriptions.iter().position(String::is_empty) {
                    return Err(Error::input(
                        "--label-descriptions",
                        format!("the description of {} is empty", data.label_names[i]),
                    ));
                }
                HeadSpec::ZeroShot(descriptions)
            }
        };
        Ok(backend)
    }

    /// `--classifier`'s backend and `--compare`'s, both checked before either does any work, and
    /// sharing one embedding pool so a review is embedded once for both.
    pub fn pair_from_args(
        data: &Dataset,
        m: &ModelArgs,
        cache_root: Option<PathBuf>,
    ) -> Result<(Self, Option<Self>)> {
        let a = Self::from_args(data, m, m.classifier, cache_root.clone())?;
        let b = match m.compare {
            Some(kind) => {
                let mut b = Self::from_args(data, m, kind, cache_root)?;
                b.vectors = a.vectors.clone();
                Some(b)
            }
            None => None,
        };
        Ok((a, b))
    }

    /// The model's files, fetched when they come from the Hub.
    pub fn files(&self, status: &Status) -> Result<ModelFiles> {
        match &self.source {
            ModelSource::Dir(dir) => ModelFiles::from_dir(dir),
            ModelSource::Hub { repo, revision } => {
                hub::fetch(repo, revision.as_deref(), &self.hub, status)
            }
        }
    }

    /// The model's files without any network: a folder, or a Hub snapshot already in the cache.
    fn local_files(&self) -> Option<ModelFiles> {
        match &self.source {
            ModelSource::Dir(dir) => ModelFiles::from_dir(dir).ok(),
            ModelSource::Hub { repo, revision } => {
                hub::from_cache(repo, revision.as_deref().unwrap_or("main"), &self.hub)
            }
        }
    }

    pub fn cache_key(&self, files: &ModelFiles) -> Option<CacheKey> {
        let max_length = match (self.opts.max_length, &self.head) {
            (Some(n), _) => n,
            (None, HeadSpec::Sequence) => crate::model::max_positions(&files.config)?,
            (None, _) => crate::model::embed::default_max_length(files)?,
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
            model: self.head.cache_name(&files.identity),
            data: self.data_fingerprint.clone(),
            text: self.text.clone(),
            max_length,
            label_map,
            dtype: format!("{:?}", self.opts.dtype),
            classes: self.labels.clone(),
        })
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

impl Backend for ModelBackend {
    fn load(&mut self, status: &Status) -> Result<Predictor> {
        // A folder's files (and weights hash) found at start are reused; a Hub model is asked for
        // again, so a moved branch is noticed.
        let files = match (&self.source, &self.files) {
            (ModelSource::Dir(_), Some(files)) => files.clone(),
            _ => self.files(status)?,
        };
        status(format!("loading {}", files.name));
        let predictor = match &self.head {
            HeadSpec::Sequence => {
                Predictor::Sequence(Classifier::load(&files, &self.labels, &self.opts)?)
            }
            head => {
                let embedder = Embedder::load(&files, &self.opts)?;
                let ctx = training::Context {
                    cache_root: self.cache_root.as_deref(),
                    data_fingerprint: &self.data_fingerprint,
                    text: &self.text,
                    classes: &self.labels,
                    status,
                    vectors: &self.vectors,
                };
                training::build(embedder, head, &ctx)?
            }
        };
        self.files = Some(files);
        Ok(predictor)
    }

    fn cached(&mut self) -> (Vec<(u32, Prediction)>, Vec<String>) {
        if self.store.is_some() || self.cache_root.is_none() {
            return (Vec::new(), Vec::new());
        }
        match self.files.clone().or_else(|| self.local_files()) {
            Some(files) => {
                if matches!(self.source, ModelSource::Dir(_)) {
                    self.files = Some(files.clone());
                }
                self.open_store(&files)
            }
            None => (Vec::new(), Vec::new()),
        }
    }

    fn save(&mut self, predictions: &[(u32, Prediction)]) -> std::result::Result<(), String> {
        if self.store.is_none() && self.cache_root.is_some() {
            if let Some(files) = self.files.clone() {
                self.open_store(&files);
            }
        }
        match &mut self.store {
            Some(store) => store.save(predictions),
            None => Ok(()),
        }
    }
}
