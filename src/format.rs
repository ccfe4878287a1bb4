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
