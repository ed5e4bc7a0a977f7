//! reviewlens: see where a text classifier goes wrong.
//!
//! The layers import one way, top to bottom: `main.rs` parses arguments and reports errors; `lib`
//! dispatches to the explorer (`tui`, drawing with `ui`) or a headless command (`commands`); both
//! classify through `runtime` (the worker thread and what it runs); `app` is the pure core the
//! explorer runs; `model`, `data`, `io`, `metrics` and `hub` do the work below them.

pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod data;
pub mod editor;
pub mod error;
pub mod explain;
pub mod findings;
pub mod format;
pub mod guard;
pub mod hash;
pub mod hub;
pub mod io;
pub mod label_issues;
pub mod metrics;
pub mod model;
pub mod parallel;
pub mod runtime;
pub mod throttle;
pub mod tui;
pub mod ui;

use cli::{Cli, Command};
use error::Result;

/// Runs what the command line asks for; `keys` are the explorer's keys in force.
pub fn run(cli: Cli, keys: app::keymap::Keymap) -> Result<()> {
    if let Some(Command::Check { goldens }) = &cli.command {
        return commands::check::run(goldens.as_deref(), &cli.model.run_options()?);
    }
    let data = load_data(&cli.data)?;
    if matches!(
        cli.command,
        Some(Command::Eval { .. } | Command::Predict { .. } | Command::Sample { .. })
    ) && let Some(note) = data.classes_note()
    {
        eprintln!("reviewlens: note: {note}");
    }
    let m = &cli.model;
    let cache = io::store::root(m.no_cache);
    match cli.command {
        None => explore(data, m, (cache, cli.data.findings.as_deref()), keys),
        Some(Command::Eval { split, json }) => {
            commands::eval::run(&data, m, split.as_deref(), json, cache)
        }
        Some(Command::Check { .. }) => unreachable!("handled before the data is loaded"),
        Some(Command::LabelIssues(args)) => commands::label_issues::run(&data, m, &args, cache),
        Some(Command::Explain(args)) => commands::explain::run(&data, m, &args, cache),
        Some(Command::Sample {
            output,
            force,
            apply_findings,
        }) => {
            let findings = match apply_findings {
                true => {
                    Some(read_findings(&data, cli.data.findings.as_deref(), cache.as_deref())?.1)
                }
                false => None,
            };
            commands::sample::run(&data, &output, force, findings.as_ref())
        }
        Some(Command::Findings {
            output: Some(output),
            force,
            merge,
        }) if !merge.is_empty() => {
            commands::findings::merge(&data, (&merge[0], &merge[1]), &output, force)
        }
        Some(Command::Findings { output, force, .. }) => {
            let (path, findings) =
                read_findings(&data, cli.data.findings.as_deref(), cache.as_deref())?;
            commands::findings::run(&data, &findings, &path, (output.as_deref(), force))
        }
        Some(Command::Predict {
            split,
            output,
            force,
        }) => commands::predict::run(&data, m, split.as_deref(), (&output, force), cache),
        Some(Command::Snapshot { width, height }) => commands::snapshot::run(data, (width, height)),
    }
}

/// The explorer on `data`, with the classifiers the options name.
fn explore(
    data: data::Dataset,
    m: &cli::ModelArgs,
    (cache, findings_file): (Option<std::path::PathBuf>, Option<&std::path::Path>),
    keys: app::keymap::Keymap,
) -> Result<()> {
    let (journal, findings, notice) = open_findings(&data, findings_file, cache.as_deref())?;
    let (mut session, session_b) = m.sessions(&data, cache)?;
    // `D` finds near duplicates with --embed-model on A's worker.
    session.neighbours_model = Some(m.source(cli::ClassifierKind::Embed));
    let mut state = app::State::new(data, (0, 0))
        .with_keys(keys)
        .with_model(session.name())
        .with_text(m.text)
        .with_home(dirs::home_dir())
        .with_editor(editor_env())
        .with_findings(
            findings,
            journal.as_ref().is_some_and(|(j, _)| !j.is_read_only()),
        );
    state.notice = notice;
    if let Some(b) = &session_b {
        state = state.with_compare(b.name());
    }
    if matches!(session.spec, runtime::ClassifierSpec::Logistic { .. }) {
        let (k, seed) = runtime::session::CROSS_VALIDATION;
        state = state.with_cross_validation(format!(
            "{k}-fold stratified cross-validation (seed {seed})"
        ));
    }
    let explorer = tui::Explorer {
        session,
        session_b,
        batch_size: m.batch_size,
        preload: m.preload,
        findings: journal,
    };
    tui::run(state, explorer)
}

/// The dataset the options name: the Hub, a path, or the bundled sample; sampled as asked.
fn load_data(args: &cli::DataArgs) -> Result<data::Dataset> {
    let sampling = args.sampling();
    let columns = args.columns();
    match &args.hub {
        Some(repo) => {
            let env = hub::HubEnv::from_env();
            let (dir, name) = data::hub::fetch(
                repo,
                args.revision.as_deref(),
                &env,
                &sampling,
                &hub::to_stderr(),
            )?;
            let mut data = data::load_sampled(Some(&dir), &columns, &sampling)?;
            data.source = name;
            Ok(data)
        }
        None => data::load_sampled(args.data.as_deref(), &columns, &sampling),
    }
}

/// The editor `E` opens a review in: $VISUAL, else $EDITOR (as git and less choose); none set (or
/// empty): the line editor.
fn editor_env() -> Option<String> {
    let var = |name| {
        std::env::var(name)
            .ok()
            .filter(|v: &String| !v.trim().is_empty())
    };
    var("VISUAL").or_else(|| var("EDITOR"))
}

/// The findings journal for `data` (`--findings FILE`, else one per dataset in the cache folder) and
/// what it holds, and a note for the status bar (a damaged end set aside, read-only, not kept).
type OpenedFindings = (
    Option<(io::findings::Journal, String)>,
    findings::Findings,
    Option<String>,
);

fn open_findings(
    data: &data::Dataset,
    file: Option<&std::path::Path>,
    cache: Option<&std::path::Path>,
) -> Result<OpenedFindings> {
    let Some(path) = io::findings::path(file, cache, &data.identity) else {
        let note = "findings are not kept with --no-cache: --findings FILE keeps them".into();
        return Ok((None, findings::Findings::default(), Some(note)));
    };
    let opened = io::findings::Journal::open(&path, &data.identity)?;
    let findings = findings::Findings::replay(&opened.entries);
    let note = (!opened.warnings.is_empty()).then(|| opened.warnings.join("; "));
    Ok((
        Some((opened.journal, data.identity.clone())),
        findings,
        note,
    ))
}

/// The findings of `data` as the headless commands read them (no lock): `--findings FILE`, else
/// the explorer's file for this data in the cache folder; and that file's path.
fn read_findings(
    data: &data::Dataset,
    file: Option<&std::path::Path>,
    cache: Option<&std::path::Path>,
) -> Result<(std::path::PathBuf, findings::Findings)> {
    let path = io::findings::path(file, cache, &data.identity).ok_or_else(|| {
        error::Error::input(
            "--no-cache",
            "there is no findings file to read without the cache folder; give --findings FILE",
        )
    })?;
    let entries = io::findings::read_entries(&path, &data.identity)?;
    Ok((path, findings::Findings::replay(&entries)))
}
