//! The classification report's lines in the metrics pane, laid out to fit its width: scikit-learn's
//! own layout where it fits, else narrower columns, fewer digits, then fewer columns. A number is
//! shown whole or not at all; nothing is cut.

use ratatui::style::{Modifier, Style};
use ratatui::text::Line;

use crate::app::State;
use crate::format::right;
use crate::metrics::{Report, Scores};

/// A column of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Precision,
    Recall,
    F1,
    Support,
}

use Col::*;

/// How the report is laid out: the name column, the digits after the point, and the columns shown
/// with their headers and widths.
struct Fit {
    name: usize,
    /// "macro" and "weighted" instead of "macro avg" and "weighted avg".
    short_names: bool,
    digits: usize,
    cols: Vec<(Col, &'static str, usize)>,
}

impl Fit {
    fn width(&self) -> usize {
        self.name + self.cols.iter().map(|c| c.2).sum::<usize>()
    }

    fn value(&self, col: Col, s: &Scores) -> String {
        let d = self.digits;
        match col {
            Precision => format!("{:.d$}", s.precision),
            Recall => format!("{:.d$}", s.recall),
            F1 => format!("{:.d$}", s.f1),
            Support => s.support.to_string(),
        }
    }

    /// A line: `name` right-aligned, then each column's text right-aligned (blank where `None`).
    fn line(&self, name: &str, text: impl Fn(Col) -> Option<String>) -> String {
        let mut out = right(name, self.name);
        for &(col, _, w) in &self.cols {
            out.push_str(&format!("{:>w$}", text(col).unwrap_or_default()));
        }
        out
    }
}

const LONG: [&str; 4] = ["precision", "recall", "f1-score", "support"];
const MEDIUM: [&str; 4] = ["prec", "recall", "f1", "support"];
const SHORT: [&str; 4] = ["prec", "rec", "f1", "n"];

/// The first layout, most readable first, that fits `width`; `None` when none does.
fn choose(state: &State, total: usize, width: usize) -> Option<Fit> {
    let names = (state.data.label_names.iter().map(|n| n.chars().count()))
        .max()
        .unwrap_or(0);
    let (long, short) = (names.max(12), names.max(8)); // "weighted avg", "weighted"
    let support = total.to_string().len();
    let all: &[Col] = &[Precision, Recall, F1, Support];
    let f1: &[Col] = &[F1, Support];
    let fit = |name: usize, digits: usize, headers: [&'static str; 4], cols: &[Col], sklearn| {
        let cols = (cols.iter())
            .map(|&c| {
                let header = headers[c as usize];
                let value = if c == Support { support } else { digits + 2 };
                // scikit-learn's report: every column 10 wide.
                let w = if sklearn {
                    10
                } else {
                    value.max(header.len()) + 1
                };
                (c, header, w)
            })
            .collect();
        Fit {
            name,
            short_names: name < 12,
            digits,
            cols,
        }
    };
    [
        fit(long, 4, LONG, all, true),
        fit(long, 4, MEDIUM, all, false),
        fit(short, 4, MEDIUM, all, false),
        fit(short, 3, SHORT, all, false),
        fit(short, 2, SHORT, all, false),
        fit(short, 4, SHORT, f1, false),
        fit(short, 2, SHORT, f1, false),
    ]
    .into_iter()
    .find(|f| f.width() <= width)
}

/// One classifier's report: per class, accuracy and the two averages, as wide as `width` allows.
pub fn report_lines<'a>(state: &State, report: &Report, width: usize) -> Vec<Line<'a>> {
    let Some(fit) = choose(state, report.total, width) else {
        return vec![Line::raw("(widen the terminal for the report)")];
    };
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let header = fit.line("", |c| {
        (fit.cols.iter().find(|x| x.0 == c)).map(|x| x.1.to_owned())
    });
    let mut lines = vec![Line::styled(header, bold)];
    let scores = |name: &str, s: &Scores| Line::raw(fit.line(name, |c| Some(fit.value(c, s))));
    for (name, s) in state.data.label_names.iter().zip(&report.classes) {
        lines.push(scores(name, s));
    }
    let accuracy = fit.line("accuracy", |c| match c {
        F1 => Some(format!("{:.d$}", report.accuracy, d = fit.digits)),
        Support => Some(report.total.to_string()),
        _ => None,
    });
    lines.push(Line::styled(accuracy, bold));
    let (macro_name, weighted_name) = if fit.short_names {
        ("macro", "weighted")
    } else {
        ("macro avg", "weighted avg")
    };
    lines.push(scores(macro_name, &report.macro_avg));
    lines.push(scores(weighted_name, &report.weighted_avg));
    lines
}

/// Both classifiers' precision, recall and F1 per class, accuracy and averages, A's columns then
/// B's (support is the same for both); 4 digits as `classification_report(digits=4)` where they fit,
/// else fewer, else F1 alone.
pub fn side_by_side<'a>(state: &State, a: &Report, b: &Report, width: usize) -> Vec<Line<'a>> {
    let nw = (state.data.label_names.iter().map(|n| n.chars().count()))
        .chain([8])
        .max()
        .unwrap_or(8);
    let three: &[Col] = &[Precision, Recall, F1];
    let layouts = [
        (three, 4),
        (three, 3),
        (three, 2),
        (&[F1][..], 4),
        (&[F1][..], 2),
    ];
    let Some(&(cols, d)) =
        (layouts.iter()).find(|(cols, d)| nw + 2 * cols.len() * (d + 3) <= width)
    else {
        return vec![Line::raw("(widen the terminal for the reports)")];
    };
    let side = cols.len() * (d + 3);
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let group = |name: &str| format!(" {:─^w$}", format!(" {name} "), w = side - 1);
    let heads: String = (cols.iter())
        .map(|c| format!("{:>w$}", ["prec", "rec", "f1", ""][*c as usize], w = d + 3))
        .collect();
    let values = |s: &Scores| -> String {
        (cols.iter())
            .map(|c| {
                let v = [s.precision, s.recall, s.f1, 0.0][*c as usize];
                format!(" {v:>w$.d$}", w = d + 2)
            })
            .collect()
    };
    let row = |name: &str, sa: &Scores, sb: &Scores| {
        Line::raw(format!("{}{}{}", right(name, nw), values(sa), values(sb)))
    };
    let mut lines = vec![
        Line::styled(
            format!("{}{}{}", right("", nw), group("A"), group("B")),
            bold,
        ),
        Line::styled(format!("{}{heads}{heads}", right("", nw)), bold),
    ];
    for (c, name) in state.data.label_names.iter().enumerate() {
        lines.push(row(name, &a.classes[c], &b.classes[c]));
    }
    lines.push(Line::styled(
        format!(
            "{}{:>side$.d$}{:>side$.d$}",
            right("accuracy", nw),
            a.accuracy,
            b.accuracy
        ),
        bold,
    ));
    lines.push(row("macro", &a.macro_avg, &b.macro_avg));
    lines.push(row("weighted", &a.weighted_avg, &b.weighted_avg));
    lines
}
