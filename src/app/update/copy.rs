//! `y` and `Y`: the selected review, or the rows in view as TSV, to the terminal's clipboard. The
//! edge sends it as OSC 52, which terminals (and tmux with `set-clipboard on`) pass to the system
//! clipboard, over ssh too; a terminal without it ignores the sequence, so the notice says where it
//! was sent rather than that it arrived.

use super::controls_as_spaces;
use crate::app::{Action, Command, State};
use crate::format::thousands;

/// Rows `Y` copies at most: terminals cap OSC 52 payloads (xterm at about 100 KB by default).
const MAX_ROWS: usize = 10_000;

pub(super) fn act(state: &mut State, action: Action) -> Vec<Command> {
    let text = match action {
        Action::CopyReview => match state.selected_row() {
            Some(row) => {
                let review = state.data.rows.get(row);
                format!("{}\n\n{}", review.title, review.content)
            }
            None => {
                state.notice = Some("no review to copy".into());
                return Vec::new();
            }
        },
        _ => view_tsv(state),
    };
    state.notice = Some(format!(
        "sent {} characters to the terminal's clipboard (OSC 52)",
        thousands(text.chars().count())
    ));
    vec![Command::Copy { text }]
}

/// The rows in view (up to [`MAX_ROWS`]): split, row_index, label, predicted, title; tabs and line
/// breaks in a title become spaces.
fn view_tsv(state: &State) -> String {
    let data = &state.data;
    let mut out = String::from("split\trow_index\tlabel\tpredicted\ttitle\n");
    for &row in state.rows_shown().iter().take(MAX_ROWS) {
        let (row, review) = (row as usize, data.rows.get(row as usize));
        let predicted = state
            .preds
            .get(row)
            .map_or("", |p| data.label_name(p.label));
        let title = controls_as_spaces(review.title);
        out += &format!(
            "{}\t{}\t{}\t{predicted}\t{title}\n",
            data.split_of(row),
            review.row_index,
            data.label_name(review.label),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Dataset, Review, Split};

    fn state() -> State {
        let review = |i: u64, label, title: &str| Review {
            row_index: i,
            label,
            title: title.into(),
            content: format!("text {i}"),
        };
        let rows = vec![review(0, 1, "Great\tCD"), review(1, 0, "Broke")];
        let splits = vec![Split {
            name: "test".into(),
            rows: 0..2,
        }];
        let data = Dataset::new("t".into(), vec!["neg".into(), "pos".into()], rows, splits);
        State::new(data, (100, 30))
    }

    #[test]
    fn y_copies_the_selected_review_and_capital_y_the_view() {
        let mut s = state();
        let copied = |commands: Vec<Command>| match commands.as_slice() {
            [Command::Copy { text }] => text.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            copied(act(&mut s, Action::CopyReview)),
            "Great\tCD\n\ntext 0"
        );
        assert!(s.notice.as_deref().unwrap().contains("OSC 52"));
        assert_eq!(
            copied(act(&mut s, Action::CopyView)),
            "split\trow_index\tlabel\tpredicted\ttitle\ntest\t0\tpos\t\tGreat CD\ntest\t1\tneg\t\tBroke\n"
        );
    }
}
