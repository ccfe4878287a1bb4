//! What is on top of the screen: one stack, in the order things were opened — a form, the
//! dialog a form opens, the help over everything. The top takes the keys; the stack is drawn
//! from the bottom up; which context the keys are read in, and what typing goes into, follow
//! from it alone.

use super::address_form::AddressForm;
use super::bulk_edit::BulkForm;
use super::customer_form::CustomerForm;
use super::dialog::Dialog;
use super::filter_form::FilterForm;
use super::groups_view::GroupPrompt;
use super::keymap::{Binding, Context, bindings_for};
use super::{App, Prompt};

/// One thing open on top of the screen.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // a few at a time
pub enum Overlay {
    /// The filter panel.
    Filter(FilterForm),
    /// "Go to page".
    PagePrompt(Prompt),
    /// "Export to".
    ExportPrompt(Prompt),
    /// A group's name, to create or rename it.
    GroupPrompt(GroupPrompt),
    /// The create or edit form.
    Form(CustomerForm),
    AddressForm(AddressForm),
    BulkForm(BulkForm),
    /// A question, over the screen or over a form.
    Dialog(Dialog),
    /// The keys, scrolled by this many lines.
    Help {
        scroll: u16,
    },
}

impl Overlay {
    /// The context its keys are read in.
    pub fn context(&self) -> Context {
        match self {
            Overlay::Filter(_) => Context::Filter,
            Overlay::PagePrompt(_) => Context::PagePrompt,
            Overlay::ExportPrompt(_) => Context::ExportPrompt,
            Overlay::GroupPrompt(_) => Context::GroupPrompt,
            Overlay::Form(_) => Context::Form,
            Overlay::AddressForm(_) => Context::AddressForm,
            Overlay::BulkForm(_) => Context::BulkForm,
            Overlay::Dialog(_) => Context::Dialog,
            Overlay::Help { .. } => Context::Help,
        }
    }
}

/// One line of the help.
#[derive(Debug, Clone, Copy)]
pub enum HelpLine {
    Keys(&'static Binding),
    Blank,
    Note(&'static str),
}

/// Finds the open overlay of one kind, by reference or mutably.
macro_rules! find {
    ($name:ident, $name_mut:ident, $variant:ident, $ty:ty) => {
        pub fn $name(&self) -> Option<&$ty> {
            self.overlays
                .iter()
                .rev()
                .find_map(|overlay| match overlay {
                    Overlay::$variant(found) => Some(found),
                    _ => None,
                })
        }

        pub fn $name_mut(&mut self) -> Option<&mut $ty> {
            self.overlays
                .iter_mut()
                .rev()
                .find_map(|overlay| match overlay {
                    Overlay::$variant(found) => Some(found),
                    _ => None,
                })
        }
    };
}

impl App {
    find!(filter_form, filter_form_mut, Filter, FilterForm);
    find!(page_prompt, page_prompt_mut, PagePrompt, Prompt);
    find!(export_prompt, export_prompt_mut, ExportPrompt, Prompt);
    find!(group_prompt, group_prompt_mut, GroupPrompt, GroupPrompt);
    find!(form, form_mut, Form, CustomerForm);
    find!(address_form, address_form_mut, AddressForm, AddressForm);
    find!(bulk_form, bulk_form_mut, BulkForm, BulkForm);
    find!(dialog, dialog_mut, Dialog, Dialog);

    /// What is open, the top last.
    pub fn overlays(&self) -> &[Overlay] {
        &self.overlays
    }

    /// What is on top, if anything.
    pub fn overlay(&self) -> Option<&Overlay> {
        self.overlays.last()
    }

    pub fn help_open(&self) -> bool {
        matches!(self.overlay(), Some(Overlay::Help { .. }))
    }

    /// Lines the help is scrolled by, on a short terminal.
    pub fn help_scroll(&self) -> u16 {
        match self.overlay() {
            Some(Overlay::Help { scroll }) => *scroll,
            _ => 0,
        }
    }

    /// Opens something on top; one of the same kind already open gives way to it.
    pub(super) fn open(&mut self, overlay: Overlay) {
        let kind = std::mem::discriminant(&overlay);
        self.overlays
            .retain(|open| std::mem::discriminant(open) != kind);
        self.overlays.push(overlay);
    }

    /// Closes the overlay of this context, if open, and gives it back.
    pub(super) fn close(&mut self, context: Context) -> Option<Overlay> {
        let at = self
            .overlays
            .iter()
            .rposition(|open| open.context() == context)?;
        Some(self.overlays.remove(at))
    }

    /// Closes the overlay of this context, if open.
    pub(super) fn dismiss(&mut self, context: Context) {
        self.close(context);
    }

    /// Takes the dialog off the stack (to act on its answer).
    pub(super) fn take_dialog(&mut self) -> Option<Dialog> {
        match self.close(Context::Dialog) {
            Some(Overlay::Dialog(dialog)) => Some(dialog),
            _ => None,
        }
    }

    /// The help's lines, as it draws them and as its scrolling counts them: the keys of the
    /// screen under it, then its notes.
    pub fn help_lines(&self) -> Vec<HelpLine> {
        let mut lines: Vec<HelpLine> =
            bindings_for(self.screen_context(), false, self.store.read_only)
                .map(HelpLine::Keys)
                .collect();
        lines.push(HelpLine::Blank);
        lines.push(HelpLine::Note(
            "Text filters match whole values, as the store does.",
        ));
        if self.index.on {
            lines.push(HelpLine::Note(
                "/ searches the local index: parts of words, in any order.",
            ));
        }
        lines
    }

    pub(super) fn open_help(&mut self) {
        self.open(Overlay::Help { scroll: 0 });
    }

    pub(super) fn scroll_help(&mut self, by: i32, at_most: u16) {
        if let Some(Overlay::Help { scroll }) = self.overlays.last_mut() {
            *scroll = (i32::from(*scroll) + by).clamp(0, i32::from(at_most)) as u16;
        }
    }
}
