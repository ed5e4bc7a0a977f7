//! The bottom line: where the rows come from and what narrows them, or the prompt being typed. It
//! is built from parts with a priority each: when the line is too long, the least important parts
//! go first, so a notice, an error or a running batch's progress is never pushed off by hints.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::style::Theme;
use super::text::{ellipsize, scrolled, thousands, width};
use crate::app::{Cell, CompareFilter, Mode, ModelStatus, Order, Predictions, Prompt, State};

const SEP: &str = " │ ";

/// How much a part of the line matters: the lowest goes first when it is too long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    Hint,
    Source,
    Split,
    Order,
    Search,
    Filter,
    Rows,
    /// What the classifier is doing or why it cannot.
    Model,
    /// The prompt or the notice: never left out, shortened with `…` at worst.
    Must,
}

/// A part of the line, drawn after a separator unless it continues the one before.
struct Part {
    rank: Rank,
    text: String,
    style: Style,
    joined: bool,
}

fn part(rank: Rank, text: impl Into<String>, style: Style) -> Part {
    Part {
        rank,
        text: text.into(),
        style,
        joined: false,
    }
}

/// A part that follows the one before without a separator.
fn joined(rank: Rank, text: impl Into<String>, style: Style) -> Part {
    Part {
        joined: true,
        ..part(rank, text, style)
    }
}

pub fn draw(state: &State, area: Rect, frame: &mut Frame) {
    draw_with(state, area, frame, super::theme());
}

pub fn draw_with(state: &State, area: Rect, frame: &mut Frame, theme: Theme) {
    let base = theme.bar();
    let room = area.width as usize;
    let (parts, cursor) = match &state.mode {
        Mode::Search { input, .. } => search(state, input, base, room),
        Mode::Export { input } | Mode::ConfirmOverwrite { input } => {
            export(state, input, (base, theme), room)
        }
        Mode::Jump { input } => jump(input, base, room),
        Mode::EditText { input, .. } => edit(input, "edit: ", base, room),
        Mode::Tag { input } => edit(input, "tags (a, b; -a removes): ", base, room),
        Mode::Note { input } => edit(input, "note: ", base, room),
        Mode::PickCell(cell) => (pick(state, *cell, base), None),
        Mode::Browse | Mode::Help | Mode::Detail | Mode::Words => {
            (browse(state, base, theme), None)
        }
    };
    if let Some(x) = cursor {
        frame.set_cursor_position(((area.x + x).min(area.right().saturating_sub(1)), area.y));
    }
    let hint = " ? help  q quit ";
    let mut parts = fit(parts, area.width as usize);
    let used: usize = parts.iter().map(Span::width).sum();
    if used + hint.len() <= area.width as usize {
        parts.push(Span::styled(
            " ".repeat(area.width as usize - used - hint.len()),
            base,
        ));
        parts.push(Span::styled(hint, base.add_modifier(Modifier::DIM)));
    }
    frame.render_widget(Paragraph::new(Line::from(parts)).style(base), area);
}

/// The parts that fit in `room` columns, in their order: the lowest-ranked go first (the last of
/// them first); what must stay is shortened with `…` if even it is too long.
fn fit(mut parts: Vec<Part>, room: usize) -> Vec<Span<'static>> {
    let len = |parts: &[Part]| -> usize {
        (parts.iter().enumerate())
            .map(|(i, p)| width(&p.text) + width(lead(i, p)))
            .sum()
    };
    while len(&parts) > room {
        let lowest = (parts.iter().enumerate())
            .filter(|(_, p)| p.rank < Rank::Must)
            .min_by_key(|&(i, p)| (p.rank, std::cmp::Reverse(i)));
        match lowest {
            Some((i, _)) => drop(parts.remove(i)),
            None => break,
        }
    }
    let over = len(&parts).saturating_sub(room);
    if over > 0
        && let Some(longest) = parts.iter_mut().max_by_key(|p| width(&p.text))
    {
        let keep = width(&longest.text).saturating_sub(over);
        longest.text = ellipsize(&longest.text, keep);
    }
    let mut spans = Vec::new();
    for (i, p) in parts.into_iter().enumerate() {
        // The separator takes the part's style, less what marks the part itself.
        let style = p.style.remove_modifier(Modifier::BOLD);
        spans.push(Span::styled(lead(i, &p), style));
        spans.push(Span::styled(p.text, p.style));
    }
    spans
}

/// What goes before the `i`th part shown: a space before the first, nothing before a part that
/// continues the one before, else the separator.
fn lead(i: usize, p: &Part) -> &'static str {
    match (i, p.joined) {
        (0, _) => " ",
        (_, true) => "",
        _ => SEP,
    }
}

/// What the bar shows of a prompt in `room` columns, `keep` of them wanted for what follows it:
/// the text (scrolled so the cursor is in view) and the cursor's column in it.
fn prompt_text(input: &Prompt, room: usize, keep: usize) -> (String, usize) {
    const AT_LEAST: usize = 16;
    let room = room.saturating_sub(keep).max(room.min(AT_LEAST));
    scrolled(input.as_str(), input.cursor(), room)
}

/// The search being typed, and where the cursor goes (columns into the bar).
fn search(state: &State, input: &Prompt, base: Style, room: usize) -> (Vec<Part>, Option<u16>) {
    let summary = format!("  {}", match_summary(state));
    // " /" comes before the text.
    let (shown, at) = prompt_text(input, room.saturating_sub(2), width(&summary));
    let parts = vec![
        part(Rank::Must, format!("/{shown}"), base),
        joined(Rank::Search, summary, base),
        joined(
            Rank::Hint,
            "  Enter keep · Esc cancel · Ctrl-U clear",
            base.add_modifier(Modifier::DIM),
        ),
    ];
    (parts, Some(columns(2 + at)))
}

/// The `:` prompt: the row being typed, and what it may be.
fn jump(input: &Prompt, base: Style, room: usize) -> (Vec<Part>, Option<u16>) {
    let (shown, at) = prompt_text(input, room.saturating_sub(2), 0);
    let parts = vec![
        part(Rank::Must, format!(":{shown}"), base),
        joined(
            Rank::Hint,
            "  row · split:row · #position · Enter go · Esc cancel",
            base.add_modifier(Modifier::DIM),
        ),
    ];
    (parts, Some(columns(2 + at)))
}

/// A line editor in the status bar (`E`'s, the tag and note prompts), after `lead`.
fn edit(input: &Prompt, lead: &str, base: Style, room: usize) -> (Vec<Part>, Option<u16>) {
    let (shown, at) = prompt_text(input, room.saturating_sub(lead.len()), 0);
    let parts = vec![
        part(Rank::Must, format!("{lead}{shown}"), base),
        joined(
            Rank::Hint,
            "  Enter keep · Esc cancel",
            base.add_modifier(Modifier::DIM),
        ),
    ];
    (parts, Some(columns(lead.chars().count() + at)))
}

/// The overwrite question, after the file name.
const OVERWRITE: &str = "  exists. Overwrite? y yes · any other key no";

/// The export prompt, or the overwrite question; the cursor only while typing.
fn export(
    state: &State,
    input: &Prompt,
    (base, theme): (Style, Theme),
    room: usize,
) -> (Vec<Part>, Option<u16>) {
    let asking = matches!(state.mode, Mode::ConfirmOverwrite { .. });
    // What must stay beside the name: the notice (after a separator), the question.
    let keep = state.notice.as_ref().map_or(0, |n| width(n) + width(SEP))
        + if asking { width(OVERWRITE) } else { 0 };
    // " export to: " comes before the name.
    let (shown, at) = prompt_text(input, room.saturating_sub(12), keep);
    let mut parts = vec![
        part(Rank::Must, "export to:", base.add_modifier(Modifier::BOLD)),
        joined(Rank::Must, format!(" {shown}"), base),
    ];
    if let Some(notice) = &state.notice {
        parts.push(part(Rank::Must, notice.clone(), theme.notice()));
    }
    if asking {
        let warn = theme.notice().add_modifier(Modifier::BOLD);
        parts.push(joined(Rank::Must, OVERWRITE, warn));
        return (parts, None);
    }
    let rows = state.view.len();
    let noun = if rows == 1 { "review" } else { "reviews" };
    parts.push(joined(
        Rank::Rows,
        format!("  {} {noun}", thousands(rows)),
        base,
    ));
    parts.push(joined(
        Rank::Hint,
        " · .csv .parquet .jsonl · Enter write · Esc cancel · Ctrl-U clear",
        base.add_modifier(Modifier::DIM),
    ));
    (parts, Some(columns(12 + at)))
}

/// A cursor column, however long the text before it (a paste can be longer than `u16` columns).
fn columns(n: usize) -> u16 {
    n.min(u16::MAX as usize) as u16
}

fn pick(state: &State, cell: Cell, base: Style) -> Vec<Part> {
    vec![
        part(
            Rank::Must,
            "pick a cell:",
            base.add_modifier(Modifier::BOLD),
        ),
        joined(Rank::Must, format!(" {}", state.describe_cell(cell)), base),
        joined(
            Rank::Hint,
            "  arrows move · Enter lists its reviews · Esc cancel",
            base.add_modifier(Modifier::DIM),
        ),
    ]
}

/// The data's name, and where its class names came from when its labels are strings.
fn source(state: &State) -> String {
    match state.data.classes_from {
        Some(from) => format!("{} · classes: {from}", state.data.source),
        None => state.data.source.clone(),
    }
}

/// Where the rows come from, what narrows them, the classifiers' state and the notice.
fn browse(state: &State, base: Style, theme: Theme) -> Vec<Part> {
    let bold = base.add_modifier(Modifier::BOLD);
    let rows = format!(
        "{} of {} rows",
        thousands(state.view.len()),
        thousands(state.split_len())
    );
    let mut parts = vec![
        part(Rank::Source, source(state), bold),
        part(Rank::Split, state.split_name(), base),
        part(Rank::Rows, rows, base),
    ];
    let filters = &state.filters;
    parts.push(match filters.cell {
        Some(cell) => part(
            Rank::Filter,
            format!("{} · V clears", state.describe_cell(cell)),
            bold,
        ),
        None => {
            let label = filters.label.map_or("all", |l| state.data.label_name(l));
            part(Rank::Filter, format!("label: {label}"), base)
        }
    });
    if filters.compare != CompareFilter::Off {
        parts.push(part(Rank::Filter, filters.compare.name(), bold));
    }
    if filters.misclassified {
        parts.push(part(Rank::Filter, "misclassified only", bold));
    }
    if filters.issues_only {
        parts.push(part(Rank::Filter, "label issues only", bold));
    }
    if let Some(text) = issues_summary(state) {
        parts.push(part(Rank::Filter, text, base));
    }
    if state.duplicates.asked {
        parts.push(part(Rank::Filter, "finding near duplicates…", base));
    }
    if state.order != Order::Dataset {
        parts.push(part(Rank::Order, state.order.name(), base));
    }
    if let Some(search) = &state.search {
        let text = format!("/{} {}", search.query, match_summary(state));
        parts.push(part(Rank::Search, text, base));
    }
    match &state.preds_b {
        None => parts
            .extend(model_summary(&state.preds).map(|m| part(model_rank(&state.preds), m, base))),
        Some(b) => {
            for (side, preds) in [("A", &state.preds), ("B", b)] {
                let what = model_summary(preds).unwrap_or_else(|| "not loaded".into());
                parts.push(part(model_rank(preds), format!("{side}: {what}"), base));
            }
        }
    }
    if let Some(notice) = &state.notice {
        parts.push(part(Rank::Must, notice.clone(), theme.notice()));
    }
    parts
}

/// "issues: 312 of 5,454 flagged (out-of-fold)", with `i` on.
fn issues_summary(state: &State) -> Option<String> {
    let li = &state.label_issues;
    if !li.on {
        return None;
    }
    let how = match li.probabilities {
        crate::app::Probabilities::Predictions => "out-of-sample",
        crate::app::Probabilities::CrossValidated { .. } => "out-of-fold",
    };
    Some(match &li.found {
        Some(Ok(i)) => format!(
            "issues: {} of {} flagged ({how})",
            thousands(i.flagged),
            thousands(i.checked)
        ),
        Some(Err(_)) => "issues: none found (see the list)".into(),
        None => "issues: cross-validating…".into(),
    })
}

/// A batch, a load or a failure matters as much as the rows; the model's name and device alone
/// give way with the source.
fn model_rank(preds: &Predictions) -> Rank {
    match (&preds.job, &preds.status) {
        (None, ModelStatus::Idle | ModelStatus::Ready { .. }) => Rank::Source,
        _ => Rank::Model,
    }
}

/// The model's state, or the running batch with a progress bar, rate and ETA.
fn model_summary(preds: &Predictions) -> Option<String> {
    if let Some(job) = &preds.job {
        const WIDTH: usize = 12;
        let filled = (job.done * WIDTH).checked_div(job.total).unwrap_or(0);
        let eta = job.eta().map_or("…".into(), crate::format::clock);
        // The batch size is known once the model is ready (the device picks it).
        let batch = match preds.status {
            ModelStatus::Ready { batch_size, .. } => format!(" (batches of {batch_size})"),
            _ => String::new(),
        };
        return Some(format!(
            "classifying {}/{} ▕{}{}▏ {:.0}/s ETA {eta}{batch} · x cancels",
            thousands(job.done),
            thousands(job.total),
            "█".repeat(filled),
            " ".repeat(WIDTH - filled),
            job.rate()
        ));
    }
    let name = short_name(&preds.model_name);
    match &preds.status {
        ModelStatus::Idle => (!name.is_empty()).then(|| name.to_owned()),
        ModelStatus::Busy(what) => Some(what.clone()),
        ModelStatus::Ready {
            device, note: None, ..
        } => Some(format!("{name} · {device}")),
        ModelStatus::Ready {
            device,
            note: Some(note),
            ..
        } => Some(format!("{name} · {device} ({note})")),
        ModelStatus::Failed(e) => Some(format!("model unavailable: {e}")),
    }
}

/// A model as the status bar names it: a Hub repo or a folder without its owner or parents
/// ("distilbert-base-uncased-finetuned-sst-2-english"; embedding classifiers' names are short
/// already: "all-MiniLM-L6-v2 + logistic regression").
fn short_name(name: &str) -> &str {
    let name = name.trim_end_matches('/');
    name.rsplit('/').next().unwrap_or(name)
}

/// "12 matches (3 of 12)" when the selection sits on a match, else "12 matches".
fn match_summary(state: &State) -> String {
    let Some(search) = &state.search else {
        return String::new();
    };
    if let Err(e) = &search.parsed {
        return e.clone();
    }
    let n = search.matches.len();
    let noun = if n == 1 { "match" } else { "matches" };
    if state.matches_only() {
        return format!("{} {noun} only (&)", thousands(n));
    }
    if let Some(run) = &state.search_run {
        let done = run.next * 100 / state.view.len().max(1);
        return format!("searching… {done}% · {} {noun} so far", thousands(n));
    }
    match search.matches.binary_search(&state.selected) {
        Ok(i) => format!(
            "{} {noun} ({} of {})",
            thousands(n),
            thousands(i + 1),
            thousands(n)
        ),
        Err(_) => format!("{} {noun}", thousands(n)),
    }
}
