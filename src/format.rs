//! Numbers as people read them, shared by the app, its reports and the command line.

/// `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 customer`, `1,234 customers`.
pub fn customers(n: u64) -> String {
    if n == 1 {
        "1 customer".to_owned()
    } else {
        format!("{} customers", thousands(n))
    }
}

/// Store credit as money: two decimals unless the store's value has more (`85.00`, `12.50`,
/// `3.1416`).
pub fn money(amount: rust_decimal::Decimal) -> String {
    let places = amount.normalize().scale().max(2) as usize;
    format!("{amount:.places$}")
}

/// A time gone by, roughly: `40 s`, `3 min`, `2 h`, `5 days`.
pub fn ago(seconds: i64) -> String {
    match seconds.max(0) {
        s if s < 60 => format!("{s} s"),
        s if s < 3_600 => format!("{} min", s / 60),
        s if s < 172_800 => format!("{} h", s / 3_600),
        s => format!("{} days", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_gone_by_are_rounded_down_to_their_unit() {
        assert_eq!(ago(40), "40 s");
        assert_eq!(ago(-3), "0 s");
        assert_eq!(ago(200), "3 min");
        assert_eq!(ago(7_300), "2 h");
        assert_eq!(ago(900_000), "10 days");
    }
    use rust_decimal::Decimal;
    use std::str::FromStr;

    #[test]
    fn money_has_two_decimals_unless_the_store_has_more() {
        let money_of = |text: &str| money(Decimal::from_str(text).expect("a number"));
        assert_eq!(money_of("85"), "85.00");
        assert_eq!(money_of("85.0000"), "85.00");
        assert_eq!(money_of("12.5"), "12.50");
        assert_eq!(money_of("3.1416"), "3.1416");
        assert_eq!(money_of("1.1250"), "1.125");
        assert_eq!(money_of("0"), "0.00");
    }
}
