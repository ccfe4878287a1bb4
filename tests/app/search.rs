//! Search as you type, sort, and the summary: first as pure state (keys in, index reads
//! out), then the whole app against a sandbox with a real index: what is found, opened live,
//! marked and deleted by id, and kept in the index as the app changes the store.

use bc_customers::app::keymap::Context;
use bc_customers::app::{App, IndexState, Screen};
use bc_customers::index::{Facet, IndexQuery, Sort, SortColumn};
use bc_customers::worker::Chosen;
use bc_customers::worker::{Command, Outcome, Read, Slot};
use ratatui::crossterm::event::KeyCode;
use reqwest::Method;
use serde_json::json;

use crate::common::TestStore;
use crate::common::screens::{answer, customers, draw, key, loaded, reads};
use crate::store::Driven;

fn indexed() -> App {
    let mut app = loaded();
    app.index = IndexState {
        on: true,
        customers: 120,
        synced_at: Some(0),
        ..IndexState::default()
    };
    app
}

fn typed(app: &mut App, text: &str) -> Vec<Command> {
    let mut last = Vec::new();
    for c in text.chars() {
        last = app.update(key(KeyCode::Char(c)));
    }
    last
}

#[test]
fn each_keystroke_asks_the_index_and_esc_goes_back_to_the_pages() {
    let mut app = indexed();
    assert!(app.update(key(KeyCode::Char('/'))).is_empty() || app.search.is_some());
    assert_eq!(app.context(), Context::Search);
    let asked = reads(&typed(&mut app, "mül"));
    let query = IndexQuery {
        text: "mül".into(),
        ..IndexQuery::default()
    };
    assert!(asked.iter().any(|(_, slot, read)| *slot == Slot::Page
        && *read
            == Read::Search {
                query: query.clone(),
                page: 1,
                limit: 50
            }));
    assert!(asked.iter().any(|(_, slot, read)| *slot == Slot::Count
        && *read
            == Read::SearchCount {
                query: query.clone()
            }));
    // The matches arrive with their count.
    let page = asked
        .iter()
        .find(|(_, slot, _)| *slot == Slot::Page)
        .expect("a page");
    let count = asked
        .iter()
        .find(|(_, slot, _)| *slot == Slot::Count)
        .expect("a count");
    app.update(answer(count.0, Slot::Count, Ok(Outcome::Count(2))));
    app.update(answer(
        page.0,
        Slot::Page,
        Ok(Outcome::Page(customers(7..=8))),
    ));
    assert_eq!(app.customers.len(), 2);
    assert_eq!(app.position(), "1–2 of 2");
    let screen = draw(&app, 100, 12);
    assert!(screen.contains("search: mül"), "{screen}");
    assert!(screen.contains("2 found"), "{screen}");
    // Enter: the keys go to the matches; Enter again opens one, read live from the store.
    app.update(key(KeyCode::Enter));
    assert_eq!(app.context(), Context::Found);
    let opened = reads(&app.update(key(KeyCode::Enter)));
    assert_eq!(app.screen, Screen::Detail);
    assert!(opened.contains(&(opened[0].0, Slot::Customer, Read::Get { customer_id: 7 })));
    app.update(key(KeyCode::Esc));
    assert_eq!(app.context(), Context::Found);
    // Esc: the store's pages again.
    let back = reads(&app.update(key(KeyCode::Esc)));
    assert!(app.search.is_none());
    assert!(
        back.iter()
            .any(|(_, _, read)| matches!(read, Read::List { page: 1, .. }))
    );
}

#[test]
fn a_broad_search_shows_a_first_count_at_once_and_the_exact_one_after() {
    let mut app = indexed();
    app.update(key(KeyCode::Char('/')));
    let asked = reads(&typed(&mut app, "m"));
    let count = asked
        .iter()
        .find(|(_, slot, _)| *slot == Slot::Count)
        .expect("a count");
    let page = asked
        .iter()
        .find(|(_, slot, _)| *slot == Slot::Page)
        .expect("a page");
    app.update(answer(
        page.0,
        Slot::Page,
        Ok(Outcome::Page(customers(1..=50))),
    ));
    let exact = reads(&app.update(answer(
        count.0,
        Slot::Count,
        Ok(Outcome::CountMoreThan(1_000)),
    )));
    assert_eq!(
        exact
            .iter()
            .map(|(_, slot, read)| (*slot, read.clone()))
            .collect::<Vec<_>>(),
        [(
            Slot::Count,
            Read::SearchExactCount {
                query: IndexQuery {
                    text: "m".into(),
                    ..IndexQuery::default()
                }
            }
        )]
    );
    assert_eq!(app.position(), "1–50 of more than 1,000");
    assert!(draw(&app, 100, 12).contains("more than 1,000 found"));
    // Marking every match waits for the exact count; so does the last page.
    app.update(key(KeyCode::Enter));
    app.update(key(KeyCode::Char('A')));
    assert!(app.marks.is_empty());
    app.update(answer(exact[0].0, Slot::Count, Ok(Outcome::Count(348_276))));
    assert_eq!(app.position(), "1–50 of 348,276");
    assert_eq!(app.last_page(), Some(6_966));
}

#[test]
fn the_index_is_synced_at_start_on_r_and_every_five_minutes() {
    use bc_customers::app::Msg;
    let mut app = indexed();
    let at = |minutes: i64| {
        chrono::DateTime::<chrono::Local>::from(std::time::UNIX_EPOCH)
            + chrono::Duration::minutes(minutes)
    };
    let syncs = |commands: &[Command]| {
        commands
            .iter()
            .filter(|c| matches!(c, Command::SyncIndex { .. }))
            .count()
    };
    app.index.synced_at = Some(at(0).timestamp());
    app.now = at(4);
    assert_eq!(syncs(&app.update(Msg::Tick)), 0, "synced 4 minutes ago");
    app.now = at(5);
    let commands = app.update(Msg::Tick);
    assert_eq!(syncs(&commands), 1, "five minutes on");
    // One at a time: a tick or r while it runs asks for none.
    assert_eq!(syncs(&app.update(Msg::Tick)), 0);
    assert_eq!(syncs(&app.update(key(KeyCode::Char('r')))), 0);
    let Some(Command::SyncIndex { request }) = commands.into_iter().next() else {
        panic!("a sync")
    };
    let report = bc_customers::index::sync::SyncReport {
        customers: 121,
        ..Default::default()
    };
    app.update(answer(
        request,
        Slot::Page,
        Ok(Outcome::IndexSynced(report)),
    ));
    assert_eq!(app.index.customers, 121);
    assert!(draw(&app, 120, 12).contains("index: 121 customers · synced 0 s ago"));
    assert_eq!(syncs(&app.update(key(KeyCode::Char('r')))), 1, "r syncs");
}

#[test]
fn an_edit_from_the_index_takes_the_stores_customer_unless_something_was_typed() {
    let mut app = indexed();
    app.store.read_only = false;
    app.update(key(KeyCode::Char('s'))); // listed from the index
    let asked = reads(&app.update(key(KeyCode::Char('e'))));
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].2, Read::Get { customer_id: 1 });
    let mut live = customers(1..=1).remove(0);
    live.company = "Changed Elsewhere Ltd".into();
    live.date_modified = "Fri, 27 Nov 2026 09:00:00 +0000".into();
    app.update(answer(
        asked[0].0,
        Slot::Customer,
        Ok(Outcome::Customer(live.clone())),
    ));
    let form = app.form().expect("the form");
    assert_eq!(
        form.original().map(|c| c.company.as_str()),
        Some("Changed Elsewhere Ltd")
    );
    assert!(!form.is_dirty());
    // Typed into before the store answered: what was typed stays.
    app.update(key(KeyCode::Esc));
    let asked = reads(&app.update(key(KeyCode::Char('e'))));
    app.update(key(KeyCode::Char('x')));
    live.company = "Later Still".into();
    app.update(answer(
        asked[0].0,
        Slot::Customer,
        Ok(Outcome::Customer(live)),
    ));
    let form = app.form().expect("the form");
    assert!(form.is_dirty());
    assert_eq!(
        form.original().map(|c| c.company.as_str()),
        Some("Changed Elsewhere Ltd")
    );
}

#[test]
fn sort_by_any_column_either_way_over_the_whole_store() {
    let mut app = indexed();
    let asked = reads(&app.update(key(KeyCode::Char('s'))));
    let sort_of = |asked: &[(u64, Slot, Read)]| {
        asked.iter().find_map(|(_, _, read)| match read {
            Read::Search { query, .. } => Some(query.sort),
            _ => None,
        })
    };
    assert_eq!(
        sort_of(&asked),
        Some(Sort {
            column: SortColumn::Name,
            descending: false
        })
    );
    let asked = reads(&app.update(key(KeyCode::Char('S'))));
    assert_eq!(
        sort_of(&asked),
        Some(Sort {
            column: SortColumn::Name,
            descending: true
        })
    );
    let screen = draw(&app, 120, 12);
    assert!(screen.contains("Name ↓"), "{screen}");
    assert!(screen.contains("sorted by name ↓"), "{screen}");
}

#[test]
fn without_an_index_search_and_sort_say_why() {
    let mut app = loaded();
    for c in ['/', 's', 'i'] {
        assert!(app.update(key(KeyCode::Char(c))).is_empty());
        let said = app.notice.clone().unwrap_or_default();
        assert!(said.contains("index = false"), "{c}: {said}");
        assert_eq!(app.context(), Context::Table);
    }
}

#[test]
fn marking_every_match_selects_the_search_by_id() {
    let mut app = indexed();
    app.update(key(KeyCode::Char('/')));
    let asked = reads(&typed(&mut app, "lee"));
    for (request, slot, _) in &asked {
        match slot {
            Slot::Count => app.update(answer(*request, *slot, Ok(Outcome::Count(2)))),
            Slot::Page => app.update(answer(*request, *slot, Ok(Outcome::Page(customers(3..=4))))),
            _ => Vec::new(),
        };
    }
    app.update(key(KeyCode::Enter));
    app.update(key(KeyCode::Char('A')));
    let asked = app.update(key(KeyCode::Char('D')));
    let [(_, _, Read::DeleteReview { chosen })] = &reads(&asked)[..] else {
        panic!("a delete review: {asked:?}");
    };
    assert!(matches!(chosen, Chosen::Found { query, except }
        if query.text == "lee" && except.is_empty()));
    crate::common::screens::review_delete(&mut app, &asked, &[4, 9], &["k3xq9"]);
    let Some(dialog) = app.dialog() else {
        panic!("a delete dialog")
    };
    let bc_customers::app::dialog::DialogKind::Delete(plan) = &dialog.kind else {
        panic!("a delete dialog")
    };
    assert_eq!(plan.count(), 2);
    let screen = draw(&app, 100, 24);
    assert!(screen.contains("the search 'lee'"), "{screen}");
}

#[test]
fn the_summary_draws_bars_and_enter_lists_the_chosen_ones() {
    let mut app = indexed();
    let asked = reads(&app.update(key(KeyCode::Char('i'))));
    assert_eq!(asked[0].2, Read::Summary);
    let row = |label: &str, count, facet| bc_customers::index::SummaryRow {
        label: label.to_owned(),
        count,
        facet,
    };
    let summary = bc_customers::index::Summary {
        customers: 120,
        groups: vec![
            row("Retail", 90, Facet::Group(1)),
            row("Wholesale", 30, Facet::Group(2)),
        ],
        domains: vec![
            row("gmail.com", 70, Facet::Domain("gmail.com".into())),
            row("example.org", 50, Facet::Domain("example.org".into())),
        ],
        countries: vec![
            row("Germany", 12, Facet::Country("Germany".into())),
            row("France", 5, Facet::Country("France".into())),
        ],
        addresses_read: 20,
        months: vec![
            row("2026-10", 40, Facet::Month("2026-10".into())),
            row("2026-11", 80, Facet::Month("2026-11".into())),
        ],
    };
    app.update(answer(
        asked[0].0,
        Slot::Summary,
        Ok(Outcome::Summary(summary)),
    ));
    let screen = draw(&app, 100, 24);
    insta::assert_snapshot!("summary", screen);
    // Small terminals draw what fits, never fail.
    for (width, height) in [(40, 8), (41, 9), (60, 12), (200, 60)] {
        let small = draw(&app, width, height);
        assert!(
            small.contains("bc-customers") || small.contains("too small"),
            "{small}"
        );
    }
    // Tab goes round the charts as they stand on screen: groups, countries, then domains.
    app.update(key(KeyCode::Tab));
    assert_eq!(app.summary_view.chart, 2, "countries, beside groups");
    app.update(key(KeyCode::Tab));
    assert_eq!(app.summary_view.chart, 1, "then domains, below groups");
    // The domains chart, its first bar: gmail.com's customers, from the index.
    let listed = reads(&app.update(key(KeyCode::Enter)));
    assert_eq!(app.screen, Screen::Table);
    assert!(listed.iter().any(|(_, _, read)| matches!(read,
        Read::Search { query, .. } if query.facet == Some(Facet::Domain("gmail.com".into())))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_open_live_delete_what_was_found_and_the_index_follows() {
    let store = TestStore::seeded(300).await;
    for n in 0..3 {
        store
            .create(json!({"first_name": format!("Zed{n}"), "last_name": "Müller",
                          "email": format!("zed{n}@zylophone.example"), "company": "Zylophone Ltd"}))
            .await;
    }
    let mut app = Driven::start_indexed(&store).await;
    assert_eq!(app.app.index.customers, 303);

    // Typed without the accent, in parts: the three are found.
    app.key('/');
    app.type_text("mull zylo");
    app.settled().await;
    assert_eq!(app.app.total, Some(3));
    assert!(
        app.app
            .customers
            .iter()
            .all(|c| c.company == "Zylophone Ltd")
    );

    // Opened, it is read live: a change made elsewhere since the sync shows.
    let first = app.app.customers[0].id;
    let changed = store
        .send_json(
            Method::PUT,
            &format!("/customers/{first}"),
            &json!({"phone": "555-0100"}),
        )
        .await;
    assert_eq!(changed.status(), 200);
    app.keys(&[KeyCode::Enter, KeyCode::Enter]);
    app.until("the live customer", |app| {
        app.selected_customer()
            .is_some_and(|c| c.phone == "555-0100")
    })
    .await;
    app.keys(&[KeyCode::Esc]);

    // Exported: what was found, in the export's columns.
    let file = store.folder.path().join("found.ndjson");
    app.key('E');
    app.ctrl('u');
    app.type_text(&file.display().to_string());
    app.keys(&[KeyCode::Enter]);
    app.until("the export", |app| {
        app.export.is_none() && app.notice.is_some()
    })
    .await;
    let exported = std::fs::read_to_string(&file).expect("the export");
    assert_eq!(exported.lines().count(), 3, "{exported}");
    assert!(exported.lines().all(|line| line.contains("Zylophone Ltd")));

    // Every match marked, deleted by id; the rest of the store untouched.
    app.key('A');
    app.key('D');
    app.until("the question", |app| app.dialog().is_some())
        .await;
    app.keys(&[KeyCode::Right, KeyCode::Enter]);
    app.until("the delete", |app| {
        app.job.is_none() && app.notice.is_some()
    })
    .await;
    app.settled().await;
    assert_eq!(store.count("?company=Zylophone%20Ltd").await, 0);
    assert_eq!(store.count("").await, 300);
    // The index let them go at once: the search finds nobody now.
    assert_eq!(app.app.total, Some(0));

    // Sorted by name over the whole store.
    app.keys(&[KeyCode::Esc]);
    app.key('s');
    app.settled().await;
    let names: Vec<String> = app
        .app
        .customers
        .iter()
        .map(|c| format!("{} {}", c.last_name, c.first_name).to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert_eq!(app.app.total, Some(300));
}

#[test]
fn a_filter_a_search_and_a_sort_combine() {
    use bc_customers::domain::Filter;
    let mut app = indexed();
    // Group 3 filtered on the store's pages.
    app.filter = Filter {
        customer_group_id: Some(3),
        ..Filter::default()
    };
    // s sorts what the filter selected, from the index.
    let asked = reads(&app.update(key(KeyCode::Char('s'))));
    let searched = asked
        .iter()
        .find_map(|(_, _, read)| match read {
            Read::Search { query, .. } => Some(query.clone()),
            _ => None,
        })
        .expect("a page from the index");
    assert_eq!(
        searched.filter.customer_group_id,
        Some(3),
        "the filter stays"
    );
    assert_ne!(searched.sort, Sort::default());
    assert!(
        app.notice
            .as_deref()
            .is_some_and(|n| n.contains("over the customers with")),
        "{:?}",
        app.notice
    );
    // A search typed on top narrows the same way.
    app.update(key(KeyCode::Char('/')));
    let asked = reads(&typed(&mut app, "ann"));
    assert!(asked.iter().any(|(_, _, read)| matches!(
        read,
        Read::Search { query, .. } if query.text == "ann" && query.filter.customer_group_id == Some(3)
    )));
    let screen = draw(&app, 140, 10);
    assert!(screen.contains("filter:  group=#3"), "{screen}");
    assert!(screen.contains("search: ann"), "{screen}");
    assert!(screen.contains("sorted by"), "{screen}");
    // Esc: the store's pages, still filtered.
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Esc));
    assert!(app.search.is_none());
    assert_eq!(app.filter.customer_group_id, Some(3));
}

#[test]
fn esc_on_the_search_line_puts_back_the_search_as_it_was() {
    let mut app = indexed();
    app.update(key(KeyCode::Char('/')));
    typed(&mut app, "ann");
    app.update(key(KeyCode::Enter));
    // Come back to it, change it, Esc: the search as it was; Esc again leaves it.
    app.update(key(KeyCode::Char('/')));
    typed(&mut app, "x");
    assert_eq!(
        app.search.as_ref().map(|s| s.query.text.as_str()),
        Some("annx")
    );
    let asked = reads(&app.update(key(KeyCode::Esc)));
    assert_eq!(
        app.search.as_ref().map(|s| s.query.text.as_str()),
        Some("ann")
    );
    assert!(
        asked
            .iter()
            .any(|(_, _, read)| matches!(read, Read::Search { query, .. } if query.text == "ann"))
    );
    assert_eq!(app.context(), Context::Found);
    app.update(key(KeyCode::Esc));
    assert!(app.search.is_none());
    // A search opened afresh: Esc leaves it at once.
    app.update(key(KeyCode::Char('/')));
    typed(&mut app, "bo");
    app.update(key(KeyCode::Esc));
    assert!(app.search.is_none());
}
