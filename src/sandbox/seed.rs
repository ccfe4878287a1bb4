//! Demo data for an empty sandbox: customer groups, customers and their addresses, varied,
//! realistic, and the same every time for the same count, built from the lists in `assets/`.

use super::address::StoredAddress;
use super::customer::StoredCustomer;
use super::group::{AccessType, CategoryAccess, DiscountMethod, DiscountRule, StoredGroup};
use super::seed_addresses::Places;

const FIRST_NAMES: &str = include_str!("../../assets/first_names.txt");
const LAST_NAMES: &str = include_str!("../../assets/last_names.txt");
const COMPANIES: &str = include_str!("../../assets/companies.txt");
const EMAIL_DOMAINS: &str = include_str!("../../assets/email_domains.txt");
const NOTES: &str = include_str!("../../assets/notes.txt");
const TAX_EXEMPT_CATEGORIES: [&str; 4] = ["A", "E", "G", "N"];

/// Customers sign up between 2016-01-01 and 2026-07-01 (UTC), the oldest first.
const FIRST_SIGN_UP: i64 = 1_451_606_400;
const LAST_SIGN_UP: i64 = 1_782_864_000;

/// The demo groups customers are spread over: the default first, then by id.
const RETAIL: i64 = 1;
const TRADE: i64 = 5;

/// The demo store's customer groups, with fixed ids: Retail (the default), Wholesale, VIP,
/// Staff and Trade hold customers; Education is empty; Guests is the guests' group.
pub fn demo_groups() -> Vec<StoredGroup> {
    let all = CategoryAccess::default();
    let percent = |amount: i64| DiscountRule::All {
        method: DiscountMethod::Percent,
        amount: amount * 10_000,
    };
    let group = |id: i64, name: &str, access: CategoryAccess, rules: Vec<DiscountRule>| {
        StoredGroup {
            id,
            name: name.to_owned(),
            is_default: id == RETAIL,
            category_access: access,
            discount_rules: rules,
            // Set up shortly before the first customer signed up, some changed since.
            date_created: FIRST_SIGN_UP - 86_400 * (40 - id),
            date_modified: FIRST_SIGN_UP + 86_400 * 400 * (id % 3),
            is_group_for_guests: false,
        }
    };
    let specific = |categories: &[i64]| CategoryAccess {
        kind: AccessType::Specific,
        categories: categories.to_vec(),
    };
    let mut groups = vec![
        group(RETAIL, "Retail", all.clone(), Vec::new()),
        group(2, "Wholesale", all.clone(), vec![percent(15)]),
        group(
            3,
            "VIP",
            all.clone(),
            vec![
                percent(10),
                DiscountRule::Product {
                    method: DiscountMethod::Price,
                    amount: 490_000,
                    product_id: 112,
                },
            ],
        ),
        group(
            4,
            "Staff",
            specific(&[18, 19, 23]),
            vec![
                percent(30),
                DiscountRule::Category {
                    method: DiscountMethod::Fixed,
                    amount: 50_000,
                    category_id: 23,
                },
            ],
        ),
        group(
            TRADE,
            "Trade",
            specific(&[18, 19, 23, 34]),
            vec![DiscountRule::PriceList { price_list_id: 1 }],
        ),
        group(
            6,
            "Education",
            all.clone(),
            vec![DiscountRule::Category {
                method: DiscountMethod::Percent,
                amount: 200_000,
                category_id: 24,
            }],
        ),
        group(7, "Guests", all, Vec::new()),
    ];
    if let Some(guests) = groups.last_mut() {
        guests.is_group_for_guests = true;
    }
    groups
}

struct WordLists {
    first_names: Vec<&'static str>,
    last_names: Vec<&'static str>,
    companies: Vec<&'static str>,
    domains: Vec<&'static str>,
    notes: Vec<&'static str>,
}

fn lines(text: &'static str) -> Vec<&'static str> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect()
}

/// `count` demo customers, in order of sign-up, each with 0 to 3 addresses.
pub fn demo_store(count: u64) -> impl Iterator<Item = (StoredCustomer, Vec<StoredAddress>)> {
    let places = Places::load();
    let first_names = lines(FIRST_NAMES);
    // Addresses draw from their own stream, so the customers stay as they were before
    // addresses were seeded.
    let mut rng = fastrand::Rng::with_seed(0xADD0_0000 ^ count);
    demo_customers(count).map(move |customer| {
        let addresses = places.addresses_for(&mut rng, &customer, &first_names);
        (customer, addresses)
    })
}

/// `count` demo customers, in order of sign-up. Emails are unique: each carries the
/// customer's sequence number.
pub fn demo_customers(count: u64) -> impl Iterator<Item = StoredCustomer> {
    let words = WordLists {
        first_names: lines(FIRST_NAMES),
        last_names: lines(LAST_NAMES),
        companies: lines(COMPANIES),
        domains: lines(EMAIL_DOMAINS),
        notes: lines(NOTES),
    };
    let mut rng = fastrand::Rng::with_seed(0xBC00_0000 ^ count);
    let step = ((LAST_SIGN_UP - FIRST_SIGN_UP) / count.max(1) as i64).max(1);
    (0..count).map(move |index| demo_customer(&words, &mut rng, index, step))
}

fn demo_customer(
    words: &WordLists,
    rng: &mut fastrand::Rng,
    index: u64,
    step: i64,
) -> StoredCustomer {
    let pick =
        |rng: &mut fastrand::Rng, list: &[&'static str]| list[rng.usize(..list.len())].to_owned();
    let first_name = pick(rng, &words.first_names);
    let last_name = pick(rng, &words.last_names);
    let date_created = FIRST_SIGN_UP + index as i64 * step + rng.i64(0..step);
    let date_modified = if rng.f32() < 0.4 {
        rng.i64(date_created..=LAST_SIGN_UP.max(date_created))
    } else {
        date_created
    };
    let domain = pick(rng, &words.domains);
    let email = demo_email(rng, &first_name, &last_name, index + 1, &domain);
    StoredCustomer {
        id: 0,
        company: if rng.f32() < 0.35 {
            pick(rng, &words.companies)
        } else {
            String::new()
        },
        phone: demo_phone(rng),
        store_credit: match rng.u8(..100) {
            0..65 => 0,
            65..90 => rng.i64(1..=200) * 10_000,
            _ => rng.i64(1..=50_000) * 100,
        },
        registration_ip_address: match rng.u8(..10) {
            0..6 => format!(
                "{}.{}",
                ["198.51.100", "203.0.113", "192.0.2"][rng.usize(..3)],
                rng.u8(1..255)
            ),
            6 => format!("2001:db8::{:x}", rng.u16(1..)),
            _ => String::new(),
        },
        // Most customers are in the default group; some in none, like those who signed up
        // before the store had groups. (One draw either way keeps the other fields as they were.)
        customer_group_id: match rng.f32() {
            x if x < 0.25 => 0,
            x if x < 0.6 => RETAIL,
            _ => rng.i64(RETAIL..=TRADE),
        },
        notes: if rng.f32() < 0.15 {
            pick(rng, &words.notes)
        } else {
            String::new()
        },
        tax_exempt_category: if rng.f32() < 0.05 {
            pick(rng, &TAX_EXEMPT_CATEGORIES)
        } else {
            String::new()
        },
        date_created,
        date_modified,
        reset_pass_on_login: rng.f32() < 0.03,
        accepts_marketing: rng.f32() < 0.45,
        form_fields: match rng.u8(..10) {
            0 => Some(format!(
                r#"[{{"name":"License ID","value":"LIC-{:05}"}}]"#,
                rng.u32(..100_000)
            )),
            1 | 2 => Some("[]".to_owned()),
            _ => None,
        },
        first_name,
        last_name,
        email,
    }
}

fn demo_email(
    rng: &mut fastrand::Rng,
    first: &str,
    last: &str,
    number: u64,
    domain: &str,
) -> String {
    let ascii = |name: &str| -> String {
        name.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let (first, last) = (ascii(first), ascii(last));
    let initial = first.chars().next().map(String::from).unwrap_or_default();
    // The number ends the local part, and names hold no digits, so no two emails collide.
    match rng.u8(..3) {
        0 => format!("{first}.{last}{number}@{domain}"),
        1 => format!("{initial}{last}{number}@{domain}"),
        _ => format!("{first}_{last}{number}@{domain}"),
    }
}

fn demo_phone(rng: &mut fastrand::Rng) -> String {
    match rng.u8(..10) {
        0..6 => format!("({}) 555-{:04}", rng.u16(201..990), rng.u16(..10_000)),
        6..8 => format!("+44 20 7946 {:04}", rng.u16(..10_000)),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn same_count_same_customers() {
        let a: Vec<_> = demo_customers(50).collect();
        let b: Vec<_> = demo_customers(50).collect();
        assert_eq!(a, b);
    }

    #[test]
    fn emails_are_unique_and_dates_follow_sign_up_order() {
        let customers: Vec<_> = demo_customers(5_000).collect();
        let emails: HashSet<_> = customers.iter().map(|c| c.email.to_lowercase()).collect();
        assert_eq!(emails.len(), customers.len());
        assert!(
            customers
                .windows(2)
                .all(|w| w[0].date_created <= w[1].date_created)
        );
        assert!(customers.iter().all(|c| c.date_modified >= c.date_created));
        assert!(customers.iter().any(|c| !c.company.is_empty()));
        assert!(customers.iter().any(|c| c.store_credit > 0));
        let groups: HashSet<_> = customers.iter().map(|c| c.customer_group_id).collect();
        assert!(groups.len() > 3);
    }

    #[test]
    fn customers_are_spread_over_groups_that_exist() {
        let groups = demo_groups();
        let ids: HashSet<i64> = groups.iter().map(|g| g.id).collect();
        let names: HashSet<String> = groups.iter().map(|g| g.name.to_lowercase()).collect();
        assert_eq!((ids.len(), names.len()), (groups.len(), groups.len()));
        assert_eq!(groups.iter().filter(|g| g.is_default).count(), 1);
        assert_eq!(groups.iter().filter(|g| g.is_group_for_guests).count(), 1);
        let customers: Vec<_> = demo_customers(2_000).collect();
        let mut per_group = std::collections::BTreeMap::new();
        for customer in &customers {
            assert!(customer.customer_group_id == 0 || ids.contains(&customer.customer_group_id));
            *per_group.entry(customer.customer_group_id).or_insert(0) += 1;
        }
        // Some in no group, most in the default, some in each of the others.
        assert_eq!(
            per_group.keys().copied().collect::<Vec<_>>(),
            [0, 1, 2, 3, 4, 5]
        );
        assert!(per_group[&1] > per_group[&0] && per_group[&0] > per_group[&2]);
    }
}
