//! Progress reports at a bounded rate: a status line every 100 ms is plenty, and a screen or a log
//! flooded with them is slower and harder to read.

use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Throttle {
    every: Duration,
    last: Option<Instant>,
}

impl Throttle {
    pub fn new(every: Duration) -> Self {
        Throttle { every, last: None }
    }

    /// Whether to report now: the first time, and then once `every` has passed since the last.
    pub fn ready(&mut self) -> bool {
        if self.last.is_some_and(|t| t.elapsed() < self.every) {
            return false;
        }
        self.last = Some(Instant::now());
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_report_passes_and_the_next_waits() {
        let mut t = Throttle::new(Duration::from_secs(3600));
        assert!(t.ready());
        assert!(!t.ready());
        let mut t = Throttle::new(Duration::ZERO);
        assert!(t.ready() && t.ready());
    }
}
