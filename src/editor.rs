//! `E` with $VISUAL or $EDITOR: a review's text in the user's editor, through a temporary file.

use std::io::Write;

/// Runs `editor` (a command and its arguments, split on whitespace: `code --wait`) on a temporary
/// file holding `text`, and returns what the file holds after it exits (one trailing line break,
/// which editors add, taken off). The file is removed either way.
pub fn edit(editor: &str, text: &str) -> Result<String, String> {
    let mut words = editor.split_whitespace();
    let program = words
        .next()
        .ok_or("no editor command ($VISUAL and $EDITOR are empty)")?;
    let mut file = tempfile::Builder::new()
        .prefix("reviewlens-review-")
        .suffix(".txt")
        .tempfile()
        .map_err(|e| format!("cannot make a temporary file ({e})"))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.flush())
        .map_err(|e| format!("cannot write the temporary file ({e})"))?;
    let status = std::process::Command::new(program)
        .args(words)
        .arg(file.path())
        .status()
        .map_err(|e| format!("cannot run {program} ({e}); set $EDITOR to an editor on the PATH"))?;
    if !status.success() {
        return Err(format!(
            "{editor} exited with {status}; the text is as it was"
        ));
    }
    let edited = std::fs::read_to_string(file.path())
        .map_err(|e| format!("cannot read the edited file back ({e})"))?;
    let edited = edited.strip_suffix('\n').unwrap_or(&edited);
    Ok(edited.strip_suffix('\r').unwrap_or(edited).to_owned())
}
