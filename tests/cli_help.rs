//! Each subcommand's `--help` describes that subcommand (clap takes a variant's doc comment as its
//! help, so a comment on the wrong variant shows up here).

use std::process::Command;

fn help(subcommand: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_reviewlens"))
        .args([subcommand, "--help"])
        .output()
        .expect("the binary runs");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).expect("UTF-8 help")
}

#[test]
fn every_subcommand_help_describes_its_own_command() {
    let cases = [
        ("sample", "Write the sample"),
        ("check", "Check the sequence classifier code"),
        ("predict", "Classify reviews without the UI"),
        ("eval", "print scikit-learn's classification report"),
        ("snapshot", "Print the explorer's first screen"),
    ];
    for (subcommand, description) in cases {
        let text = help(subcommand);
        let first = text.lines().next().unwrap_or_default();
        assert!(
            first.contains(description) || text.split("\n\n").next().unwrap().contains(description),
            "`{subcommand} --help` starts with {first:?}, not its own description"
        );
        for (other, theirs) in cases {
            if other != subcommand {
                assert!(
                    !text.contains(theirs),
                    "`{subcommand} --help` describes {other}"
                );
            }
        }
    }
}
