//! The config file, `$XDG_CONFIG_HOME/reviewlens/config.toml` (or `~/.config/reviewlens/...`;
//! `REVIEWLENS_CONFIG` names another, or none when empty): default options for every command, and
//! key bindings for the explorer.
//!
//! ```toml
//! [defaults]            # any option every command takes, by its long name
//! model-dir = "~/models/sst2"
//! batch-size = 16
//! no-cache = true       # a flag: true turns it on
//!
//! [keys]                # an action, and its key or keys (they replace its default keys)
//! classify_view = "Ctrl-r"
//! quit = ["q", "Q"]
//! ```
//!
//! Defaults go before the command line's arguments, and a later option wins over an earlier one,
//! so what is typed always beats the file.

use std::ffi::OsString;
use std::io::Read;
use std::path::PathBuf;

use crate::app::keymap::Keymap;
use crate::error::{Error, Result};

/// A config file larger than this is not one (and `/dev/zero` does not hang the start).
const MAX_BYTES: u64 = 1 << 20;

/// What the config file says.
#[derive(Debug, Default)]
pub struct Config {
    /// `--name=value` arguments from `[defaults]`, to go before the command line's.
    pub args: Vec<String>,
    /// The explorer's keys.
    pub keys: Keymap,
}

/// Where the config file is, from the environment (`var` reads a variable); `None`: no file.
/// `explicit` is true for `REVIEWLENS_CONFIG`, whose file must exist.
pub fn locate(var: impl Fn(&str) -> Option<OsString>) -> Option<(PathBuf, bool)> {
    if let Some(path) = var("REVIEWLENS_CONFIG") {
        return (!path.is_empty()).then(|| (PathBuf::from(path), true));
    }
    // The XDG spec ignores a relative XDG_CONFIG_HOME.
    let xdg = var("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    let home = var("HOME").map(|h| PathBuf::from(h).join(".config"));
    xdg.or(home)
        .map(|dir| (dir.join("reviewlens").join("config.toml"), false))
}

/// Reads the config file the environment names; no file at the default place is no config.
pub fn load() -> Result<Config> {
    let Some((path, explicit)) = locate(|name| std::env::var_os(name)) else {
        return Ok(Config::default());
    };
    let file = match std::fs::File::open(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
            return Ok(Config::default());
        }
        Err(e) => return Err(Error::input(place(&path), e.to_string())),
        Ok(file) => file,
    };
    let mut text = String::new();
    let read = file.take(MAX_BYTES + 1).read_to_string(&mut text);
    let problem = match read {
        Err(e) => Some(format!("{e} (it must be UTF-8 text)")),
        Ok(n) if n as u64 > MAX_BYTES => Some("larger than 1 MB; is it the config file?".into()),
        Ok(_) => None,
    };
    if let Some(problem) = problem {
        return Err(Error::input(place(&path), problem));
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let config = parse(&text, &crate::cli::global_options(), home.as_deref());
    let config = config.and_then(|c| match crate::cli::check_defaults(&c.args) {
        Ok(()) => Ok(c),
        Err(e) => Err(format!("defaults: {e}")),
    });
    config.map_err(|e| Error::input(place(&path), e))
}

fn place(path: &std::path::Path) -> String {
    format!("config file {}", path.display())
}

/// Reads a config file's text, given the options it may set (long name, whether it takes a value)
/// and the home directory a leading `~/` in a value stands for.
pub fn parse(
    text: &str,
    options: &[(String, bool)],
    home: Option<&std::path::Path>,
) -> Result<Config, String> {
    let table: toml::Table = text.parse().map_err(|e| toml_error(text, &e))?;
    let mut config = Config::default();
    for (name, value) in table {
        match (name.as_str(), value) {
            ("defaults", toml::Value::Table(t)) => config.args = defaults(&t, options, home)?,
            ("keys", toml::Value::Table(t)) => config.keys = keys(&t)?,
            ("defaults" | "keys", _) => return Err(format!("{name} must be a table: [{name}]")),
            _ => {
                return Err(format!(
                    "unknown setting \"{name}\"; the file has [defaults] and [keys]"
                ));
            }
        }
    }
    Ok(config)
}

/// "line 3: invalid string" from toml's several-line report.
fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let line = e.span().map(|s| text[..s.start].lines().count().max(1));
    let message = e.message().lines().next().unwrap_or("").trim();
    match line {
        Some(line) => format!("line {line}: {message}"),
        None => message.to_owned(),
    }
}

/// `[defaults]` as arguments: `--name=value`, or `--name` for a flag set to true.
fn defaults(
    table: &toml::Table,
    options: &[(String, bool)],
    home: Option<&std::path::Path>,
) -> Result<Vec<String>, String> {
    let mut args = Vec::new();
    for (name, value) in table {
        let Some((_, takes_value)) = options.iter().find(|(o, _)| o == name) else {
            let names: Vec<&str> = options.iter().map(|(o, _)| o.as_str()).collect();
            return Err(format!(
                "defaults: no option \"{name}\" that every command takes (they are: {})",
                names.join(", ")
            ));
        };
        let value = match value {
            // No shell expands `~` in a file.
            toml::Value::String(s) => match (s.strip_prefix("~/"), home) {
                (Some(rest), Some(home)) => home.join(rest).display().to_string(),
                _ => s.clone(),
            },
            toml::Value::Integer(n) => n.to_string(),
            toml::Value::Float(x) => x.to_string(),
            toml::Value::Boolean(on) if !takes_value => {
                args.extend(on.then(|| format!("--{name}")));
                continue;
            }
            toml::Value::Boolean(on) => on.to_string(),
            _ => return Err(format!("defaults: {name} takes one value")),
        };
        if !takes_value {
            return Err(format!("defaults: {name} is a flag: write {name} = true"));
        }
        args.push(format!("--{name}={value}"));
    }
    Ok(args)
}

/// `[keys]`: action = "key" or ["key", ...].
fn keys(table: &toml::Table) -> Result<Keymap, String> {
    let mut entries = Vec::new();
    for (action, value) in table {
        let keys = match value {
            toml::Value::String(key) => vec![key.clone()],
            toml::Value::Array(keys) => (keys.iter())
                .map(|k| k.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| format!("keys: {action} takes key names in quotes"))?,
            _ => {
                return Err(format!(
                    "keys: {action} takes a key name, or a list of them"
                ));
            }
        };
        entries.push((action.clone(), keys));
    }
    Keymap::from_names(&entries).map_err(|e| format!("keys: {e}"))
}
