//! Keys by focus: Esc in every context, and the help and the keys agreeing — every key the
//! help shows for a context acts there, and no key the help leaves out does anything.

use bc_customers::app::keymap::{Context, Key, bindings_for};
use bc_customers::app::{App, Msg, Screen};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::common::screens::{answer, key, loaded, reads, type_text};
use bc_customers::worker::{Outcome, Slot};

fn esc(app: &mut App) {
    app.update(key(KeyCode::Esc));
}

/// An app with two customers marked (Space, Space), as the bug report has it.
fn two_marked() -> App {
    let mut app = loaded();
    type_text(&mut app, "  ");
    assert_eq!(app.marks.count(), 2);
    app
}

#[test]
fn esc_closes_the_filter_panel_and_keeps_the_marks() {
    let mut app = two_marked();
    type_text(&mut app, "f");
    assert_eq!(app.context(), Context::Filter);
    esc(&mut app);
    assert!(app.filter_form().is_none(), "the panel closes");
    assert_eq!(app.marks.count(), 2, "the marks stay");
    assert_ne!(app.notice.as_deref(), Some("Unmarked every customer."));
}

#[test]
fn esc_closes_the_page_prompt_and_keeps_the_marks() {
    let mut app = two_marked();
    type_text(&mut app, ":");
    assert_eq!(app.context(), Context::PagePrompt);
    esc(&mut app);
    assert!(app.page_prompt().is_none(), "the prompt closes");
    assert_eq!(app.marks.count(), 2, "the marks stay");
}

#[test]
fn esc_in_every_context_leaves_only_that_context() {
    // The table: Esc is "unmark every customer", and only there — said first, done at a
    // second Esc; any other key between keeps the marks.
    let mut app = two_marked();
    esc(&mut app);
    assert_eq!(app.marks.count(), 2);
    assert_eq!(
        app.notice.as_deref(),
        Some("Esc again unmarks 2 customers (on every page); any other key keeps them.")
    );
    app.update(key(KeyCode::Char('j')));
    esc(&mut app);
    assert_eq!(app.marks.count(), 2, "asked again after another key");
    esc(&mut app);
    assert_eq!(app.marks.count(), 0);
    assert_eq!(app.notice.as_deref(), Some("Unmarked every customer."));

    // Each overlay or screen closes, one at a time, and the marks stay.
    let cases: [(&str, Context); 6] = [
        ("\n", Context::Detail),
        ("?", Context::Help),
        ("f", Context::Filter),
        (":", Context::PagePrompt),
        ("E", Context::ExportPrompt),
        ("n", Context::Form),
    ];
    for (open, context) in cases {
        let mut app = two_marked();
        if open == "\n" {
            app.update(key(KeyCode::Enter));
        } else {
            type_text(&mut app, open);
        }
        assert_eq!(app.context(), context);
        esc(&mut app);
        assert_eq!(app.context(), Context::Table, "Esc leaves {context:?}");
        assert_eq!(app.screen, Screen::Table);
        assert_eq!(app.marks.count(), 2, "Esc in {context:?} keeps the marks");
    }

    // Help over the details: Esc closes the help, the details stay.
    let mut app = two_marked();
    app.update(key(KeyCode::Enter));
    type_text(&mut app, "?");
    esc(&mut app);
    assert_eq!(app.context(), Context::Detail);

    // A form with changes: Esc asks first; Esc again keeps editing.
    let mut app = two_marked();
    type_text(&mut app, "nAda");
    esc(&mut app);
    assert_eq!(app.context(), Context::Dialog);
    esc(&mut app);
    assert_eq!(
        app.context(),
        Context::Form,
        "the safe button keeps editing"
    );
    assert_eq!(app.form().map(|f| f.inputs[0].value()), Some("Ada"));

    // A dialog: Esc presses its safe button.
    let mut app = two_marked();
    let asked = app.update(key(KeyCode::Char('D')));
    crate::common::screens::review_delete(&mut app, &asked, &[1, 2], &["k3xq9"]);
    assert_eq!(app.context(), Context::Dialog);
    esc(&mut app);
    assert_eq!(app.context(), Context::Table);
    assert_eq!(app.notice.as_deref(), Some("Nothing deleted."));
    assert_eq!(app.marks.count(), 2);
}

/// A fresh app with the focus in `context`, in a state where every key of it has something
/// to do (a customer in the middle of the page, a field with text, help scrolled a line).
fn in_context(context: Context, read_only: bool) -> App {
    let mut app = loaded();
    app.store.read_only = read_only;
    app.selected = 5;
    match context {
        Context::Table => {}
        Context::Detail => {
            app.update(key(KeyCode::Enter));
        }
        Context::Help => {
            // A short terminal, so that the help scrolls both ways.
            app.update(Msg::Resize(bc_customers::ui::table_area(12)));
            type_text(&mut app, "?");
            app.update(key(KeyCode::Char('j')));
            assert_eq!(app.help_scroll(), 1);
        }
        Context::Filter => type_text(&mut app, "fLee"),
        Context::PagePrompt => type_text(&mut app, ":"),
        Context::ExportPrompt => type_text(&mut app, "E"),
        Context::Form => {
            app.store.read_only = false;
            type_text(&mut app, "nAda");
        }
        Context::Groups | Context::GroupPrompt => {
            type_text(&mut app, "C");
            // Three groups, the middle one chosen: every key has somewhere to go.
            app.groups.push(bc_customers::domain::CustomerGroup {
                id: 3,
                name: "VIP".into(),
                ..Default::default()
            });
            app.groups_view.selected = 1;
            if context == Context::GroupPrompt {
                app.store.read_only = false;
                type_text(&mut app, "n");
            }
        }
        Context::Journal => {
            type_text(&mut app, "H");
            let set = |id| {
                crate::common::screens::change_set(
                    id,
                    bc_customers::ledger::Kind::BulkEdit,
                    &[1, 2, 3],
                )
            };
            app.journal_view.history = Some(bc_customers::ledger::History {
                sets: vec![set(3), set(2), set(1)],
                ..Default::default()
            });
            app.journal_view.selected = 1;
        }
        Context::BulkForm => {
            app.store.read_only = false;
            type_text(&mut app, " B+5");
        }
        Context::AddressForm => {
            app.store.read_only = false;
            app.update(key(KeyCode::Enter));
            type_text(&mut app, "a");
        }
        Context::Dialog => {
            app.store.read_only = false;
            let asked = app.update(key(KeyCode::Char('d')));
            crate::common::screens::review_delete(&mut app, &asked, &[6], &["k3xq9"]);
        }
        Context::Found | Context::Search => {
            app.index.on = true;
            type_text(&mut app, "/mar");
            if context == Context::Found {
                app.update(key(KeyCode::Enter));
            }
            // The rows on screen until the matches arrive: a selection with room both ways.
            app.selected = 5;
        }
        Context::Summary => {
            app.index.on = true;
            let asked = reads(&app.update(Msg::Key(KeyEvent::from(KeyCode::Char('i')))));
            let row = |label: &str, count| bc_customers::index::SummaryRow {
                label: label.to_owned(),
                count,
                facet: bc_customers::index::Facet::Domain(label.to_owned()),
            };
            let summary = bc_customers::index::Summary {
                customers: 30,
                groups: vec![row("a", 10), row("b", 10), row("c", 10)],
                domains: vec![row("x.com", 10), row("y.com", 10), row("z.com", 10)],
                countries: vec![row("France", 10), row("Spain", 10), row("Peru", 10)],
                addresses_read: 30,
                months: vec![row("2025-01", 10), row("2025-02", 10), row("2025-03", 10)],
            };
            app.update(answer(
                asked[0].0,
                Slot::Summary,
                Ok(Outcome::Summary(summary)),
            ));
            // The middle chart, its middle bar: every key has somewhere to go.
            app.update(key(KeyCode::Tab));
            app.update(key(KeyCode::Down));
        }
    }
    app.store.read_only = read_only;
    assert_eq!(app.context(), context);
    app.notice = None;
    app
}

/// Every key worth trying: printable characters, the named keys, and Ctrl with a letter.
fn every_key() -> Vec<KeyEvent> {
    let mut keys: Vec<KeyEvent> = (' '..='~')
        .map(|c| {
            let shift = if c.is_ascii_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            KeyEvent::new(KeyCode::Char(c), shift)
        })
        .collect();
    let named = [
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Backspace,
        KeyCode::Delete,
        KeyCode::Insert,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::F(1),
        KeyCode::F(5),
    ];
    keys.extend(named.map(|code| {
        let shift = if code == KeyCode::BackTab {
            KeyModifiers::SHIFT
        } else {
            KeyModifiers::NONE
        };
        KeyEvent::new(code, shift)
    }));
    keys.extend(('a'..='z').map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)));
    keys
}

/// Everything the app is, and what a key made it ask the worker for.
fn after(mut app: App, key: KeyEvent) -> (String, String) {
    let commands = app.update(Msg::Key(key));
    (format!("{app:?}"), format!("{commands:?}"))
}

fn shown_keys(context: Context, read_only: bool) -> Vec<(String, Key)> {
    bindings_for(context, false, read_only)
        .flat_map(|line| {
            line.keys.iter().flat_map(move |(action, keys)| {
                keys.iter().map(move |k| (format!("{action:?}"), *k))
            })
        })
        .collect()
}

#[test]
fn every_key_the_help_shows_acts_and_its_other_keys_act_alike() {
    for read_only in [false, true] {
        for context in Context::ALL {
            let untouched = after(
                in_context(context, read_only),
                KeyEvent::from(KeyCode::F(9)),
            );
            let mut by_action: std::collections::HashMap<String, (Key, (String, String))> =
                std::collections::HashMap::new();
            for (action, shown) in shown_keys(context, read_only) {
                let effect = after(in_context(context, read_only), shown.event());
                assert_ne!(
                    effect,
                    untouched,
                    "{} ({action}) does nothing in {context:?} (read-only {read_only})",
                    shown.name()
                );
                // The keys of one action do the same thing.
                if let Some((first, earlier)) = by_action.get(&action) {
                    assert_eq!(
                        &effect,
                        earlier,
                        "{} and {} are both {action} in {context:?} but differ",
                        first.name(),
                        shown.name()
                    );
                } else {
                    by_action.insert(action, (shown, effect));
                }
            }
        }
    }
}

#[test]
fn no_key_acts_that_the_help_does_not_show() {
    for read_only in [false, true] {
        for context in Context::ALL {
            let shown = shown_keys(context, read_only);
            let untouched = after(
                in_context(context, read_only),
                KeyEvent::from(KeyCode::F(9)),
            );
            let changing: Vec<Key> = bindings_for(context, false, false)
                .filter(|line| line.changes_store())
                .flat_map(|line| line.keys.iter().flat_map(|(_, keys)| keys.iter().copied()))
                .collect();
            for pressed in every_key() {
                if shown.iter().any(|(_, key)| key.matches(pressed)) {
                    continue;
                }
                // Read-only, a key that would change the store says so, and only that.
                if read_only && changing.iter().any(|key| key.matches(pressed)) {
                    let mut app = in_context(context, read_only);
                    let commands = app.update(Msg::Key(pressed));
                    assert!(commands.is_empty(), "{pressed:?} in {context:?}");
                    assert!(
                        app.notice
                            .as_deref()
                            .is_some_and(|n| n.starts_with("Read-only")),
                        "{pressed:?} in {context:?}: {:?}",
                        app.notice
                    );
                    continue;
                }
                let app = in_context(context, read_only);
                let (state, commands) = after(app, pressed);
                // The search line searches as it is typed into: typing there asks the index.
                if context != Context::Search {
                    assert_eq!(
                        commands, "[]",
                        "{pressed:?} is not in the help of {context:?} but sent a request"
                    );
                }
                // The dialog here asks for no name: nothing is typed into it.
                if context.takes_typing() && context != Context::Dialog {
                    // Typing goes into the focused field, and the focus stays there.
                    let mut app = in_context(context, read_only);
                    app.update(Msg::Key(pressed));
                    assert_eq!(app.context(), context, "{pressed:?} in {context:?}");
                } else {
                    assert_eq!(
                        (state, commands),
                        untouched,
                        "{pressed:?} is not in the help of {context:?} (read-only {read_only}) but acted"
                    );
                }
            }
        }
    }
}

/// What is open on top is one value: the context, what is drawn and where keys and the mouse
/// go all follow from it. Two ways they once drifted apart:
#[test]
fn the_mouse_wheel_scrolls_what_a_search_found() {
    use ratatui::crossterm::event::{KeyModifiers, MouseEvent, MouseEventKind};
    let mut app = loaded();
    app.index.on = true;
    type_text(&mut app, "/lee");
    app.update(key(KeyCode::Enter));
    assert_eq!(app.context(), Context::Found);
    // The search's rows on screen.
    app.customers = crate::common::screens::customers(1..=10);
    app.selected = 0;
    app.update(Msg::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: 5,
        row: 5,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(app.selected, 1, "the wheel moves down the matches");
}

#[test]
fn the_help_scrolls_to_its_last_line_with_the_index_note() {
    let mut app = loaded();
    app.index.on = true;
    app.update(Msg::Resize(bc_customers::ui::table_area(24)));
    type_text(&mut app, "?");
    for _ in 0..60 {
        app.update(key(KeyCode::Char('j')));
    }
    let bottom = crate::common::screens::draw(&app, 80, 24);
    assert!(
        bottom.contains("/ searches the local index"),
        "the last line shows: {bottom}"
    );
    assert!(bottom.contains("back up"), "{bottom}");
}

#[test]
fn ctrl_c_in_a_form_with_changes_asks_first() {
    use bc_customers::app::dialog::DialogKind;
    let ctrl_c = || Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));

    // Nothing typed: Ctrl-c quits at once, as anywhere.
    let mut app = loaded();
    app.update(key(KeyCode::Char('n')));
    app.update(ctrl_c());
    assert!(app.should_quit);

    // Something typed: the question first; Esc keeps the form and what was typed.
    let mut app = loaded();
    app.update(key(KeyCode::Char('n')));
    type_text(&mut app, "Ada");
    app.update(ctrl_c());
    assert!(!app.should_quit);
    assert!(matches!(
        app.dialog().map(|d| &d.kind),
        Some(DialogKind::QuitWithChanges)
    ));
    assert_eq!(
        app.dialog().map(|d| d.focus),
        Some(0),
        "focus on Keep editing"
    );
    app.update(key(KeyCode::Esc));
    assert!(app.dialog().is_none());
    assert_eq!(app.form().map(|f| f.inputs[0].value()), Some("Ada"));

    // Asked, then chosen: quits; or Ctrl-c again at the question quits at once.
    app.update(ctrl_c());
    app.update(key(KeyCode::Right));
    app.update(key(KeyCode::Enter));
    assert!(app.should_quit);
    let mut app = loaded();
    app.update(key(KeyCode::Char('n')));
    type_text(&mut app, "Ada");
    app.update(ctrl_c());
    app.update(ctrl_c());
    assert!(app.should_quit);
}

#[test]
fn the_hint_bar_keeps_help_and_quit_at_80_columns_and_offers_only_what_works() {
    let mut app = loaded();
    let bottom = |app: &App| {
        let screen = crate::common::screens::draw(app, 80, 20);
        screen.lines().rev().nth(1).unwrap_or_default().to_owned()
    };
    let hints = bottom(&app);
    assert!(hints.contains("? help"), "{hints}");
    assert!(hints.contains("q ^c quit"), "{hints}");
    assert!(
        !hints.contains("/ search"),
        "no index, no search offered: {hints}"
    );
    app.index.on = true;
    assert!(bottom(&app).contains("/ search"));
}

#[test]
fn a_double_click_opens_a_customer_and_a_click_on_a_title_sorts_by_it() {
    use bc_customers::index::SortColumn;
    use bc_customers::worker::Read;
    use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let mut app = loaded();
    app.index.on = true;
    let click = |app: &mut App, row: u16| {
        app.update(Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: 10,
            row,
            modifiers: KeyModifiers::NONE,
        }))
    };
    let top = app.table_top();
    // One click chooses; a second on the same row soon after opens it.
    click(&mut app, top + 2);
    assert_eq!(app.selected, 2);
    assert_eq!(app.screen, Screen::Table);
    click(&mut app, top + 2);
    assert_eq!(app.screen, Screen::Detail);
    app.update(key(KeyCode::Esc));
    // A second click long after only chooses.
    click(&mut app, top + 3);
    app.now += chrono::Duration::seconds(2);
    click(&mut app, top + 3);
    assert_eq!(app.screen, Screen::Table);

    // The titles: the column under the click, found as the table lays them out.
    let title_at = |name: &str| {
        let screen = crate::common::screens::draw(&app, 120, 20);
        let line = screen
            .lines()
            .nth(usize::from(app.table_top()) - 1)
            .unwrap_or_default();
        line.find(name)
            .map(|at| line[..at].chars().count() as u16)
            .expect("the title")
    };
    let x = title_at("Company");
    assert_eq!(
        bc_customers::ui::column_at(&app, 120, x),
        Some(SortColumn::Company)
    );
    assert_eq!(
        bc_customers::ui::column_at(&app, 120, title_at("Email") + 2),
        Some(SortColumn::Email)
    );
    let asked = reads(&app.update(Msg::SortBy(SortColumn::Company)));
    assert!(asked.iter().any(|(_, _, read)| matches!(read,
        Read::Search { query, .. } if query.sort.column == SortColumn::Company && !query.sort.descending)));
    let again = reads(&app.update(Msg::SortBy(SortColumn::Company)));
    assert!(
        again.iter().any(|(_, _, read)| matches!(read,
        Read::Search { query, .. } if query.sort.descending)),
        "again: the other way"
    );
}
