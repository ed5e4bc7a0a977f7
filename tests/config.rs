//! The config file: where it is looked for, default options (which the command line beats), key
//! bindings (which the explorer and its help use), and one clear line with exit code 2 for a bad one.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use reviewlens::app::keymap::help_lines;
use reviewlens::app::{Action, Msg, State, msg_for_event};
use reviewlens::cli::global_options;
use reviewlens::config::{Config, locate, parse};

fn read(text: &str) -> Result<Config, String> {
    parse(text, &global_options(), Some(Path::new("/home/u")))
}

#[test]
fn defaults_become_options_before_the_command_lines() {
    // In name order (a TOML table has no order of its own).
    let config = read(
        "[defaults]\nmodel-dir = \"~/models/sst2\"\nbatch-size = 16\nno-cache = true\npreload = false\n",
    )
    .unwrap();
    assert_eq!(
        config.args,
        [
            "--batch-size=16",
            "--model-dir=/home/u/models/sst2",
            "--no-cache"
        ]
    );
    let err = |text: &str| read(text).unwrap_err();
    assert!(err("[defaults]\nbatchsize = 2").starts_with("defaults: no option \"batchsize\""));
    assert_eq!(
        err("[defaults]\nno-cache = \"yes\""),
        "defaults: no-cache is a flag: write no-cache = true"
    );
    assert_eq!(
        err("[defaults]\nmodel = [\"a\"]"),
        "defaults: model takes one value"
    );
    assert_eq!(
        err("[look]\nx = 1"),
        "unknown setting \"look\"; the file has [defaults] and [keys]"
    );
    assert_eq!(err("keys = 1"), "keys must be a table: [keys]");
    let syntax = err("[defaults]\nbatch-size = = 2");
    assert!(syntax.starts_with("line 2: "), "{syntax}");
}

#[test]
fn the_file_is_looked_for_where_xdg_says() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            (pairs.iter())
                .find(|(n, _)| *n == name)
                .map(|(_, v)| OsString::from(v))
        }
    };
    let at = |p: &str, explicit| Some((PathBuf::from(p), explicit));
    assert_eq!(
        locate(env(&[("XDG_CONFIG_HOME", "/x"), ("HOME", "/h")])),
        at("/x/reviewlens/config.toml", false)
    );
    assert_eq!(
        locate(env(&[("XDG_CONFIG_HOME", "rel"), ("HOME", "/h")])),
        at("/h/.config/reviewlens/config.toml", false),
        "a relative XDG_CONFIG_HOME is ignored"
    );
    assert_eq!(
        locate(env(&[("REVIEWLENS_CONFIG", "/c.toml"), ("HOME", "/h")])),
        at("/c.toml", true)
    );
    assert_eq!(
        locate(env(&[("REVIEWLENS_CONFIG", ""), ("HOME", "/h")])),
        None
    );
    assert_eq!(locate(env(&[])), None);
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, modifiers))
}

fn action(state: &State, event: Event) -> Option<Action> {
    match msg_for_event(&event, state) {
        Some(Msg::Action(a)) => Some(a),
        _ => None,
    }
}

#[test]
fn bound_keys_replace_the_defaults_in_the_explorer_and_its_help() {
    let config = read("[keys]\nclassify_view = \"c\"\nquit = [\"q\", \"Ctrl-q\"]\n").unwrap();
    let data = reviewlens::data::load(None, &Default::default()).unwrap();
    let state = State::new(data, (120, 40)).with_keys(config.keys.clone());
    let plain = KeyModifiers::NONE;
    assert_eq!(
        action(&state, key(KeyCode::Char('c'), plain)),
        Some(Action::ClassifyView)
    );
    assert_eq!(
        action(&state, key(KeyCode::Char('C'), KeyModifiers::SHIFT)),
        None
    );
    let ctrl_q = key(KeyCode::Char('q'), KeyModifiers::CONTROL);
    assert_eq!(action(&state, ctrl_q), Some(Action::Quit));
    // The help shows what is in force: c took its key from classify_selected.
    let help = help_lines(&config.keys);
    let line = |what: &str| {
        help.iter()
            .find(|(_, w)| w.starts_with(what))
            .unwrap()
            .0
            .clone()
    };
    assert_eq!(line("classify every review in view"), "c");
    assert_eq!(line("classify the selected review"), "(none)");
    assert_eq!(line("quit"), "q Ctrl-Q");
    let err = |text: &str| read(text).unwrap_err();
    assert!(
        err("[keys]\nclassify = \"c\"")
            .starts_with("keys: no action \"classify\" (the actions: up, down,")
    );
    assert_eq!(
        err("[keys]\nquit = \"Ctrl-z\""),
        "keys: Ctrl-Z always does the same; it cannot be bound"
    );
    assert_eq!(
        err("[keys]\nquit = \"x\"\ncancel_job = \"x\""),
        "keys: x is bound to both cancel_job and quit"
    );
    assert_eq!(
        err("[keys]\nquit = \"Hyper-q\""),
        "keys: \"Hyper-q\" is not a key"
    );
    assert_eq!(
        err("[keys]\nquit = 1"),
        "keys: quit takes a key name, or a list of them"
    );
}

fn run(config_home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .args(args)
        .env_remove("REVIEWLENS_CONFIG")
        .env("XDG_CONFIG_HOME", config_home)
        .env("XDG_CACHE_HOME", config_home.join("cache"))
        .output()
        .unwrap()
}

fn csv(dir: &Path, name: &str, title: &str) -> String {
    let path = dir.join(name);
    let text = format!("label,title,content\n0,{title},one\n1,{title} again,two\n");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn the_program_takes_its_defaults_from_the_file_and_the_command_line_wins() {
    let home = tempfile::tempdir().unwrap();
    let (a, b) = (
        csv(home.path(), "a.csv", "Alpha"),
        csv(home.path(), "b.csv", "Bravo"),
    );
    std::fs::create_dir(home.path().join("reviewlens")).unwrap();
    let file = home.path().join("reviewlens/config.toml");
    std::fs::write(&file, format!("[defaults]\ndata = \"{a}\"\n")).unwrap();
    let screen = |args: &[&str]| {
        let out = run(home.path(), args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let size = ["--width", "80", "--height", "15"];
    assert!(screen(&[&["snapshot"], &size[..]].concat()).contains("Alpha again"));
    let later = screen(&[&["snapshot", "--data", &b], &size[..]].concat());
    assert!(
        later.contains("Bravo again") && !later.contains("Alpha"),
        "{later}"
    );
    let before = screen(&[&["--data", &b, "snapshot"], &size[..]].concat());
    assert!(before.contains("Bravo again"), "{before}");

    std::fs::write(&file, "[defaults]\nbatch-size = 0\n").unwrap();
    let out = run(home.path(), &["snapshot"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr,
        format!(
            "reviewlens: config file {}: defaults: invalid value '0' for '--batch-size <N>': must be at least 1; see reviewlens --help\n",
            file.display()
        )
    );
}

#[test]
fn the_readme_names_real_actions() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let from = readme
        .find("- `[keys]` names actions")
        .expect("the README's [keys] list");
    let list = &readme[from..from + readme[from..].find("An action is bound").unwrap()];
    let named: Vec<&str> = list.split('`').skip(3).step_by(2).collect();
    let actions = reviewlens::app::keymap::action_names();
    assert!(named.len() > 30, "{named:?}");
    for name in named.iter().filter(|n| **n != "...") {
        assert!(
            actions.iter().any(|a| a == name),
            "{name} is no action: {actions:?}"
        );
    }
}
