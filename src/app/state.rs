//! `State`: the one owner of everything the screen shows. Panes read it; only `update` changes it.

use crate::data::Dataset;
use crate::ui;

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
    /// Positions in `State::view`, ascending.
    pub matches: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Browse,
    /// Typing a search; Esc brings back what was there before.
    Search {
        input: String,
        previous: Option<Search>,
        selected_before: usize,
    },
    Help,
}

#[derive(Debug)]
pub struct State {
    pub data: Dataset,
    pub split: SplitView,
    pub label_filter: Option<u32>,
    /// Rows shown (indices into `data.rows`), derived from split and filter by `rebuild_view`.
    pub view: Vec<u32>,
    /// Position of the selected row in `view`.
    pub selected: usize,
    /// First visible position of the list (the list draws only `offset..offset + height`).
    pub offset: usize,
    pub detail_scroll: u16,
    pub search: Option<Search>,
    pub mode: Mode,
    /// Terminal size (columns, rows); panes' sizes follow from it through `ui::layout`.
    pub size: (u16, u16),
    /// A short message for the status bar, cleared by the next action.
    pub notice: Option<String>,
}

impl State {
    pub fn new(data: Dataset, size: (u16, u16)) -> Self {
        let mut state = State {
            data,
            split: SplitView::One(0),
            label_filter: None,
            view: Vec::new(),
            selected: 0,
            offset: 0,
            detail_scroll: 0,
            search: None,
            mode: Mode::Browse,
            size,
            notice: None,
        };
        state.rebuild_view();
        state
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
        match self.split {
            SplitView::One(i) => self.data.splits[i].rows.len(),
            SplitView::All => self.data.rows.len(),
        }
    }

    /// The query being typed, or else the one kept.
    pub fn active_query(&self) -> Option<&str> {
        match &self.mode {
            Mode::Search { input, .. } => Some(input.as_str()),
            _ => self.search.as_ref().map(|s| s.query.as_str()),
        }
        .filter(|q| !q.is_empty())
    }

    /// Rows the list pane can show at the current size.
    pub fn list_height(&self) -> usize {
        ui::layout(self).map_or(1, |l| ui::list::visible_rows(l.list).max(1))
    }

    /// Recomputes `view` (and the search matches) from split and filter, keeping the selected review
    /// selected when it is still in view.
    pub(crate) fn rebuild_view(&mut self) {
        let keep = self.selected_row();
        let range = match self.split {
            SplitView::One(i) => self.data.splits[i].rows.clone(),
            SplitView::All => 0..self.data.rows.len(),
        };
        let rows = &self.data.rows;
        self.view = range
            .filter(|&i| self.label_filter.is_none_or(|l| rows[i].label == l))
            .map(|i| i as u32)
            .collect();
        self.selected = keep
            .and_then(|k| self.view.binary_search(&(k as u32)).ok())
            .unwrap_or(0);
        self.offset = 0;
        self.detail_scroll = 0;
        self.refresh_search();
        self.keep_selection_visible();
    }

    pub(crate) fn refresh_search(&mut self) {
        if let Some(search) = &mut self.search {
            search.matches = super::search::matching(&self.data, &self.view, &search.query);
        }
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
