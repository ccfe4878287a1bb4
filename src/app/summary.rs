//! The summary view: how many customers per group, per email domain, per country (of the
//! addresses read) and per signup month, counted by the local index; Enter lists the chosen
//! bar's customers.

use super::{App, Screen};
use crate::index::Summary;
use crate::worker::{Command, Failure, Outcome, Read, Slot};

/// The charts, in the order Tab goes through them.
pub const CHARTS: [&str; 4] = ["Groups", "Email domains", "Countries", "Signup months"];
/// The signup months: a timeline, shown from its latest month.
pub const MONTHS: usize = 3;
/// The charts as they stand on screen, row by row: groups and countries, then domains and
/// months.
pub const ON_SCREEN: [usize; 4] = [0, 2, 1, 3];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SummaryView {
    pub summary: Option<Summary>,
    /// The chart with the focus.
    pub chart: usize,
    /// The bar chosen in each chart.
    pub chosen: [usize; 4],
    pub problem: Option<String>,
}

impl SummaryView {
    /// The bars of a chart.
    pub fn rows(&self, chart: usize) -> &[crate::index::SummaryRow] {
        match (&self.summary, chart) {
            (Some(summary), 0) => &summary.groups,
            (Some(summary), 1) => &summary.domains,
            (Some(summary), 2) => &summary.countries,
            (Some(summary), _) => &summary.months,
            (None, _) => &[],
        }
    }
}

impl App {
    /// `i`: the summary, counted afresh.
    pub(super) fn open_summary(&mut self) -> Vec<Command> {
        if !self.index.on {
            self.notice = Some(
                "The summary needs the local index, which is off for this store (index = false in its profile)."
                    .to_owned(),
            );
            return Vec::new();
        }
        self.screen = Screen::Summary;
        self.summary_view.problem = None;
        vec![self.read(Slot::Summary, Read::Summary)]
    }

    pub(super) fn summary_arrived(&mut self, result: Result<Outcome, Failure>) {
        match result {
            Ok(Outcome::Summary(summary)) => {
                // The first time, the months start at the latest.
                if self.summary_view.summary.is_none() {
                    self.summary_view.chosen[MONTHS] = summary.months.len().saturating_sub(1);
                }
                self.summary_view.summary = Some(summary);
                for chart in 0..CHARTS.len() {
                    let last = self.summary_view.rows(chart).len().saturating_sub(1);
                    let chosen = &mut self.summary_view.chosen[chart];
                    *chosen = (*chosen).min(last);
                }
            }
            Ok(_) => {}
            Err(error) => self.summary_view.problem = Some(error.to_string()),
        }
    }

    pub(super) fn move_in_summary(&mut self, step: isize) {
        let chart = self.summary_view.chart;
        let last = self.summary_view.rows(chart).len().saturating_sub(1);
        let chosen = &mut self.summary_view.chosen[chart];
        *chosen = chosen.saturating_add_signed(step).min(last);
    }

    /// Tab / ⇧Tab: round the charts in the order they stand on screen (left to right, then
    /// the row below).
    pub(super) fn next_chart(&mut self, step: isize) {
        let at = ON_SCREEN
            .iter()
            .position(|chart| *chart == self.summary_view.chart)
            .unwrap_or(0) as isize;
        let next = (at + step).rem_euclid(ON_SCREEN.len() as isize) as usize;
        self.summary_view.chart = ON_SCREEN[next];
    }

    /// Enter: the chosen bar's customers, listed from the index.
    pub(super) fn show_chosen(&mut self) -> Vec<Command> {
        let chart = self.summary_view.chart;
        let chosen = self.summary_view.chosen[chart];
        match self.summary_view.rows(chart).get(chosen) {
            Some(row) => {
                let facet = row.facet.clone();
                self.show_facet(facet)
            }
            None => Vec::new(),
        }
    }
}
