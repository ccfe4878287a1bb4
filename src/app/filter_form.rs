//! The filter panel: one text field per filter of the API, each checked as it is typed, applied
//! whole or not at all.

use ratatui::crossterm::event::{Event as TerminalEvent, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::store_data::resolve_group;
use crate::domain::{FILTER_NAMES, Filter};

#[derive(Debug, Clone)]
pub struct FilterForm {
    pub inputs: Vec<Input>,
    /// What is wrong with each field's text, if anything.
    pub errors: Vec<Option<String>>,
    pub focus: usize,
    /// Said when Enter was pressed with errors left.
    pub message: Option<String>,
    /// The store's groups (id, name): the group is typed by name or id.
    pub groups: Vec<(i64, String)>,
}

impl Default for FilterForm {
    fn default() -> Self {
        FilterForm {
            inputs: vec![Input::default(); FILTER_NAMES.len()],
            errors: vec![None; FILTER_NAMES.len()],
            focus: 0,
            message: None,
            groups: Vec::new(),
        }
    }
}

impl FilterForm {
    /// A form showing the filter in force; the group is shown and typed by its name.
    pub fn from_filter(filter: &Filter, groups: Vec<(i64, String)>) -> FilterForm {
        let mut form = FilterForm {
            groups,
            ..FilterForm::default()
        };
        let query = filter.parts();
        for (index, name) in FILTER_NAMES.iter().enumerate() {
            if let Some((_, value)) = query.iter().find(|(given, _)| given == name) {
                let shown = match (*name, filter.customer_group_id) {
                    ("customer_group_id", Some(id)) => form
                        .groups
                        .iter()
                        .find(|(known, _)| *known == id)
                        .map_or_else(|| value.clone(), |(_, name)| name.clone()),
                    _ => display_value(name, value, filter),
                };
                form.inputs[index] = Input::new(shown);
            }
        }
        form
    }

    pub fn next(&mut self) {
        self.focus = (self.focus + 1) % FILTER_NAMES.len();
    }

    pub fn previous(&mut self) {
        self.focus = (self.focus + FILTER_NAMES.len() - 1) % FILTER_NAMES.len();
    }

    /// Types a key into the focused field and checks the field again.
    pub fn type_key(&mut self, key: KeyEvent) {
        self.inputs[self.focus].handle_event(&TerminalEvent::Key(key));
        self.check(self.focus);
        self.message = None;
    }

    pub fn clear(&mut self) {
        *self = FilterForm {
            focus: self.focus,
            groups: std::mem::take(&mut self.groups),
            ..FilterForm::default()
        };
    }

    /// A field's text as the API takes it: a group by its id.
    fn sent(&self, index: usize) -> Result<String, String> {
        let text = self.inputs[index].value();
        match FILTER_NAMES[index] {
            "customer_group_id" if !text.trim().is_empty() => resolve_group(text, &self.groups)
                .map(|id| id.to_string())
                .map_err(str::to_owned),
            _ => Ok(text.to_owned()),
        }
    }

    fn check(&mut self, index: usize) {
        let mut alone = Filter::default();
        self.errors[index] = self
            .sent(index)
            .and_then(|text| alone.set(FILTER_NAMES[index], &text).map_err(|e| e.problem))
            .err();
    }

    /// The groups whose names hold what is typed in the group field, as "Name #id".
    pub fn group_choices(&self) -> Vec<String> {
        let Some(index) = FILTER_NAMES.iter().position(|n| *n == "customer_group_id") else {
            return Vec::new();
        };
        let lower = self.inputs[index].value().trim().to_lowercase();
        self.groups
            .iter()
            .filter(|(_, name)| name.to_lowercase().contains(&lower))
            .take(6)
            .map(|(id, name)| format!("{name} #{id}"))
            .collect()
    }

    /// The filter the fields describe, or the first problem (and focus moves to it).
    pub fn to_filter(&mut self) -> Result<Filter, String> {
        let mut filter = Filter::default();
        for (index, name) in FILTER_NAMES.iter().enumerate() {
            self.check(index);
            let set = self
                .sent(index)
                .and_then(|text| filter.set(name, &text).map_err(|e| e.problem));
            if let Err(problem) = set {
                self.focus = index;
                let message = format!("{}: {problem}", crate::domain::FILTER_LABELS[index]);
                self.errors[index] = Some(problem);
                self.message = Some(message.clone());
                return Err(message);
            }
        }
        self.message = None;
        Ok(filter)
    }
}

/// Dates are shown as typed-friendly ISO text rather than the RFC 2822 the API is sent.
fn display_value(name: &str, value: &str, filter: &Filter) -> String {
    let seconds = match name {
        "min_date_created" => filter.min_date_created,
        "max_date_created" => filter.max_date_created,
        "min_date_modified" => filter.min_date_modified,
        "max_date_modified" => filter.max_date_modified,
        _ => None,
    };
    seconds
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .map(|at| at.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| value.to_owned())
}
