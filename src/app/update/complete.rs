//! Tab in the export prompt: completing a path. The app reads no file system, so it asks the edge
//! to list the directory (`Command::Complete`) and completes from the names that come back
//! (`Msg::Completions`): as far as they all agree, with `/` after a single directory; a second Tab
//! on names that still differ lists them in the notice line.

use std::path::PathBuf;

use super::export::expand_home;
use crate::app::action::Command;
use crate::app::state::{Completion, Mode, State};

/// At most this many names are listed in the notice line.
const LISTED: usize = 40;

/// Tab: asks for the entries of the directory the text before the cursor names.
pub(super) fn tab(state: &mut State) -> Vec<Command> {
    let Mode::Export { input } = &mut state.mode else {
        return Vec::new();
    };
    let head = input.before_cursor();
    if head == "~" {
        input.push('/'); // `~` is a directory: the home directory
        return Vec::new();
    }
    let (dir, stem) = match head.rfind('/') {
        Some(i) => head.split_at(i + 1),
        None => ("", head),
    };
    let path = match dir {
        "" => Some(PathBuf::from(".")),
        dir => expand_home(dir, state.home.as_deref()),
    };
    let Some(path) = path else {
        state.notice = Some("~ needs a home directory and HOME is not set".into());
        return Vec::new();
    };
    let again = (state.completion.as_ref()).is_some_and(|c| c.ambiguous && c.input == *input);
    state.completion = Some(Completion {
        input: input.clone(),
        dir: dir.to_owned(),
        stem: stem.to_owned(),
        ambiguous: false,
        again,
    });
    vec![Command::Complete { dir: path }]
}

/// The directory's entries: completes the name before the cursor from those it starts (hidden
/// ones only when it starts with `.`). An answer for a prompt that has changed since is dropped.
pub(super) fn completions(state: &mut State, names: Vec<String>) {
    let Mode::Export { input } = &mut state.mode else {
        state.completion = None;
        return;
    };
    let Some(c) = state.completion.as_mut().filter(|c| c.input == *input) else {
        return;
    };
    let hidden = c.stem.starts_with('.');
    let mut found: Vec<&str> = (names.iter().map(String::as_str))
        .filter(|n| n.starts_with(&c.stem) && (hidden || !n.starts_with('.')))
        .collect();
    found.sort_unstable();
    found.dedup();
    let common = common_prefix(&found);
    if common.len() > c.stem.len() {
        input.insert(&common[c.stem.len()..]);
    }
    match found.len() {
        0 => {
            let dir = if c.dir.is_empty() { "." } else { &c.dir };
            state.notice = Some(format!("nothing in {dir} starts with \"{}\"", c.stem));
            state.completion = None;
        }
        1 => state.completion = None,
        n if c.again && common.len() == c.stem.len() => {
            let more = n.saturating_sub(LISTED);
            let mut list = found[..n.min(LISTED)].join("  ");
            if more > 0 {
                list.push_str(&format!("  … {more} more"));
            }
            state.notice = Some(list);
        }
        n => {
            // The next Tab on this text lists them.
            c.input = input.clone();
            c.ambiguous = true;
            state.notice = Some(format!("{n} names fit · Tab again lists them"));
        }
    }
}

/// The longest prefix all `names` share (whole characters); empty for no names.
fn common_prefix<'a>(names: &[&'a str]) -> &'a str {
    let Some((first, rest)) = names.split_first() else {
        return "";
    };
    let mut end = first.len();
    for name in rest {
        end = (first.char_indices())
            .zip(name.chars())
            .find(|((_, a), b)| a != b)
            .map_or(end.min(name.len()), |((i, _), _)| i.min(end));
    }
    &first[..end]
}

#[cfg(test)]
mod tests {
    use super::common_prefix;

    #[test]
    fn the_common_prefix_is_whole_characters() {
        assert_eq!(common_prefix(&[]), "");
        assert_eq!(common_prefix(&["abc"]), "abc");
        assert_eq!(common_prefix(&["résumé.csv", "résumés/"]), "résumé");
        assert_eq!(common_prefix(&["éa", "èa"]), "");
        assert_eq!(common_prefix(&["ab", "abc", "abd"]), "ab");
    }
}
