//! `App::update` without a terminal or a network: keys and worker results in, commands and
//! state out; and what `ui::render` draws for that state.

use crate::common;

use std::time::Duration;

use bc_customers::app::{App, Msg, Screen, StoreLabel};
use bc_customers::jobs::{Progress, Step};
use bc_customers::store::{ApiError, RateSnapshot};
use bc_customers::worker::{Command, Event, Outcome, Read, Slot};
use common::screens::{answer, customers, draw, key, loaded, reads, store, type_text};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[test]
fn first_screen_shows_position_and_prefetches() {
    let app = loaded();
    assert_eq!(app.position(), "1–50 of 120");
    assert_eq!(app.last_page(), Some(3));
    assert!(!app.loading);
    assert_eq!(app.budget.left, Some(149));
}

#[test]
fn next_page_is_instant_from_the_prefetch() {
    let mut app = loaded();
    let commands = reads(&app.update(key(KeyCode::Char(']'))));
    assert_eq!(app.page, 2);
    assert_eq!(
        app.customers.first().map(|c| c.id),
        Some(51),
        "shown without waiting"
    );
    assert!(!app.loading);
    assert_eq!(commands.len(), 1);
    assert!(matches!(
        commands[0],
        (_, Slot::NextPage, Read::List { page: 3, .. })
    ));
    assert_eq!(app.position(), "51–100 of 120");
}

#[test]
fn paging_keys_stay_in_bounds() {
    let mut app = loaded();
    assert!(
        app.update(key(KeyCode::Char('['))).is_empty(),
        "no page before the first"
    );
    let last = reads(&app.update(key(KeyCode::Char('}'))));
    assert_eq!(app.requested_page, Some(3));
    assert_eq!(
        app.page, 1,
        "the page on screen changes when its rows arrive"
    );
    assert!(matches!(
        last[0],
        (
            _,
            Slot::Page,
            Read::List {
                page: 3,
                limit: 50,
                ..
            }
        )
    ));
    assert!(app.loading);
    app.update(answer(
        last[0].0,
        Slot::Page,
        Ok(Outcome::Page(customers(101..=120))),
    ));
    assert_eq!(app.page, 3);
    assert_eq!(app.position(), "101–120 of 120");
    assert!(
        app.update(key(KeyCode::Char(']'))).is_empty(),
        "no page after the last"
    );
    let first = reads(&app.update(key(KeyCode::Char('{'))));
    assert!(matches!(
        first[0],
        (_, Slot::Page, Read::List { page: 1, .. })
    ));
}

#[test]
fn stale_pages_are_dropped() {
    let mut app = loaded();
    let to_three = reads(&app.update(key(KeyCode::Char('}'))));
    // Back to the page still on screen before page 3 came: nothing to fetch, nothing to wait for.
    let back_to_one = reads(&app.update(key(KeyCode::Char('{'))));
    assert!(back_to_one.is_empty());
    assert!(!app.loading);
    app.update(answer(
        to_three[0].0,
        Slot::Page,
        Ok(Outcome::Page(customers(101..=120))),
    ));
    assert_eq!(app.page, 1);
    assert_eq!(
        app.customers.first().map(|c| c.id),
        Some(1),
        "the late answer for page 3 was ignored"
    );
}

#[test]
fn moving_selection_and_opening_the_detail() {
    let mut app = loaded();
    app.update(key(KeyCode::Char('j')));
    app.update(key(KeyCode::Down));
    assert_eq!(app.selected, 2);
    app.update(key(KeyCode::Char('G')));
    assert_eq!(app.selected, 49);
    app.update(key(KeyCode::Char('j')));
    assert_eq!(app.selected, 49, "stays on the last row");
    app.update(key(KeyCode::Char('g')));
    app.update(key(KeyCode::Enter));
    assert_eq!(app.screen, Screen::Detail);
    assert_eq!(app.selected_customer().map(|c| c.id), Some(1));
    app.update(key(KeyCode::Esc));
    assert_eq!(app.screen, Screen::Table);
}

#[test]
fn refresh_keeps_the_selected_customer() {
    let mut app = loaded();
    for _ in 0..5 {
        app.update(key(KeyCode::Char('j')));
    }
    let refresh = reads(&app.update(key(KeyCode::Char('r'))));
    assert_eq!(
        refresh.len(),
        3,
        "the page, its count, and the groups again"
    );
    assert!(matches!(refresh[2].2, Read::Groups));
    // Customer 2 was deleted elsewhere: the page shifts, the selection follows customer 6.
    let mut page = customers(1..=51);
    page.remove(1);
    app.update(answer(refresh[0].0, Slot::Page, Ok(Outcome::Page(page))));
    assert_eq!(app.selected_customer().map(|c| c.id), Some(6));
}

#[test]
fn errors_keep_the_last_good_data() {
    let mut app = loaded();
    let refresh = reads(&app.update(key(KeyCode::Char('r'))));
    let error = ApiError::Status {
        status: 503,
        message: "maintenance".into(),
        field: None,
    };
    app.update(answer(refresh[0].0, Slot::Page, Err(error)));
    assert_eq!(app.customers.len(), 50);
    assert!(app.last_error.as_deref().is_some_and(|e| e.contains("503")));
    assert!(!app.loading);
}

#[test]
fn help_and_quit() {
    let mut app = loaded();
    app.update(key(KeyCode::Char('?')));
    assert!(app.help_open());
    assert!(
        app.update(key(KeyCode::Char(']'))).is_empty(),
        "help takes the keys"
    );
    app.update(key(KeyCode::Esc));
    assert!(!app.help_open());
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )));
    assert!(app.should_quit);
}

#[test]
fn renders_the_table_header_and_status() {
    let app = loaded();
    let screen = draw(&app, 120, 20);
    assert!(
        screen.contains("SANDBOX") && screen.contains("Demo Store"),
        "{screen}"
    );
    assert!(
        screen.contains("ID") && screen.contains("Email") && screen.contains("Created"),
        "{screen}"
    );
    assert!(screen.contains("c1@example.com"), "{screen}");
    assert!(
        screen.contains("1–50 of 120") && screen.contains("page 1 of 3"),
        "{screen}"
    );
    assert!(screen.contains("quota 149/150"), "{screen}");
    assert!(
        screen.contains("Enter") && screen.contains("details"),
        "the hint bar: {screen}"
    );
    let narrow = draw(&app, 60, 20);
    assert!(
        narrow.contains("Email") && !narrow.contains("Phone"),
        "narrow terminals drop columns: {narrow}"
    );
}

#[test]
fn a_tiny_terminal_gets_a_message() {
    let app = loaded();
    assert!(draw(&app, 20, 6).contains("Terminal"));
}

#[test]
fn text_from_the_store_is_shown_not_obeyed() {
    let mut app = App::new(store(), 50, "backups".into());
    let start = reads(&app.start());
    let mut evil = customers(1..=1);
    evil[0].first_name = "\u{1b}[2J\u{1b}]0;pwned\u{7}".into();
    evil[0].notes = "right\u{202e}left".into();
    app.update(answer(start[0].0, Slot::Page, Ok(Outcome::Page(evil))));
    let table = draw(&app, 120, 10);
    assert!(table.contains("␛[2J␛]0;pwned␇"), "{table}");
    assert!(!table.contains('\u{1b}'));
    app.update(key(KeyCode::Enter));
    let detail = draw(&app, 120, 30);
    assert!(detail.contains("right�left"), "{detail}");
    assert!(
        detail.contains("(store: Tue, 13 Nov 2012 21:16:41 +0000)"),
        "{detail}"
    );
}

#[test]
fn the_filter_panel_takes_typing_checks_it_and_applies_whole() {
    let mut app = loaded();
    app.update(key(KeyCode::Char('f')));
    assert!(app.filter_form().is_some());
    type_text(&mut app, "q]?"); // typing, not quitting, paging or help
    assert!(!app.should_quit && app.page == 1 && !app.help_open());
    let form = app.filter_form().expect("open");
    assert_eq!(form.inputs[0].value(), "q]?");
    for _ in 0..3 {
        app.update(key(KeyCode::Backspace));
    }
    type_text(&mut app, "Ann");
    app.update(key(KeyCode::Tab));
    app.update(key(KeyCode::Tab));
    app.update(key(KeyCode::Tab));
    app.update(key(KeyCode::Tab));
    app.update(key(KeyCode::Tab));
    type_text(&mut app, "lots"); // store_credit
    let form = app.filter_form().expect("open");
    assert!(
        form.errors[5]
            .as_deref()
            .is_some_and(|e| e.contains("not an amount")),
        "checked as typed"
    );

    assert!(
        app.update(key(KeyCode::Enter)).is_empty(),
        "a form with errors is not applied"
    );
    let form = app.filter_form().expect("still open, text kept");
    assert_eq!(form.inputs[0].value(), "Ann");
    assert!(form.message.is_some());

    for _ in 0..4 {
        app.update(key(KeyCode::Backspace));
    }
    type_text(&mut app, "12.5");
    let commands = reads(&app.update(key(KeyCode::Enter)));
    assert!(app.filter_form().is_none());
    assert_eq!(app.page, 1);
    assert_eq!(app.filter.first_name.as_deref(), Some("Ann"));
    assert_eq!(
        commands.len(),
        3,
        "page and count with the new filter, and the store's count"
    );
    assert!(
        matches!(&commands[1].2, Read::Count { filter } if filter.first_name.as_deref() == Some("Ann"))
    );
    assert!(matches!(&commands[2].2, Read::Count { filter } if filter.is_empty()));
    let screen = draw(&app, 120, 20);
    assert!(
        screen.contains("first_name=Ann") && screen.contains("store_credit=12.5"),
        "chips: {screen}"
    );

    // Reopening shows the filter in force; x clears it.
    app.update(key(KeyCode::Char('f')));
    assert_eq!(
        app.filter_form().map(|f| f.inputs[0].value().to_owned()),
        Some("Ann".into())
    );
    let panel = draw(&app, 120, 30);
    assert!(panel.contains("match the whole value exactly"), "{panel}");
    app.update(key(KeyCode::Esc));
    let cleared = reads(&app.update(key(KeyCode::Char('x'))));
    assert!(app.filter.is_empty());
    assert_eq!(cleared.len(), 2);
}

#[test]
fn jumping_to_a_page_by_number() {
    let mut app = loaded();
    app.update(key(KeyCode::Char(':')));
    type_text(&mut app, "9");
    assert!(
        app.update(key(KeyCode::Enter)).is_empty(),
        "page 9 of 3 is refused"
    );
    assert!(
        app.page_prompt()
            .is_some_and(|prompt| prompt.problem.as_deref() == Some("a page from 1 to 3"))
    );
    assert!(draw(&app, 120, 20).contains("a page from 1 to 3"));
    app.update(key(KeyCode::Backspace));
    type_text(&mut app, "3");
    let commands = reads(&app.update(key(KeyCode::Enter)));
    assert!(app.page_prompt().is_none());
    assert_eq!(app.requested_page, Some(3));
    assert!(matches!(
        commands[0],
        (_, Slot::Page, Read::List { page: 3, .. })
    ));
    app.update(key(KeyCode::Char('p')));
    app.update(key(KeyCode::Esc));
    assert!(app.page_prompt().is_none() && app.requested_page == Some(3));
}

#[test]
fn the_wheel_scrolls_and_a_click_selects() {
    use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mouse = |kind, row| {
        Msg::Mouse(MouseEvent {
            kind,
            column: 10,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let mut app = loaded();
    app.update(Msg::Resize(bc_customers::ui::table_area(20)));
    app.update(mouse(MouseEventKind::ScrollDown, 5));
    app.update(mouse(MouseEventKind::ScrollDown, 5));
    assert_eq!(app.selected, 2);
    app.update(mouse(MouseEventKind::ScrollUp, 5));
    assert_eq!(app.selected, 1);
    // Line 2 is the first customer row; line 6 the fifth.
    app.update(mouse(MouseEventKind::Down(MouseButton::Left), 6));
    assert_eq!(app.selected_customer().map(|c| c.id), Some(5));
    let screen = draw(&app, 120, 20);
    assert_eq!(
        screen
            .lines()
            .nth(6)
            .map(|line| line.trim_start().starts_with('5')),
        Some(true),
        "{screen}"
    );
    app.update(mouse(MouseEventKind::Down(MouseButton::Left), 0));
    assert_eq!(app.selected, 4, "a click on the header selects nothing");
}

#[test]
fn exporting_from_the_table_shows_progress_and_where_it_went() {
    use bc_customers::worker::Write;
    let mut app = loaded();
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('E'),
        KeyModifiers::SHIFT,
    )));
    let input = &app.export_prompt().expect("the prompt opens").input;
    assert!(input.value().starts_with("customers-") && input.value().ends_with(".csv"));
    assert!(
        draw(&app, 120, 20).contains("Export 120 customers to a file, as CSV"),
        "{}",
        draw(&app, 120, 20)
    );
    for _ in 0..40 {
        app.update(key(KeyCode::Backspace));
    }
    type_text(&mut app, "out.json");
    let commands = app.update(key(KeyCode::Enter));
    let request = match commands.as_slice() {
        [
            Command::Write {
                request,
                write:
                    Write::Export {
                        path,
                        of: bc_customers::worker::ExportOf::Matching(filter),
                        replace: false,
                    },
            },
        ] => {
            assert_eq!(path.to_str(), Some("out.json"));
            assert!(filter.is_empty());
            *request
        }
        other => panic!("expected one export, got {other:?}"),
    };
    let progress = |written| {
        Msg::Worker(Box::new(Event {
            request,
            slot: None,
            result: Ok(Outcome::Progress(Progress {
                step: Step::Exporting,
                done: written,
                total: 120,
            })),
            elapsed: Duration::ZERO,
            budget: RateSnapshot::default(),
        }))
    };
    app.update(progress(60));
    assert!(draw(&app, 120, 20).contains("exporting [█████░░░░░] 60/120"));
    app.update(Msg::Worker(Box::new(Event {
        request,
        slot: None,
        result: Ok(Outcome::Exported {
            written: 120,
            path: "out.json".into(),
        }),
        elapsed: Duration::ZERO,
        budget: RateSnapshot::default(),
    })));
    assert!(app.export.is_none());
    assert!(draw(&app, 160, 20).contains("Exported 120 customers to out.json as JSON"));
}

/// Screens as a person sees them, pinned with insta snapshots (`tests/snapshots/`). Dates are
/// left empty so that the machine's time zone cannot change them.
fn snapshot_app() -> App {
    let mut app = App::new(
        StoreLabel {
            name: "Demo Store".into(),
            hash: None,
            sandbox: true,
            read_only: true,
        },
        50,
        "backups".into(),
    );
    let start = reads(&app.start());
    let mut page = customers(1..=12);
    for customer in &mut page {
        customer.date_created.clear();
        customer.date_modified.clear();
    }
    page[1].company = "Lee & Co".into();
    page[1].phone = "(555) 010-0100".into();
    page[1].store_credit = rust_decimal::Decimal::new(125_000, 4);
    page[1].customer_group_id = 2;
    page[1].notes = "Prefers email.\u{1b}[31m".into();
    app.update(answer(start[1].0, Slot::Count, Ok(Outcome::Count(1_234))));
    app.update(answer(start[0].0, Slot::Page, Ok(Outcome::Page(page))));
    app
}

#[test]
fn snapshot_screens() {
    let mut app = snapshot_app();
    insta::assert_snapshot!("table", draw(&app, 100, 18));
    insta::assert_snapshot!("table_narrow", draw(&app, 50, 12));
    insta::assert_snapshot!("too_small", draw(&app, 20, 6));

    app.update(key(KeyCode::Char('j')));
    app.update(key(KeyCode::Enter));
    insta::assert_snapshot!("detail", draw(&app, 100, 24));
    app.update(key(KeyCode::Char('?')));
    insta::assert_snapshot!("help_detail", draw(&app, 100, 24));
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Esc));

    app.update(key(KeyCode::Char('f')));
    type_text(&mut app, "Ann");
    for _ in 0..5 {
        app.update(key(KeyCode::Tab));
    }
    type_text(&mut app, "-3");
    app.update(key(KeyCode::Enter));
    insta::assert_snapshot!("filter_panel_with_error", draw(&app, 100, 26));
    app.update(key(KeyCode::Esc));

    let refresh = reads(&app.update(key(KeyCode::Char('r'))));
    let error = ApiError::Status {
        status: 401,
        message: "You are not authorized.".into(),
        field: None,
    };
    app.update(answer(refresh[0].0, Slot::Page, Err(error)));
    insta::assert_snapshot!("error_keeps_data", draw(&app, 160, 10));
}

#[test]
fn the_store_credit_column_fits_the_largest_amount() {
    let mut app = loaded();
    app.customers[0].store_credit = "1234567890.1234".parse().expect("an amount");
    app.customers[1].store_credit = "9999999999.9999".parse().expect("an amount");
    let screen = draw(&app, 160, 12);
    assert!(screen.contains(" 1234567890.1234"), "{screen}");
    assert!(screen.contains(" 9999999999.9999"), "{screen}");
}

#[test]
fn details_opened_from_the_table_are_read_from_the_store() {
    use bc_customers::domain::Customer;
    let mut app = loaded();
    app.update(key(KeyCode::Down));
    let opened = reads(&app.update(key(KeyCode::Enter)));
    assert_eq!(app.screen, Screen::Detail);
    let Some((request, _, _)) = opened
        .iter()
        .find(|(_, slot, read)| *slot == Slot::Customer && *read == Read::Get { customer_id: 2 })
    else {
        panic!("the customer is read live: {opened:?}");
    };
    // Shown at once from the page, then as the store has it.
    assert_eq!(app.selected_customer().map(|c| c.notes.as_str()), Some(""));
    let changed = Customer {
        notes: "Called on Tuesday".into(),
        date_modified: "Sat, 05 Dec 2026 09:00:00 +0000".into(),
        ..app.customers[1].clone()
    };
    app.update(answer(
        *request,
        Slot::Customer,
        Ok(Outcome::Customer(changed)),
    ));
    assert_eq!(
        app.selected_customer().map(|c| c.notes.as_str()),
        Some("Called on Tuesday")
    );
    let screen = draw(&app, 120, 30);
    assert!(screen.contains("Called on Tuesday"), "{screen}");
}

#[test]
fn an_export_over_a_file_asks_first_and_marks_are_what_is_exported() {
    use bc_customers::app::dialog::DialogKind;
    use bc_customers::worker::{Chosen, ExportOf, Write};
    let mut app = loaded();
    // Two marked: E exports those, as D and B act on them.
    app.update(key(KeyCode::Char(' ')));
    app.update(key(KeyCode::Char(' ')));
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('E'),
        KeyModifiers::SHIFT,
    )));
    assert!(draw(&app, 120, 20).contains("Export 2 marked customers to a file, as CSV"));
    for _ in 0..40 {
        app.update(key(KeyCode::Backspace));
    }
    type_text(&mut app, "out.txt");
    assert!(
        draw(&app, 140, 20).contains("as CSV (the name ends in none of .csv, .json, .ndjson)"),
        "{}",
        draw(&app, 140, 20)
    );
    let sent = app.update(key(KeyCode::Enter));
    let [
        Command::Write {
            request,
            write:
                Write::Export {
                    of,
                    path,
                    replace: false,
                },
        },
    ] = sent.as_slice()
    else {
        panic!("an export: {sent:?}");
    };
    assert_eq!(*of, ExportOf::Marked(Chosen::Ids(vec![1, 2])));
    // The file is there: asked, focus on Cancel; Replace sends it again, replacing.
    app.update(Msg::Worker(Box::new(Event {
        request: *request,
        slot: None,
        result: Ok(Outcome::ExportWouldReplace {
            of: of.clone(),
            path: path.clone(),
        }),
        elapsed: Duration::ZERO,
        budget: RateSnapshot::default(),
    })));
    let dialog = app.dialog().expect("asked");
    assert!(matches!(dialog.kind, DialogKind::ReplaceExport { .. }));
    assert_eq!(dialog.focus, 0);
    app.update(key(KeyCode::Right));
    let again = app.update(key(KeyCode::Enter));
    assert!(matches!(
        again.as_slice(),
        [Command::Write {
            write: Write::Export { replace: true, .. },
            ..
        }]
    ));
}

#[test]
fn an_error_fades_when_the_next_read_succeeds_and_an_empty_store_says_so() {
    let mut app = loaded();
    let asked = reads(&app.update(key(KeyCode::Char('r'))));
    let (page, _, _) = asked
        .iter()
        .find(|(_, slot, _)| *slot == Slot::Page)
        .expect("the page is read again");
    app.update(answer(
        *page,
        Slot::Page,
        Err(ApiError::Network(
            "at 127.0.0.1:9: connection refused".into(),
        )),
    ));
    assert!(app.last_error.is_some());
    let again = reads(&app.update(key(KeyCode::Char('r'))));
    let (count, _, _) = again
        .iter()
        .find(|(_, slot, _)| *slot == Slot::Count)
        .expect("counted again");
    app.update(answer(*count, Slot::Count, Ok(Outcome::Count(120))));
    assert_eq!(
        app.last_error, None,
        "the store answers again: the error goes"
    );

    // A store with nobody: "no customers", never "none of 0".
    let mut empty = common::screens::showing(store(), 0);
    empty.total = Some(0);
    assert_eq!(empty.position(), "no customers");
}

#[test]
fn notes_wrap_under_their_first_line() {
    let mut app = loaded();
    app.customers[0].notes =
        "Prefers phone calls after five in the afternoon on weekdays\nShips to the warehouse"
            .into();
    app.update(key(KeyCode::Enter));
    let screen = draw(&app, 70, 40);
    let notes: Vec<&str> = screen
        .lines()
        .skip_while(|line| !line.contains("Notes  "))
        .take(3)
        .collect();
    assert!(notes[0].contains("Notes  Prefers phone"), "{screen}");
    for line in &notes[1..] {
        let text = line.trim_start_matches('│');
        assert!(
            text.starts_with(&" ".repeat(26)),
            "indented: {line:?}\n{screen}"
        );
    }
    assert!(
        notes
            .iter()
            .any(|line| line.contains("Ships to the warehouse")),
        "{screen}"
    );
}
