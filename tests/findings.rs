//! Findings kept safely: the journal file (created, appended, reopened, a damaged end set aside,
//! other data, a newer format, the lock), a child process killed with SIGKILL at random points
//! (what it had acknowledged is there, and the file opens), and findings made in the explorer
//! surviving a restart with their undo history.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command as Process, Stdio};

use common::*;
use reviewlens::app::{Action::*, Command, Msg, State, update};
use reviewlens::findings::{Entry, Field, Findings, RowKey};
use reviewlens::io::findings::Journal;

fn key(i: u64) -> RowKey {
    RowKey {
        split: "train".into(),
        row_index: i,
    }
}

/// The entry `n` of a sequence of changes: marks and tags on a few rows.
fn nth(findings: &Findings, n: u64) -> Entry {
    let row = key(n % 7);
    let value = match n % 3 {
        0 => Field::Marked(!findings.get(&row).is_some_and(|f| f.marked)),
        1 => Field::Tags([format!("t{n}")].into()),
        _ => Field::Note(Some(format!("note {n}"))),
    };
    findings
        .change(&row, value)
        .expect("each step changes something")
}

#[test]
fn a_journal_reopens_to_the_same_findings_and_sets_a_damaged_end_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.jsonl");
    let mut opened = Journal::open(&path, "data-1").unwrap();
    assert!(opened.entries.is_empty() && opened.warnings.is_empty());
    let mut findings = Findings::default();
    for n in 0..20 {
        let e = nth(&findings, n);
        opened.journal.append(&e).unwrap();
        findings.apply(&e);
    }
    drop(opened);
    let again = Journal::open(&path, "data-1").unwrap();
    assert_eq!(Findings::replay(&again.entries), findings);
    drop(again);
    // A cut last line and garbage after it: set aside, the 20 changes kept, the file sound again.
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    file.write_all(b"{\"change\":{\"id\":99,\"row\"\n\x00\xffgarbage")
        .unwrap();
    drop(file);
    let opened = Journal::open(&path, "data-1").unwrap();
    assert_eq!(opened.entries.len(), 20);
    assert_eq!(opened.warnings.len(), 1, "{:?}", opened.warnings);
    assert!(
        opened.warnings[0].contains("set aside"),
        "{:?}",
        opened.warnings
    );
    let aside = dir.path().join("f.jsonl.damaged-1");
    assert!(std::fs::read(&aside).unwrap().ends_with(b"garbage"));
    drop(opened);
    assert!(Journal::open(&path, "data-1").unwrap().warnings.is_empty());
}

#[test]
fn other_data_a_newer_format_and_a_second_explorer_are_told() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.jsonl");
    let first = Journal::open(&path, "data-1").unwrap();
    // The same file while the first holds it: read-only, and said so.
    let second = Journal::open(&path, "data-1").unwrap();
    assert!(second.journal.is_read_only());
    assert!(
        second.warnings[0].contains("another reviewlens has"),
        "{:?}",
        second.warnings
    );
    drop((first, second));
    assert!(
        !Journal::open(&path, "data-1")
            .unwrap()
            .journal
            .is_read_only()
    );
    let e = Journal::open(&path, "data-2").err().unwrap().to_string();
    assert!(
        e.contains("other data (data-1)") && e.contains("this data (data-2)"),
        "{e}"
    );
    std::fs::write(&path, "{\"reviewlens_findings\":9,\"data\":\"data-1\"}\n").unwrap();
    let e = Journal::open(&path, "data-1").err().unwrap().to_string();
    assert!(e.contains("newer reviewlens"), "{e}");
    std::fs::write(&path, "not a journal\n").unwrap();
    let e = Journal::open(&path, "data-1").err().unwrap().to_string();
    assert!(e.contains("not a reviewlens findings file"), "{e}");
}

/// The child side of the crash test: appends changes to the journal named in the environment,
/// printing "ack N" once change N is written and synced, until killed.
#[test]
fn crash_child() {
    let Some(path) = std::env::var_os("REVIEWLENS_FINDINGS_CHILD") else {
        return; // run by the parent only
    };
    let mut opened = Journal::open(Path::new(&path), "crash").unwrap();
    let mut findings = Findings::replay(&opened.entries);
    let mut out = std::io::stdout().lock();
    for n in opened.entries.len() as u64.. {
        let e = nth(&findings, n);
        opened.journal.append(&e).unwrap();
        findings.apply(&e);
        writeln!(out, "ack {n}").unwrap();
        out.flush().unwrap();
    }
}

/// A child making findings is killed with SIGKILL at seeded random points, again and again on
/// the same file: after each kill the file opens and holds every change the child acknowledged,
/// and at most the one it was writing (a kill in the middle of a write can leave part of a line,
/// which is set aside, with a warning, as a damaged end).
#[test]
fn a_kill_9_loses_at_most_the_change_being_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.jsonl");
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut acked_total = 0usize;
    for round in 0..25 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let wait_for = 1 + (state >> 33) % 40; // acknowledgements before the kill
        let mut child = Process::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "crash_child",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .env("REVIEWLENS_FINDINGS_CHILD", &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut last = None;
        for line in lines.by_ref() {
            if let Some(n) = line.unwrap().strip_prefix("ack ") {
                last = Some(n.parse::<usize>().unwrap());
                if last.unwrap() + 1 >= acked_total + wait_for as usize {
                    break;
                }
            }
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // Every acknowledgement the child made before it died (it went on while this read).
        for line in lines {
            if let Some(n) = line.unwrap().strip_prefix("ack ") {
                last = Some(n.parse::<usize>().unwrap());
            }
        }
        let acked = last.map_or(acked_total, |n| n + 1);
        let opened = Journal::open(&path, "crash").unwrap();
        let set_aside = |w: &String| w.contains("damaged end") && w.contains("set aside");
        assert!(
            opened.warnings.iter().all(set_aside),
            "round {round}: {:?}",
            opened.warnings
        );
        let n = opened.entries.len();
        assert!(
            n >= acked && n <= acked + 1,
            "round {round}: {n} entries, {acked} acknowledged"
        );
        // What is there is the sequence the child made, entry for entry.
        let mut findings = Findings::default();
        for (i, e) in opened.entries.iter().enumerate() {
            assert_eq!(e, &nth(&findings, i as u64), "round {round}, entry {i}");
            findings.apply(e);
        }
        acked_total = n;
    }
    assert!(
        acked_total > 25,
        "the children made progress: {acked_total}"
    );
}

/// Findings made with the keys reach the journal as the commands say, and after a "restart" (the
/// journal reopened and replayed) they are all there and `u` undoes the last one.
#[test]
fn findings_made_in_the_explorer_survive_a_restart_with_their_undo_history() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.jsonl");
    let mut opened = Journal::open(&path, "tiny").unwrap();
    let mut s = State::new(tiny(), (120, 30));
    let mut keep = |s: &mut State, msg: Msg| {
        for c in update(s, msg) {
            if let Command::RecordFinding(e) = c {
                opened.journal.append(&e).unwrap();
            }
        }
    };
    keep(&mut s, ToggleMark.into());
    keep(&mut s, Down.into());
    keep(&mut s, CorrectLabel.into());
    keep(&mut s, StartTag.into());
    for c in "kindle, returns".chars() {
        keep(&mut s, FindingInput(c).into());
    }
    keep(&mut s, FindingConfirm.into());
    drop(opened);
    let reopened = Journal::open(&path, "tiny").unwrap();
    let mut restarted =
        State::new(tiny(), (120, 30)).with_findings(Findings::replay(&reopened.entries), true);
    assert_eq!(restarted.findings, s.findings);
    let f = restarted.finding(1).unwrap();
    assert_eq!((f.label, f.tags.len()), (Some(1), 2));
    assert!(restarted.finding(0).unwrap().marked);
    update(&mut restarted, Undo.into());
    assert!(
        restarted.finding(1).unwrap().tags.is_empty(),
        "the tags were the last change"
    );
    update(&mut restarted, Redo.into());
    assert_eq!(restarted.finding(1).unwrap().tags.len(), 2);
}

/// The keys: Space marks (`*` in the list) and `'` goes to the next marked row; `L` corrects the
/// label (`→positive` in the list); `t` tags and `o` notes (in the review pane); `F` and `T` filter,
/// with the other filters, and Esc clears them; each change is a `RecordFinding` command, none
/// when read-only (and said so); an export carries the findings.
#[test]
fn the_finding_keys_mark_correct_tag_note_and_filter() {
    let mut s = State::new(tiny(), (120, 30));
    let recorded = |c: Vec<Command>| {
        c.iter()
            .filter(|c| matches!(c, Command::RecordFinding(_)))
            .count()
    };
    assert_eq!(recorded(update(&mut s, ToggleMark.into())), 1);
    apply(&mut s, &[Down, Down, Down]);
    assert_eq!(recorded(update(&mut s, ToggleMark.into())), 1);
    apply(&mut s, &[NextMarked]);
    assert_eq!(s.selected, 0, "wraps around to the first marked row");
    apply(&mut s, &[NextMarked]);
    assert_eq!(s.selected, 3);
    // Row 3 is negative: L corrects it to positive, then to none.
    update(&mut s, CorrectLabel.into());
    assert_eq!(s.finding(3).unwrap().label, Some(1));
    let screen = reviewlens::ui::snapshot::render(&s);
    assert!(screen.contains("negative→positive"), "{screen}");
    assert!(
        screen.contains("finding: corrected to positive · marked"),
        "{screen}"
    );
    apply(&mut s, &[StartTag]);
    for c in "late, broken".chars() {
        update(&mut s, FindingInput(c).into());
    }
    apply(&mut s, &[FindingConfirm, StartNote]);
    for c in "ask the seller".chars() {
        update(&mut s, FindingInput(c).into());
    }
    apply(&mut s, &[FindingConfirm]);
    let screen = reviewlens::ui::snapshot::render(&s);
    assert!(screen.contains("tags: broken,"), "{screen}");
    assert!(screen.contains("note: ask the seller"), "{screen}");
    // F: marked (rows 0 and 3); with the label filter (negative) only row 3 stays.
    apply(&mut s, &[CycleFindingFilter]);
    assert_eq!(s.view, vec![0, 3]);
    apply(&mut s, &[CycleLabel]);
    assert_eq!(s.view, vec![3]);
    apply(&mut s, &[CycleLabel, CycleLabel]);
    // T: the tags in turn ("broken", then "late"), then none.
    apply(&mut s, &[CycleTagFilter]);
    assert!(
        s.notice
            .as_deref()
            .unwrap()
            .contains("tags: broken (1), late (1)")
    );
    assert_eq!(s.view, vec![3]);
    apply(&mut s, &[Escape]);
    assert_eq!(s.view.len(), 6, "Esc clears the findings filter");
    // The export's columns.
    let rows: Vec<usize> = (0..6).collect();
    let sides = s.sides(&rows);
    let f = sides.findings[3].unwrap();
    assert_eq!(
        (f.label, f.marked, f.note.as_deref()),
        (Some(1), true, Some("ask the seller"))
    );
    // Read-only: changes show, are not handed to the edge, and that is said.
    let mut ro = State::new(tiny(), (120, 30)).with_findings(Findings::default(), false);
    assert_eq!(recorded(update(&mut ro, ToggleMark.into())), 0);
    assert!(ro.notice.as_deref().unwrap().contains("read-only"));
}

/// `R`: the metrics count a corrected label as the gold one, and say so; again, the given ones.
#[test]
fn r_reads_the_metrics_with_the_corrected_labels() {
    let mut s = State::new(bundled(), (120, 40));
    classify_first_60(&mut s);
    let given = s.tally();
    update(&mut s, CorrectLabel.into());
    let gold = s.data.rows.get(0).label as usize;
    let predicted = s.preds.get(0).unwrap().label as usize;
    assert_eq!(s.tally(), given, "corrections count only with R");
    update(&mut s, ToggleCorrectedLabels.into());
    let corrected = s.tally();
    let mut want = given.clone();
    want.confusion[gold][predicted] -= 1;
    want.confusion[1 - gold][predicted] += 1;
    assert_eq!(corrected, want);
    let screen = reviewlens::ui::snapshot::render(&s);
    assert!(screen.contains("gold: corrected labels (R)"), "{screen}");
    update(&mut s, ToggleCorrectedLabels.into());
    assert_eq!(s.tally(), given);
}

/// Tab in the tag prompt completes from the tags in use (listing them when they part ways); `o`
/// with an editor asks the edge to open the note, and what comes back (several lines) is kept.
#[test]
fn tags_complete_and_a_note_can_be_written_in_the_editor() {
    let mut s = State::new(tiny(), (120, 30));
    apply(&mut s, &[StartTag]);
    for c in "kindle-return, kindle-broken".chars() {
        update(&mut s, FindingInput(c).into());
    }
    apply(&mut s, &[FindingConfirm, Down, StartTag]);
    update(&mut s, FindingInput('k').into());
    apply(&mut s, &[CompleteTag]);
    let typed = |s: &State| match &s.mode {
        reviewlens::app::Mode::Tag { input } => input.as_str().to_owned(),
        other => panic!("{other:?}"),
    };
    assert_eq!(typed(&s), "kindle-");
    apply(&mut s, &[CompleteTag]);
    assert!(
        s.notice
            .as_deref()
            .unwrap()
            .contains("kindle-broken, kindle-return")
    );
    update(&mut s, FindingInput('r').into());
    apply(&mut s, &[CompleteTag]);
    assert_eq!(typed(&s), "kindle-return, ");
    apply(&mut s, &[FindingConfirm]);
    assert_eq!(s.finding(1).unwrap().tags.len(), 1);
    let mut s = s.with_editor(Some("vi".into()));
    let commands = update(&mut s, StartNote.into());
    let what = reviewlens::app::Editing::Note;
    assert_eq!(
        commands,
        vec![Command::EditText {
            row: 1,
            what,
            text: String::new()
        }]
    );
    let text = Ok("first line\nsecond line\n".into());
    let commands = update(&mut s, Msg::Edited { row: 1, what, text });
    assert!(matches!(commands.as_slice(), [Command::RecordFinding(_)]));
    assert_eq!(
        s.finding(1).unwrap().note.as_deref(),
        Some("first line\nsecond line")
    );
}

/// The list with a mark, a corrected label and a tag, and the review pane's finding (insta).
#[test]
fn the_list_with_findings_on_screen() {
    let mut s = State::new(bundled(), (120, 40));
    apply(&mut s, &[ToggleMark, Down, Down, CorrectLabel, StartTag]);
    for c in "soundtrack, recheck".chars() {
        update(&mut s, FindingInput(c).into());
    }
    apply(&mut s, &[FindingConfirm, StartNote]);
    for c in "the stars say otherwise".chars() {
        update(&mut s, FindingInput(c).into());
    }
    apply(&mut s, &[FindingConfirm]);
    insta::assert_snapshot!("list_with_findings", reviewlens::ui::snapshot::render(&s));
}
