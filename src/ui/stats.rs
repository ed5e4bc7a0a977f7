//! Label distribution per split: counts, percentages and bars, the numbers of
//! `collections.Counter(ds["label"])`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::style::label_style;
use super::text::thousands;
use crate::app::{SplitView, State};

pub fn draw(state: &State, area: Rect, frame: &mut Frame) {
    let data = &state.data;
    let block = Block::bordered().title(" Labels ");
    let width = block.inner(area).width as usize;
    let name_width = data
        .label_names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0);
    let count_width = thousands(data.rows.len()).len();
    let mut lines = Vec::new();
    for (i, split) in data.splits.iter().enumerate() {
        let current =
            matches!(state.split, SplitView::One(s) if s == i) || state.split == SplitView::All;
        let header_style = if current {
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        };
        let tally = state.preds.tally(i);
        let mut header = vec![
            Span::styled(split.name.clone(), header_style),
            Span::raw(format!("  {} rows", thousands(split.rows.len()))),
        ];
        if tally.classified > 0 {
            // Accuracy over the rows classified so far, and how many that is.
            header.push(Span::styled(
                format!(
                    " · accuracy {:.2}% of {} classified",
                    100.0 * tally.correct() as f64 / tally.classified as f64,
                    thousands(tally.classified)
                ),
                Style::new().add_modifier(Modifier::BOLD),
            ));
        }
        lines.push(Line::from(header));
        let total = split.rows.len().max(1);
        let predicted = tally.predicted();
        for (label, &count) in data.label_counts(i).iter().enumerate() {
            let share = count as f64 / total as f64;
            let mut text = format!(
                " {:<name_width$} {:>count_width$} {:>6.2}% ",
                data.label_names[label],
                thousands(count),
                share * 100.0
            );
            if tally.classified > 0 {
                // Predicted-label counts beside the gold ones.
                text.push_str(&format!(
                    "pred {:>count_width$} ",
                    thousands(predicted[label])
                ));
            }
            let bar_width = width.saturating_sub(text.chars().count());
            lines.push(Line::from(vec![
                Span::raw(text),
                Span::styled(bar(share, bar_width), label_style(label as u32)),
            ]));
        }
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// A horizontal bar `share` of `width` cells long, in eighths of a cell.
fn bar(share: f64, width: usize) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = (share.clamp(0.0, 1.0) * width as f64 * 8.0).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    if eighths % 8 > 0 {
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
