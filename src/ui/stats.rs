//! Label distribution per split: counts, percentages and bars, the numbers of
//! `collections.Counter(ds["label"])`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::style::Theme;
use super::text::{thousands, whole_parts};
use crate::app::{SplitView, State, Tally};
use crate::format::left;

pub fn draw(state: &State, area: Rect, frame: &mut Frame) {
    draw_with(state, area, frame, super::theme());
}

/// Per split: a header, the accuracy so far once there are predictions, and a line per class (gold
/// count, share and bar; with predictions, the predicted count and a bar of the predicted share).
/// What does not fit whole is left out: no number is ever cut.
pub fn draw_with(state: &State, area: Rect, frame: &mut Frame, theme: Theme) {
    let data = &state.data;
    let block = Block::bordered().title(" Labels ");
    let width = block.inner(area).width as usize;
    let mut lines = Vec::new();
    for (i, split) in data.splits.iter().enumerate() {
        let current =
            matches!(state.split, SplitView::One(s) if s == i) || state.split == SplitView::All;
        let header_style = if current {
            theme.key()
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        };
        let header = vec![
            Span::styled(split.name.clone(), header_style),
            Span::raw(format!("  {} rows", thousands(split.rows.len()))),
        ];
        lines.push(Line::from(whole_parts(header, width)));
        let tally = state.preds.tally(i);
        if tally.classified > 0 {
            lines.push(Line::from(whole_parts(accuracy(tally), width)));
        }
        for label in 0..data.label_names.len() {
            lines.push(class_line(state, i, label, width, theme));
        }
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// " accuracy 91.20% of 2,000 classified", over the rows classified so far.
fn accuracy(tally: &Tally) -> Vec<Span<'static>> {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let share = 100.0 * tally.correct() as f64 / tally.classified as f64;
    vec![
        Span::styled(format!(" accuracy {share:.2}%"), bold),
        Span::raw(format!(" of {} classified", thousands(tally.classified))),
    ]
}

/// One class of split `split`: " negative  5,368  48.89% ███ pred 5,000 ██".
fn class_line(
    state: &State,
    split: usize,
    label: usize,
    width: usize,
    theme: Theme,
) -> Line<'static> {
    let data = &state.data;
    let name_width = (data.label_names.iter().map(|n| n.chars().count()))
        .max()
        .unwrap_or(0);
    let count_width = thousands(data.rows.len()).len();
    let count = data.label_counts(split)[label];
    let share = count as f64 / data.splits[split].rows.len().max(1) as f64;
    let gold = format!(
        " {} {:>count_width$} {:>6.2}% ",
        left(&data.label_names[label], name_width),
        thousands(count),
        share * 100.0
    );
    let tally = state.preds.tally(split);
    let style = theme.label(label as u32);
    if tally.classified == 0 {
        let bar_width = width.saturating_sub(gold.chars().count());
        let parts = vec![Span::raw(gold), Span::styled(bar(share, bar_width), style)];
        return Line::from(whole_parts(parts, width));
    }
    let predicted = tally.predicted()[label];
    let pred = format!(" pred {:>count_width$} ", thousands(predicted));
    // The two bars share what the numbers leave.
    let bars = width.saturating_sub(gold.chars().count() + pred.chars().count()) / 2;
    let pred_share = predicted as f64 / tally.classified as f64;
    let parts = vec![
        Span::raw(gold),
        Span::styled(format!("{:<bars$}", bar(share, bars)), style),
        Span::raw(pred),
        Span::styled(bar(pred_share, bars), style),
    ];
    Line::from(whole_parts(parts, width))
}

/// A horizontal bar `share` of `width` cells long, in eighths of a cell.
fn bar(share: f64, width: usize) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = (share.clamp(0.0, 1.0) * width as f64 * 8.0).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        s.push(PARTS[eighths % 8]);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn bars_use_eighths() {
        assert_eq!(bar(1.0, 4), "████");
        assert_eq!(bar(0.5, 4), "██");
        assert_eq!(bar(0.5, 3), "█▌");
        assert_eq!(bar(0.0, 10), "");
    }
}
