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
    /// Open the create form.
    NewCustomer,
    /// Open the edit form on the selected customer.
    Edit,
    /// Save the form from any field.
    Save,
    /// Enter in a form or dialog: the focused field or button decides.
    Submit,
    DeleteSelected,
    /// Mark / unmark the selected customer for deleting.
    Mark,
    /// Mark every row between the range's start and the selection.
    MarkRange,
    /// Mark every customer the filter matches (all pages).
    MarkAllMatching,
    DeleteMarked,
    /// Restore the customers of the last delete.
    Undo,
    /// Stop the delete or restore under way.
    CancelJob,
}

impl Action {
    /// Actions that change the store (or lead only to that): absent in read-only mode.
    pub fn changes_store(self) -> bool {
        matches!(
            self,
            Action::NewCustomer
                | Action::Edit
                | Action::DeleteSelected
                | Action::Mark
                | Action::MarkRange
                | Action::MarkAllMatching
                | Action::DeleteMarked
                | Action::Undo
                | Action::CancelJob
        )
    }
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
    /// The create or edit form: keys go to its fields first.
    Form,
    /// A confirmation: keys choose a button (or type the name it asks for).
    Dialog,
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
const FORM: &[Context] = &[Context::Form];
const DIALOG: &[Context] = &[Context::Dialog];

pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: "j/↓ k/↑",
        action: Action::Down,
        description: "move",
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
        description: "page",
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
        keys: "n",
        action: Action::NewCustomer,
        description: "new",
        contexts: TABLE,
        hint: true,
    },
    Binding {
        keys: "e",
        action: Action::Edit,
        description: "edit",
        contexts: LISTS,
        hint: true,
    },
    Binding {
        keys: "d",
        action: Action::DeleteSelected,
        description: "delete",
        contexts: LISTS,
        hint: true,
    },
    Binding {
        keys: "Space",
        action: Action::Mark,
        description: "mark",
        contexts: TABLE,
        hint: false,
    },
    Binding {
        keys: "v",
        action: Action::MarkRange,
        description: "start a range, then mark it",
        contexts: TABLE,
        hint: false,
    },
    Binding {
        keys: "A",
        action: Action::MarkAllMatching,
        description: "mark / unmark all the filter matches",
        contexts: TABLE,
        hint: false,
    },
    Binding {
        keys: "D",
        action: Action::DeleteMarked,
        description: "delete marked",
        contexts: TABLE,
        hint: true,
    },
    Binding {
        keys: "Esc",
        action: Action::Mark, // listed with the marking keys; Esc itself is Back
        description: "unmark every customer",
        contexts: TABLE,
        hint: false,
    },
    Binding {
        keys: "u",
        action: Action::Undo,
        description: "undo the last delete (restore its backup)",
        contexts: LISTS,
        hint: false,
    },
    Binding {
        keys: "c",
        action: Action::CancelJob,
        description: "cancel the delete or restore under way",
        contexts: LISTS,
        hint: false,
    },
    Binding {
        keys: "Tab/↓ ⇧Tab/↑",
        action: Action::NextField,
        description: "next / previous field",
        contexts: FORM,
        hint: true,
    },
    Binding {
        keys: "^u",
        action: Action::ClearFields, // typing, listed for the help
        description: "clear the field",
        contexts: FORM,
        hint: true,
    },
    Binding {
        keys: "^s",
        action: Action::Save,
        description: "save",
        contexts: FORM,
        hint: true,
    },
    Binding {
        keys: "Enter",
        action: Action::Submit,
        description: "next field; on Save, save",
        contexts: FORM,
        hint: false,
    },
    Binding {
        keys: "Space",
        action: Action::Submit,
        description: "tick / untick the box",
        contexts: FORM,
        hint: false,
    },
    Binding {
        keys: "Esc",
        action: Action::Back,
        description: "close (asks if changed)",
        contexts: FORM,
        hint: true,
    },
    Binding {
        keys: "←/→ Tab",
        action: Action::NextField,
        description: "choose",
        contexts: DIALOG,
        hint: true,
    },
    Binding {
        keys: "Enter",
        action: Action::Submit,
        description: "press the chosen button",
        contexts: DIALOG,
        hint: true,
    },
    Binding {
        keys: "Esc",
        action: Action::Back,
        description: "cancel",
        contexts: DIALOG,
        hint: true,
    },
    Binding {
        keys: "r",
        action: Action::Refresh,
        description: "refresh",
        contexts: LISTS,
        hint: false,
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
        contexts: &[Context::Filter, Context::Form, Context::Dialog],
        hint: false,
    },
];

/// The action of a key in a context, if it has one there. In the filter panel, the form and
/// dialogs only the keys that move, apply or leave are actions; every other key is typing.
/// In read-only mode the keys that change the store have no action at all.
pub fn action_for(key: KeyEvent, context: Context, read_only: bool) -> Option<Action> {
    let action = any_action_for(key, context)?;
    (!(read_only && action.changes_store())).then_some(action)
}

fn any_action_for(key: KeyEvent, context: Context) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if context == Context::Form {
        return match key.code {
            KeyCode::Char('c') if ctrl => Some(Action::Quit),
            KeyCode::Char('s') if ctrl => Some(Action::Save),
            KeyCode::Tab | KeyCode::Down => Some(Action::NextField),
            KeyCode::BackTab | KeyCode::Up => Some(Action::PreviousField),
            KeyCode::Enter => Some(Action::Submit),
            KeyCode::Esc => Some(Action::Back),
            _ => None,
        };
    }
    if context == Context::Dialog {
        return match key.code {
            KeyCode::Char('c') if ctrl => Some(Action::Quit),
            KeyCode::Tab | KeyCode::Right => Some(Action::NextField),
            KeyCode::BackTab | KeyCode::Left => Some(Action::PreviousField),
            KeyCode::Enter => Some(Action::Submit),
            KeyCode::Esc => Some(Action::Back),
            _ => None,
        };
    }
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
        KeyCode::Char('n') => Action::NewCustomer,
        KeyCode::Char('e') => Action::Edit,
        KeyCode::Char('d') => Action::DeleteSelected,
        KeyCode::Char(' ') => Action::Mark,
        KeyCode::Char('v') => Action::MarkRange,
        KeyCode::Char('A') => Action::MarkAllMatching,
        KeyCode::Char('D') => Action::DeleteMarked,
        KeyCode::Char('u') => Action::Undo,
        KeyCode::Char('c') => Action::CancelJob,
        _ => return None,
    };
    let allowed = match context {
        Context::Help => matches!(
            action,
            Action::Quit | Action::Back | Action::ToggleHelp | Action::Up | Action::Down
        ),
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
                | Action::NewCustomer
                | Action::Mark
                | Action::MarkRange
                | Action::MarkAllMatching
                | Action::DeleteMarked
        ),
        Context::Table => true,
        Context::Filter
        | Context::PagePrompt
        | Context::ExportPrompt
        | Context::Form
        | Context::Dialog => false,
    };
    allowed.then_some(action)
}

/// The bindings to list for a context: all of them in the help, the short ones in the hint bar;
/// in read-only mode, none that changes the store.
pub fn bindings_for(
    context: Context,
    hints_only: bool,
    read_only: bool,
) -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(move |b| {
        b.contexts.contains(&context)
            && (b.hint || !hints_only)
            && !(read_only && b.action.changes_store())
    })
}
