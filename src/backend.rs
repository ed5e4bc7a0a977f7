//! The worker's real backend: the model from a folder or the Hub, loaded for the dataset's classes.

use crate::error::Result;
use crate::model::hub::{self, HubEnv, Status};
use crate::model::{Classifier, ModelFiles, ModelSource, RunOptions};
use crate::worker::Backend;

pub struct ModelBackend {
    pub source: ModelSource,
    pub labels: Vec<String>,
    pub opts: RunOptions,
    pub hub: HubEnv,
}

impl ModelBackend {
    /// The model's files, fetched when they come from the Hub.
    pub fn files(&self, status: &Status) -> Result<ModelFiles> {
        match &self.source {
            ModelSource::Dir(dir) => ModelFiles::from_dir(dir),
            ModelSource::Hub { repo, revision } => {
                hub::fetch(repo, revision.as_deref(), &self.hub, status)
            }
        }
    }
}

impl Backend for ModelBackend {
    fn load(&mut self, status: &Status) -> Result<Classifier> {
        status(format!("loading {}", self.source.name()));
        let files = self.files(status)?;
        status(format!("loading {}", files.name));
        Classifier::load(&files, &self.labels, &self.opts)
    }
}
