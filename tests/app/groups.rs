//! The groups view: counts per group in the background, a group's customers on Enter, and
//! creating, renaming and deleting groups with what the store says kept in view.

use bc_customers::app::dialog::DialogKind;
use bc_customers::app::{Msg, Screen};
use bc_customers::store::ApiError;
use bc_customers::worker::{Command, Event, Outcome, Read, Slot, Write};
use ratatui::crossterm::event::KeyCode;

use crate::common::screens::{answer, draw, groups, key, loaded, reads, type_text};

#[test]
fn the_groups_view_counts_shows_and_filters() {
    let mut app = loaded();
    let opened = reads(&app.update(key(KeyCode::Char('C'))));
    assert_eq!(app.screen, Screen::Groups);
    let [(request, Slot::Groups, Read::Groups)] = opened.as_slice() else {
        panic!("the groups are read again: {opened:?}");
    };
    let counting = reads(&app.update(answer(
        *request,
        Slot::Groups,
        Ok(Outcome::Groups(groups())),
    )));
    let [(count_request, Slot::GroupCounts, Read::GroupCounts { group_ids })] = counting.as_slice()
    else {
        panic!("one count per group, in the background: {counting:?}");
    };
    assert_eq!(group_ids, &vec![1, 2, 0], "and those in no group");
    app.update(answer(
        *count_request,
        Slot::GroupCounts,
        Ok(Outcome::GroupCounts(vec![(1, 1234), (2, 12), (0, 7)])),
    ));
    let screen = draw(&app, 100, 14);
    assert!(
        screen.contains("Retail") && screen.contains("default"),
        "{screen}"
    );
    assert!(
        screen.contains("1,234") && screen.contains("12"),
        "{screen}"
    );

    // d asks first, saying how many customers will be left in no group; focus on Cancel.
    app.update(key(KeyCode::Char('j')));
    app.update(key(KeyCode::Char('d')));
    let dialog = app.dialog().expect("a dialog");
    assert!(matches!(
        dialog.kind,
        DialogKind::DeleteGroup {
            customers: Some(12),
            ..
        }
    ));
    assert_eq!(dialog.focus, 0);
    assert!(draw(&app, 100, 20).contains("Its 12 customers will be left in no group."));
    app.update(key(KeyCode::Esc));

    // Enter shows the group's customers.
    let filtered = reads(&app.update(key(KeyCode::Enter)));
    assert_eq!(app.screen, Screen::Table);
    assert_eq!(app.filter.customer_group_id, Some(2));
    assert!(
        matches!(&filtered[0].2, Read::List { filter, .. } if filter.customer_group_id == Some(2))
    );
}

#[test]
fn a_refused_group_name_stays_typed_with_the_stores_reason() {
    let mut app = loaded();
    app.update(key(KeyCode::Char('C')));
    app.update(key(KeyCode::Char('n')));
    type_text(&mut app, "retail");
    let sent = app.update(key(KeyCode::Enter));
    let [
        Command::Write {
            request,
            write: Write::CreateGroup { group },
        },
    ] = sent.as_slice()
    else {
        panic!("a create: {sent:?}");
    };
    assert_eq!(group.name.as_deref(), Some("retail"));
    app.update(bc_customers::app::Msg::Worker(Box::new(Event {
        request: *request,
        slot: None,
        result: Err(ApiError::from_response(
            409,
            br#"[{"status":409,"message":"The group name 'retail' is already in use."}]"#,
        )
        .into()),
        elapsed: std::time::Duration::ZERO,
        budget: Default::default(),
    })));
    let asked = app.group_prompt().expect("still open");
    assert_eq!(asked.prompt.input.value(), "retail");
    assert!(
        asked
            .prompt
            .problem
            .as_deref()
            .is_some_and(|p| p.contains("already in use")),
        "{:?}",
        asked.prompt.problem
    );
}

#[test]
fn read_only_hides_the_group_changes() {
    let mut app = loaded();
    app.store.read_only = true;
    app.update(key(KeyCode::Char('C')));
    for c in ['n', 'e', 'd'] {
        app.update(key(KeyCode::Char(c)));
        assert!(
            app.group_prompt().is_none() && app.dialog().is_none(),
            "{c} does nothing"
        );
    }
    app.update(key(KeyCode::Char('?')));
    let help = draw(&app, 100, 30);
    assert!(
        !help.contains("new group") && help.contains("the group's customers"),
        "{help}"
    );
}

#[test]
fn group_names_cost_one_request_per_session_not_one_per_page() {
    let mut app = loaded();
    let mut asked = Vec::new();
    for keys in ["]", "]", "[", "{", "}", "jjk"] {
        for c in keys.chars() {
            asked.extend(reads(&app.update(key(KeyCode::Char(c)))));
        }
    }
    assert!(
        asked.iter().all(|(_, slot, _)| *slot != Slot::Groups),
        "paging reads no groups: {asked:?}"
    );
    let refreshed = reads(&app.update(key(KeyCode::Char('r'))));
    assert_eq!(
        refreshed
            .iter()
            .filter(|(_, slot, _)| *slot == Slot::Groups)
            .count(),
        1,
        "r reads them again, once"
    );
}

#[test]
fn the_customers_in_no_group_have_a_row_and_a_new_group_is_chosen_once_made() {
    use bc_customers::domain::CustomerGroup;
    let mut app = loaded();
    let opened = reads(&app.update(key(KeyCode::Char('C'))));
    app.update(answer(
        opened[0].0,
        Slot::Groups,
        Ok(Outcome::Groups(groups())),
    ));
    assert!(draw(&app, 100, 14).contains("(no group)"));
    // G: the last row, the customers in no group; Enter lists them.
    app.update(key(KeyCode::Char('G')));
    assert_eq!(app.groups_view.selected, 2);
    assert!(app.selected_group().is_none());
    app.update(key(KeyCode::Char('e')));
    assert!(
        app.notice
            .as_deref()
            .is_some_and(|n| n.contains("no group"))
    );
    app.update(key(KeyCode::Char('g')));
    assert_eq!(app.groups_view.selected, 0);
    app.update(key(KeyCode::Char('G')));
    let listed = reads(&app.update(key(KeyCode::Enter)));
    assert_eq!(app.screen, Screen::Table);
    assert_eq!(app.filter.customer_group_id, Some(0));
    assert!(!listed.is_empty());

    // A new group: once made, it is the one chosen.
    let opened = reads(&app.update(key(KeyCode::Char('C'))));
    app.update(answer(
        opened[0].0,
        Slot::Groups,
        Ok(Outcome::Groups(groups())),
    ));
    app.update(key(KeyCode::Char('n')));
    type_text(&mut app, "Trade");
    let sent = app.update(key(KeyCode::Enter));
    let [Command::Write { request, .. }] = sent.as_slice() else {
        panic!("a create: {sent:?}");
    };
    let made = CustomerGroup {
        id: 9,
        name: "Trade".into(),
        ..CustomerGroup::default()
    };
    let reread = reads(&app.update(Msg::Worker(Box::new(Event {
        request: *request,
        slot: None,
        result: Ok(Outcome::Group(made.clone())),
        elapsed: std::time::Duration::ZERO,
        budget: Default::default(),
    }))));
    let mut now = groups();
    now.insert(1, made);
    app.update(answer(reread[0].0, Slot::Groups, Ok(Outcome::Groups(now))));
    assert_eq!(app.selected_group().map(|g| g.id), Some(9));
}
