//! Addresses and customer groups go through the one service like customers: each change is
//! in the ledger before it is sent, and undo — walked back newest first — takes the store
//! back to where it started, over a sandbox store.

use bc_customers::domain::{Address, AddressChange, CustomerChange, Field, GroupChange, Value};
use bc_customers::jobs::undo::{UndoScope, Undone};
use bc_customers::jobs::{Cancel, Service};
use bc_customers::ledger::Kind;
use serde_json::{Value as Json, json};

use crate::common::TestStore;

fn fields(value: Json) -> AddressChange {
    value
        .as_object()
        .expect("an object")
        .iter()
        .map(|(name, text)| (name.clone(), text.as_str().unwrap_or_default().to_owned()))
        .collect()
}

/// What an address holds, its id aside.
fn held(addresses: &[Address]) -> Vec<String> {
    let mut lines: Vec<String> = addresses
        .iter()
        .map(|a| format!("{} / {} / {}", a.one_line(), a.first_name, a.phone))
        .collect();
    lines.sort();
    lines
}

/// Undoes the newest change with something left to undo, as `u` does.
async fn undo_last(service: &Service) -> Undone {
    let history = service.history().expect("the history");
    let set = history.last_to_undo().expect("something to undo").id;
    service
        .undo(set, UndoScope::Remaining, false, &Cancel::default(), |_| {})
        .await
        .expect("an undo")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn address_changes_are_recorded_and_undone_newest_first() {
    let store = TestStore::seeded(5).await;
    let service = store.service().await;
    let client = store.client();
    let start = held(&client.addresses(2).await.expect("addresses"));

    let created = service
        .create_address(
            2,
            &fields(json!({
                "first_name": "Ada", "last_name": "Lee", "phone": "0113 000 0000",
                "street_1": "1 Main St", "city": "Leeds", "state": "Yorkshire",
                "zip": "LS1 1AA", "country": "United Kingdom"
            })),
        )
        .await
        .expect("created");
    service
        .update_address(
            2,
            created.id,
            &fields(json!({"city": "York", "zip": "YO1 7HH"})),
        )
        .await
        .expect("changed");
    service
        .delete_address(2, created.id)
        .await
        .expect("deleted");

    let history = service.history().expect("the history");
    let lines: Vec<String> = history.sets.iter().map(|set| set.line()).collect();
    assert_eq!(
        lines,
        [
            "address · 1 address · done",
            "address · 1 address · done",
            "address · 1 address · done"
        ]
    );
    assert!(history.sets.iter().all(|set| set.kind == Kind::Address));
    assert_eq!(
        history.sets[1].what,
        format!("address {} of #2: city, zip", created.id)
    );
    let question = bc_customers::jobs::undo::undo_question(&history.sets[0]);
    assert_eq!(
        question[0], "Create again the address this deleted from #2:",
        "{question:?}"
    );

    // The delete undone: created again, as it was when deleted (York), with a new id.
    let undone = undo_last(&service).await;
    assert_eq!(undone.summary(), "1 undone, 0 failed; 2 requests");
    let now = client.addresses(2).await.expect("addresses");
    let back = now
        .iter()
        .find(|a| a.street_1 == "1 Main St")
        .expect("back on the store");
    assert_eq!((back.city.as_str(), back.zip.as_str()), ("York", "YO1 7HH"));
    assert_ne!(back.id, created.id);

    // The change undone on the address under its new id: Leeds again.
    undo_last(&service).await;
    let now = client.addresses(2).await.expect("addresses");
    let back = now
        .iter()
        .find(|a| a.street_1 == "1 Main St")
        .expect("still there");
    assert_eq!(
        (back.city.as_str(), back.zip.as_str()),
        ("Leeds", "LS1 1AA")
    );

    // Changed by someone else, the create's undo leaves it alone and says why.
    let theirs = client
        .update_address(2, back.id, &fields(json!({"phone": "0113 999 9999"})))
        .await
        .expect("their change");
    let undone = undo_last(&service).await;
    assert_eq!(undone.conflicts.len(), 1);
    assert_eq!(
        undone.conflicts[0].to_string(),
        format!(
            "address {} of #2: phone is '0113 999 9999' now (it left '0113 000 0000', undo wanted '(deleted)')",
            created.id
        )
    );
    // Put as it was, tried again: deleted, and the customer's addresses are as they started.
    client
        .update_address(2, theirs.id, &fields(json!({"phone": "0113 000 0000"})))
        .await
        .expect("put back");
    let first = service
        .history()
        .expect("history")
        .sets
        .last()
        .expect("the create")
        .id;
    service
        .undo(
            first,
            UndoScope::Conflicts,
            false,
            &Cancel::default(),
            |_| {},
        )
        .await
        .expect("tried again");
    assert_eq!(held(&client.addresses(2).await.expect("addresses")), start);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_changes_are_recorded_and_a_deleted_group_comes_back_with_its_customers() {
    let store = TestStore::seeded(6).await;
    let service = store.service().await;
    let client = store.client();
    let start_groups = client.groups().await.expect("groups");
    let start_customers = client.read_many(&[1, 2, 3]).await.expect("customers");

    let group = service
        .create_group(&GroupChange::named("Bulk Buyers"))
        .await
        .expect("created");
    service
        .update_group(group.id, &GroupChange::named("Bulk Buyers Club"))
        .await
        .expect("renamed");
    for id in [1, 2] {
        let before = CustomerChange::set(
            Field::CustomerGroupId,
            Value::Group(start_customers[id as usize - 1].customer_group_id),
        );
        service
            .edit(
                id,
                &CustomerChange::set(Field::CustomerGroupId, Value::Group(group.id)),
                before,
            )
            .await
            .expect("joined");
    }
    service.delete_group(group.id).await.expect("deleted");
    let after_delete = client.read_many(&[1, 2]).await.expect("customers");
    assert!(after_delete.iter().all(|c| c.customer_group_id == 0));

    let history = service.history().expect("the history");
    let delete = &history.sets[0];
    assert_eq!(delete.kind, Kind::Group);
    assert_eq!(
        delete.what,
        "group 'Bulk Buyers Club' deleted, 2 customers left in no group"
    );
    assert_eq!(delete.line(), "customer group · 1 group · done");

    // The delete undone: the group again, under a new id, its two customers back in it.
    undo_last(&service).await;
    let groups = client.groups().await.expect("groups");
    let again = groups
        .iter()
        .find(|g| g.name == "Bulk Buyers Club")
        .expect("created again");
    assert_ne!(again.id, group.id);
    let members = client.read_many(&[1, 2]).await.expect("customers");
    assert!(members.iter().all(|c| c.customer_group_id == again.id));

    // The customers' moves undone in terms of the new group; then the rename; then the
    // create: the store is as it started.
    for _ in 0..4 {
        let undone = undo_last(&service).await;
        assert!(undone.conflicts.is_empty(), "{}", undone.summary());
    }
    assert_eq!(client.groups().await.expect("groups"), start_groups);
    let end_customers = client.read_many(&[1, 2, 3]).await.expect("customers");
    for (was, is) in start_customers.iter().zip(&end_customers) {
        assert_eq!(was.customer_group_id, is.customer_group_id, "#{}", was.id);
    }
    assert!(service.history().expect("history").last_to_undo().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ledger_that_cannot_be_written_stops_an_address_or_group_change_before_it_is_sent() {
    let store = TestStore::seeded(3).await;
    let service = store.service().await;
    let client = store.client();
    let addresses = client.addresses(1).await.expect("addresses");
    let groups = client.groups().await.expect("groups");

    service.ledger().fail_writes_after(0);
    let refused = service
        .create_address(
            1,
            &fields(json!({
                "first_name": "A", "last_name": "B", "phone": "1", "street_1": "x",
                "city": "y", "state": "z", "zip": "1", "country": "United States"
            })),
        )
        .await
        .expect_err("not recorded, not sent");
    assert!(refused.to_string().contains("ledger"), "{refused}");
    service
        .create_group(&GroupChange::named("Unrecorded"))
        .await
        .expect_err("not recorded, not sent");
    service.ledger().fail_writes_after(-1);

    assert_eq!(client.addresses(1).await.expect("addresses"), addresses);
    assert_eq!(client.groups().await.expect("groups"), groups);
}
