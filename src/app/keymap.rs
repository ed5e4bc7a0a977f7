//! Keys as data, one table per mode: terminal events are looked up in these tables, and the help
//! overlay is generated from the same tables, so the two cannot drift apart.

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

use super::action::{Action, Msg};
pub use super::key::Key;
use super::key::{alt, ch, ctrl, ctrl_key, plain, shift};
use super::prompt::Edit;
use super::state::{Mode, State};

/// The keys in force: the tables' defaults, with the config file's bindings in place of theirs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Keymap {
    /// Actions the config file binds, with their keys.
    bound: Vec<(Action, Vec<Key>)>,
}

impl Keymap {
    /// From the config file's `[keys]` table: action name → key names. An action binds in every
    /// mode whose table has it; in those tables its keys no longer do what they did by default.
    pub fn from_names(entries: &[(String, Vec<String>)]) -> Result<Keymap, String> {
        let mut bound: Vec<(Action, Vec<Key>)> = Vec::new();
        for (name, keys) in entries {
            let action = action_named(name)?;
            let keys = keys
                .iter()
                .map(|k| bindable(k))
                .collect::<Result<Vec<_>, _>>()?;
            bound.push((action, keys));
        }
        let keymap = Keymap { bound };
        keymap.check_clashes()?;
        Ok(keymap)
    }

    /// Two actions the config file binds to one key in the same mode.
    fn check_clashes(&self) -> Result<(), String> {
        for section in SECTIONS {
            let mut seen: Vec<(Key, &Action)> = Vec::new();
            let actions = section
                .rows
                .iter()
                .flat_map(|r| r.bindings)
                .map(|b| &b.action);
            for (action, keys) in self
                .bound
                .iter()
                .filter(|(a, _)| actions.clone().any(|x| x == a))
            {
                for key in keys {
                    if let Some((_, other)) = seen.iter().find(|(k, a)| k == key && *a != action) {
                        return Err(format!(
                            "{} is bound to both {} and {}",
                            key.name(),
                            action_name(other).unwrap_or_default(),
                            action_name(action).unwrap_or_default()
                        ));
                    }
                    seen.push((*key, action));
                }
            }
        }
        Ok(())
    }

    /// The keys `binding` has in `section`: the config file's, or else its defaults less those
    /// the config file gave another action of the section.
    pub fn keys(&self, section: &Section, binding: &Binding) -> Vec<Key> {
        if let Some((_, keys)) = self.bound.iter().find(|(a, _)| *a == binding.action) {
            return keys.clone();
        }
        let in_section = |a: &Action| {
            let mut bindings = section.rows.iter().flat_map(|r| r.bindings);
            bindings.any(|b| b.action == *a)
        };
        let taken: Vec<Key> = (self.bound.iter())
            .filter(|(a, _)| in_section(a))
            .flat_map(|(_, keys)| keys.iter().copied())
            .collect();
        (binding.keys.iter())
            .filter(|k| !taken.contains(k))
            .copied()
            .collect()
    }
}

/// A key the config file may bind: Ctrl-C, Ctrl-Z and Ctrl-L do the same everywhere.
fn bindable(name: &str) -> Result<Key, String> {
    let key = Key::parse(name)?;
    let global = global_action(&KeyEvent::new(key.code, key.modifiers()));
    match global {
        Some(_) => Err(format!(
            "{} always does the same; it cannot be bound",
            key.name()
        )),
        None => Ok(key),
    }
}

/// "classify_view" for `ClassifyView`, "edit_word_left" for `Edit(WordLeft)`; `None` for actions
/// with other values (they keep their keys).
pub fn action_name(action: &Action) -> Option<String> {
    let debug = format!("{action:?}");
    let words = debug.trim_end_matches(')').replacen('(', "", 1);
    let plain = debug.chars().filter(|c| *c == '(').count() <= 1
        && words.chars().all(|c| c.is_ascii_alphabetic())
        && (debug.ends_with(')') == debug.contains('('));
    let inner_is_variant = (debug.split_once('('))
        .is_none_or(|(_, inner)| inner.starts_with(|c: char| c.is_ascii_uppercase()));
    (plain && inner_is_variant).then(|| {
        let mut name = String::new();
        for (i, c) in words.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                name.push('_');
            }
            name.push(c.to_ascii_lowercase());
        }
        name
    })
}

/// Every action the config file can bind, by name, in the help's order.
pub fn action_names() -> Vec<String> {
    let bindings = SECTIONS
        .iter()
        .flat_map(|s| s.rows)
        .flat_map(|r| r.bindings);
    let mut names: Vec<String> = Vec::new();
    for name in bindings.filter_map(|b| action_name(&b.action)) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

fn action_named(name: &str) -> Result<Action, String> {
    let bindings = SECTIONS
        .iter()
        .flat_map(|s| s.rows)
        .flat_map(|r| r.bindings);
    let mut found = bindings.filter(|b| action_name(&b.action).as_deref() == Some(name));
    (found.next().map(|b| b.action.clone())).ok_or_else(|| {
        format!(
            "no action \"{name}\" (the actions: {})",
            action_names().join(", ")
        )
    })
}

/// Keys that do one thing.
pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
}

/// One line of the help: the bindings it explains (in the key column, one after another) and what
/// they do.
pub struct HelpRow {
    pub bindings: &'static [Binding],
    pub what: &'static str,
}

/// A mode's keys, under the title the help gives them.
pub struct Section {
    pub title: &'static str,
    pub rows: &'static [HelpRow],
}

const fn b(keys: &'static [Key], action: Action) -> Binding {
    Binding { keys, action }
}

const fn row(bindings: &'static [Binding], what: &'static str) -> HelpRow {
    HelpRow { bindings, what }
}

use Action::*;

pub const BROWSE: Section = Section {
    title: "",
    rows: &[
        row(
            &[
                b(&[plain(KeyCode::Up), ch('k')], Up),
                b(&[plain(KeyCode::Down), ch('j')], Down),
            ],
            "previous / next review",
        ),
        row(
            &[
                b(&[plain(KeyCode::PageUp)], PageUp),
                b(&[plain(KeyCode::PageDown)], PageDown),
            ],
            "page up / down",
        ),
        row(
            &[
                b(&[plain(KeyCode::Home), ch('g')], Home),
                b(&[plain(KeyCode::End), ch('G')], End),
            ],
            "first / last review",
        ),
        row(
            &[
                b(&[plain(KeyCode::Tab)], NextSplit),
                b(&[plain(KeyCode::BackTab)], PrevSplit),
            ],
            "next / previous split (train, test, all)",
        ),
        row(
            &[b(&[ch('l')], CycleLabel)],
            "filter by gold label (cycles through the classes, then all)",
        ),
        row(
            &[b(&[ch(':')], StartJump)],
            "go to a row: :123 (row), :test:123 (split and row), :#40 (position)",
        ),
        row(
            &[b(&[ch('/')], StartSearch)],
            "search as you type (case-insensitive; \\v first: a regex)",
        ),
        row(
            &[],
            "  with words: pred:CLASS gold:CLASS p>0.9 len>2000 truncated wrong",
        ),
        row(
            &[b(&[ch('n')], NextMatch), b(&[ch('N')], PrevMatch)],
            "next / previous match",
        ),
        row(
            &[b(&[ch('&')], ToggleMatchesOnly)],
            "only the search's matches, on / off (as in less)",
        ),
        row(
            &[b(&[ch('c')], ClassifySelected)],
            "classify the selected review",
        ),
        row(
            &[b(&[ch('C')], ClassifyView)],
            "classify every review in view (length-sorted batches)",
        ),
        row(
            &[b(&[ch('x')], CancelJob)],
            "cancel the running batch, or stop training a head",
        ),
        row(
            &[b(&[ch('m')], ToggleMisclassified)],
            "misclassified only, on / off",
        ),
        row(
            &[
                b(&[ch('i')], ToggleLabelIssues),
                b(&[ch('I')], ToggleIssuesOnly),
            ],
            "label issues (cleanlab): score column, likely label errors first / issues only",
        ),
        row(
            &[b(&[ch('a')], Explain)],
            "why: each word's push (left out in turn) and the smallest change that flips it",
        ),
        row(
            &[b(&[ch('f')], FindSimilar)],
            "the 20 reviews most like this one (embeddings; Esc: all again); /~text ranks all by a text",
        ),
        row(
            &[b(&[ch('w')], ToggleWords)],
            "words pane: the words that carry the predictions in view (after a)",
        ),
        row(
            &[b(&[ch(' ')], ToggleMark), b(&[ch('\'')], NextMarked)],
            "mark / unmark the review (kept) / go to the next marked review",
        ),
        row(
            &[b(&[ch('L')], CorrectLabel)],
            "correct the gold label (each other class in turn, then none; kept)",
        ),
        row(
            &[b(&[ch('t')], StartTag), b(&[ch('o')], StartNote)],
            "tag the review (a, b; -a removes) / write its note (kept)",
        ),
        row(
            &[b(&[ch('u')], Undo), b(&[ctrl('r')], Redo)],
            "undo / redo the last finding change (across restarts)",
        ),
        row(
            &[b(&[ch('R')], ToggleCorrectedLabels)],
            "metrics with the corrected labels as gold / with the given ones",
        ),
        row(
            &[
                b(&[ch('F')], CycleFindingFilter),
                b(&[ch('T')], CycleTagFilter),
            ],
            "only marked → corrected → noted → tagged reviews / one tag at a time",
        ),
        row(
            &[b(&[ch('E')], EditReview)],
            "edit the review's text ($EDITOR, else a line editor) and predict it, with its words",
        ),
        row(
            &[b(&[ch('D')], FindDuplicates)],
            "find near duplicates (embeddings; conflicting labels, test rows leaked into train)",
        ),
        row(
            &[b(&[ch('d')], CycleCompare)],
            "with --compare: all → A wrong → B wrong → A and B disagree",
        ),
        row(
            &[b(&[ch('r')], ToggleMetrics)],
            "metrics pane: classification report and confusion matrix",
        ),
        row(
            &[b(&[ch('v')], PickCell)],
            "pick a confusion-matrix cell (arrows, Enter) to list its reviews",
        ),
        row(
            &[b(&[ch('V')], ClearCell)],
            "clear the cell filter (click a cell to pick it directly)",
        ),
        row(
            &[b(&[ch('e')], StartExport)],
            "export the reviews shown (.csv, .parquet or .jsonl)",
        ),
        row(
            &[b(&[ch('y')], CopyReview), b(&[ch('Y')], CopyView)],
            "copy the review / the rows in view (TSV) to the clipboard",
        ),
        row(
            &[b(&[ch('s')], CycleOrder)],
            "order: dataset → confident mistakes first → least confident first",
        ),
        row(
            &[b(&[ch('>')], SortNextColumn), b(&[ch('<')], SortReverse)],
            "sort by the next column (row, gold, predicted, p, length) / reverse it",
        ),
        row(
            &[
                b(&[ch('J'), shift(KeyCode::Down)], DetailDown),
                b(&[ch('K'), shift(KeyCode::Up)], DetailUp),
            ],
            "scroll the review text",
        ),
        row(
            &[b(&[plain(KeyCode::Enter)], FocusDetail)],
            "move into the review (its keys below)",
        ),
        row(&[b(&[ch('?')], ToggleHelp)], "show / hide this help"),
        row(
            &[b(&[plain(KeyCode::Esc)], Escape)],
            "undo one: search, cell, m/d, I, label, order, batch; then quit",
        ),
        row(
            &[b(&[ctrl('z')], Suspend)],
            "suspend to the shell; fg brings it back",
        ),
        row(&[b(&[ctrl('l')], Redraw)], "redraw the whole screen"),
        row(&[b(&[ch('q'), ctrl('c')], Quit)], "quit"),
    ],
};

/// The mouse, which has no table of its own: (gesture, what it does).
pub const MOUSE: &[(&str, &str)] = &[
    ("wheel", "scroll the pane under the pointer"),
    ("click", "select a review, or a confusion-matrix cell"),
];

pub const SEARCH: Section = Section {
    title: "while searching",
    rows: &[
        row(
            &[
                b(&[plain(KeyCode::Enter)], SearchConfirm),
                b(&[plain(KeyCode::Esc)], SearchCancel),
            ],
            "keep the search / cancel it",
        ),
        row(
            &[b(&[ctrl('u')], SearchClear)],
            "delete the search text before the cursor",
        ),
        row(
            &[
                b(&[plain(KeyCode::Up)], Up),
                b(&[plain(KeyCode::Down)], Down),
            ],
            "previous / next review",
        ),
    ],
};

pub const PICK_CELL: Section = Section {
    title: "while picking a cell",
    rows: &[
        row(
            &[
                b(
                    &[plain(KeyCode::Up), ch('k')],
                    MoveCell {
                        gold: -1,
                        predicted: 0,
                    },
                ),
                b(
                    &[plain(KeyCode::Down), ch('j')],
                    MoveCell {
                        gold: 1,
                        predicted: 0,
                    },
                ),
                b(
                    &[plain(KeyCode::Left), ch('h')],
                    MoveCell {
                        gold: 0,
                        predicted: -1,
                    },
                ),
                b(
                    &[plain(KeyCode::Right), ch('l')],
                    MoveCell {
                        gold: 0,
                        predicted: 1,
                    },
                ),
            ],
            "move the cursor",
        ),
        row(
            &[
                b(&[plain(KeyCode::Enter)], ConfirmCell),
                b(&[plain(KeyCode::Esc), ch('v'), ch('q')], CancelPick),
            ],
            "list the cell's reviews / cancel",
        ),
    ],
};

pub const EXPORT: Section = Section {
    title: "in the export prompt",
    rows: &[
        row(
            &[
                b(&[plain(KeyCode::Enter)], ExportConfirm),
                b(&[plain(KeyCode::Esc)], ExportCancel),
            ],
            "write / cancel",
        ),
        row(
            &[b(&[ctrl('u')], ExportClear)],
            "delete the file name before the cursor",
        ),
        row(
            &[b(&[plain(KeyCode::Tab)], Complete)],
            "complete the file or directory name; Tab again lists the choices",
        ),
        row(
            &[b(&[ch('y'), ch('Y')], Overwrite(true))],
            "overwrite an existing file (any other key: no)",
        ),
    ],
};

/// Editing keys both prompts share (the search, the export file name).
pub const PROMPT: Section = Section {
    title: "in a prompt (search, export name)",
    rows: &[
        row(
            &[
                b(&[plain(KeyCode::Left)], Edit(Edit::Left)),
                b(&[plain(KeyCode::Right)], Edit(Edit::Right)),
            ],
            "move the cursor a character left / right",
        ),
        row(
            &[
                b(&[ctrl_key(KeyCode::Left), alt('b')], Edit(Edit::WordLeft)),
                b(&[ctrl_key(KeyCode::Right), alt('f')], Edit(Edit::WordRight)),
            ],
            "move the cursor a word left / right",
        ),
        row(
            &[
                b(&[plain(KeyCode::Home), ctrl('a')], Edit(Edit::Start)),
                b(&[plain(KeyCode::End), ctrl('e')], Edit(Edit::End)),
            ],
            "to the start / end",
        ),
        row(
            &[b(&[plain(KeyCode::Delete)], Edit(Edit::Delete))],
            "delete the character under the cursor (Backspace: before it)",
        ),
        row(
            &[b(&[ctrl('w')], Edit(Edit::DeleteWord))],
            "delete the word before the cursor",
        ),
        row(
            &[b(&[ctrl('k')], Edit(Edit::KillToEnd))],
            "delete from the cursor to the end",
        ),
    ],
};

pub const HELP_MODE: Section = Section {
    title: "in this help",
    rows: &[
        row(
            &[
                b(&[plain(KeyCode::Up), ch('k')], HelpScroll(-1)),
                b(&[plain(KeyCode::Down), ch('j')], HelpScroll(1)),
                b(&[plain(KeyCode::PageUp)], HelpPage(false)),
                b(&[plain(KeyCode::PageDown)], HelpPage(true)),
            ],
            "scroll",
        ),
        row(
            &[
                b(&[plain(KeyCode::Home), ch('g')], HelpScroll(i32::MIN)),
                b(&[plain(KeyCode::End), ch('G')], HelpScroll(i32::MAX)),
            ],
            "top / bottom",
        ),
        row(
            &[b(
                &[ch('?'), ch('q'), plain(KeyCode::Esc), plain(KeyCode::Enter)],
                CloseHelp,
            )],
            "close it",
        ),
    ],
};

pub const JUMP: Section = Section {
    title: "going to a row",
    rows: &[row(
        &[
            b(&[plain(KeyCode::Enter)], JumpConfirm),
            b(&[plain(KeyCode::Esc)], JumpCancel),
        ],
        "go / cancel",
    )],
};

pub const WORDS: Section = Section {
    title: "in the words pane (w)",
    rows: &[
        row(
            &[
                b(&[plain(KeyCode::Down), ch('j')], WordsDown),
                b(&[plain(KeyCode::Up), ch('k')], WordsUp),
            ],
            "next / previous word",
        ),
        row(
            &[b(&[plain(KeyCode::Enter)], WordsFilter)],
            "only the reviews with the word (a search, & on; Esc clears it)",
        ),
        row(
            &[b(&[ch('a')], WordsExplain)],
            "explain the reviews in view that are not yet (x stops)",
        ),
        row(&[b(&[ch('x')], CancelJob)], "stop explaining"),
        row(
            &[b(&[plain(KeyCode::Esc), ch('w'), ch('q')], ToggleWords)],
            "close the pane",
        ),
    ],
};

pub const FINDING: Section = Section {
    title: "in the tag or note prompt (t, o)",
    rows: &[
        row(
            &[
                b(&[plain(KeyCode::Enter)], FindingConfirm),
                b(&[plain(KeyCode::Esc)], FindingCancel),
            ],
            "keep it / cancel",
        ),
        row(
            &[b(&[plain(KeyCode::Tab)], CompleteTag)],
            "complete the tag from the tags in use (a second Tab lists them)",
        ),
    ],
};

pub const EDIT: Section = Section {
    title: "editing a review's text (E without $EDITOR)",
    rows: &[row(
        &[
            b(&[plain(KeyCode::Enter)], EditConfirm),
            b(&[plain(KeyCode::Esc)], EditCancel),
        ],
        "predict the edited text / cancel (the data never changes)",
    )],
};

pub const DETAIL: Section = Section {
    title: "in the review",
    rows: &[
        row(
            &[
                b(&[plain(KeyCode::Down), ch('j')], DetailDown),
                b(&[plain(KeyCode::Up), ch('k')], DetailUp),
            ],
            "scroll a line",
        ),
        row(
            &[
                b(&[plain(KeyCode::PageDown), ch(' ')], DetailPage(1)),
                b(&[plain(KeyCode::PageUp), ch('b')], DetailPage(-1)),
            ],
            "scroll a page",
        ),
        row(
            &[
                b(&[plain(KeyCode::Home), ch('g')], DetailTop),
                b(&[plain(KeyCode::End), ch('G')], DetailEnd),
            ],
            "start / end of the review",
        ),
        row(
            &[b(&[plain(KeyCode::Esc), ch('q')], FocusList)],
            "back to the list",
        ),
        row(
            &[
                b(&[plain(KeyCode::Enter), ch('1')], JumpDuplicate(0)),
                b(&[ch('2')], JumpDuplicate(1)),
                b(&[ch('3')], JumpDuplicate(2)),
            ],
            "go to its 1st / 2nd / 3rd near duplicate (D); Enter without one: back to the list",
        ),
    ],
};

/// Every section, in the order the help shows them.
pub const SECTIONS: [&Section; 11] = [
    &BROWSE, &DETAIL, &WORDS, &SEARCH, &JUMP, &FINDING, &EDIT, &PICK_CELL, &EXPORT, &PROMPT,
    &HELP_MODE,
];

/// The action a key means in `section`'s table, with the keys in force.
fn lookup(keys: &Keymap, section: &Section, e: &KeyEvent) -> Option<Action> {
    let bindings = section.rows.iter().flat_map(|r| r.bindings);
    let mut found = bindings.filter(|b| keys.keys(section, b).iter().any(|k| k.matches(e)));
    found.next().map(|b| b.action.clone())
}

/// Keys that mean the same in every mode, an open error included: Ctrl-C quits, Ctrl-Z suspends,
/// Ctrl-L redraws (in raw mode the terminal sends them as keys, not signals).
fn global_action(e: &KeyEvent) -> Option<Action> {
    if !e.modifiers.contains(KeyModifiers::CONTROL) {
        return None;
    }
    match e.code {
        KeyCode::Char('c') => Some(Quit),
        KeyCode::Char('z') => Some(Suspend),
        KeyCode::Char('l') => Some(Redraw),
        _ => None,
    }
}

/// A key in `mode`: its table's binding, else what the mode does with any other key.
fn key_action(keys: &Keymap, e: &KeyEvent, mode: &Mode) -> Option<Action> {
    let find = |section: &Section| lookup(keys, section, e);
    let chord = e
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    if let Some(action) = global_action(e) {
        return Some(action);
    }
    // Typing into a prompt: its editing keys, characters go in, Backspace takes one out.
    let text = |input: fn(char) -> Action, backspace: Action| {
        find(&PROMPT).or(match e.code {
            KeyCode::Char(c) if !chord => Some(input(c)),
            KeyCode::Backspace => Some(backspace),
            _ => None,
        })
    };
    match mode {
        Mode::Browse => find(&BROWSE),
        Mode::Help => find(&HELP_MODE),
        Mode::Detail => find(&DETAIL),
        Mode::Words => find(&WORDS),
        Mode::Search { .. } => find(&SEARCH).or_else(|| text(SearchInput, SearchBackspace)),
        Mode::PickCell(_) => find(&PICK_CELL),
        Mode::Jump { .. } => find(&JUMP).or_else(|| text(JumpInput, JumpBackspace)),
        Mode::EditText { .. } => find(&EDIT).or_else(|| text(EditInput, EditBackspace)),
        Mode::Tag { .. } | Mode::Note { .. } => {
            find(&FINDING).or_else(|| text(FindingInput, FindingBackspace))
        }
        Mode::Export { .. } => find(&EXPORT)
            .filter(|a| *a != Overwrite(true))
            .or_else(|| text(ExportInput, ExportBackspace)),
        Mode::ConfirmOverwrite { .. } => Some(
            find(&EXPORT)
                .filter(|a| *a == Overwrite(true))
                .unwrap_or(Overwrite(false)),
        ),
    }
}

pub fn msg_for_event(event: &Event, state: &State) -> Option<Msg> {
    let mode = &state.mode;
    match event {
        // An error is on screen: the key dismisses it and does nothing else (Ctrl-C, Ctrl-Z and
        // Ctrl-L still do theirs).
        Event::Key(key) if key.kind != KeyEventKind::Release && state.alert.is_some() => {
            Some(Msg::Action(global_action(key).unwrap_or(DismissAlert)))
        }
        Event::Mouse(_) | Event::Paste(_) if state.alert.is_some() => None,
        // A paste goes into the open prompt whole; with none open it is dropped, never typed.
        Event::Paste(text) => matches!(
            mode,
            Mode::Search { .. }
                | Mode::Export { .. }
                | Mode::Jump { .. }
                | Mode::EditText { .. }
                | Mode::Tag { .. }
                | Mode::Note { .. }
        )
        .then(|| Msg::Paste(text.clone())),
        Event::Key(key) if key.kind != KeyEventKind::Release => {
            key_action(&state.keys, key, mode).map(Msg::Action)
        }
        Event::Mouse(mouse) => {
            let (column, row) = (mouse.column, mouse.row);
            let action = match mouse.kind {
                MouseEventKind::ScrollDown => Scroll {
                    column,
                    row,
                    down: true,
                },
                MouseEventKind::ScrollUp => Scroll {
                    column,
                    row,
                    down: false,
                },
                MouseEventKind::Down(MouseButton::Left) => Click { column, row },
                _ => return None,
            };
            (*mode == Mode::Browse).then_some(Msg::Action(action))
        }
        Event::Resize(w, h) => Some(Msg::Resize(*w, *h)),
        _ => None,
    }
}

/// The help overlay's lines: (keys, what they do), with a section's title as a line of its own
/// (keys empty) before its keys.
pub fn help_lines(keymap: &Keymap) -> Vec<(String, &'static str)> {
    let mut lines = Vec::new();
    for section in SECTIONS {
        if !section.title.is_empty() {
            lines.push((String::new(), section.title));
        }
        for r in section.rows {
            let names = |b: &Binding| {
                let keys = keymap.keys(section, b);
                let names: Vec<String> = keys.iter().map(Key::name).collect();
                if names.is_empty() {
                    "(none)".into()
                } else {
                    names.join(" ")
                }
            };
            let keys: Vec<String> = r.bindings.iter().map(names).collect();
            lines.push((keys.join("  "), r.what));
        }
        if section.title.is_empty() {
            lines.extend(MOUSE.iter().map(|&(k, w)| (k.to_owned(), w)));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key in `mode` with the default keys.
    fn act(e: &KeyEvent, mode: &Mode) -> Option<Action> {
        key_action(&Keymap::default(), e, mode)
    }

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    fn empty_state() -> State {
        let split = crate::data::Split {
            name: "train".into(),
            rows: 0..0,
        };
        let data = crate::data::Dataset::new("t".into(), vec!["neg".into()], vec![], vec![split]);
        State::new(data, (80, 24))
    }

    #[test]
    fn the_same_key_means_different_things_per_mode() {
        let q = key(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(act(&q, &Mode::Browse), Some(Quit));
        assert_eq!(act(&q, &Mode::Help), Some(CloseHelp));
        let typing = Mode::Search {
            input: Default::default(),
            previous: None,
            selected_before: 0,
        };
        assert_eq!(act(&q, &typing), Some(SearchInput('q')));
        let ctrl_c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for mode in [Mode::Browse, Mode::Help, typing] {
            assert_eq!(act(&ctrl_c, &mode), Some(Quit));
        }
    }

    #[test]
    fn shift_arrows_scroll_the_detail_pane_and_control_is_not_a_plain_key() {
        let e = key(KeyCode::Down, KeyModifiers::SHIFT);
        assert_eq!(act(&e, &Mode::Browse), Some(DetailDown));
        let e = key(KeyCode::Char('K'), KeyModifiers::SHIFT);
        assert_eq!(act(&e, &Mode::Browse), Some(DetailUp));
        let e = key(KeyCode::Char('l'), KeyModifiers::CONTROL);
        assert_eq!(act(&e, &Mode::Browse), Some(Redraw), "Ctrl-L is not l");
    }

    /// Ctrl-Z and Ctrl-L do their job in every mode (typing into a prompt included) and even over
    /// an error, which any other key only dismisses.
    #[test]
    fn ctrl_z_suspends_and_ctrl_l_redraws_in_every_mode() {
        let ctrl_z = key(KeyCode::Char('z'), KeyModifiers::CONTROL);
        let ctrl_l = key(KeyCode::Char('l'), KeyModifiers::CONTROL);
        let modes = [
            Mode::Browse,
            Mode::Help,
            Mode::Search {
                input: Default::default(),
                previous: None,
                selected_before: 0,
            },
            Mode::Export {
                input: Default::default(),
            },
            Mode::ConfirmOverwrite {
                input: "out.csv".into(),
            },
        ];
        for mode in &modes {
            assert_eq!(act(&ctrl_z, mode), Some(Suspend), "{mode:?}");
            assert_eq!(act(&ctrl_l, mode), Some(Redraw), "{mode:?}");
        }
        let mut state = empty_state();
        state.alert = Some("model failed".into());
        for (e, action) in [(ctrl_z, Suspend), (ctrl_l, Redraw)] {
            let msg = msg_for_event(&Event::Key(e), &state);
            assert_eq!(msg, Some(Msg::Action(action)));
        }
    }

    /// A paste is one message for the open prompt, and nothing at all anywhere else.
    #[test]
    fn a_paste_is_for_the_open_prompt_only() {
        let mut state = empty_state();
        let paste = Event::Paste("battery\nGGGlq".into());
        assert_eq!(msg_for_event(&paste, &state), None, "browsing");
        state.mode = Mode::Search {
            input: Default::default(),
            previous: None,
            selected_before: 0,
        };
        let expected = Some(Msg::Paste("battery\nGGGlq".into()));
        assert_eq!(msg_for_event(&paste, &state), expected);
        state.mode = Mode::Export {
            input: Default::default(),
        };
        assert_eq!(msg_for_event(&paste, &state), expected);
        for mode in [
            Mode::Help,
            Mode::ConfirmOverwrite {
                input: "a.csv".into(),
            },
        ] {
            state.mode = mode;
            assert_eq!(msg_for_event(&paste, &state), None);
        }
    }

    /// The editing keys mean the same in both prompts; Alt-b is no `b` typed.
    #[test]
    fn both_prompts_share_the_editing_keys() {
        let search = Mode::Search {
            input: "é".into(),
            previous: None,
            selected_before: 0,
        };
        let export = Mode::Export { input: "a".into() };
        let cases = [
            (key(KeyCode::Left, KeyModifiers::NONE), Edit(Edit::Left)),
            (key(KeyCode::Right, KeyModifiers::NONE), Edit(Edit::Right)),
            (
                key(KeyCode::Left, KeyModifiers::CONTROL),
                Edit(Edit::WordLeft),
            ),
            (
                key(KeyCode::Right, KeyModifiers::CONTROL),
                Edit(Edit::WordRight),
            ),
            (
                key(KeyCode::Char('b'), KeyModifiers::ALT),
                Edit(Edit::WordLeft),
            ),
            (
                key(KeyCode::Char('f'), KeyModifiers::ALT),
                Edit(Edit::WordRight),
            ),
            (key(KeyCode::Home, KeyModifiers::NONE), Edit(Edit::Start)),
            (
                key(KeyCode::Char('a'), KeyModifiers::CONTROL),
                Edit(Edit::Start),
            ),
            (key(KeyCode::End, KeyModifiers::NONE), Edit(Edit::End)),
            (
                key(KeyCode::Char('e'), KeyModifiers::CONTROL),
                Edit(Edit::End),
            ),
            (key(KeyCode::Delete, KeyModifiers::NONE), Edit(Edit::Delete)),
            (
                key(KeyCode::Char('w'), KeyModifiers::CONTROL),
                Edit(Edit::DeleteWord),
            ),
            (
                key(KeyCode::Char('k'), KeyModifiers::CONTROL),
                Edit(Edit::KillToEnd),
            ),
        ];
        for mode in [&search, &export] {
            for (e, action) in &cases {
                assert_eq!(act(e, mode).as_ref(), Some(action), "{e:?} {mode:?}");
            }
            let alt_x = key(KeyCode::Char('x'), KeyModifiers::ALT);
            assert_eq!(act(&alt_x, mode), None, "Alt-x types nothing");
        }
        let ctrl_u = key(KeyCode::Char('u'), KeyModifiers::CONTROL);
        assert_eq!(act(&ctrl_u, &search), Some(SearchClear));
        assert_eq!(act(&ctrl_u, &export), Some(ExportClear));
        let tab = key(KeyCode::Tab, KeyModifiers::NONE);
        assert_eq!(act(&tab, &export), Some(Complete));
        assert_eq!(act(&tab, &search), None, "nothing to complete in a search");
        let home = key(KeyCode::Home, KeyModifiers::NONE);
        assert_eq!(
            act(&home, &Mode::Browse),
            Some(Home),
            "browsing: first review"
        );
    }

    #[test]
    fn a_pending_overwrite_takes_only_y_as_yes() {
        let mode = Mode::ConfirmOverwrite {
            input: "out.csv".into(),
        };
        let y = key(KeyCode::Char('y'), KeyModifiers::NONE);
        let n = key(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(act(&y, &mode), Some(Overwrite(true)));
        assert_eq!(act(&n, &mode), Some(Overwrite(false)));
        let typing = Mode::Export {
            input: Default::default(),
        };
        assert_eq!(act(&y, &typing), Some(ExportInput('y')));
    }

    /// Every binding of every table is in the help, and every key the help names works: the help
    /// is generated from the tables, so this holds by construction; the test keeps it that way.
    #[test]
    fn the_help_lists_every_binding_including_picking_and_searching_keys() {
        let help = help_lines(&Keymap::default());
        let keys: String = help.iter().map(|(k, _)| format!("{k} ")).collect();
        for needle in [
            "h",
            "← h",
            "→ l",
            "↑ k",
            "↓",
            "Ctrl-U",
            "Shift-↓",
            "Esc",
            "PgDn",
            "Ctrl-← Alt-b",
            "Ctrl-W",
            "Home Ctrl-A",
            "End Ctrl-E",
            "Ctrl-K",
            "Del",
            "Tab",
        ] {
            assert!(
                keys.contains(needle),
                "{needle} missing from the help: {keys}"
            );
        }
        for section in SECTIONS {
            for binding in section.rows.iter().flat_map(|r| r.bindings) {
                for k in binding.keys {
                    let event = KeyEvent::new(
                        k.code,
                        if k.ctrl {
                            KeyModifiers::CONTROL
                        } else if k.alt {
                            KeyModifiers::ALT
                        } else if k.shift {
                            KeyModifiers::SHIFT
                        } else {
                            KeyModifiers::NONE
                        },
                    );
                    assert_eq!(
                        lookup(&Keymap::default(), section, &event).as_ref(),
                        Some(&binding.action),
                        "{} in {:?}",
                        k.name(),
                        section.title
                    );
                }
            }
        }
    }
}
