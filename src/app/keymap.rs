//! Keys become actions through one table; the help overlay and the hint bar are generated
//! from the same table, for the context at hand.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks for, in the store's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    PreviousPage,
    NextPage,
    FirstPage,
    LastPage,
    OpenDetail,
    Back,
    Refresh,
    ToggleHelp,
    OpenFilter,
    ClearFilter,
    /// In the filter panel: the next / previous field, apply, clear every field.
    NextField,
    PreviousField,
    ApplyFilter,
    ClearFields,
    /// Ask for a page number to jump to.
    OpenPagePrompt,
    /// Ask where to export the customers the filter matches.
    OpenExportPrompt,
}

/// Where the keys are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Table,
    Detail,
    Help,
    /// The filter panel: keys go to its fields first.
    Filter,
    /// The "go to page" prompt.
    PagePrompt,
    /// The "export to file" prompt.
    ExportPrompt,
}

pub struct Binding {
    pub keys: &'static str,
    pub action: Action,
    pub description: &'static str,
    pub contexts: &'static [Context],
    /// Shown in the one-line hint bar (the rest only in the help).
    pub hint: bool,
}

const LISTS_AND_HELP: &[Context] = &[Context::Table, Context::Detail, Context::Help];
const FILTER: &[Context] = &[Context::Filter];
const TABLE: &[Context] = &[Context::Table];
const LISTS: &[Context] = &[Context::Table, Context::Detail];

pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: "j/↓ k/↑",
        action: Action::Down,
        description: "next / previous customer",
        contexts: LISTS,
        hint: true,
    },
    Binding {
        keys: "PgDn/^d PgUp/^u",
        action: Action::PageDown,
        description: "down / up a screen",
        contexts: TABLE,
        hint: false,
    },
    Binding {
        keys: "g G",
        action: Action::Top,
        description: "first / last customer on the page",
        contexts: TABLE,
        hint: false,
    },
    Binding {
        keys: "] [",
        action: Action::NextPage,
        description: "next / previous page",
        contexts: LISTS,
        hint: true,
    },
    Binding {
        keys: "} {",
        action: Action::LastPage,
        description: "last / first page",
        contexts: TABLE,
        hint: false,
    },
    Binding {
        keys: ": p",
        action: Action::OpenPagePrompt,
        description: "go to page N",
        contexts: TABLE,
        hint: false,
    },
    Binding {
        keys: "E",
        action: Action::OpenExportPrompt,
        description: "export the filter's customers to a file",
        contexts: TABLE,
        hint: false,
    },
    Binding {
        keys: "Enter Esc",
        action: Action::ApplyFilter,
        description: "export / cancel",
        contexts: &[Context::ExportPrompt],
        hint: true,
    },
    Binding {
        keys: "Enter Esc",
        action: Action::ApplyFilter,
        description: "go / cancel",
        contexts: &[Context::PagePrompt],
        hint: true,
    },
    Binding {
        keys: "Enter",
        action: Action::OpenDetail,
        description: "details",
        contexts: TABLE,
        hint: true,
    },
    Binding {
        keys: "/ f",
        action: Action::OpenFilter,
        description: "filter",
        contexts: TABLE,
        hint: true,
    },
    Binding {
        keys: "x",
        action: Action::ClearFilter,
        description: "clear the filter",
        contexts: TABLE,
        hint: false,
    },
    Binding {
        keys: "Tab/↓ ⇧Tab/↑",
        action: Action::NextField,
        description: "next / previous field",
        contexts: FILTER,
        hint: true,
    },
    Binding {
        keys: "Enter",
        action: Action::ApplyFilter,
        description: "apply",
        contexts: FILTER,
        hint: true,
    },
    Binding {
        keys: "^x",
        action: Action::ClearFields,
        description: "clear every field",
        contexts: FILTER,
        hint: true,
    },
    Binding {
        keys: "Esc",
        action: Action::Back,
        description: "close without applying",
        contexts: FILTER,
        hint: true,
    },
    Binding {
        keys: "Esc",
        action: Action::Back,
        description: "back",
        contexts: &[Context::Detail, Context::Help],
        hint: true,
    },
    Binding {
        keys: "r",
        action: Action::Refresh,
        description: "refresh",
        contexts: LISTS,
        hint: true,
    },
    Binding {
        keys: "?",
        action: Action::ToggleHelp,
        description: "help",
        contexts: LISTS_AND_HELP,
        hint: true,
    },
    Binding {
        keys: "q ^c",
        action: Action::Quit,
        description: "quit",
        contexts: LISTS_AND_HELP,
        hint: true,
    },
    Binding {
        keys: "^c",
        action: Action::Quit,
        description: "quit",
        contexts: FILTER,
        hint: false,
    },
];

/// The action of a key in a context, if it has one there. In the filter panel only the keys
/// that move, apply or leave are actions; every other key is typing.
pub fn action_for(key: KeyEvent, context: Context) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if matches!(context, Context::PagePrompt | Context::ExportPrompt) {
        return match key.code {
            KeyCode::Char('c') if ctrl => Some(Action::Quit),
            KeyCode::Enter => Some(Action::ApplyFilter),
            KeyCode::Esc => Some(Action::Back),
            _ => None,
        };
    }
    if context == Context::Filter {
        return match key.code {
            KeyCode::Char('c') if ctrl => Some(Action::Quit),
            KeyCode::Char('x') if ctrl => Some(Action::ClearFields),
            KeyCode::Tab | KeyCode::Down => Some(Action::NextField),
            KeyCode::BackTab | KeyCode::Up => Some(Action::PreviousField),
            KeyCode::Enter => Some(Action::ApplyFilter),
            KeyCode::Esc => Some(Action::Back),
            _ => None,
        };
    }
    let action = match key.code {
        KeyCode::Char('c') if ctrl => return Some(Action::Quit), // always quits
        KeyCode::Char('d') if ctrl => Action::PageDown,
        KeyCode::Char('u') if ctrl => Action::PageUp,
        _ if ctrl => return None,
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Char('j') | KeyCode::Down => Action::Down,
        KeyCode::Char('k') | KeyCode::Up => Action::Up,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::Char('g') | KeyCode::Home => Action::Top,
        KeyCode::Char('G') | KeyCode::End => Action::Bottom,
        KeyCode::Char(']') => Action::NextPage,
        KeyCode::Char('[') => Action::PreviousPage,
        KeyCode::Char('}') => Action::LastPage,
        KeyCode::Char('{') => Action::FirstPage,
        KeyCode::Enter => Action::OpenDetail,
        KeyCode::Esc => Action::Back,
        KeyCode::Char('r') => Action::Refresh,
        KeyCode::Char('?') => Action::ToggleHelp,
        KeyCode::Char('/') | KeyCode::Char('f') => Action::OpenFilter,
        KeyCode::Char('x') => Action::ClearFilter,
        KeyCode::Char(':') | KeyCode::Char('p') => Action::OpenPagePrompt,
        KeyCode::Char('E') => Action::OpenExportPrompt,
        _ => return None,
    };
    let allowed = match context {
        Context::Help => matches!(action, Action::Quit | Action::Back | Action::ToggleHelp),
        Context::Detail => !matches!(
            action,
            Action::OpenDetail
                | Action::OpenFilter
                | Action::ClearFilter
                | Action::OpenPagePrompt
                | Action::OpenExportPrompt
                | Action::PageDown
                | Action::PageUp
                | Action::Top
                | Action::Bottom
                | Action::FirstPage
                | Action::LastPage
        ),
        Context::Table => action != Action::Back,
        Context::Filter | Context::PagePrompt | Context::ExportPrompt => false,
    };
    allowed.then_some(action)
}

/// The bindings to list for a context: all of them in the help, the short ones in the hint bar.
pub fn bindings_for(context: Context, hints_only: bool) -> impl Iterator<Item = &'static Binding> {
    BINDINGS
        .iter()
        .filter(move |b| b.contexts.contains(&context) && (b.hint || !hints_only))
}
