//! An app on a page of made-up customers, and what it draws: the fixtures of the tests that
//! drive `App::update` without a terminal or a network.

use std::time::Duration;

use bc_customers::app::{App, Msg, StoreLabel};
use bc_customers::domain::{Customer, CustomerGroup};
use bc_customers::store::{ApiError, RateSnapshot};
use bc_customers::worker::{Command, Event, Outcome, Read, RequestId, Slot};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub fn store() -> StoreLabel {
    StoreLabel {
        name: "Demo Store".into(),
        hash: None,
        sandbox: true,
        read_only: false,
    }
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn customers(ids: std::ops::RangeInclusive<i64>) -> Vec<Customer> {
    ids.map(|id| Customer {
        id,
        first_name: format!("First{id}"),
        last_name: "Lee".into(),
        email: format!("c{id}@example.com"),
        date_created: "Tue, 13 Nov 2012 21:16:41 +0000".into(),
        ..Customer::default()
    })
    .collect()
}

pub fn reads(commands: &[Command]) -> Vec<(RequestId, Slot, Read)> {
    commands
        .iter()
        .filter_map(|command| match command {
            Command::Read {
                request,
                slot,
                read,
            } => Some((*request, *slot, read.clone())),
            _ => None,
        })
        .collect()
}

pub fn answer(request: RequestId, slot: Slot, result: Result<Outcome, ApiError>) -> Msg {
    Msg::Worker(Box::new(Event {
        request,
        slot: Some(slot),
        result: result.map_err(Into::into),
        elapsed: Duration::from_millis(3),
        budget: RateSnapshot {
            quota: Some(150),
            left: Some(149),
            resets_in: None,
            window: Some(Duration::from_secs(30)),
        },
    }))
}

/// The store's groups in the made-up store: a default and one other.
pub fn groups() -> Vec<CustomerGroup> {
    vec![
        CustomerGroup {
            id: 1,
            name: "Retail".into(),
            is_default: true,
            ..CustomerGroup::default()
        },
        CustomerGroup {
            id: 2,
            name: "Wholesale".into(),
            ..CustomerGroup::default()
        },
    ]
}

/// An app showing page 1 of 120 customers, 50 a page, with page 2 fetched ahead and the
/// store's groups loaded.
pub fn loaded() -> App {
    let mut app = App::new(store(), 50, "backups".into());
    let start = reads(&app.start());
    assert_eq!(start.len(), 3, "the first page, the count and the groups");
    app.update(answer(
        start[2].0,
        Slot::Groups,
        Ok(Outcome::Groups(groups())),
    ));
    app.update(answer(start[1].0, Slot::Count, Ok(Outcome::Count(120))));
    let prefetch = reads(&app.update(answer(
        start[0].0,
        Slot::Page,
        Ok(Outcome::Page(customers(1..=50))),
    )));
    assert_eq!(prefetch.len(), 1);
    assert_eq!(prefetch[0].1, Slot::NextPage);
    app.update(answer(
        prefetch[0].0,
        Slot::NextPage,
        Ok(Outcome::Page(customers(51..=100))),
    ));
    app
}

pub fn draw(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    terminal
        .draw(|frame| bc_customers::ui::render(app, frame))
        .expect("draws");
    let buffer = terminal.backend().buffer().clone();
    (0..height)
        .map(|y| {
            (0..width)
                .map(|x| buffer[(x, y)].symbol().to_owned())
                .collect::<String>()
                .trim_end()
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(key(KeyCode::Char(c)));
    }
}

/// An app for this store, showing its page of `count` customers (all there are).
pub fn showing(label: StoreLabel, count: i64) -> App {
    let mut app = App::new(label, 50, "backups".into());
    let start = reads(&app.start());
    app.update(answer(
        start[1].0,
        Slot::Count,
        Ok(Outcome::Count(count as u64)),
    ));
    app.update(answer(
        start[0].0,
        Slot::Page,
        Ok(Outcome::Page(customers(1..=count))),
    ));
    app
}

/// Answers the review a delete asks for (`d` or `D`): these ids, the store answering to
/// these names. The dialog opens on it.
pub fn review_delete(app: &mut App, commands: &[Command], ids: &[i64], names: &[&str]) {
    let asked = reads(commands);
    let Some((request, _, _)) = asked
        .iter()
        .find(|(_, slot, _)| *slot == Slot::DeleteReview)
    else {
        panic!("a delete review: {commands:?}");
    };
    app.update(answer(
        *request,
        Slot::DeleteReview,
        Ok(Outcome::DeleteReview {
            reviewed: bc_customers::jobs::review::Reviewed {
                ids: ids.to_vec(),
                filter: None,
                examples: Vec::new(),
            },
            confirmations: names.iter().map(|name| (*name).to_owned()).collect(),
        }),
    ));
}

/// A change set of the ledger as the worker reads it: `kind`, each customer done.
pub fn change_set(
    id: u64,
    kind: bc_customers::ledger::Kind,
    ids: &[i64],
) -> bc_customers::ledger::ChangeSet {
    use bc_customers::domain::{CustomerChange, Field, Value};
    use bc_customers::ledger::{
        ChangeSet, CustomerOutcome as Outcome, Did, End, Entry, Kind, Recorded, State,
    };
    let did = |customer: i64| match kind {
        Kind::Delete => Did::Deleted { customer },
        Kind::Create | Kind::Restore => Did::Created {
            customer: Box::new(Customer {
                id: customer,
                ..Customer::default()
            }),
        },
        _ => Did::Edited {
            customer,
            before: CustomerChange::set(Field::Company, Value::Text(String::new())),
            after: CustomerChange::set(Field::Company, Value::Text("Acme".into())),
            date_modified: String::new(),
        },
    };
    ChangeSet {
        id,
        kind,
        when: "2026-12-05T10:00:00+00:00".into(),
        store: Recorded::ByName("Demo Store".into()),
        customers: ids.to_vec(),
        backup: None,
        undoes: None,
        what: "company".into(),
        about: kind,
        end: Some(End {
            id,
            when: String::new(),
            cancelled: false,
            stopped: None,
        }),
        entries: ids
            .iter()
            .map(|&customer| {
                (
                    customer,
                    Entry {
                        intent: None,
                        outcome: Some(Outcome {
                            result: bc_customers::ledger::Verdict::Done,
                            did: Some(did(customer)),
                            why: None,
                            conflicts: Vec::new(),
                        }),
                        state: State::Done,
                        conflict: None,
                    },
                )
            })
            .collect(),
        running: false,
    }
}
