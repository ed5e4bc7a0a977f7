//! `State`: the one owner of everything the screen shows. Panes read it; only `update` changes it.

use std::path::PathBuf;
use std::sync::Arc;

use super::duplicates::Duplicates;
use super::explanations::Explanations;
use super::filters::{Cell, Filters};
use super::findings::FindingFilter;
use super::issues::{LabelIssues, Probabilities};
use super::keymap::Keymap;
use super::layout::{self, ViewFacts};
pub use super::order::Order;
use super::predictions::{Predictions, Tally};
use super::prompt::Prompt;
use super::query::Query;
use super::similar::Similar;
use super::words::WordsPane;
use crate::data::{Dataset, TextField};
use crate::findings::Findings;
use crate::io::table::Sides;

/// Which rows the list draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitView {
    /// One split, by index into `Dataset::splits`.
    One(usize),
    All,
}

/// A search that has been typed: its query and which rows of the current view match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    pub query: String,
    /// The query read, or why it cannot be (shown instead of a match count).
    pub parsed: Result<Query, String>,
    /// Positions in `State::view`, ascending.
    pub matches: Vec<usize>,
}

impl Search {
    pub fn new(query: String, data: &Dataset) -> Self {
        Search {
            parsed: Query::parse(&query, &data.label_names),
            query,
            matches: Vec::new(),
        }
    }
}

/// A search still going through a view too large to search between two keys. It always belongs
/// to the query in `State::search`: a new query (or a new view) replaces it, so a stale search is
/// dropped where it stands instead of running to its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRun {
    /// The next view position to look at.
    pub next: usize,
    /// When it is done, select the first match at or after this position (typing does this).
    pub select_from: Option<usize>,
    /// Only these view positions can match (the matches of the query this one narrows); `next`
    /// counts through them. `None`: the whole view.
    pub among: Option<Vec<usize>>,
}

/// Views up to this many rows are searched at once (a few milliseconds); larger ones in slices
/// between input events.
const SEARCH_AT_ONCE_ROWS: usize = 50_000;

/// Bytes of text one slice of a search looks through (some milliseconds on two cores), so a key
/// typed during a long search waits at most that long.
const SEARCH_SLICE_BYTES: usize = 16 << 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Browse,
    /// Typing a search; Esc brings back what was there before.
    Search {
        input: Prompt,
        previous: Option<Search>,
        selected_before: usize,
    },
    Help,
    /// The review pane has the keys (`Enter`): the arrows and pages scroll the review.
    Detail,
    /// Choosing a confusion-matrix cell with the arrows; Enter filters the list to it.
    PickCell(Cell),
    /// Typing the file name to export the view to.
    Export {
        input: Prompt,
    },
    /// Typing the row to go to (`:`).
    Jump {
        input: Prompt,
    },
    /// Typing tags for the selected review (`t`).
    Tag {
        input: Prompt,
    },
    /// Typing the selected review's note (`o`).
    Note {
        input: Prompt,
    },
    /// The words pane has the keys (`w`).
    Words,
    /// Editing row `row`'s text in the line editor (`E` without $EDITOR).
    EditText {
        input: Prompt,
        row: u32,
    },
    /// The export's file exists: y overwrites, anything else goes back to the name.
    ConfirmOverwrite {
        input: Prompt,
    },
}

/// Tab in the export prompt: what the prompt was when the edge was asked for the directory's
/// entries, so an answer for another text is dropped, and whether a second Tab lists the choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The prompt when Tab was pressed.
    pub input: Prompt,
    /// The text before the cursor up to its last `/`: the directory listed (as typed).
    pub dir: String,
    /// The name being completed (after that `/`).
    pub stem: String,
    /// The last Tab found several names and could not add to the stem: the next Tab, on the same
    /// text, lists them.
    pub ambiguous: bool,
    /// This Tab is the second one on the same text.
    pub again: bool,
}

#[derive(Debug)]
pub struct State {
    /// Shared with the workers, which read the texts of the rows they classify from it.
    pub data: Arc<Dataset>,
    pub split: SplitView,
    pub filters: Filters,
    /// `r`: the metrics pane (report and confusion matrix) in place of the label distribution.
    pub show_metrics: bool,
    pub order: Order,
    pub preds: Predictions,
    /// The second classifier's predictions, with `--compare`.
    pub preds_b: Option<Predictions>,
    /// Rows shown (indices into `data.rows`), derived from split and filter by `rebuild_view`.
    pub view: Vec<u32>,
    /// The rows of `view` in dataset order, as the filters kept them: a new order sorts these
    /// again without filtering four million rows again (`reorder`).
    kept: Vec<u32>,
    /// Position of the selected row in `view`.
    pub selected: usize,
    /// First visible position of the list (the list draws only `offset..offset + height`).
    pub offset: usize,
    pub detail_scroll: u16,
    pub search: Option<Search>,
    /// The search of a large view still running (`Msg::SearchStep` goes on with it).
    pub search_run: Option<SearchRun>,
    pub mode: Mode,
    /// Terminal size (columns, rows); panes' sizes follow from it through `layout::layout`.
    pub size: (u16, u16),
    /// What the last frame found out (the detail pane's wrapped length).
    pub facts: ViewFacts,
    /// A short message for the status bar, cleared by the next action.
    pub notice: Option<String>,
    /// An error to read in full (a popup over the panes); the next key only dismisses it.
    pub alert: Option<String>,
    /// How far the help overlay is scrolled (lines).
    pub help_scroll: u16,
    /// The home directory a leading `~` in the export prompt stands for (the edge passes it in:
    /// the app reads no environment).
    pub home: Option<PathBuf>,
    /// What is classified: the content, or title and content.
    pub text: TextField,
    /// The export prompt's last Tab (completing a path).
    pub completion: Option<Completion>,
    /// The keys in force (the config file may rebind them).
    pub keys: Keymap,
    /// `i`: label issues, and what they are computed from.
    pub label_issues: LabelIssues,
    /// `D`: near duplicates.
    pub duplicates: Duplicates,
    /// `a`'s explanations, and `E`'s edit.
    pub explanations: Explanations,
    /// What the user decided about reviews (marks, corrected labels, tags, notes), with the undo
    /// history; `findings_writable` is false when another explorer holds the file.
    pub findings: Findings,
    pub findings_writable: bool,
    /// `f` and `/~text`: the rows ranked by similarity, when asked or shown.
    pub similar: Similar,
    /// `R`: the metrics count the corrected labels (findings) as the gold ones.
    pub corrected_labels: bool,
    /// `F` / `T`: only the reviews with a kind of finding, or a tag.
    pub finding_filter: Option<FindingFilter>,
    /// The words pane, when open (`w`), in place of the Labels or metrics pane.
    pub words: Option<WordsPane>,
    /// The command `E` opens a review in ($VISUAL or $EDITOR); the line editor when `None`.
    pub editor: Option<String>,
}

impl State {
    pub fn new(data: Dataset, size: (u16, u16)) -> Self {
        let preds = Predictions::new(&data, String::new());
        let mut state = State {
            preds,
            preds_b: None,
            filters: Filters::default(),
            show_metrics: false,
            order: Order::Dataset,
            data: Arc::new(data),
            split: SplitView::One(0),
            view: Vec::new(),
            kept: Vec::new(),
            selected: 0,
            offset: 0,
            detail_scroll: 0,
            search: None,
            search_run: None,
            mode: Mode::Browse,
            size,
            facts: ViewFacts::default(),
            notice: None,
            alert: None,
            help_scroll: 0,
            home: None,
            text: TextField::Content,
            completion: None,
            keys: Keymap::default(),
            label_issues: LabelIssues::default(),
            duplicates: Duplicates::default(),
            explanations: Explanations::default(),
            editor: None,
            words: None,
            findings: Findings::default(),
            findings_writable: true,
            finding_filter: None,
            corrected_labels: false,
            similar: Similar::default(),
        };
        state.rebuild_view();
        state
    }

    /// Turns on the second classifier (`--compare`), named `name`.
    pub fn with_compare(mut self, name: String) -> Self {
        self.preds_b = Some(Predictions::new(&self.data, name));
        self
    }

    /// Names classifier A (the status bar shows it before the model is loaded).
    pub fn with_model(mut self, name: String) -> Self {
        self.preds.model_name = name;
        self
    }

    /// Where `~` in the export prompt points.
    pub fn with_home(mut self, home: Option<PathBuf>) -> Self {
        self.home = home;
        self
    }

    /// Label issues from cross-validated probabilities (`how` says how the folds are drawn): the
    /// classifier trains on the data, so its own predictions there are in-sample.
    pub fn with_cross_validation(mut self, how: String) -> Self {
        self.label_issues.probabilities = Probabilities::CrossValidated { probs: None, how };
        self
    }

    /// The keys in force, from the config file.
    pub fn with_editor(mut self, editor: Option<String>) -> Self {
        self.editor = editor.filter(|e| !e.trim().is_empty());
        self
    }

    /// The findings a journal held, and whether changes can be kept.
    pub fn with_findings(mut self, findings: Findings, writable: bool) -> Self {
        self.findings = findings;
        self.findings_writable = writable;
        self
    }

    pub fn with_keys(mut self, keys: Keymap) -> Self {
        self.keys = keys;
        self
    }

    /// Classifies `text` (the content by default).
    pub fn with_text(mut self, text: TextField) -> Self {
        self.text = text;
        self
    }

    /// Index into `data.rows` of the selected review, if the view is not empty.
    pub fn selected_row(&self) -> Option<usize> {
        self.view.get(self.selected).map(|&r| r as usize)
    }

    pub fn split_name(&self) -> &str {
        match self.split {
            SplitView::One(i) => &self.data.splits[i].name,
            SplitView::All => "all",
        }
    }

    /// Rows in the current split, before the label filter.
    pub fn split_len(&self) -> usize {
        self.split_rows().len()
    }

    /// Indices into `data.rows` of the current split(s), before any filter.
    pub fn split_rows(&self) -> std::ops::Range<usize> {
        match self.split {
            SplitView::One(i) => self.data.splits[i].rows.clone(),
            SplitView::All => 0..self.data.rows.len(),
        }
    }

    /// Indices into `data.splits` of the splits in view.
    pub fn splits_in_view(&self) -> std::ops::Range<usize> {
        match self.split {
            SplitView::One(i) => i..i + 1,
            SplitView::All => 0..self.data.splits.len(),
        }
    }

    /// The confusion matrix of A's classified rows in the current split(s).
    pub fn tally(&self) -> Tally {
        self.tally_of(&self.preds)
    }

    /// The confusion matrix of `preds`' classified rows in the current split(s); with `R`, the
    /// corrected labels (findings) count as the gold ones.
    pub fn tally_of(&self, preds: &Predictions) -> Tally {
        let mut tally = preds.tally_of(self.splits_in_view());
        if !self.corrected_labels {
            return tally;
        }
        let in_view = self.splits_in_view();
        for (key, f) in self.findings.iter() {
            let (Some(corrected), Some(row)) =
                (f.label, self.data.row_of(&key.split, key.row_index))
            else {
                continue;
            };
            let split = self.data.splits.iter().position(|s| s.rows.contains(&row));
            let (Some(p), true) = (preds.get(row), split.is_some_and(|s| in_view.contains(&s)))
            else {
                continue;
            };
            let gold = self.data.rows.label(row) as usize;
            tally.confusion[gold][p.label as usize] -= 1;
            tally.confusion[corrected as usize][p.label as usize] += 1;
        }
        tally
    }

    /// The rows an export writes: exactly what the list shows (a search only marks rows).
    pub fn rows_shown(&self) -> Vec<u32> {
        self.view.clone()
    }

    /// The rows a filter on predictions waits on: the split(s) in view under the filters that need
    /// no prediction (the label, a cell's gold class, with `&` the query's text). `C` classifies
    /// these when such a filter is on, since unclassified rows can never enter its view.
    pub fn candidate_rows(&self) -> Vec<u32> {
        let range = self.split_rows();
        let gold = self.filters.cell.map(|c| c.gold).or(self.filters.label);
        // With `&`, what the query asks of the text and the row.
        let query = (self.active_query())
            .filter(|_| self.filters.matches_only)
            .map(Query::before_predictions);
        let matcher = query.as_ref().map(|q| q.matcher(&self.data, &self.preds));
        range
            .filter(|&i| gold.is_none_or(|g| self.data.rows.label(i) == g))
            .filter(|&i| matcher.as_ref().is_none_or(|m| m(i)))
            .map(|i| i as u32)
            .collect()
    }

    /// The texts a classifier is given for `rows` (the `--text` field of each).
    pub fn texts(&self, rows: &[u32]) -> Vec<(u32, String)> {
        rows.iter().map(|&r| (r, self.text_of(r))).collect()
    }

    /// What the classifier is given of row `row` (`--text`).
    pub fn text_of(&self, row: u32) -> String {
        self.text.text(self.data.rows.get(row as usize))
    }

    /// (row, text, gold label) of `rows`, for cross-validation.
    pub fn labelled_texts(&self, rows: &[u32]) -> Vec<(u32, String, u32)> {
        let texts = self.texts(rows).into_iter();
        texts
            .map(|(r, t)| (r, t, self.data.rows.label(r as usize)))
            .collect()
    }

    /// The predictions of `rows` to write beside them: A's, and B's with `--compare`.
    pub fn sides(&self, rows: &[usize]) -> Sides<'_> {
        Sides {
            a: rows.iter().map(|&r| self.preds.get(r)).collect(),
            b: (self.preds_b.as_ref()).map(|b| rows.iter().map(|&r| b.get(r)).collect()),
            findings: rows.iter().map(|&r| self.finding(r)).collect(),
        }
    }

    /// "gold positive → predicted negative", for the status bar and notices.
    pub fn describe_cell(&self, cell: Cell) -> String {
        format!(
            "gold {} → predicted {}",
            self.data.label_name(cell.gold),
            self.data.label_name(cell.predicted)
        )
    }

    /// The search's query, when it reads (typing updates the search as it goes).
    pub fn active_query(&self) -> Option<&Query> {
        self.search.as_ref().and_then(|s| s.parsed.as_ref().ok())
    }

    /// `&` is on with a query: the view holds only its matches.
    pub fn matches_only(&self) -> bool {
        self.filters.matches_only && self.search.is_some()
    }

    /// Whether predictions can move rows into the view: `C` then classifies the rows they would
    /// come from.
    pub fn view_waits_on_predictions(&self) -> bool {
        self.filters.depend_on_predictions()
            || (self.matches_only() && self.query_uses_predictions())
    }

    /// Whether new predictions can change the view, its order or the search's matches.
    pub fn shown_depends_on_predictions(&self) -> bool {
        self.filters.depend_on_predictions()
            || self.label_issues.on
            || self.order != Order::Dataset
            || self.query_uses_predictions()
    }

    fn query_uses_predictions(&self) -> bool {
        self.active_query().is_some_and(Query::uses_predictions)
    }

    /// Rows the list pane can show at the current size.
    pub fn list_height(&self) -> usize {
        layout::layout(self).map_or(1, |l| layout::list_rows(l.list).max(1))
    }

    /// Recomputes `view` (and the search matches) from split, filters and order, keeping the
    /// selected review selected when it is still in view.
    pub(crate) fn rebuild_view(&mut self) {
        self.kept = self.rows_kept(self.split_rows());
        self.reorder();
    }

    /// Puts the view in the order `order` says (or the similar rows' order), its rows as the last
    /// `rebuild_view` kept them, keeping the selected review selected when it is still in view.
    pub(crate) fn reorder(&mut self) {
        let keep = self.selected_row();
        self.view.clone_from(&self.kept);
        match self.similar.places() {
            Some(places) => self.view.sort_by_key(|r| places[r]),
            None => self.sort_view(),
        }
        // The selected review stays selected, on the same screen line, when it is still shown.
        let line = self.selected.saturating_sub(self.offset);
        match keep.and_then(|k| self.view.iter().position(|&r| r as usize == k)) {
            Some(pos) => {
                self.selected = pos;
                self.offset = pos.saturating_sub(line);
            }
            None => {
                self.selected = 0;
                self.offset = 0;
                self.detail_scroll = 0;
            }
        }
        self.refresh_search();
        self.keep_selection_visible();
    }

    /// The rows of `range` the filters (and with `&`, the search) keep.
    fn rows_kept(&self, range: std::ops::Range<usize>) -> Vec<u32> {
        let (rows, filters) = (&self.data.rows, &self.filters);
        let (a, b) = (&self.preds, self.preds_b.as_ref());
        let issues = self.label_issues.ready();
        // With `&`, a query that does not read matches nothing.
        let search = self.search.as_ref().filter(|_| filters.matches_only);
        let query = search.map(|s| s.parsed.as_ref().ok());
        let matcher = query.map(|q| q.map(|q| q.matcher(&self.data, a)));
        let matched = |i: usize| {
            matcher
                .as_ref()
                .is_none_or(|m| m.as_ref().is_some_and(|m| m(i)))
        };
        let places = self.similar.places();
        let found = |i: usize| {
            (self.finding_filter.as_ref()).is_none_or(|f| f.keeps(self.finding(i)))
                && places.as_ref().is_none_or(|p| p.contains_key(&(i as u32)))
        };
        crate::parallel::filter_map(range, |i| {
            let keep = filters.keep(i, rows.label(i), (a, b), issues) && matched(i) && found(i);
            keep.then_some(i as u32)
        })
    }

    /// Selects the first row of the view, scrolled to the top.
    pub(crate) fn select_top(&mut self) {
        self.selected = 0;
        self.offset = 0;
        self.detail_scroll = 0;
    }

    /// Orders `view` as `order` says; stable, so ties keep dataset order.
    fn sort_view(&mut self) {
        let issues = self.label_issues.ready();
        super::order::sort(
            &mut self.view,
            self.order,
            &self.data.rows,
            (&self.preds, issues),
        );
    }

    /// Finds the label issues again over the split(s) in view, when they are on and their
    /// probabilities are there (the split changed, or predictions came in).
    pub(crate) fn refresh_issues(&mut self) {
        let li = &self.label_issues;
        if !li.on || li.awaiting_cross_validation() {
            return;
        }
        let probs_of = super::issues::probs_of(&li.probabilities, &self.preds);
        let rows = self.split_rows().map(|r| r as u32);
        let found = super::issues::find(&self.data, rows, probs_of);
        self.label_issues.found = Some(found);
    }

    /// The search (or `&`) changed: the view is rebuilt when it holds the matches only, else the
    /// search runs over it and, when done, selects the first match at or after `select_from`.
    pub(crate) fn search_changed(&mut self, select_from: Option<usize>) {
        if self.search.is_none() && self.filters.matches_only {
            self.filters.matches_only = false;
            self.rebuild_view();
        } else if self.filters.matches_only {
            self.rebuild_view();
        } else {
            self.start_search(select_from);
        }
    }

    /// Searches the view again (it changed), keeping the jump a search being typed still owes.
    pub(crate) fn refresh_search(&mut self) {
        let select_from = self.search_run.as_ref().and_then(|r| r.select_from);
        self.start_search(select_from);
    }

    /// Starts the search in `search` over the view from the top, dropping what a run for an older
    /// query or view had found. A small view is searched at once; a large one in slices
    /// (`search_step`), so that keys typed meanwhile are handled and only the last query runs on.
    pub(crate) fn start_search(&mut self, select_from: Option<usize>) {
        self.start_search_among(select_from, None);
    }

    /// `start_search`, looking only through the view positions `among` when given (see
    /// `SearchRun::among`).
    pub(crate) fn start_search_among(
        &mut self,
        select_from: Option<usize>,
        among: Option<Vec<usize>>,
    ) {
        let Some(search) = &mut self.search else {
            self.search_run = None;
            return;
        };
        search.matches.clear();
        self.search_run = None;
        if search.parsed.is_err() {
            return;
        }
        if self.filters.matches_only {
            // The view holds the matches only.
            search.matches.extend(0..self.view.len());
            return;
        }
        let rows = among.as_ref().map_or(self.view.len(), Vec::len);
        self.search_run = Some(SearchRun {
            next: 0,
            select_from,
            among,
        });
        if rows <= SEARCH_AT_ONCE_ROWS {
            self.search_step();
        }
    }

    /// Looks through the next slice of the view for the running search; once the view is done,
    /// selects the first match at or after the position the run was asked to jump from.
    pub(crate) fn search_step(&mut self) {
        let (Some(search), Some(run)) = (&mut self.search, &mut self.search_run) else {
            self.search_run = None;
            return;
        };
        let Ok(query) = &search.parsed else {
            self.search_run = None;
            return;
        };
        let (data, preds) = (&self.data, &self.preds);
        let scope = super::find::Scope {
            view: &self.view,
            among: run.among.as_deref(),
        };
        let (found, next) =
            super::find::matching_from(data, preds, scope, query, run.next, SEARCH_SLICE_BYTES);
        search.matches.extend(found);
        if let Some(next) = next {
            run.next = next;
            return;
        }
        let from = self.search_run.take().and_then(|r| r.select_from);
        if let (Some(from), Some(search)) = (from, &self.search) {
            let matches = &search.matches;
            let first = matches.iter().find(|&&m| m >= from).or(matches.first());
            self.select(first.copied().unwrap_or(from));
        }
    }

    /// Selects position `pos` of the view (clamped), resetting the detail scroll when the review
    /// changes, and scrolls the list to it.
    pub(crate) fn select(&mut self, pos: usize) {
        let pos = pos.min(self.view.len().saturating_sub(1));
        if pos != self.selected {
            self.selected = pos;
            self.detail_scroll = 0;
        }
        self.keep_selection_visible();
    }

    /// Moves the list window so the selection is on screen.
    pub(crate) fn keep_selection_visible(&mut self) {
        let height = self.list_height();
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        // No empty space below the last row after a resize.
        self.offset = self.offset.min(self.view.len().saturating_sub(height));
    }
}
