//! hf-hub's byte counts as status lines ("downloading model.safetensors 120.0/268.0 MB, 35.2 MB/s"),
//! at most ten a second.

use std::path::Path;
use std::time::{Duration, Instant};

use hf_hub::api::tokio::Progress;

use super::Status;
use crate::throttle::Throttle;

/// Turns hf-hub's byte counts into status lines, at most ten a second.
#[derive(Clone)]
pub struct Reporter {
    status: Status,
    file: String,
    total: usize,
    done: usize,
    started: Instant,
    throttle: Throttle,
}

impl Reporter {
    pub fn new(status: Status) -> Self {
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
