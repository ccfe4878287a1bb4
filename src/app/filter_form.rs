//! The filter panel: one text field per filter of the API, each checked as it is typed, applied
//! whole or not at all.

use ratatui::crossterm::event::{Event as TerminalEvent, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::api::{FILTER_NAMES, Filter};

#[derive(Debug, Clone)]
pub struct FilterForm {
    pub inputs: Vec<Input>,
    /// What is wrong with each field's text, if anything.
    pub errors: Vec<Option<String>>,
    pub focus: usize,
    /// Said when Enter was pressed with errors left.
    pub message: Option<String>,
}

impl Default for FilterForm {
    fn default() -> Self {
        FilterForm {
            inputs: vec![Input::default(); FILTER_NAMES.len()],
            errors: vec![None; FILTER_NAMES.len()],
            focus: 0,
            message: None,
        }
    }
}

impl FilterForm {
    /// A form showing the filter in force.
    pub fn from_filter(filter: &Filter) -> FilterForm {
        let mut form = FilterForm::default();
        let query = filter.to_query();
        for (index, name) in FILTER_NAMES.iter().enumerate() {
            if let Some((_, value)) = query.iter().find(|(given, _)| given == name) {
                form.inputs[index] = Input::new(display_value(name, value, filter));
            }
        }
        form
    }

    pub fn focused_name(&self) -> &'static str {
        FILTER_NAMES[self.focus]
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
            ..FilterForm::default()
        };
    }

    fn check(&mut self, index: usize) {
        let mut alone = Filter::default();
        self.errors[index] = alone
            .set(FILTER_NAMES[index], self.inputs[index].value())
            .err()
            .map(|e| e.problem);
    }

    /// The filter the fields describe, or the first problem (and focus moves to it).
    pub fn to_filter(&mut self) -> Result<Filter, String> {
        let mut filter = Filter::default();
        for (index, name) in FILTER_NAMES.iter().enumerate() {
            self.check(index);
            if let Err(error) = filter.set(name, self.inputs[index].value()) {
                self.focus = index;
                let message = format!("{name}: {}", error.problem);
                self.errors[index] = Some(error.problem);
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
