//! `a` in the explorer: asking the worker, taking in its reports as batches finish, stopping it
//! (`x`, Esc), failures, stale reports, and the review pane's shading (colour, and marks without
//! it). The explanations fed in are real ones: the tiny DistilBERT's, made by `explain::explain`
//! (which tests/explain.rs holds to transformers).

mod common;

use std::path::Path;

use common::*;
use ratatui::style::{Color, Modifier};
use reviewlens::app::{Action::*, Command, Editing, Mode, Msg, Side, State, WorkerMsg, update};
use reviewlens::explain::{Explanation, explain};
use reviewlens::model::tokenize::Encoded;
use reviewlens::model::{Classifier, ModelFiles, RunOptions};
use reviewlens::ui::snapshot::render;
use reviewlens::ui::{Theme, draw_with};

/// The tiny model's explanation of `text`.
fn explanation_of(text: &str) -> Explanation {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/distilbert-tiny");
    let files = ModelFiles::from_dir(&dir).unwrap();
    let labels = ["negative".into(), "positive".into()];
    let c = Classifier::load(&files, &labels, &RunOptions::default()).unwrap();
    explain(c.words(text).unwrap(), 8, |b: &[Encoded]| c.probs(b)).unwrap()
}

/// `a` on the selected row: the job it sends.
fn ask(s: &mut State) -> (u64, u32) {
    let commands = update(s, Explain.into());
    match commands.last() {
        Some(&Command::Explain {
            side: Side::A,
            job,
            row,
            text: None,
        }) => (job, row),
        other => panic!("{other:?}"),
    }
}

fn report(s: &mut State, msg: WorkerMsg) {
    update(s, Msg::Worker(Side::A, msg));
}

/// The selected row's text as the classifier sees it (content).
fn text(s: &State) -> String {
    s.data
        .rows
        .get(s.selected_row().unwrap())
        .content
        .to_owned()
}

#[test]
fn a_explains_the_selected_review_as_the_worker_reports_it() {
    let mut s = State::new(tiny(), (120, 30));
    apply(&mut s, &[Down]);
    let (job, row) = ask(&mut s);
    assert_eq!(row, 1);
    assert!(s.notice.as_deref().unwrap().contains("x stops it"));
    assert!(render(&s).contains("explaining… (the whole review first)"));
    let full = explanation_of(&text(&s));
    // Part way: two words scored, no flip yet.
    let mut partial = full.clone();
    partial.flip = None;
    for w in partial.words.iter_mut().skip(2) {
        w.score = None;
    }
    let explained = |explanation, done| WorkerMsg::Explained {
        job,
        row,
        explanation,
        done,
    };
    report(&mut s, explained(partial, false));
    let n = full.words.len();
    assert!(render(&s).contains(&format!("scoring words: 2 of {n}… x stops")));
    report(&mut s, explained(full.clone(), true));
    let finished = WorkerMsg::Finished {
        job,
        cancelled: false,
    };
    report(&mut s, finished);
    assert_eq!(s.explanations.running, None);
    assert_eq!(s.explanations.of.get(&row), Some(&full));
    let screen = render(&s);
    assert!(screen.contains("pushed to "), "{screen}");
    assert!(
        screen.contains("flips it to") || screen.contains("no flip within"),
        "{screen}"
    );
    // Asked again: nothing to run.
    assert!(update(&mut s, Explain.into()).is_empty());
}

#[test]
fn x_and_esc_stop_a_running_explanation_and_a_stale_report_is_dropped() {
    let mut s = State::new(tiny(), (120, 30));
    let (job, _) = ask(&mut s);
    let commands = update(&mut s, CancelJob.into());
    assert_eq!(commands, vec![Command::Cancel { side: Side::A, job }]);
    report(
        &mut s,
        WorkerMsg::Finished {
            job,
            cancelled: true,
        },
    );
    assert_eq!(s.notice.as_deref(), Some("explanation stopped"));
    // Esc stops it before it clears anything else (the search stays).
    apply(&mut s, &[StartSearch]);
    type_text(&mut s, "great");
    apply(&mut s, &[SearchConfirm]);
    let (job2, row) = ask(&mut s);
    let commands = update(&mut s, Escape.into());
    assert_eq!(
        commands,
        vec![Command::Cancel {
            side: Side::A,
            job: job2
        }]
    );
    assert!(s.search.is_some());
    // Another review asked for meanwhile: the first one's reports no longer count.
    apply(&mut s, &[Down]);
    let (job3, row3) = ask(&mut s);
    assert_ne!((job3, row3), (job2, row));
    let stale = explanation_of("Great CD");
    report(
        &mut s,
        WorkerMsg::Explained {
            job: job2,
            row,
            explanation: stale,
            done: true,
        },
    );
    assert!(!s.explanations.of.contains_key(&row));
}

#[test]
fn a_failed_explanation_says_why_and_the_explorer_goes_on() {
    let mut s = State::new(tiny(), (120, 30));
    let (job, _) = ask(&mut s);
    let error = "the classifier crashed (out of memory)".to_owned();
    report(&mut s, WorkerMsg::Failed { job, error });
    assert_eq!(s.explanations.running, None);
    let screen = render(&s);
    assert!(
        screen.contains("explanation failed: the classifier crashed"),
        "{screen}"
    );
    apply(&mut s, &[Down]);
    assert_eq!(s.selected, 1);
}

/// Where `word` starts on screen (its first cell), searching from the bottom: in the review's text,
/// below the header's list of top words.
fn cell_of(buffer: &ratatui::buffer::Buffer, word: &str) -> Option<(u16, u16)> {
    let area = buffer.area;
    for y in (0..area.height).rev() {
        let line: String = (0..area.width).map(|x| buffer[(x, y)].symbol()).collect();
        if let Some(at) = line
            .find(&format!(" {word} "))
            .or_else(|| line.find(&format!(" {word}.")))
        {
            let x = line[..at + 1].chars().count() as u16;
            return Some((x, y));
        }
    }
    None
}

#[test]
fn words_are_shaded_by_score_and_marked_without_colour() {
    let mut s = State::new(tiny(), (120, 30));
    apply(&mut s, &[Down]);
    let (job, row) = ask(&mut s);
    let e = explanation_of(&text(&s));
    let top = e.ranked()[0];
    let content = text(&s);
    let word = &content[e.words[top].start..e.words[top].end];
    report(
        &mut s,
        WorkerMsg::Explained {
            job,
            row,
            explanation: e.clone(),
            done: true,
        },
    );
    for theme in [Theme::COLOR, Theme::PLAIN] {
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 30)).unwrap();
        terminal
            .draw(|f| {
                draw_with(&s, f, theme);
            })
            .unwrap();
        let buffer = terminal.backend().buffer().clone();
        let (x, y) = cell_of(&buffer, word).unwrap_or_else(|| panic!("{word} on screen"));
        let cell = &buffer[(x, y)];
        match theme == Theme::COLOR {
            // The largest score: the strongest step toward the predicted class.
            true => assert_eq!(cell.bg, Color::Indexed(83), "{word}"),
            false => {
                assert_eq!(cell.bg, Color::Reset);
                assert!(cell.modifier.contains(Modifier::BOLD), "{word}");
            }
        }
    }
}

/// The review pane of an explained bundled review, one whose label the tiny model flips when a
/// word goes (text snapshot; colours are checked above).
#[test]
fn an_explained_review_on_screen() {
    let mut s = State::new(bundled(), (120, 40));
    apply(&mut s, &vec![Down; 24]);
    let (job, row) = ask(&mut s);
    let explanation = explanation_of(&text(&s));
    report(
        &mut s,
        WorkerMsg::Explained {
            job,
            row,
            explanation,
            done: true,
        },
    );
    insta::assert_snapshot!("explained_review", render(&s));
}

/// `E` without an editor: the line editor holds the review's text; Enter sends the edit to be
/// explained (never the data), and its prediction shows beside the original's.
#[test]
fn e_edits_a_review_in_the_line_editor_and_predicts_the_edit() {
    let mut s = State::new(tiny(), (120, 30));
    apply(&mut s, &[Down, EditReview]);
    let Mode::EditText { input, row } = &s.mode else {
        panic!("{:?}", s.mode)
    };
    assert_eq!((input.as_str(), *row), ("The case was cracked.", 1));
    apply(&mut s, &[EditBackspace, EditBackspace]);
    type_text_edit(&mut s, "d and the battery died");
    let commands = update(&mut s, EditConfirm.into());
    let edited = "The case was cracked and the battery died".to_owned();
    let job = match commands.as_slice() {
        [
            Command::Explain {
                side: Side::A,
                job,
                row: 1,
                text: Some(t),
            },
        ] if *t == edited => *job,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        s.data.rows.get(1).content,
        "The case was cracked.",
        "the data never changes"
    );
    let e = explanation_of(&edited);
    report(
        &mut s,
        WorkerMsg::Explained {
            job,
            row: 1,
            explanation: e.clone(),
            done: true,
        },
    );
    report(
        &mut s,
        WorkerMsg::Finished {
            job,
            cancelled: false,
        },
    );
    assert_eq!(
        s.explanations.edited.as_ref().unwrap().explanation,
        Some(e.clone())
    );
    assert!(
        !s.explanations.of.contains_key(&1),
        "the original's explanation is apart"
    );
    let screen = render(&s);
    let predicted = s.data.label_name(e.predicted).to_owned();
    assert!(
        screen.contains(&format!("edited text predicted {predicted}")),
        "{screen}"
    );
    assert!(screen.contains("the original"), "{screen}");
    // Unchanged text: nothing to run; Esc cancels.
    apply(&mut s, &[EditReview]);
    apply(&mut s, &[EditCancel]);
    assert_eq!(s.mode, Mode::Browse);
    assert!(
        update(
            &mut s,
            Msg::Edited {
                row: 1,
                what: Editing::Review,
                text: Ok("The case was cracked.".into())
            }
        )
        .is_empty()
    );
    assert!(s.notice.as_deref().unwrap().contains("unchanged"));
}

/// `E` with $EDITOR: the edge is asked to open the text; what comes back is explained, and an
/// editor that failed says why.
#[test]
fn e_with_an_editor_asks_the_edge_and_takes_its_answer() {
    let mut s = State::new(tiny(), (120, 30)).with_editor(Some("vi".into()));
    let commands = update(&mut s, EditReview.into());
    let text = s.data.rows.get(0).content.to_owned();
    let what = Editing::Review;
    assert_eq!(commands, vec![Command::EditText { row: 0, what, text }]);
    let commands = update(
        &mut s,
        Msg::Edited {
            row: 0,
            what: Editing::Review,
            text: Ok("Awful.".into()),
        },
    );
    assert!(matches!(
        commands.as_slice(),
        [Command::Explain { text: Some(t), .. }] if t == "Awful."
    ));
    update(
        &mut s,
        Msg::Edited {
            row: 0,
            what: Editing::Review,
            text: Err("vi exited with exit status: 1".into()),
        },
    );
    assert!(
        s.alert
            .as_deref()
            .unwrap()
            .contains("the editor failed: vi exited")
    );
}

fn type_text_edit(s: &mut State, text: &str) {
    for c in text.chars() {
        update(s, EditInput(c).into());
    }
}

/// `w`: words ranked by their scores summed over the explained rows in view (counted once per
/// row they appear in), Enter filters to a word, `a` explains the rest one job per row, `x` stops.
#[test]
fn the_words_pane_ranks_filters_and_explains_the_rest() {
    let mut s = State::new(tiny(), (120, 30));
    update(&mut s, ToggleWords.into());
    assert_eq!(s.mode, Mode::Words);
    assert!(
        s.notice
            .as_deref()
            .unwrap()
            .contains("a explains the 6 in view")
    );
    // Two rows explained, as the worker would report them.
    let mut expected: std::collections::HashMap<String, (f32, usize)> = Default::default();
    for row in [0u32, 2] {
        let text = s.data.rows.get(row as usize).content.to_owned();
        let e = explanation_of(&text);
        let mut seen = std::collections::HashMap::<String, f32>::new();
        for w in &e.words {
            *seen.entry(text[w.start..w.end].to_lowercase()).or_default() += w.score.unwrap();
        }
        for (word, score) in seen {
            let entry = expected.entry(word).or_default();
            entry.0 += score;
            entry.1 += 1;
        }
        s.explanations.of.insert(row, e);
    }
    let ranking = reviewlens::app::rank(&s);
    assert_eq!((ranking.explained, ranking.in_view), (2, 6));
    assert_eq!(ranking.words.len(), expected.len());
    for w in &ranking.words {
        let (score, rows) = expected[&w.word];
        assert!((w.score - score).abs() < 1e-6 && w.rows == rows, "{w:?}");
    }
    assert!(ranking.words.windows(2).all(|p| p[0].score >= p[1].score));
    assert!(render(&s).contains("2 of 6 rows in view explained · a: the other 4"));
    // "great" is in rows 0 and 2 (and the titles of others): Enter keeps the rows with it.
    let at = ranking
        .words
        .iter()
        .position(|w| w.word == "great")
        .unwrap();
    for _ in 0..at {
        update(&mut s, WordsDown.into());
    }
    update(&mut s, WordsFilter.into());
    assert!(s.filters.matches_only);
    assert!(!s.view.is_empty());
    for &r in &s.view {
        let review = s.data.rows.get(r as usize);
        let text = format!("{} {}", review.title, review.content).to_lowercase();
        assert!(text.contains("great"), "{text}");
    }
    // Back to every row; `a` in the pane explains the 4 not explained, one job each.
    apply(&mut s, &[Escape, ToggleWords]);
    let commands = update(&mut s, WordsExplain.into());
    let jobs: Vec<(u64, u32)> = (commands.iter())
        .map(|c| match c {
            Command::Explain {
                job,
                row,
                text: None,
                ..
            } => (*job, *row),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        jobs.iter().map(|j| j.1).collect::<Vec<_>>(),
        vec![1, 3, 4, 5]
    );
    let (job, row) = jobs[0];
    let e = explanation_of(s.data.rows.get(row as usize).content);
    report(
        &mut s,
        WorkerMsg::Explained {
            job,
            row,
            explanation: e,
            done: true,
        },
    );
    report(
        &mut s,
        WorkerMsg::Finished {
            job,
            cancelled: false,
        },
    );
    let screen = render(&s);
    assert!(
        screen.contains("3 of 6 rows in view explained · explaining 2 of 4"),
        "{screen}"
    );
    // x stops the three left.
    let cancels = update(&mut s, CancelJob.into());
    let cancelled: Vec<u64> = (cancels.iter())
        .filter_map(|c| match c {
            Command::Cancel { side: Side::A, job } => Some(*job),
            _ => None,
        })
        .collect();
    assert_eq!(cancelled, jobs[1..].iter().map(|j| j.0).collect::<Vec<_>>());
    for job in cancelled {
        report(
            &mut s,
            WorkerMsg::Finished {
                job,
                cancelled: true,
            },
        );
    }
    assert_eq!(s.explanations.batch, None);
    assert_eq!(s.explanations.of.len(), 3);
}
