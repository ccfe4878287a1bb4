//! The keys of every context, in one table each: a line of a table names its keys, the action
//! each key asks for and the label the help and the hint bar show. Handling reads the same
//! tables, so the help cannot promise a key that does something else, and a new key is one
//! line.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks for, in the store's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// Leave what is open: the details, the help, a panel, a prompt, a form, a dialog.
    Back,
    Refresh,
    ToggleHelp,
    OpenFilter,
    ClearFilter,
    /// In a panel or form: the next / previous field; in a dialog, the next / previous button.
    NextField,
    PreviousField,
    /// In the filter panel or a prompt: apply what was typed.
    Apply,
    /// In the filter panel: empty every field.
    ClearFields,
    /// In the form: empty the focused field.
    ClearField,
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
    /// Space in the form: ticks the box when it has the focus, else types a space.
    Toggle,
    DeleteSelected,
    /// Mark / unmark the selected customer.
    Mark,
    /// Mark every row between the range's start and the selection.
    MarkRange,
    /// Mark every customer the filter matches (all pages).
    MarkAllMatching,
    /// Unmark every customer.
    UnmarkAll,
    DeleteMarked,
    /// Undo the store's last change set with something left to undo.
    Undo,
    /// Stop the job under way.
    CancelJob,
    /// In the details: choose the next / previous address.
    NextAddress,
    PreviousAddress,
    /// In the details: add an address, edit or delete the chosen one.
    AddAddress,
    EditAddress,
    DeleteAddress,
    /// Change the marked customers at once.
    BulkEdit,
    /// The change journal.
    OpenJournal,
    /// In the journal view: undo the change set picked.
    UndoPicked,
    /// In the journal view: what the change set picked did, customer by customer.
    OpenChangeSet,
    /// In the journal view: the conflicts of the change set picked.
    ShowConflicts,
    /// The groups view.
    OpenGroups,
    /// In the groups view: the chosen group's customers, a new group, rename, delete.
    ShowGroupCustomers,
    NewGroup,
    RenameGroup,
    DeleteGroup,
    /// Search the local index as you type.
    OpenSearch,
    /// Sort by the next column / the other way, over the whole store (from the index).
    SortNext,
    SortReverse,
    /// The summary view: customers per group, email domain, signup month.
    OpenSummary,
    /// In the summary: the chosen bar's customers.
    ShowChosen,
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
                | Action::UnmarkAll
                | Action::DeleteMarked
                | Action::Undo
                | Action::CancelJob
                | Action::AddAddress
                | Action::EditAddress
                | Action::DeleteAddress
                | Action::NewGroup
                | Action::RenameGroup
                | Action::DeleteGroup
                | Action::BulkEdit
                | Action::UndoPicked
                | Action::ShowConflicts
        )
    }
}

/// Where the keys are read: what has the focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    Table,
    Detail,
    /// The groups view.
    Groups,
    /// The journal view.
    Journal,
    /// The prompt for a group's name.
    GroupPrompt,
    Help,
    /// The filter panel: keys go to its fields first.
    Filter,
    /// The "go to page" prompt.
    PagePrompt,
    /// The "export to file" prompt.
    ExportPrompt,
    /// The create or edit form: keys go to its fields first.
    Form,
    /// The address form: keys go to its fields first.
    AddressForm,
    /// The bulk edit form: keys go to its fields first.
    BulkForm,
    /// A confirmation: keys choose a button (or type the name it asks for).
    Dialog,
    /// The table listing what the local index finds (a search, a sort).
    Found,
    /// The search line: keys type into it.
    Search,
    /// The summary view.
    Summary,
}

impl Context {
    pub const ALL: [Context; 16] = [
        Context::Table,
        Context::Found,
        Context::Search,
        Context::Summary,
        Context::Detail,
        Context::Groups,
        Context::Journal,
        Context::GroupPrompt,
        Context::Help,
        Context::Filter,
        Context::PagePrompt,
        Context::ExportPrompt,
        Context::Form,
        Context::AddressForm,
        Context::BulkForm,
        Context::Dialog,
    ];

    /// Whether keys that are no action are typed into a field here.
    pub fn takes_typing(self) -> bool {
        matches!(
            self,
            Context::Search
                | Context::Filter
                | Context::GroupPrompt
                | Context::PagePrompt
                | Context::ExportPrompt
                | Context::Form
                | Context::AddressForm
                | Context::BulkForm
                | Context::Dialog
        )
    }
}

/// One key, as the tables name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl Key {
    /// Whether a key the terminal sent is this one. Shift only makes capitals (and ⇧Tab), so
    /// it is not compared; Alt makes another key.
    pub fn matches(self, key: KeyEvent) -> bool {
        key.code == self.code
            && key.modifiers.contains(KeyModifiers::CONTROL) == self.ctrl
            && !key.modifiers.contains(KeyModifiers::ALT)
    }

    /// The key as a person reads it.
    pub fn name(self) -> String {
        let name = match self.code {
            KeyCode::Char(' ') => "Space".to_owned(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".to_owned(),
            KeyCode::Down => "↓".to_owned(),
            KeyCode::Left => "←".to_owned(),
            KeyCode::Right => "→".to_owned(),
            KeyCode::PageUp => "PgUp".to_owned(),
            KeyCode::PageDown => "PgDn".to_owned(),
            KeyCode::BackTab => "⇧Tab".to_owned(),
            other => other.to_string(),
        };
        if self.ctrl { format!("^{name}") } else { name }
    }

    /// The key event a terminal sends for this key (for tests and the benchmarks).
    pub fn event(self) -> KeyEvent {
        let mut modifiers = KeyModifiers::NONE;
        if self.ctrl {
            modifiers |= KeyModifiers::CONTROL;
        }
        if self.code == KeyCode::BackTab
            || matches!(self.code, KeyCode::Char(c) if c.is_ascii_uppercase())
        {
            modifiers |= KeyModifiers::SHIFT;
        }
        KeyEvent::new(self.code, modifiers)
    }
}

const fn ch(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const SPACE: Key = ch(' ');
const ENTER: Key = code(KeyCode::Enter);
const ESC: Key = code(KeyCode::Esc);
const TAB: Key = code(KeyCode::Tab);
const BACK_TAB: Key = code(KeyCode::BackTab);
const UP: Key = code(KeyCode::Up);
const DOWN: Key = code(KeyCode::Down);
const LEFT: Key = code(KeyCode::Left);
const RIGHT: Key = code(KeyCode::Right);

/// One line of the help: keys, each with its action, and what the line says. A line may pair
/// two opposite actions ("j/↓ k/↑  move").
#[derive(Debug)]
pub struct Binding {
    pub keys: &'static [(Action, &'static [Key])],
    pub label: &'static str,
    /// Shown in the one-line hint bar too (the rest only in the help).
    pub hint: bool,
}

impl Binding {
    /// The keys as the help shows them: a key's alternatives joined by `/`, actions by spaces.
    pub fn keys_text(&self) -> String {
        self.keys
            .iter()
            .map(|(_, keys)| {
                keys.iter()
                    .map(|key| key.name())
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Whether a key of this line changes the store: such lines are gone in read-only mode.
    pub fn changes_store(&self) -> bool {
        self.keys.iter().any(|(action, _)| action.changes_store())
    }

    /// Whether this line gives one of these actions.
    pub fn gives_any(&self, actions: &[Action]) -> bool {
        self.keys.iter().any(|(action, _)| actions.contains(action))
    }

    /// The action this line gives `key`, if any.
    fn action_of(&self, key: KeyEvent) -> Option<Action> {
        self.keys
            .iter()
            .find(|(_, keys)| keys.iter().any(|k| k.matches(key)))
            .map(|(action, _)| *action)
    }
}

const fn line(
    keys: &'static [(Action, &'static [Key])],
    label: &'static str,
    hint: bool,
) -> Binding {
    Binding { keys, label, hint }
}

const HINT: bool = true;
const HELP: bool = false;

use Action as A;

// Lines that more than one context has.
#[rustfmt::skip]
const MOVE: Binding = line(&[(A::Down, &[ch('j'), DOWN]), (A::Up, &[ch('k'), UP])], "move", HINT);
#[rustfmt::skip]
const PAGE: Binding = line(&[(A::NextPage, &[ch(']')]), (A::PreviousPage, &[ch('[')])], "page", HINT);
#[rustfmt::skip]
const EDIT: Binding = line(&[(A::Edit, &[ch('e')])], "edit", HINT);
#[rustfmt::skip]
const DELETE: Binding = line(&[(A::DeleteSelected, &[ch('d')])], "delete", HINT);
#[rustfmt::skip]
const UNDO: Binding = line(&[(A::Undo, &[ch('u')])], "undo the last change (any kind; H lists them)", HELP);
#[rustfmt::skip]
const CANCEL_JOB: Binding = line(&[(A::CancelJob, &[ch('c')])], "cancel the delete, bulk edit or undo under way", HELP);
#[rustfmt::skip]
const REFRESH: Binding = line(&[(A::Refresh, &[ch('r')])], "refresh", HELP);
#[rustfmt::skip]
const OPEN_HELP: Binding = line(&[(A::ToggleHelp, &[ch('?')])], "help", HINT);
#[rustfmt::skip]
const QUIT: Binding = line(&[(A::Quit, &[ch('q')]), (A::Quit, &[ctrl('c')])], "quit", HINT);
#[rustfmt::skip]
const QUIT_FROM_FIELD: Binding = line(&[(A::Quit, &[ctrl('c')])], "quit", HELP);

// Lines the forms share.
#[rustfmt::skip]
const FIELD_MOVE: Binding = line(&[(A::NextField, &[TAB, DOWN]), (A::PreviousField, &[BACK_TAB, UP])], "next / previous field", HINT);
#[rustfmt::skip]
const CLEAR_FIELD: Binding = line(&[(A::ClearField, &[ctrl('u')])], "clear the field", HINT);
#[rustfmt::skip]
const SAVE_FORM: Binding = line(&[(A::Save, &[ctrl('s')])], "save", HINT);
#[rustfmt::skip]
const FORM_ENTER: Binding = line(&[(A::Submit, &[ENTER])], "next field; on Save, save", HELP);
#[rustfmt::skip]
const CLOSE_FORM: Binding = line(&[(A::Back, &[ESC])], "close (asks if changed)", HINT);

// Lines the table of the store's pages and the table of what the index found share.
#[rustfmt::skip]
const SCREENFUL: Binding = line(&[(A::PageDown, &[code(KeyCode::PageDown), ctrl('d')]), (A::PageUp, &[code(KeyCode::PageUp), ctrl('u')])], "down / up a screen", HELP);
#[rustfmt::skip]
const ENDS_OF_PAGE: Binding = line(&[(A::Top, &[ch('g'), code(KeyCode::Home)]), (A::Bottom, &[ch('G'), code(KeyCode::End)])], "first / last customer on the page", HELP);
#[rustfmt::skip]
const FIRST_LAST_PAGE: Binding = line(&[(A::LastPage, &[ch('}')]), (A::FirstPage, &[ch('{')])], "last / first page", HELP);
#[rustfmt::skip]
const PAGE_PROMPT_KEYS: Binding = line(&[(A::OpenPagePrompt, &[ch(':')]), (A::OpenPagePrompt, &[ch('p')])], "go to page N", HELP);
#[rustfmt::skip]
const SUMMARY_KEY: Binding = line(&[(A::OpenSummary, &[ch('i')])], "summary: customers per group, domain, month", HELP);
#[rustfmt::skip]
const MARK: Binding = line(&[(A::Mark, &[SPACE])], "mark", HELP);
#[rustfmt::skip]
const MARK_RANGE: Binding = line(&[(A::MarkRange, &[ch('v')])], "start a range, then mark it", HELP);
#[rustfmt::skip]
const DELETE_MARKED: Binding = line(&[(A::DeleteMarked, &[ch('D')])], "delete marked", HINT);
#[rustfmt::skip]
const BULK_EDIT: Binding = line(&[(A::BulkEdit, &[ch('B')])], "change the marked customers at once", HELP);

// The tables: one line of the help each, kept on one line of code so that a new key is one.
#[rustfmt::skip]
const TABLE: &[Binding] = &[
    MOVE,
    SCREENFUL,
    ENDS_OF_PAGE,
    PAGE,
    FIRST_LAST_PAGE,
    PAGE_PROMPT_KEYS,
    line(&[(A::OpenExportPrompt, &[ch('E')])], "export the filter's customers to a file", HELP),
    line(&[(A::OpenGroups, &[ch('C')])], "customer groups", HELP),
    line(&[(A::OpenJournal, &[ch('H')])], "the change history (undo any change)", HELP),
    line(&[(A::OpenDetail, &[ENTER])], "details", HINT),
    line(&[(A::OpenSearch, &[ch('/')])], "search", HINT),
    SORT,
    SUMMARY_KEY,
    line(&[(A::OpenFilter, &[ch('f')])], "filter (exact values)", HINT),
    line(&[(A::ClearFilter, &[ch('x')])], "clear the filter", HELP),
    line(&[(A::NewCustomer, &[ch('n')])], "new", HINT),
    EDIT,
    DELETE,
    MARK,
    MARK_RANGE,
    line(&[(A::MarkAllMatching, &[ch('A')])], "mark / unmark all the filter matches", HELP),
    DELETE_MARKED,
    BULK_EDIT,
    line(&[(A::UnmarkAll, &[ESC])], "unmark every customer", HELP),
    UNDO,
    CANCEL_JOB,
    REFRESH,
    OPEN_HELP,
    QUIT,
];

#[rustfmt::skip]
const SORT: Binding = line(&[(A::SortNext, &[ch('s')]), (A::SortReverse, &[ch('S')])], "sort by the next column / reverse (whole store)", HELP);

/// The table listing what the index finds: as the store's pages, but Esc goes back to them.
#[rustfmt::skip]
const FOUND: &[Binding] = &[
    MOVE,
    SCREENFUL,
    ENDS_OF_PAGE,
    PAGE,
    FIRST_LAST_PAGE,
    PAGE_PROMPT_KEYS,
    line(&[(A::OpenExportPrompt, &[ch('E')])], "export what was found to a file", HELP),
    line(&[(A::OpenDetail, &[ENTER])], "details (read live from the store)", HINT),
    line(&[(A::OpenSearch, &[ch('/')])], "change the search", HINT),
    SORT,
    SUMMARY_KEY,
    line(&[(A::Back, &[ESC])], "back to the store's pages", HINT),
    line(&[(A::OpenFilter, &[ch('f')])], "filter by exact values (on the store)", HELP),
    EDIT,
    DELETE,
    MARK,
    MARK_RANGE,
    line(&[(A::MarkAllMatching, &[ch('A')])], "mark / unmark everyone found", HELP),
    DELETE_MARKED,
    BULK_EDIT,
    UNDO,
    CANCEL_JOB,
    line(&[(A::Refresh, &[ch('r')])], "refresh (and sync the index)", HELP),
    OPEN_HELP,
    QUIT,
];

#[rustfmt::skip]
const SUMMARY: &[Binding] = &[
    MOVE,
    line(&[(A::NextField, &[TAB, RIGHT]), (A::PreviousField, &[BACK_TAB, LEFT])], "next / previous chart", HINT),
    line(&[(A::ShowChosen, &[ENTER])], "those customers", HINT),
    line(&[(A::Back, &[ESC])], "back to the customers", HINT),
    line(&[(A::Refresh, &[ch('r')])], "count again", HELP),
    OPEN_HELP,
    QUIT,
];

#[rustfmt::skip]
const SEARCH: &[Binding] = &[
    line(&[(A::Apply, &[ENTER])], "to the matches", HINT),
    line(&[(A::Down, &[DOWN]), (A::Up, &[UP])], "move in the matches", HINT),
    line(&[(A::Back, &[ESC])], "back to the store's pages", HINT),
    QUIT_FROM_FIELD,
];

#[rustfmt::skip]
const DETAIL: &[Binding] = &[
    MOVE,
    PAGE,
    line(&[(A::Back, &[ESC])], "back", HINT),
    EDIT,
    DELETE,
    line(&[(A::NextAddress, &[TAB]), (A::PreviousAddress, &[BACK_TAB])], "choose an address", HELP),
    line(&[(A::AddAddress, &[ch('a')])], "add an address", HINT),
    line(&[(A::EditAddress, &[ch('o')])], "edit the chosen address", HELP),
    line(&[(A::DeleteAddress, &[ch('X')])], "delete the chosen address", HELP),
    UNDO,
    CANCEL_JOB,
    REFRESH,
    OPEN_HELP,
    QUIT,
];

#[rustfmt::skip]
const GROUPS: &[Binding] = &[
    MOVE,
    line(&[(A::Top, &[ch('g'), code(KeyCode::Home)]), (A::Bottom, &[ch('G'), code(KeyCode::End)])], "first / last row", HELP),
    line(&[(A::ShowGroupCustomers, &[ENTER])], "the group's customers", HINT),
    line(&[(A::NewGroup, &[ch('n')])], "new group", HINT),
    line(&[(A::RenameGroup, &[ch('e')])], "rename", HINT),
    line(&[(A::DeleteGroup, &[ch('d')])], "delete", HINT),
    line(&[(A::Back, &[ESC])], "back to the customers", HINT),
    REFRESH,
    OPEN_HELP,
    QUIT,
];

#[rustfmt::skip]
const JOURNAL: &[Binding] = &[
    MOVE,
    line(&[(A::OpenChangeSet, &[ENTER])], "what the change set picked did", HINT),
    line(&[(A::UndoPicked, &[ch('u')])], "undo it", HINT),
    line(&[(A::ShowConflicts, &[ch('x')])], "its conflicts: try again or set aside", HINT),
    line(&[(A::Back, &[ESC])], "back to the customers", HINT),
    REFRESH,
    OPEN_HELP,
    QUIT,
];

#[rustfmt::skip]
const GROUP_PROMPT: &[Binding] = &[
    line(&[(A::Apply, &[ENTER]), (A::Back, &[ESC])], "save / cancel", HINT),
    QUIT_FROM_FIELD,
];

#[rustfmt::skip]
const HELP_OVERLAY: &[Binding] = &[
    line(&[(A::Down, &[ch('j'), DOWN]), (A::Up, &[ch('k'), UP])], "scroll", HELP),
    line(&[(A::Back, &[ESC])], "back", HINT),
    OPEN_HELP,
    QUIT,
];

#[rustfmt::skip]
const FILTER: &[Binding] = &[
    FIELD_MOVE,
    line(&[(A::Apply, &[ENTER])], "apply", HINT),
    line(&[(A::ClearFields, &[ctrl('x')])], "clear every field", HINT),
    line(&[(A::Back, &[ESC])], "close without applying", HINT),
    QUIT_FROM_FIELD,
];

#[rustfmt::skip]
const PAGE_PROMPT: &[Binding] = &[
    line(&[(A::Apply, &[ENTER]), (A::Back, &[ESC])], "go / cancel", HINT),
    QUIT_FROM_FIELD,
];

#[rustfmt::skip]
const EXPORT_PROMPT: &[Binding] = &[
    line(&[(A::Apply, &[ENTER]), (A::Back, &[ESC])], "export / cancel", HINT),
    QUIT_FROM_FIELD,
];

#[rustfmt::skip]
const FORM: &[Binding] = &[
    FIELD_MOVE,
    CLEAR_FIELD,
    SAVE_FORM,
    FORM_ENTER,
    line(&[(A::Toggle, &[SPACE])], "tick / untick the box", HELP),
    CLOSE_FORM,
    QUIT_FROM_FIELD,
];

#[rustfmt::skip]
const ADDRESS_FORM: &[Binding] = &[
    line(&[(A::NextField, &[TAB]), (A::PreviousField, &[BACK_TAB])], "next / previous field", HINT),
    line(&[(A::Down, &[DOWN]), (A::Up, &[UP])], "next / previous field; in Country, the countries offered (Enter takes one)", HELP),
    CLEAR_FIELD,
    SAVE_FORM,
    FORM_ENTER,
    CLOSE_FORM,
    QUIT_FROM_FIELD,
];

#[rustfmt::skip]
const BULK_FORM: &[Binding] = &[
    FIELD_MOVE,
    CLEAR_FIELD,
    line(&[(A::Save, &[ctrl('s')])], "review", HINT),
    line(&[(A::Submit, &[ENTER])], "next field; on Review, review", HELP),
    line(&[(A::Toggle, &[SPACE])], "tick / untick a box", HELP),
    line(&[(A::Back, &[ESC])], "close", HINT),
    QUIT_FROM_FIELD,
];

#[rustfmt::skip]
const DIALOG: &[Binding] = &[
    line(&[(A::PreviousField, &[LEFT, BACK_TAB]), (A::NextField, &[RIGHT, TAB])], "choose", HINT),
    line(&[(A::Submit, &[ENTER])], "press the chosen button", HINT),
    line(&[(A::Back, &[ESC])], "cancel", HINT),
    QUIT_FROM_FIELD,
];

/// The table of a context.
pub fn table(context: Context) -> &'static [Binding] {
    match context {
        Context::Table => TABLE,
        Context::Detail => DETAIL,
        Context::Groups => GROUPS,
        Context::Journal => JOURNAL,
        Context::GroupPrompt => GROUP_PROMPT,
        Context::Help => HELP_OVERLAY,
        Context::Filter => FILTER,
        Context::PagePrompt => PAGE_PROMPT,
        Context::ExportPrompt => EXPORT_PROMPT,
        Context::Form => FORM,
        Context::AddressForm => ADDRESS_FORM,
        Context::BulkForm => BULK_FORM,
        Context::Dialog => DIALOG,
        Context::Found => FOUND,
        Context::Search => SEARCH,
        Context::Summary => SUMMARY,
    }
}

/// The lines to list for a context: all of them in the help, the short ones in the hint bar;
/// in read-only mode, none that changes the store.
pub fn bindings_for(
    context: Context,
    hints_only: bool,
    read_only: bool,
) -> impl Iterator<Item = &'static Binding> {
    table(context)
        .iter()
        .filter(move |b| (b.hint || !hints_only) && !(read_only && b.changes_store()))
}

/// The action of a key in a context, read from that context's table (in read-only mode,
/// without the lines that change the store). A key with no action there is typing, where the
/// context has a field.
pub fn action_for(key: KeyEvent, context: Context, read_only: bool) -> Option<Action> {
    bindings_for(context, false, read_only).find_map(|binding| binding.action_of(key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn no_key_means_two_things_in_one_context() {
        for context in Context::ALL {
            let mut seen: HashMap<String, Action> = HashMap::new();
            for binding in table(context) {
                for (action, keys) in binding.keys {
                    for key in *keys {
                        let earlier = seen.insert(key.name(), *action);
                        assert!(
                            earlier.is_none_or(|earlier| earlier == *action),
                            "{} in {context:?} is both {earlier:?} and {action:?}",
                            key.name()
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn every_context_can_be_left_and_quit() {
        for context in Context::ALL {
            let quit = action_for(ctrl('c').event(), context, true);
            assert_eq!(quit, Some(Action::Quit), "{context:?}");
            if context != Context::Table {
                assert_eq!(action_for(ESC.event(), context, true), Some(Action::Back));
            }
        }
    }

    #[test]
    fn keys_read_as_the_help_shows_them() {
        let text: Vec<String> = TABLE.iter().map(Binding::keys_text).collect();
        assert_eq!(text[0], "j/↓ k/↑");
        assert!(text.contains(&"PgDn/^d PgUp/^u".to_owned()));
        assert!(text.contains(&"q ^c".to_owned()));
        assert!(text.contains(&"Space".to_owned()));
    }

    #[test]
    fn capitals_and_shift_tab_match_with_shift_held() {
        assert_eq!(
            action_for(ch('G').event(), Context::Table, false),
            Some(Action::Bottom)
        );
        assert_eq!(
            action_for(BACK_TAB.event(), Context::Form, false),
            Some(Action::PreviousField)
        );
        // Alt makes another key.
        let alt_q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::ALT);
        assert_eq!(action_for(alt_q, Context::Table, false), None);
    }
}
