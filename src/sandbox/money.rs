//! Store credit: kept as a whole number of ten-thousandths, shown with four decimals.

use rust_decimal::{Decimal, RoundingStrategy};

/// The largest credit the sandbox keeps: 9,999,999,999.9999.
pub const MAX_CREDIT: i64 = 99_999_999_999_999;

/// An amount exactly as ten-thousandths, if it can be held as it is.
pub fn credit_from_decimal(amount: Decimal) -> Option<i64> {
    if amount.is_sign_negative() && !amount.is_zero() {
        return None;
    }
    let scaled = amount.checked_mul(Decimal::from(10_000))?;
    if !scaled.fract().is_zero() {
        return None;
    }
    let credit = i64::try_from(scaled.trunc()).ok()?;
    (0..=MAX_CREDIT).contains(&credit).then_some(credit)
}

/// An amount given for a customer: rounded to four places, then held if it fits.
pub fn credit_from_input(amount: Decimal) -> Option<i64> {
    credit_from_decimal(amount.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero))
}

/// `12.5000`, as the API writes it.
pub fn format_credit(credit: i64) -> String {
    Decimal::new(credit, 4).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).expect("a decimal")
    }

    #[test]
    fn formats_four_decimals() {
        assert_eq!(format_credit(0), "0.0000");
        assert_eq!(format_credit(125_000), "12.5000");
        assert_eq!(format_credit(MAX_CREDIT), "9999999999.9999");
    }

    #[test]
    fn exact_amounts_only() {
        assert_eq!(credit_from_decimal(dec("5")), Some(50_000));
        assert_eq!(credit_from_decimal(dec("5.0000000")), Some(50_000));
        assert_eq!(credit_from_decimal(dec("5.00001")), None);
        assert_eq!(credit_from_decimal(dec("-1")), None);
        assert_eq!(credit_from_decimal(dec("-0")), Some(0));
        assert_eq!(credit_from_decimal(dec("10000000000")), None);
        assert_eq!(credit_from_decimal(Decimal::MAX), None);
    }

    #[test]
    fn input_is_rounded_to_four_places() {
        assert_eq!(credit_from_input(dec("1.23455")), Some(12_346));
        assert_eq!(credit_from_input(dec("1.23454")), Some(12_345));
    }
}
