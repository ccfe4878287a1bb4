//! A store that fails: a failed load never looks like an empty store, the rows on screen
//! stay but say they are not current, and the position moves only with the rows.

use bc_customers::app::{App, Msg};
use bc_customers::store::ApiError;
use bc_customers::worker::{Outcome, Slot};
use ratatui::crossterm::event::KeyCode;

use crate::common::screens::{answer, customers, draw, key, loaded, reads, store};

fn refused() -> ApiError {
    ApiError::Network("at 127.0.0.1:9: connection refused".into())
}

#[test]
fn a_store_that_cannot_be_reached_is_not_an_empty_store() {
    let mut app = App::new(store(), 50, "backups".into());
    let start = reads(&app.start());
    app.update(answer(start[0].0, Slot::Page, Err(refused())));
    app.update(answer(start[1].0, Slot::Count, Err(refused())));
    let screen = draw(&app, 120, 12);
    assert!(!screen.contains("no customers"), "{screen}");
    assert!(
        screen.contains("Cannot reach the store at 127.0.0.1:9: connection refused — r retries"),
        "{screen}"
    );

    // r retries; when the store answers, the failure goes.
    let retry = reads(&app.update(key(KeyCode::Char('r'))));
    assert_eq!(retry.len(), 3, "the page, its count and the groups");
    app.update(answer(retry[1].0, Slot::Count, Ok(Outcome::Count(3))));
    app.update(answer(
        retry[0].0,
        Slot::Page,
        Ok(Outcome::Page(customers(1..=3))),
    ));
    let screen = draw(&app, 120, 12);
    assert!(!screen.contains("r retries"), "{screen}");
    assert!(screen.contains("First3"), "{screen}");
}

#[test]
fn while_the_store_is_down_the_rows_and_the_position_stay_together() {
    let mut app = loaded();
    app.update(key(KeyCode::Char(']'))); // page 2 comes from the prefetch
    let to_three = reads(&app.update(key(KeyCode::Char(']'))));
    assert_eq!(
        app.position(),
        "51–100 of 120",
        "not before page 3's rows are here"
    );
    app.update(answer(to_three[0].0, Slot::Page, Err(refused())));
    assert_eq!(app.page, 2);
    assert_eq!(app.position(), "51–100 of 120");
    assert_eq!(app.customers[0].id, 51);
    // Enter opens the customer on screen, not one of a page that never came.
    app.update(key(KeyCode::Enter));
    assert_eq!(app.selected_customer().map(|c| c.id), Some(51));
    app.update(key(KeyCode::Esc));
    let screen = draw(&app, 120, 14);
    assert!(
        screen.contains("Not current: Cannot reach the store"),
        "{screen}"
    );
    assert!(screen.contains("page 2 of 3"), "{screen}");
    assert!(
        screen.contains("First51"),
        "the last good rows stay: {screen}"
    );
}

#[test]
fn a_warning_stays_in_the_status_bar() {
    let mut app = loaded();
    app.warning = Some("the config file /c.toml holds a token and others can read it (mode 644): run chmod 600 /c.toml".into());
    app.update(key(KeyCode::Char('j')));
    app.update(Msg::Tick);
    let screen = draw(&app, 160, 10);
    let status = screen.lines().last().unwrap_or_default();
    assert!(status.contains("chmod 600 /c.toml"), "{screen}");
}
