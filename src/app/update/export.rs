//! The `e` prompt: a default file name that says what the view holds, the name being typed, the
//! overwrite question, and the outcome the edge reports. Writing itself is `crate::io::table`'s.

use std::path::{Path, PathBuf};

use super::edit_prompt;
use crate::app::action::{Action, Command, Exported};
use crate::app::prompt::Prompt;
use crate::app::state::{Mode, State};
use crate::format::thousands;
use crate::io::table::output_format;

pub(super) fn act(state: &mut State, action: Action) -> Vec<Command> {
    match action {
        Action::StartExport => start(state),
        Action::ExportInput(c) => edit_prompt(state, |input| input.push(c)),
        Action::ExportBackspace => edit_prompt(state, Prompt::backspace),
        Action::ExportClear => edit_prompt(state, Prompt::kill_to_start),
        Action::ExportConfirm => return confirm(state, false),
        Action::ExportCancel => state.mode = Mode::Browse,
        Action::Overwrite(yes) => return answer(state, yes),
        _ => {}
    }
    Vec::new()
}

/// `reviewlens-<split>[-<filter>][-<order>].csv`, in the current directory. (A search only marks
/// rows, so it does not change what is written, nor the name.)
pub fn default_name(state: &State) -> String {
    let mut parts = vec!["reviewlens".to_string(), slug(state.split_name())];
    if let Some(cell) = state.filters.cell {
        parts.push(format!(
            "{}-as-{}",
            slug(state.data.label_name(cell.gold)),
            slug(state.data.label_name(cell.predicted))
        ));
    }
    if let Some(label) = state.filters.label {
        parts.push(slug(state.data.label_name(label)));
    }
    if state.filters.misclassified {
        parts.push("misclassified".into());
    }
    parts.extend(state.order.slug());
    format!("{}.csv", parts.join("-"))
}

/// Lower-case letters and digits, everything else one `-`: safe in any file system.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

fn start(state: &mut State) {
    state.completion = None;
    state.mode = Mode::Export {
        input: Prompt::new(default_name(state)),
    };
}

/// Enter on the prompt (or `y` to the overwrite question): checks the name and asks the edge to
/// write. The prompt stays (with the name) until the edge says how it went.
fn confirm(state: &mut State, overwrite: bool) -> Vec<Command> {
    let (Mode::Export { input } | Mode::ConfirmOverwrite { input }) = &state.mode else {
        return Vec::new();
    };
    let name = input.as_str().trim();
    if name.is_empty() {
        state.notice = Some("type a file name ending in .csv, .parquet or .jsonl".into());
        return Vec::new();
    }
    let Some(path) = expand_home(name, state.home.as_deref()) else {
        state.notice =
            Some("~ needs a home directory and HOME is not set: type the whole path".into());
        return Vec::new();
    };
    if let Err(e) = output_format(&path) {
        state.notice = Some(e.to_string());
        return Vec::new();
    }
    let input = input.clone();
    state.mode = Mode::Export { input };
    vec![Command::Export {
        path,
        rows: state.rows_shown(),
        overwrite,
    }]
}

/// The overwrite question answered: yes writes, no goes back to the name.
fn answer(state: &mut State, yes: bool) -> Vec<Command> {
    if yes {
        return confirm(state, true);
    }
    if let Mode::ConfirmOverwrite { input } = &state.mode {
        state.mode = Mode::Export {
            input: input.clone(),
        };
        state.notice = Some("not overwritten: change the name, or Esc".into());
    }
    Vec::new()
}

pub(super) fn outcome(state: &mut State, outcome: Exported) {
    let Mode::Export { input } = &state.mode else {
        return; // the prompt was left meanwhile
    };
    match outcome {
        Exported::Written { path, rows } => {
            state.mode = Mode::Browse;
            let noun = if rows == 1 { "review" } else { "reviews" };
            let rows = thousands(rows);
            state.notice = Some(format!("exported {rows} {noun} to {}", path.display()));
        }
        Exported::Exists => {
            state.mode = Mode::ConfirmOverwrite {
                input: input.clone(),
            };
        }
        Exported::Failed(e) => {
            state.notice = Some(format!("export failed: {e}"));
            state.alert = state.notice.clone();
        }
    }
}

/// `name` with a leading `~` (alone, or before a `/`) as the home directory, as a shell would;
/// `None` when there is one and no home directory is known.
pub(super) fn expand_home(name: &str, home: Option<&Path>) -> Option<PathBuf> {
    let rest = match name.strip_prefix('~') {
        Some("") => "",
        Some(rest) if rest.starts_with('/') => rest.trim_start_matches('/'),
        _ => return Some(PathBuf::from(name)), // `~user` or no tilde: as typed
    };
    home.map(|h| h.join(rest))
}

#[cfg(test)]
mod tests {
    use super::{expand_home, slug};
    use std::path::{Path, PathBuf};

    #[test]
    fn a_leading_tilde_is_the_home_directory() {
        let home = Some(Path::new("/home/u"));
        assert_eq!(
            expand_home("~/a.csv", home),
            Some(PathBuf::from("/home/u/a.csv"))
        );
        assert_eq!(expand_home("~", home), Some(PathBuf::from("/home/u")));
        assert_eq!(expand_home("a~.csv", home), Some(PathBuf::from("a~.csv")));
        assert_eq!(
            expand_home("~bob/a.csv", home),
            Some(PathBuf::from("~bob/a.csv"))
        );
        assert_eq!(expand_home("~/a.csv", None), None);
    }

    #[test]
    fn slugs_are_safe_file_name_parts() {
        assert_eq!(slug("Positive"), "positive");
        assert_eq!(slug("very bad / worse"), "very-bad-worse");
        assert_eq!(slug("  "), "");
    }
}
