//! The rules the store applies to a customer's fields, so that a form can say what is wrong
//! while it is typed instead of after a round trip.

use std::net::IpAddr;
use std::str::FromStr;

use rust_decimal::Decimal;

/// Most characters of a name, email, company, phone or category.
pub const SHORT_TEXT: usize = 255;
/// Most characters of the notes.
pub const LONG_TEXT: usize = 65_535;

pub const PASSWORD_RULE: &str = "at least 7 characters, with a letter and a number";

/// The shape the store accepts: one `@`, a local part, a domain with a dot, no spaces or
/// control characters.
pub fn looks_like_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let clean = |part: &str| {
        !part.is_empty()
            && !part
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '@')
    };
    clean(local)
        && clean(domain)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
}

/// The storefront's default rule: at least 7 characters, a letter and a digit.
pub fn meets_password_rules(password: &str) -> bool {
    password.chars().count() >= 7
        && password.chars().any(char::is_alphabetic)
        && password.chars().any(|c| c.is_ascii_digit())
}

/// The most store credit a customer can hold: 9,999,999,999.9999.
pub const MAX_STORE_CREDIT: Decimal = Decimal::from_parts(0x107A_3FFF, 0x5AF3, 0, false, 4);

/// Store credit as people write it: a decimal of 0 or more with at most four places, its
/// thousands grouped by commas or not ("1,250.50"). Not `1e3`, not `0x10`.
pub fn parse_store_credit(text: &str) -> Result<Decimal, &'static str> {
    const NOT_AN_AMOUNT: &str = "an amount such as 12.50";
    let text = text.trim();
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, places) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |part: &str| part.chars().all(|c| c.is_ascii_digit());
    let grouped = {
        let mut groups = whole.split(',');
        let first = groups.next().unwrap_or_default();
        !first.is_empty()
            && first.len() <= 3
            && digits(first)
            && groups.all(|group| group.len() == 3 && digits(group))
    };
    let plain = !whole.is_empty() && digits(whole);
    if !(plain || grouped) || !digits(places) || (unsigned.ends_with('.') && places.is_empty()) {
        return Err(NOT_AN_AMOUNT);
    }
    let amount = Decimal::from_str(&text.replace(',', "")).map_err(|_| NOT_AN_AMOUNT)?;
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err("0 or more");
    }
    if amount.normalize().scale() > 4 {
        return Err("at most 4 decimal places");
    }
    if amount > MAX_STORE_CREDIT {
        return Err("at most 9,999,999,999.9999");
    }
    Ok(amount)
}

#[cfg(test)]
#[test]
fn the_most_store_credit_is_ten_digits_and_four_places() {
    assert_eq!(MAX_STORE_CREDIT.to_string(), "9999999999.9999");
}

#[cfg(test)]
#[test]
fn store_credit_is_read_as_people_write_it() {
    let ok = |text: &str| parse_store_credit(text).map(|amount| amount.to_string());
    assert_eq!(ok("12.5"), Ok("12.5".to_owned()));
    assert_eq!(ok(" 1,250.50 "), Ok("1250.50".to_owned()));
    assert_eq!(ok("1250"), Ok("1250".to_owned()));
    assert_eq!(ok("0.0001"), Ok("0.0001".to_owned()));
    for wrong in [
        "1e3", "1E3", "0x10", "12,5", "1,25", "12.", ".5", "1.2.3", "£5", "", "NaN", "inf",
    ] {
        assert_eq!(ok(wrong), Err("an amount such as 12.50"), "{wrong:?}");
    }
    assert_eq!(ok("-5"), Err("0 or more"));
}

/// A customer group id as typed: a whole number of 0 or more.
pub fn parse_group_id(text: &str) -> Result<i64, &'static str> {
    match text.trim().parse::<i64>() {
        Ok(id) if (0..=i64::from(i32::MAX)).contains(&id) => Ok(id),
        _ => Err("a whole number of 0 or more"),
    }
}

pub fn is_ip_address(text: &str) -> bool {
    IpAddr::from_str(text.trim()).is_ok()
}

/// What is wrong with a writable customer field's text by the store's rules, if anything.
/// Empty store credit and group id mean "not given" and pass.
pub fn field_problem(field: &str, text: &str) -> Option<&'static str> {
    let trimmed = text.trim();
    let problem = match field {
        "first_name" | "last_name" | "email" if trimmed.is_empty() => "required",
        "email" if !looks_like_email(trimmed) => "an address such as jane@example.com",
        "store_credit" | "customer_group_id" if trimmed.is_empty() => return None,
        "store_credit" => return parse_store_credit(text).err(),
        "customer_group_id" => return parse_group_id(text).err(),
        "registration_ip_address" if !trimmed.is_empty() && !is_ip_address(text) => {
            "an IPv4 or IPv6 address"
        }
        "notes" if text.chars().count() > LONG_TEXT => "too long",
        "notes" => return None,
        _ if text.chars().count() > SHORT_TEXT => "at most 255 characters",
        _ => return None,
    };
    Some(problem)
}

/// The address fields the store requires.
pub const REQUIRED_ADDRESS_FIELDS: [&str; 8] = [
    "first_name",
    "last_name",
    "phone",
    "street_1",
    "city",
    "state",
    "zip",
    "country",
];

/// What is wrong with an address field's text by the store's rules, if anything. A state of a
/// single space is the store's own "no state" and passes.
pub fn address_field_problem(field: &str, text: &str) -> Option<&'static str> {
    if field == "state" && text == " " {
        return None;
    }
    if REQUIRED_ADDRESS_FIELDS.contains(&field) && text.trim().is_empty() {
        return Some("required");
    }
    match field {
        "address_type" if !matches!(text, "" | "residential" | "commercial") => {
            Some("residential or commercial")
        }
        _ if text.chars().count() > SHORT_TEXT => Some("at most 255 characters"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_rules() {
        assert!(parse_store_credit("12.5").is_ok());
        assert!(parse_store_credit("0").is_ok());
        assert!(
            parse_store_credit("1.23450").is_ok(),
            "trailing zeros are not places"
        );
        assert_eq!(
            parse_store_credit("1.23456"),
            Err("at most 4 decimal places")
        );
        assert_eq!(parse_store_credit("-1"), Err("0 or more"));
        assert!(parse_store_credit("ten").is_err());
        assert!(parse_store_credit("10000000000").is_err());
    }

    #[test]
    fn other_rules() {
        assert!(looks_like_email("jane@example.com"));
        assert!(!looks_like_email("jane@example"));
        assert!(!looks_like_email("ja ne@example.com"));
        assert!(meets_password_rules("secret12"));
        assert!(!meets_password_rules("secret"));
        assert!(!meets_password_rules("1234567"));
        assert_eq!(parse_group_id("3"), Ok(3));
        assert!(parse_group_id("-1").is_err());
        assert!(is_ip_address("::1") && is_ip_address("10.0.0.1") && !is_ip_address("10.0.0"));
        assert_eq!(
            field_problem("email", "12345"),
            Some("an address such as jane@example.com")
        );
        assert_eq!(field_problem("first_name", " "), Some("required"));
        assert_eq!(field_problem("store_credit", ""), None);
        assert_eq!(
            field_problem("company", &"x".repeat(256)),
            Some("at most 255 characters")
        );
        assert_eq!(field_problem("notes", &"x".repeat(256)), None);
    }
}
