//! Issue 14's command-line bugs: clap's errors in one whole line (7), subcommand help (14), and
//! options that make no sense refused (20). The real binary, run without a terminal.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .args(args)
        .env("HF_HUB_OFFLINE", "1")
        .output()
        .expect("the binary runs")
}

/// The one line on stderr of a run that must fail with exit code 2.
fn one_line_error(args: &[&str]) -> String {
    let out = run(args);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr.lines().count(),
        1,
        "{args:?}: one line, got {stderr:?}"
    );
    stderr.trim_end().to_owned()
}

// 7. The whole of clap's message, on one line.
#[test]
fn argument_errors_keep_clap_details_on_one_line() {
    let missing = one_line_error(&["sample"]);
    assert!(missing.contains("--output"), "{missing}");
    assert!(missing.contains("reviewlens sample --help"), "{missing}");
    let invalid = one_line_error(&["--classifier", "foo"]);
    for value in ["sequence", "embed", "zero-shot"] {
        assert!(invalid.contains(value), "{invalid}");
    }
    let typo = one_line_error(&["eval", "--jsn"]);
    assert!(typo.contains("did you mean '--json'"), "{typo}");
    assert!(typo.contains("reviewlens eval --help"), "{typo}");
}

fn help(subcommand: &str) -> String {
    let out = run(&[subcommand, "--help"]);
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// The help text of `option` in `help`: the rest of its line and the lines under it.
fn option_help(help: &str, option: &str) -> String {
    let mut lines = help
        .lines()
        .skip_while(|l| !l.trim_start().starts_with(option));
    let first = lines
        .next()
        .unwrap_or_else(|| panic!("{option} missing:\n{help}"));
    let rest = first.trim_start().split_once("  ").map_or("", |(_, r)| r);
    let more: Vec<&str> = lines
        .take_while(|l| l.starts_with("          "))
        .map(str::trim)
        .collect();
    format!("{rest} {}", more.join(" ")).trim().to_owned()
}

// 14. Every option of a subcommand says what it does; sample and snapshot do not list the model
// options they ignore.
#[test]
fn subcommand_options_have_help_and_only_the_ones_that_apply() {
    let cases = [
        ("eval", "--split"),
        ("sample", "--output"),
        ("snapshot", "--width"),
        ("snapshot", "--height"),
        ("predict", "--split"),
        ("check", "--goldens"),
    ];
    for (subcommand, option) in cases {
        let text = option_help(&help(subcommand), option);
        assert!(
            text.chars().any(char::is_alphabetic) && !text.starts_with('['),
            "`{subcommand} {option}` has no help: {text:?}"
        );
    }
    for subcommand in ["sample", "snapshot"] {
        let text = help(subcommand);
        for model_option in ["--model ", "--batch-size", "--classifier", "--device"] {
            assert!(
                !text.contains(model_option),
                "`{subcommand} --help` lists {model_option}:\n{text}"
            );
        }
        assert!(text.contains("--data"), "the data options apply:\n{text}");
    }
    assert!(
        help("eval").contains("--batch-size"),
        "eval uses the model options"
    );
}

// 20. `--batch-size 0` is refused, not turned into 1.
#[test]
fn a_batch_size_of_zero_is_refused() {
    let line = one_line_error(&["--batch-size", "0", "eval"]);
    assert!(line.contains("--batch-size"), "{line}");
    assert!(line.contains("at least 1"), "{line}");
}

// 20. Comparing a classifier with itself is refused.
#[test]
fn comparing_a_classifier_with_itself_is_refused() {
    let line = one_line_error(&["--compare", "sequence", "eval"]);
    assert!(line.contains("--compare"), "{line}");
    assert!(
        line.contains("embed"),
        "says what to compare with instead: {line}"
    );
    let line = one_line_error(&["--classifier", "embed", "--compare", "embed", "eval"]);
    assert!(line.contains("--compare"), "{line}");
}
