//! Addresses in the details: read once when the details open, a form checked as typed with
//! the country picked by name, and the store's refusal kept at the field.

use bc_customers::app::address_form::COUNTRY;
use bc_customers::app::{AddressList, Msg};
use bc_customers::domain::Address;
use bc_customers::store::ApiError;
use bc_customers::worker::{Command, Event, Outcome, Read, Slot, Write};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::common::screens::{answer, draw, key, loaded, reads, type_text};

fn address(id: i64, customer_id: i64, city: &str) -> Address {
    Address {
        id,
        customer_id,
        first_name: "Ada".into(),
        last_name: "Lee".into(),
        street_1: "1 Main St".into(),
        city: city.into(),
        state: "Yorkshire".into(),
        zip: "LS1 1AA".into(),
        country: "United Kingdom".into(),
        country_iso2: "GB".into(),
        phone: "0113 000 0000".into(),
        address_type: "residential".into(),
        ..Address::default()
    }
}

fn written(request: u64, result: Result<Outcome, ApiError>) -> Msg {
    Msg::Worker(Box::new(Event {
        request,
        slot: None,
        result: result.map_err(Into::into),
        elapsed: std::time::Duration::ZERO,
        budget: Default::default(),
    }))
}

#[test]
fn opening_the_details_reads_the_addresses_once() {
    let mut app = loaded();
    let opened = reads(&app.update(key(KeyCode::Enter)));
    let [
        (_, Slot::Customer, Read::Get { customer_id: 1 }),
        (request, Slot::Addresses, Read::Addresses { customer_id: 1 }),
    ] = opened.as_slice()
    else {
        panic!("the customer read live, and its addresses: {opened:?}");
    };
    assert!(draw(&app, 110, 30).contains("loading…"));
    app.update(answer(
        *request,
        Slot::Addresses,
        Ok(Outcome::Addresses {
            customer_id: 1,
            addresses: vec![address(7, 1, "Leeds"), address(8, 1, "York")],
        }),
    ));
    let screen = draw(&app, 140, 32);
    assert!(
        screen.contains("1 Main St, Leeds, Yorkshire LS1 1AA, United Kingdom"),
        "{screen}"
    );
    assert!(screen.contains("York"), "{screen}");
    // Back and in again: the customer is read fresh, its addresses are not asked again.
    app.update(key(KeyCode::Esc));
    let again = reads(&app.update(key(KeyCode::Enter)));
    assert!(
        again.iter().all(|(_, slot, _)| *slot != Slot::Addresses),
        "{again:?}"
    );
    // Tab chooses the second; o edits it.
    app.update(key(KeyCode::Tab));
    assert_eq!(app.selected_address().map(|a| a.id), Some(8));
    type_text(&mut app, "o");
    assert!(app.address_form().is_some());
}

#[test]
fn a_new_address_is_checked_as_typed_and_sent_whole() {
    let mut app = loaded();
    let opened = reads(&app.update(key(KeyCode::Enter)));
    app.update(answer(
        opened[1].0,
        Slot::Addresses,
        Ok(Outcome::Addresses {
            customer_id: 1,
            addresses: Vec::new(),
        }),
    ));
    assert!(matches!(
        app.addresses.as_ref().map(|a| &a.list),
        Some(AddressList::Loaded(list)) if list.is_empty()
    ));
    type_text(&mut app, "a");
    let form = app.address_form().expect("the form");
    assert_eq!(
        form.inputs[0].value(),
        "First1",
        "the customer's name to start with"
    );
    // Save with fields missing: nothing is sent, the first problem gets the focus.
    let none = app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('s'),
        KeyModifiers::CONTROL,
    )));
    assert!(none.is_empty());
    let form = app.address_form().expect("still open");
    assert_eq!(
        form.focus, 3,
        "the street is the first required field left empty"
    );
    assert_eq!(form.errors[3].as_deref(), Some("required"));

    type_text(&mut app, "1 Main St");
    app.update(key(KeyCode::Tab));
    app.update(key(KeyCode::Tab));
    type_text(&mut app, "Berlin");
    app.update(key(KeyCode::Tab));
    app.update(key(KeyCode::Tab)); // no state
    type_text(&mut app, "10115");
    app.update(key(KeyCode::Tab));
    type_text(&mut app, "germ");
    let form = app.address_form().expect("the form");
    assert_eq!(form.focus, COUNTRY);
    assert_eq!(form.errors[COUNTRY], None, "one country starts so");
    assert!(draw(&app, 110, 30).contains("Germany"));
    app.update(key(KeyCode::Tab));
    type_text(&mut app, "+49 30 000000");
    let sent = app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('s'),
        KeyModifiers::CONTROL,
    )));
    let [
        Command::Write {
            request,
            write:
                Write::CreateAddress {
                    customer_id: 1,
                    fields,
                },
        },
    ] = sent.as_slice()
    else {
        panic!("a create: {sent:?}");
    };
    assert_eq!(
        fields.get("country").map(String::as_str),
        Some("Germany"),
        "by the store's name"
    );
    assert_eq!(
        fields.get("state").map(String::as_str),
        Some(" "),
        "the store's no-state"
    );
    assert_eq!(fields.get("city").map(String::as_str), Some("Berlin"));

    // The store refuses: everything typed stays, the reason is at the field.
    app.update(written(
        *request,
        Err(ApiError::from_response(
            400,
            br#"[{"status":400,"message":"The field 'zip' is invalid.","details":{"invalid_reason":"Not a postcode."}}]"#,
        )),
    ));
    let form = app.address_form().expect("still open");
    assert_eq!(form.inputs[5].value(), "Berlin");
    assert!(
        form.errors[7]
            .as_deref()
            .is_some_and(|e| e.contains("Not a postcode")),
        "{:?}",
        form.errors[7]
    );

    // Accepted: the form closes and the addresses are read again.
    let again = app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('s'),
        KeyModifiers::CONTROL,
    )));
    let [Command::Write { request, .. }] = again.as_slice() else {
        panic!("sent again");
    };
    let reread = reads(&app.update(written(
        *request,
        Ok(Outcome::Address(address(9, 1, "Berlin"))),
    )));
    assert!(app.address_form().is_none());
    assert!(matches!(
        reread.as_slice(),
        [(_, Slot::Addresses, Read::Addresses { customer_id: 1 })]
    ));
}

/// The details of customer 1 with its addresses loaded.
fn with_addresses(addresses: Vec<Address>) -> bc_customers::app::App {
    let mut app = loaded();
    let opened = reads(&app.update(key(KeyCode::Enter)));
    let (request, _, _) = opened
        .iter()
        .find(|(_, slot, _)| *slot == Slot::Addresses)
        .expect("the addresses are read");
    app.update(answer(
        *request,
        Slot::Addresses,
        Ok(Outcome::Addresses {
            customer_id: 1,
            addresses,
        }),
    ));
    app
}

#[test]
fn a_country_by_the_name_people_use_picked_with_the_arrows_and_a_type_chosen() {
    use bc_customers::app::address_form::TYPE;
    let mut app = with_addresses(Vec::new());
    type_text(&mut app, "a");
    for _ in 0..COUNTRY {
        app.update(key(KeyCode::Tab));
    }
    type_text(&mut app, "uk");
    let form = app.address_form().expect("the form");
    assert_eq!(form.errors[COUNTRY], None, "UK is the United Kingdom");
    assert_eq!(form.country_choices()[0], "United Kingdom");
    assert!(form.country_choices().contains(&"Ukraine"));
    // ↓ chooses among the countries offered, Enter takes one and goes on.
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Down));
    assert_eq!(app.address_form().map(|f| f.country_choice), Some(Some(1)));
    app.update(key(KeyCode::Enter));
    let form = app.address_form().expect("the form");
    assert_eq!(form.inputs[COUNTRY].value(), form.country_choices()[0]);
    assert_eq!(form.focus, COUNTRY + 1);
    // Elsewhere ↓ still moves to the next field.
    app.update(key(KeyCode::Down));
    assert_eq!(app.address_form().map(|f| f.focus), Some(TYPE));
    // The type is a choice: typing cannot make it anything else.
    type_text(&mut app, "x80331");
    assert_eq!(
        app.address_form().map(|f| f.inputs[TYPE].value()),
        Some("residential")
    );
    type_text(&mut app, " ");
    assert_eq!(
        app.address_form().map(|f| f.inputs[TYPE].value()),
        Some("commercial")
    );
    type_text(&mut app, "r");
    assert_eq!(
        app.address_form().map(|f| f.inputs[TYPE].value()),
        Some("residential")
    );
}

#[test]
fn the_details_show_company_and_type_and_the_address_saved_stays_chosen() {
    let mut work = address(8, 1, "York");
    work.company = "Babbage & Co".into();
    work.address_type = "commercial".into();
    let mut app = with_addresses(vec![address(7, 1, "Leeds"), work.clone()]);
    let screen = draw(&app, 160, 32);
    assert!(
        screen.contains("Ada Lee, Babbage & Co — 1 Main St, York"),
        "{screen}"
    );
    assert!(screen.contains("· commercial"), "{screen}");
    // The second chosen, edited and saved: still the one chosen, so X deletes it.
    app.update(key(KeyCode::Tab));
    type_text(&mut app, "o");
    app.update(key(KeyCode::Tab));
    app.update(key(KeyCode::Tab));
    type_text(&mut app, " Ltd");
    let sent = app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('s'),
        KeyModifiers::CONTROL,
    )));
    let [Command::Write { request, .. }] = sent.as_slice() else {
        panic!("saved: {sent:?}");
    };
    let saved = Address {
        company: "Babbage & Co Ltd".into(),
        ..work
    };
    let reread = reads(&app.update(written(*request, Ok(Outcome::Address(saved.clone())))));
    app.update(answer(
        reread[0].0,
        Slot::Addresses,
        Ok(Outcome::Addresses {
            customer_id: 1,
            addresses: vec![address(7, 1, "Leeds"), saved],
        }),
    ));
    assert_eq!(app.selected_address().map(|a| a.id), Some(8));
}
