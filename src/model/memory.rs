//! The memory a batch's activations take, estimated before it runs: a batch larger than the memory
//! at hand (`--batch-size 2000` with a full-size model needs tens of GB) is run in pieces that fit,
//! said once, and a single text that cannot fit is refused with the numbers, instead of the process
//! aborting on a failed allocation minutes in. On the CPU only: CUDA reports its own out-of-memory
//! as an error.

use std::path::Path;
use std::sync::Mutex;

use crate::error::{Error, Result};

/// The sizes of an encoder that decide its activations' size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub hidden: usize,
    pub intermediate: usize,
    pub heads: usize,
}

/// Bytes one forward pass over `rows` texts padded to `tokens` holds at its peak, over-estimated:
/// within a layer, the hidden states, query/key/value and their per-head copies, the attention
/// context, output and residual (10 × hidden a token), the feed-forward's two intermediate tensors
/// (2 × intermediate a token), and the attention scores and their softmax (2 × heads × tokens² a
/// text), in f32. Layers run one after another, so their number does not count.
pub fn batch_bytes(shape: &Shape, rows: usize, tokens: usize) -> u64 {
    let (b, s) = (rows as u64, tokens as u64);
    let per_token = 10 * shape.hidden as u64 + 2 * shape.intermediate as u64;
    let attention = 2 * shape.heads as u64 * s * s;
    4 * b * (s * per_token + attention)
}

/// Plans each batch's passes within the memory at hand, and remembers to say once that it split.
pub struct Planner {
    shape: Shape,
    /// `REVIEWLENS_BATCH_MEMORY_MB`, when set.
    limit: Option<u64>,
    /// Off on CUDA (the device's memory is not the system's).
    on_cpu: bool,
    /// The note about splitting, until taken; `None` again once said.
    note: Mutex<NoteState>,
}

#[derive(Debug, Default)]
enum NoteState {
    #[default]
    NotYet,
    Pending(String),
    Said,
}

impl Planner {
    pub fn new(shape: Shape, on_cpu: bool) -> Result<Self> {
        Ok(Planner {
            shape,
            limit: limit_setting()?,
            on_cpu,
            note: Mutex::new(NoteState::NotYet),
        })
    }

    /// How many of `rows` texts of up to `tokens` tokens to run at once: all of them, or fewer
    /// when they would not fit (noted once), or an error naming `model` when one alone would not.
    pub fn rows_per_pass(&self, model: &str, rows: usize, tokens: usize) -> Result<usize> {
        let Some(budget) = self.budget() else {
            return Ok(rows.max(1));
        };
        let need = batch_bytes(&self.shape, rows, tokens);
        if need <= budget {
            return Ok(rows.max(1));
        }
        let one = batch_bytes(&self.shape, 1, tokens);
        if one > budget {
            return Err(Error::input(
                model,
                format!(
                    "a text of {tokens} tokens needs about {} for the model's activations, more than {}; free some memory, or pass a smaller --max-length",
                    bytes(one),
                    self.budget_words(budget)
                ),
            ));
        }
        let fit = (budget / one) as usize;
        self.note_once(format!(
            "a batch of {rows} texts of up to {tokens} tokens needs about {}, more than {}: running it {fit} at a time",
            bytes(need),
            self.budget_words(budget)
        ));
        Ok(fit)
    }

    /// The note about splitting, the first time there is one.
    pub fn take_note(&self) -> Option<String> {
        let mut note = self.note.lock().unwrap_or_else(|p| p.into_inner());
        match std::mem::take(&mut *note) {
            NoteState::Pending(text) => {
                *note = NoteState::Said;
                Some(text)
            }
            other => {
                *note = other;
                None
            }
        }
    }

    fn note_once(&self, text: String) {
        let mut note = self.note.lock().unwrap_or_else(|p| p.into_inner());
        if matches!(*note, NoteState::NotYet) {
            *note = NoteState::Pending(text);
        }
    }

    /// What a batch may take: the setting, else half of what the system has free (the estimate
    /// leaves out the allocator's own needs and whatever else runs); `None` when unknown.
    fn budget(&self) -> Option<u64> {
        if !self.on_cpu {
            return None;
        }
        self.limit.or_else(|| available().map(|free| free / 2))
    }

    fn budget_words(&self, budget: u64) -> String {
        match self.limit {
            Some(_) => format!("the {} REVIEWLENS_BATCH_MEMORY_MB allows", bytes(budget)),
            None => format!("the {} at hand (half the free memory)", bytes(budget)),
        }
    }
}

/// `REVIEWLENS_BATCH_MEMORY_MB`: megabytes, more than 0 (`0.5` is half a megabyte).
fn limit_setting() -> Result<Option<u64>> {
    let Ok(text) = std::env::var("REVIEWLENS_BATCH_MEMORY_MB") else {
        return Ok(None);
    };
    match text.trim().parse::<f64>() {
        Ok(mb) if mb > 0.0 && mb.is_finite() => Ok(Some((mb * 1e6) as u64)),
        _ => Err(Error::input(
            "REVIEWLENS_BATCH_MEMORY_MB",
            format!("\"{text}\" is not a number of megabytes above 0"),
        )),
    }
}

/// Memory this process may still take: the least of what the system has available, what its
/// cgroup allows, and what its address-space limit (`ulimit -v`) leaves. `None` off Linux.
fn available() -> Option<u64> {
    let read = |path: &str| std::fs::read_to_string(Path::new(path)).ok();
    let field = |text: &str, key: &str| -> Option<u64> {
        let line = text.lines().find(|l| l.starts_with(key))?;
        line[key.len()..].split_whitespace().next()?.parse().ok()
    };
    let system = read("/proc/meminfo")
        .and_then(|m| field(&m, "MemAvailable:"))
        .map(|kb| kb * 1024);
    let number = |path: &str| read(path)?.trim().parse::<u64>().ok();
    let cgroup = number("/sys/fs/cgroup/memory.max")
        .map(|max| max.saturating_sub(number("/sys/fs/cgroup/memory.current").unwrap_or(0)));
    let address_space = read("/proc/self/limits")
        .and_then(|l| field(&l, "Max address space"))
        .map(|limit| {
            let used = read("/proc/self/status")
                .and_then(|s| field(&s, "VmSize:"))
                .unwrap_or(0);
            limit.saturating_sub(used * 1024)
        });
    [system, cgroup, address_space].into_iter().flatten().min()
}

/// "53.5 MB", "2.1 GB".
fn bytes(n: u64) -> String {
    if n >= 1_000_000_000 {
        format!("{:.1} GB", n as f64 / 1e9)
    } else {
        format!("{:.1} MB", n as f64 / 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// distilbert-base-uncased-finetuned-sst-2-english's config.json.
    const DISTILBERT: Shape = Shape {
        hidden: 768,
        intermediate: 3072,
        heads: 12,
    };

    #[test]
    fn the_full_size_distilbert_estimate_covers_the_reported_failure() {
        // `--batch-size 2000` failed allocating 1.6 GB: the attention scores of 2,000 texts of 129
        // tokens (2000 × 12 × 129² floats).
        let scores = 2000 * 12 * 129 * 129 * 4;
        assert_eq!(scores, 1_597_536_000);
        assert!(batch_bytes(&DISTILBERT, 2000, 129) > 2 * scores);
        // 2,000 texts of 512 tokens: about 107 GB.
        let full = batch_bytes(&DISTILBERT, 2000, 512);
        assert_eq!(full, 4 * 2000 * (512 * (7680 + 6144) + 2 * 12 * 512 * 512));
        assert!((100e9..110e9).contains(&(full as f64)), "{full}");
        // The default CPU batch of 16 at full length stays under a GB.
        assert!(batch_bytes(&DISTILBERT, 16, 512) < 1_000_000_000);
    }

    fn planner(limit_mb: u64) -> Planner {
        Planner {
            shape: DISTILBERT,
            limit: Some(limit_mb * 1_000_000),
            on_cpu: true,
            note: Mutex::new(NoteState::NotYet),
        }
    }

    #[test]
    fn a_batch_too_large_runs_in_pieces_said_once_and_one_text_too_large_is_refused() {
        let p = planner(1_000);
        assert_eq!(p.rows_per_pass("m", 16, 128).unwrap(), 16);
        assert_eq!(p.take_note(), None);
        let fit = p.rows_per_pass("m", 2000, 512).unwrap();
        assert!(batch_bytes(&DISTILBERT, fit, 512) <= 1_000_000_000);
        assert!(batch_bytes(&DISTILBERT, fit + 1, 512) > 1_000_000_000);
        let note = p.take_note().unwrap();
        assert!(
            note.contains("2000 texts of up to 512 tokens needs about 107.0 GB"),
            "{note}"
        );
        assert!(
            note.contains(&format!("running it {fit} at a time")),
            "{note}"
        );
        p.rows_per_pass("m", 2000, 500).unwrap();
        assert_eq!(p.take_note(), None, "said once");

        let e = planner(10)
            .rows_per_pass("m", 1, 512)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("m: a text of 512 tokens needs about 53.5 MB"),
            "{e}"
        );
        assert!(
            e.contains("10.0 MB REVIEWLENS_BATCH_MEMORY_MB allows"),
            "{e}"
        );
    }

    #[test]
    fn this_machine_says_how_much_memory_is_free() {
        if cfg!(target_os = "linux") {
            assert!(available().is_some_and(|b| b > 0));
        }
    }
}
