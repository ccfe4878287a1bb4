//! Demo customers for an empty sandbox: varied, realistic, and the same every time for the same
//! count, built from the word lists in `assets/`.

use super::customer::StoredCustomer;

const FIRST_NAMES: &str = include_str!("../../assets/first_names.txt");
const LAST_NAMES: &str = include_str!("../../assets/last_names.txt");
const COMPANIES: &str = include_str!("../../assets/companies.txt");
const EMAIL_DOMAINS: &str = include_str!("../../assets/email_domains.txt");
const NOTES: &str = include_str!("../../assets/notes.txt");
const TAX_EXEMPT_CATEGORIES: [&str; 4] = ["A", "E", "G", "N"];

/// Customers sign up between 2016-01-01 and 2026-07-01 (UTC), the oldest first.
const FIRST_SIGN_UP: i64 = 1_451_606_400;
const LAST_SIGN_UP: i64 = 1_782_864_000;

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
        customer_group_id: if rng.f32() < 0.6 { 0 } else { rng.i64(1..=5) },
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
}
