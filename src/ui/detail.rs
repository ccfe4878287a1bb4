//! One customer, every field: dates in local time beside the store's own text.

use chrono::{Local, TimeZone};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::sanitize;
use crate::app::{AddressList, App};

fn local_date(seconds: Option<i64>, format: &str) -> String {
    seconds
        .and_then(|s| Local.timestamp_opt(s, 0).single())
        .map(|at| at.format(format).to_string())
        .unwrap_or_default()
}

pub fn render_detail(app: &App, frame: &mut Frame, area: Rect) {
    let Some(customer) = app.selected_customer() else {
        frame.render_widget(
            Paragraph::new("No customer selected.").block(Block::bordered()),
            area,
        );
        return;
    };
    let dated = |text: &str, seconds: Option<i64>| {
        let local = local_date(seconds, "%Y-%m-%d %H:%M:%S %Z");
        if local.is_empty() {
            sanitize(text).into_owned()
        } else {
            format!("{local}   (store: {})", sanitize(text))
        }
    };
    let form_fields = match &customer.form_fields {
        None => "none".to_owned(),
        Some(fields) if fields.is_empty() => "none".to_owned(),
        Some(fields) => fields
            .iter()
            .map(|f| {
                format!(
                    "{}: {}",
                    sanitize(&f.name),
                    f.value
                        .as_ref()
                        .map(|v| v
                            .as_str()
                            .map(str::to_owned)
                            .unwrap_or_else(|| v.to_string()))
                        .map(|v| sanitize(&v).into_owned())
                        .unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
    };
    let yes_no = |flag: bool| if flag { "yes" } else { "no" }.to_owned();
    let fields: Vec<(&str, String)> = vec![
        ("ID", customer.id.to_string()),
        ("First name", sanitize(&customer.first_name).into_owned()),
        ("Last name", sanitize(&customer.last_name).into_owned()),
        ("Email", sanitize(&customer.email).into_owned()),
        ("Company", sanitize(&customer.company).into_owned()),
        ("Phone", sanitize(&customer.phone).into_owned()),
        ("Store credit", crate::format::money(customer.store_credit)),
        ("Customer group", {
            let label = sanitize(&app.group_label(customer.customer_group_id)).into_owned();
            match customer.customer_group_id {
                0 => label,
                _ if label.starts_with('#') => format!("{label} (no such group)"),
                id => format!("{label} (#{id})"),
            }
        }),
        (
            "Tax-exempt category",
            sanitize(&customer.tax_exempt_category).into_owned(),
        ),
        (
            "Registration IP",
            sanitize(&customer.registration_ip_address).into_owned(),
        ),
        (
            "Reset password at login",
            yes_no(customer.reset_pass_on_login),
        ),
        ("Accepts marketing", yes_no(customer.accepts_marketing)),
        (
            "Created",
            dated(&customer.date_created, customer.created_at()),
        ),
        (
            "Modified",
            dated(&customer.date_modified, customer.modified_at()),
        ),
        ("Form fields", form_fields),
    ];
    // Values wrap under their own first line, never back to the labels' column; the notes
    // keep their own lines too.
    let room = usize::from(area.width.saturating_sub(2 + 26)).max(10);
    let mut lines: Vec<Line> = Vec::new();
    for (label, value) in fields {
        lines.extend(labelled(label, &[value], room));
    }
    let notes: Vec<String> = customer
        .notes
        .lines()
        .map(|line| sanitize(line).into_owned())
        .collect();
    lines.extend(labelled("Notes", &notes, room));
    lines.push(Line::from(""));
    lines.extend(address_lines(app));
    let title = format!(
        " Customer {} — {} ",
        customer.id,
        sanitize(&customer.full_name())
    );
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(title)),
        area,
    );
}

/// The customer's addresses: one line each, the chosen one marked.
fn address_lines(app: &App) -> Vec<Line<'static>> {
    let title = Span::styled(format!("{:>24}  ", "Addresses"), Style::new().bold());
    let said = |text: &str| vec![Line::from(vec![title.clone(), Span::raw(text.to_owned())])];
    match app.addresses.as_ref().map(|shown| &shown.list) {
        None | Some(AddressList::Loading) => said("loading…"),
        Some(AddressList::Failed(why)) => {
            said(&format!("cannot be read: {}", sanitize(&why.to_string())))
        }
        Some(AddressList::Loaded(addresses)) if addresses.is_empty() => said("none"),
        Some(AddressList::Loaded(addresses)) => {
            let selected = app.addresses.as_ref().map_or(0, |shown| shown.selected);
            addresses
                .iter()
                .enumerate()
                .map(|(index, address)| {
                    let label = if index == 0 {
                        title.clone()
                    } else {
                        Span::raw(" ".repeat(26))
                    };
                    let who = format!("{} {}", address.first_name, address.last_name);
                    let mut text = sanitize(who.trim()).into_owned();
                    if !address.company.trim().is_empty() {
                        text.push_str(&format!(", {}", sanitize(address.company.trim())));
                    }
                    text.push_str(&format!(" — {}", sanitize(&address.one_line())));
                    for extra in [&address.phone, &address.address_type] {
                        if !extra.trim().is_empty() {
                            text.push_str(&format!(" · {}", sanitize(extra.trim())));
                        }
                    }
                    let style = if index == selected && addresses.len() > 1 {
                        Style::new().reversed()
                    } else {
                        Style::new()
                    };
                    Line::from(vec![label, Span::styled(text, style)])
                })
                .collect()
        }
    }
}

/// A label and its value's lines, each wrapped at `room` columns, every line after the
/// first indented under the value.
fn labelled(label: &str, values: &[String], room: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut first = true;
    let mut push = |text: String| {
        let head = if first {
            Span::styled(format!("{label:>24}  "), Style::new().bold())
        } else {
            Span::raw(" ".repeat(26))
        };
        first = false;
        lines.push(Line::from(vec![head, Span::raw(text)]));
    };
    if values.is_empty() {
        push(String::new());
    }
    for value in values {
        let mut current = String::new();
        for word in value.split(' ') {
            let needed = Span::raw(current.as_str()).width() + 1 + Span::raw(word).width();
            if !current.is_empty() && needed > room {
                push(std::mem::take(&mut current));
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
        push(current);
    }
    lines
}
