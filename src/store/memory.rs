//! A store held in memory, with the rules the real one applies (names and a unique email
//! required, groups that exist, dates kept to the second): the app and the jobs are tested
//! against it without a socket, and against the sandbox over HTTP. Faults can be planted:
//! writes to chosen customers fail as a store's would.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;

use super::{
    ApiError, Capabilities, Listed, RateSnapshot, RequestStats, SharedStore, Store, StoreIdentity,
    not_found,
};
use crate::dates::{format_api_date, now_unix};
use crate::domain::{
    Address, AddressChange, Customer, CustomerChange, CustomerGroup, Field, Filter, GroupChange,
    NewCustomer, Value,
};

#[derive(Debug, Default)]
struct Held {
    customers: BTreeMap<i64, Customer>,
    groups: BTreeMap<i64, CustomerGroup>,
    addresses: BTreeMap<i64, Address>,
    next_customer: i64,
    next_group: i64,
    next_address: i64,
    /// Customers whose writes fail with a 500, as a failing store's would.
    failing: BTreeSet<i64>,
    /// The clock's offset from this machine's, in seconds (a store whose clock is behind).
    clock_offset: i64,
    /// A clock that stands still (two changes in one second), when set.
    frozen_at: Option<i64>,
    /// Customers counted but never listed (a store whose count is off), added to every
    /// count of the whole store.
    unlisted: u64,
}

/// A store in memory. Clones share it.
#[derive(Debug, Clone)]
pub struct MemoryStore {
    held: Arc<Mutex<Held>>,
    stats: Arc<RequestStats>,
    identity: StoreIdentity,
}

static STORES: AtomicU64 = AtomicU64::new(1);

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::new("Memory store")
    }
}

impl MemoryStore {
    /// An empty store with its own identity.
    pub fn new(name: &str) -> MemoryStore {
        let number = STORES.fetch_add(1, Ordering::Relaxed);
        let mut identity = StoreIdentity::at(&format!("memory://store-{number}/v2"), name);
        identity.id = Some(format!("memory-{}-{number}", std::process::id()));
        MemoryStore {
            held: Arc::new(Mutex::new(Held {
                next_customer: 1,
                next_group: 1,
                next_address: 1,
                ..Held::default()
            })),
            stats: Arc::default(),
            identity,
        }
    }

    pub fn shared(&self) -> SharedStore {
        Arc::new(self.clone())
    }

    fn held(&self) -> MutexGuard<'_, Held> {
        self.held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn sent(&self) {
        self.stats.requests.fetch_add(1, Ordering::Relaxed);
        super::counted::one_sent();
        self.stats.store_time.store(self.now(), Ordering::Relaxed);
    }

    fn now(&self) -> i64 {
        let held = self.held();
        held.frozen_at
            .unwrap_or_else(|| now_unix() + held.clock_offset)
    }

    /// Sets the store's clock this many seconds from this machine's.
    pub fn set_clock_offset(&self, seconds: i64) {
        self.held().clock_offset = seconds;
    }

    /// Stops the store's clock where it is: every change now has the same date.
    pub fn freeze_clock(&self) {
        let now = self.now();
        self.held().frozen_at = Some(now);
    }

    /// Writes to this customer fail (500) until `heal`.
    pub fn fail_writes_to(&self, id: i64) {
        self.held().failing.insert(id);
    }

    /// Counts this many customers more than it lists, as a store whose count is off does.
    pub fn count_more_than_listed(&self, extra: u64) {
        self.held().unlisted = extra;
    }

    pub fn heal(&self) {
        self.held().failing.clear();
    }

    /// Every customer, in id order.
    pub fn customers(&self) -> Vec<Customer> {
        self.held().customers.values().cloned().collect()
    }

    /// Adds a group (the first one added is the default).
    pub fn add_group(&self, name: &str) -> CustomerGroup {
        let mut held = self.held();
        let id = held.next_group;
        held.next_group += 1;
        let date = format_api_date(now_unix());
        let group = CustomerGroup {
            id,
            name: name.to_owned(),
            is_default: held.groups.is_empty(),
            is_group_for_guests: false,
            date_created: date.clone(),
            date_modified: date,
        };
        held.groups.insert(id, group.clone());
        group
    }

    /// Adds demo customers `first.last.N@example.com`, numbered from 1.
    pub fn add_customers(&self, count: usize) -> Vec<Customer> {
        (1..=count)
            .map(|n| {
                let mut customer = NewCustomer::default();
                for (field, text) in [
                    (Field::FirstName, format!("First{n}")),
                    (Field::LastName, format!("Last{n}")),
                    (Field::Email, format!("customer{n}@example.com")),
                ] {
                    customer.fields.insert(field, Value::Text(text));
                }
                self.insert(&customer).expect("a demo customer is valid")
            })
            .collect()
    }

    fn insert(&self, new: &NewCustomer) -> Result<Customer, ApiError> {
        let now = self.now();
        let mut held = self.held();
        let mut customer = Customer::default();
        for (field, value) in &new.fields {
            field.write(&mut customer, value);
        }
        for field in [Field::FirstName, Field::LastName, Field::Email] {
            if field.read(&customer).to_string().trim().is_empty() {
                return Err(refused(400, field.name(), "is required"));
            }
        }
        check_email(&held, &customer.email, None)?;
        customer.customer_group_id = match new.fields.get(&Field::CustomerGroupId) {
            Some(_) => check_group(&held, customer.customer_group_id)?,
            None => held
                .groups
                .values()
                .find(|group| group.is_default)
                .map_or(0, |group| group.id),
        };
        customer.id = held.next_customer;
        held.next_customer += 1;
        customer.date_created = format_api_date(now);
        customer.date_modified = customer.date_created.clone();
        customer.reset_pass_on_login = new.force_password_reset;
        held.customers.insert(customer.id, customer.clone());
        Ok(customer)
    }

    fn change(&self, id: i64, change: &CustomerChange) -> Result<Customer, ApiError> {
        let now = self.now();
        let mut held = self.held();
        if held.failing.contains(&id) {
            return Err(failing());
        }
        let before = held
            .customers
            .get(&id)
            .cloned()
            .ok_or_else(|| not_found(&format!("Customer {id}")))?;
        let mut after = change.applied_to(&before);
        if after.email != before.email {
            check_email(&held, &after.email, Some(id))?;
        }
        if after.customer_group_id != before.customer_group_id {
            after.customer_group_id = check_group(&held, after.customer_group_id)?;
        }
        after.date_modified = format_api_date(now);
        held.customers.insert(id, after.clone());
        Ok(after)
    }
}

fn refused(status: u16, field: &str, why: &str) -> ApiError {
    ApiError::Status {
        status,
        message: format!("The field '{field}' is invalid. {why}"),
        field: Some(field.to_owned()),
    }
}

fn failing() -> ApiError {
    ApiError::Status {
        status: 500,
        message: "Internal Server Error".to_owned(),
        field: None,
    }
}

fn check_email(held: &Held, email: &str, except: Option<i64>) -> Result<(), ApiError> {
    let taken = held
        .customers
        .values()
        .any(|other| Some(other.id) != except && other.email.eq_ignore_ascii_case(email.trim()));
    if taken {
        return Err(ApiError::Status {
            status: 409,
            message: format!("A customer with the email address '{email}' already exists."),
            field: Some("email".to_owned()),
        });
    }
    Ok(())
}

fn check_group(held: &Held, id: i64) -> Result<i64, ApiError> {
    if id == 0 || held.groups.contains_key(&id) {
        Ok(id)
    } else {
        Err(refused(400, "customer_group_id", "No such customer group."))
    }
}

/// Whether a customer matches the filter: text exactly (in any case), bounds inclusive.
fn matches(customer: &Customer, filter: &Filter) -> bool {
    let text = |wanted: &Option<String>, value: &str| {
        wanted
            .as_ref()
            .is_none_or(|wanted| wanted.eq_ignore_ascii_case(value))
    };
    let within = |value: Option<i64>, min: Option<i64>, max: Option<i64>| {
        let Some(value) = value else {
            return min.is_none() && max.is_none();
        };
        min.is_none_or(|min| value >= min) && max.is_none_or(|max| value <= max)
    };
    text(&filter.first_name, &customer.first_name)
        && text(&filter.last_name, &customer.last_name)
        && text(&filter.email, &customer.email)
        && text(&filter.company, &customer.company)
        && text(&filter.phone, &customer.phone)
        && text(&filter.tax_exempt_category, &customer.tax_exempt_category)
        && filter
            .store_credit
            .is_none_or(|credit| credit == customer.store_credit)
        && filter
            .customer_group_id
            .is_none_or(|group| group == customer.customer_group_id)
        && within(Some(customer.id), filter.min_id, filter.max_id)
        && within(
            customer.created_at(),
            filter.min_date_created,
            filter.max_date_created,
        )
        && within(
            customer.modified_at(),
            filter.min_date_modified,
            filter.max_date_modified,
        )
}

#[async_trait]
impl Store for MemoryStore {
    fn api_url(&self) -> &str {
        &self.identity.api_url
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            write_batch: 10,
            delete_batch: 50,
            concurrency: 2,
            server_search: false,
            server_sort: false,
        }
    }

    fn background(&self) -> SharedStore {
        self.shared()
    }

    fn stats(&self) -> &RequestStats {
        &self.stats
    }

    fn rate_budget(&self) -> RateSnapshot {
        RateSnapshot::default()
    }

    async fn identity(&self) -> Result<StoreIdentity, ApiError> {
        self.sent();
        Ok(self.identity.clone())
    }

    async fn list(&self, filter: &Filter, page: u64, limit: u64) -> Result<Listed, ApiError> {
        self.sent();
        let limit = limit.clamp(1, super::MAX_PAGE_SIZE) as usize;
        let skip = (page.max(1) as usize - 1) * limit;
        let customers = self
            .held()
            .customers
            .values()
            .filter(|customer| matches(customer, filter))
            .skip(skip)
            .take(limit)
            .cloned()
            .collect();
        Ok(Listed {
            customers,
            store_time: Some(self.now()),
        })
    }

    async fn count(&self, filter: &Filter) -> Result<u64, ApiError> {
        self.sent();
        let held = self.held();
        let counted = held
            .customers
            .values()
            .filter(|customer| matches(customer, filter))
            .count() as u64;
        let extra = if filter.is_empty() { held.unlisted } else { 0 };
        Ok(counted + extra)
    }

    async fn read_many(&self, ids: &[i64]) -> Result<Vec<Customer>, ApiError> {
        self.sent();
        let held = self.held();
        let wanted: BTreeSet<i64> = ids.iter().copied().collect();
        Ok(wanted
            .into_iter()
            .filter_map(|id| held.customers.get(&id).cloned())
            .collect())
    }

    async fn create_many(&self, customers: &[NewCustomer]) -> Vec<Result<Customer, ApiError>> {
        self.sent();
        customers.iter().map(|new| self.insert(new)).collect()
    }

    async fn update_many(
        &self,
        changes: &[(i64, CustomerChange)],
    ) -> Vec<Result<Customer, ApiError>> {
        self.sent();
        changes
            .iter()
            .map(|(id, change)| self.change(*id, change))
            .collect()
    }

    async fn delete_many(&self, ids: &[i64]) -> Vec<Result<(), ApiError>> {
        self.sent();
        let mut held = self.held();
        ids.iter()
            .map(|id| {
                if held.failing.contains(id) {
                    return Err(failing());
                }
                held.customers
                    .remove(id)
                    .ok_or_else(|| not_found(&format!("Customer {id}")))?;
                held.addresses
                    .retain(|_, address| address.customer_id != *id);
                Ok(())
            })
            .collect()
    }

    async fn groups(&self) -> Result<Vec<CustomerGroup>, ApiError> {
        self.sent();
        Ok(self.held().groups.values().cloned().collect())
    }

    async fn create_group(&self, group: &GroupChange) -> Result<CustomerGroup, ApiError> {
        self.sent();
        let name = group.name.clone().unwrap_or_default();
        if self
            .held()
            .groups
            .values()
            .any(|other| other.name.eq_ignore_ascii_case(&name))
        {
            return Err(refused(409, "name", "A group of that name exists."));
        }
        Ok(self.add_group(&name))
    }

    async fn update_group(&self, id: i64, change: &GroupChange) -> Result<CustomerGroup, ApiError> {
        self.sent();
        let mut held = self.held();
        let group = held
            .groups
            .get_mut(&id)
            .ok_or_else(|| not_found(&format!("Customer group {id}")))?;
        if let Some(name) = &change.name {
            group.name = name.clone();
        }
        group.date_modified = format_api_date(now_unix());
        Ok(group.clone())
    }

    async fn delete_group(&self, id: i64) -> Result<(), ApiError> {
        self.sent();
        let mut held = self.held();
        held.groups
            .remove(&id)
            .ok_or_else(|| not_found(&format!("Customer group {id}")))?;
        // Its customers are left in no group, and so count as changed.
        let now = format_api_date(
            held.frozen_at
                .unwrap_or_else(|| now_unix() + held.clock_offset),
        );
        for customer in held.customers.values_mut() {
            if customer.customer_group_id == id {
                customer.customer_group_id = 0;
                customer.date_modified = now.clone();
            }
        }
        Ok(())
    }

    async fn addresses(&self, customer_id: i64) -> Result<Vec<Address>, ApiError> {
        self.sent();
        let held = self.held();
        if !held.customers.contains_key(&customer_id) {
            return Err(not_found(&format!("Customer {customer_id}")));
        }
        Ok(held
            .addresses
            .values()
            .filter(|address| address.customer_id == customer_id)
            .cloned()
            .collect())
    }

    async fn create_address(
        &self,
        customer_id: i64,
        fields: &AddressChange,
    ) -> Result<Address, ApiError> {
        self.sent();
        let mut held = self.held();
        if !held.customers.contains_key(&customer_id) {
            return Err(not_found(&format!("Customer {customer_id}")));
        }
        let mut address = Address {
            id: held.next_address,
            customer_id,
            ..Address::default()
        };
        held.next_address += 1;
        write_address(&mut address, fields);
        held.addresses.insert(address.id, address.clone());
        Ok(address)
    }

    async fn update_address(
        &self,
        customer_id: i64,
        address_id: i64,
        change: &AddressChange,
    ) -> Result<Address, ApiError> {
        self.sent();
        let mut held = self.held();
        let address = held
            .addresses
            .get_mut(&address_id)
            .filter(|address| address.customer_id == customer_id)
            .ok_or_else(|| not_found(&format!("Address {address_id}")))?;
        write_address(address, change);
        Ok(address.clone())
    }

    async fn delete_address(&self, customer_id: i64, address_id: i64) -> Result<(), ApiError> {
        self.sent();
        let mut held = self.held();
        match held.addresses.get(&address_id) {
            Some(address) if address.customer_id == customer_id => {
                held.addresses.remove(&address_id);
                Ok(())
            }
            _ => Err(not_found(&format!("Address {address_id}"))),
        }
    }
}

fn write_address(address: &mut Address, fields: &AddressChange) {
    for (name, text) in fields {
        let slot = match name.as_str() {
            "first_name" => &mut address.first_name,
            "last_name" => &mut address.last_name,
            "company" => &mut address.company,
            "street_1" => &mut address.street_1,
            "street_2" => &mut address.street_2,
            "city" => &mut address.city,
            "state" => &mut address.state,
            "zip" => &mut address.zip,
            "country" => &mut address.country,
            "phone" => &mut address.phone,
            "address_type" => &mut address.address_type,
            _ => continue,
        };
        *slot = text.clone();
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;

    #[tokio::test]
    async fn keeps_the_rules_a_store_keeps() {
        let store = MemoryStore::new("Shop");
        let retail = store.add_group("Retail");
        let shared = store.shared();
        let made = store.add_customers(3);
        assert_eq!(made[0].customer_group_id, retail.id, "the default group");
        let mut again = NewCustomer::again(&made[0]);
        again.fields.insert(Field::CustomerGroupId, Value::Group(0));
        let refused = shared.create(&again).await.expect_err("a taken email");
        assert_eq!(refused.status(), Some(409));
        let change = CustomerChange::set(Field::CustomerGroupId, Value::Group(99));
        let refused = shared
            .update(made[1].id, &change)
            .await
            .expect_err("no group 99");
        assert_eq!(refused.field(), Some("customer_group_id"));
        let change = CustomerChange::set(Field::StoreCredit, Value::Amount(Decimal::new(5, 0)));
        let saved = shared.update(made[1].id, &change).await.expect("saved");
        assert_eq!(saved.store_credit, Decimal::new(5, 0));
        let filter = Filter {
            store_credit: Some(Decimal::new(5, 0)),
            ..Filter::default()
        };
        assert_eq!(shared.count(&filter).await.expect("a count"), 1);
        store.fail_writes_to(made[2].id);
        assert_eq!(
            shared
                .delete(made[2].id)
                .await
                .expect_err("failing")
                .status(),
            Some(500)
        );
        store.heal();
        shared.delete(made[2].id).await.expect("deleted");
        assert_eq!(
            shared.get(made[2].id).await.expect_err("gone").status(),
            Some(404)
        );
    }
}
