//! Confirmations: what will happen, in numbers and names, then the buttons (the safe one
//! first and focused).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::{clip, sanitize};
use crate::app::customer_form::{FIELDS, values_of};
use crate::app::dialog::{Dialog, DialogKind};
use crate::app::{App, thousands};
use crate::ledger::Did;

pub fn render_dialog(app: &App, dialog: &Dialog, frame: &mut Frame, area: Rect) {
    let mut lines: Vec<Line> = Vec::new();
    let mut typed_line = None;
    match &dialog.kind {
        DialogKind::Delete(plan) => {
            let who = crate::format::customers(plan.count());
            lines.push(Line::from(vec![
                Span::raw(" This deletes "),
                Span::styled(who, Style::new().bold()),
                Span::raw(format!(" from {}.", sanitize(&app.store.name))),
            ]));
            lines.push(Line::from(format!(
                " It takes {}: its backup with each customer's addresses, then a delete each.",
                app.budget.cost_said(plan.reviewed.delete_requests())
            )));
            match &plan.filter {
                Some(filter) => lines.push(Line::from(format!(
                    " Filter: {}; every page, as read from the store now.",
                    sanitize(filter)
                ))),
                None if plan.count() > 1 => {
                    lines.push(Line::from(" Marked one by one (no filter)."))
                }
                None => {}
            }
            if plan.not_visible > 0 {
                lines.push(Line::from(Span::styled(
                    format!(
                        " {} of them are not on the screen now.",
                        thousands(plan.not_visible)
                    ),
                    Style::new().fg(Color::Yellow),
                )));
            }
            for name in &plan.names {
                lines.push(Line::from(format!("   {}", sanitize(name))));
            }
            lines.push(Line::from(""));
            lines.push(Line::from(" First, each is backed up in:"));
            lines.push(Line::from(Span::styled(
                format!("   {}", sanitize(&plan.backups.display().to_string())),
                Style::new().bold(),
            )));
            lines.push(Line::from(
                " Exactly these are deleted; any that match later are left alone. u undoes it:",
            ));
            lines.push(Line::from(
                " they come back with new ids and must set a new password at next login.",
            ));
            if let [name, rest @ ..] = dialog.must_type() {
                lines.push(Line::from(""));
                lines.push(Line::from(Span::styled(
                    " This is every customer of the store.",
                    Style::new().fg(Color::Red).bold(),
                )));
                lines.push(Line::from(Span::styled(
                    match rest.first() {
                        Some(other) => format!(
                            " Type its id ({}) or address ({}) to enable Delete:",
                            sanitize(name),
                            sanitize(other)
                        ),
                        None => format!(" Type its id ({}) to enable Delete:", sanitize(name)),
                    },
                    Style::new().fg(Color::Red).bold(),
                )));
                typed_line = Some(lines.len());
                lines.push(Line::from(format!(
                    "   > {}",
                    sanitize(dialog.typed.value())
                )));
            }
        }
        DialogKind::Review(changes) => {
            lines.push(Line::from(" The store will get exactly these changes:"));
            let width = changes.iter().map(|c| c.label.len()).max().unwrap_or(0);
            for change in changes {
                lines.push(Line::from(vec![
                    Span::styled(
                        format!("   {:>width$}  ", change.label),
                        Style::new().bold(),
                    ),
                    Span::styled(shown(&change.old), Style::new().dim()),
                    Span::raw("  →  "),
                    Span::styled(shown(&change.new), Style::new().fg(Color::Green)),
                ]));
            }
        }
        DialogKind::Conflict(theirs) => conflict_lines(app, theirs, &mut lines),
        DialogKind::ChangeSet(set) => change_set_lines(set, &mut lines),
        DialogKind::ReplaceExport { path, total, .. } => {
            lines.push(Line::from(format!(
                " {} is there already.",
                sanitize(&path.display().to_string())
            )));
            lines.push(Line::from(format!(
                " Replace it with the {} to export, as {}?",
                crate::format::customers(*total),
                crate::jobs::export::ExportFormat::said_for(path)
            )));
        }
        DialogKind::QuitWithChanges => {
            lines.push(Line::from(" A form holds changes that are not saved."));
            lines.push(Line::from(
                " Quit and lose them, or keep editing (then Ctrl-s saves)?",
            ));
        }
        DialogKind::Discard => {
            let changed: Vec<&str> = app
                .form()
                .map(|form| form.changes().iter().map(|c| c.label).collect())
                .unwrap_or_default();
            lines.push(Line::from(" Close the form and lose what you typed?"));
            if !changed.is_empty() {
                lines.push(Line::from(format!(" Changed: {}.", changed.join(", "))));
            }
        }
        DialogKind::UndoChangeSet { set, scope } => {
            lines.push(Line::from(format!(
                " Change set {} ({}): {}.",
                set.id,
                sanitize(&crate::dates::local_time(&set.when)),
                sanitize(&set.line())
            )));
            let words = match scope {
                crate::jobs::undo::UndoScope::Remaining => crate::jobs::undo::undo_question(set),
                crate::jobs::undo::UndoScope::Conflicts => vec![format!(
                    "This tries again the {} customers its undo found changed since.",
                    set.conflicts().len()
                )],
            };
            for line in words {
                lines.push(Line::from(format!(" {}", sanitize(&line))));
            }
        }
        DialogKind::Conflicts(set) => {
            let conflicts = set.conflicts();
            lines.push(Line::from(format!(
                " The undo of change set {} left {} with their newer values:",
                set.id,
                set.kind.count(conflicts.len() as u64)
            )));
            for (key, entry) in conflicts.iter().take(12) {
                let found = entry.conflict.as_ref();
                let detail = match found {
                    Some(outcome) if !outcome.conflicts.is_empty() => {
                        crate::ledger::describe_conflicts(&outcome.conflicts)
                    }
                    Some(outcome) => outcome.why.clone().unwrap_or_default(),
                    None => "changed since".to_owned(),
                };
                let subject = entry.did().map_or_else(|| format!("#{key}"), Did::subject);
                lines.push(Line::from(format!(
                    "   {}: {}",
                    sanitize(&subject),
                    sanitize(&detail)
                )));
            }
            if conflicts.len() > 12 {
                lines.push(Line::from(format!(
                    "   … and {} more (bc-customers history lists them)",
                    conflicts.len() - 12
                )));
            }
            lines.push(Line::from(
                " Try again sets back those that hold what the change left now; set aside leaves them.",
            ));
        }
        DialogKind::BulkReview { review, change, .. } => {
            for line in review.lines_naming(change, |id| app.group_label(id)) {
                lines.push(Line::from(format!(" {}", sanitize(&line))));
            }
            lines.push(Line::from(
                " They are backed up first; each gets only the fields that change for it.",
            ));
            lines.push(Line::from(format!(
                " It takes {}.",
                app.budget
                    .cost_said(review.requests(app.budget.per_second()))
            )));
        }
        DialogKind::DeleteGroup { group, customers } => {
            lines.push(Line::from(format!(
                " This deletes the group {} (#{}).",
                sanitize(&group.name),
                group.id
            )));
            lines.push(Line::from(match customers {
                Some(0) => " No customer is in it.".to_owned(),
                Some(count) => format!(
                    " Its {} will be left in no group.",
                    crate::format::customers(*count)
                ),
                None => " Its customers (not counted yet) will be left in no group.".to_owned(),
            }));
            lines.push(Line::from(
                " u undoes it: the group comes back (new id) with those still in no group.",
            ));
        }
        DialogKind::DeleteAddress(address) => {
            let who = format!("{} {}", address.first_name, address.last_name);
            lines.push(Line::from(format!(
                " This deletes address #{} of customer #{}:",
                address.id, address.customer_id
            )));
            lines.push(Line::from(format!(
                "   {} — {}",
                sanitize(who.trim()),
                sanitize(&address.one_line())
            )));
            lines.push(Line::from(
                " The ledger keeps it as it is: u undoes the delete (it comes back with a new id).",
            ));
        }
    }
    lines.push(Line::from(""));
    // As wide as the longest line needs, up to the terminal's width; what is still too long
    // wraps, so that nothing that will change is hidden.
    let widest = lines.iter().map(Line::width).max().unwrap_or(0) as u16 + 3;
    let width = widest.clamp(96.min(area.width), area.width.max(20));
    let (lines_wrapped, typed_at) =
        wrap_lines(lines, usize::from(width.saturating_sub(3)), typed_line);
    lines = lines_wrapped;
    typed_line = typed_at;
    let mut buttons = vec![Span::raw(" ")];
    for (index, &button) in dialog.buttons().iter().enumerate() {
        let label = dialog.label(button);
        let style = if index == dialog.focus {
            if dialog.ready(button) {
                Style::new().reversed().bold()
            } else {
                Style::new().reversed().dim()
            }
        } else {
            Style::new()
        };
        buttons.push(Span::styled(format!("[ {label} ]"), style));
        buttons.push(Span::raw("  "));
    }
    // On a short terminal the middle gives way: the buttons always show.
    let room = usize::from(area.height.saturating_sub(2)).max(1);
    if lines.len() + 1 > room {
        lines.truncate(room - 1);
        if typed_line.is_some_and(|line| line >= lines.len()) {
            typed_line = None;
        }
    }
    lines.push(Line::from(buttons));

    let popup = super::popup(area, width, lines.len() as u16 + 2);
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(format!(" {} ", dialog.title()))
        .border_style(Style::new().fg(Color::Yellow));
    let inner = block.inner(popup);
    // Lines are kept short rather than wrapped, so that the buttons always fit.
    frame.render_widget(Paragraph::new(lines).block(block), popup);
    if let Some(line) = typed_line {
        let y = inner.y + line as u16;
        if y < inner.y + inner.height {
            frame.set_cursor_position((inner.x + 5 + dialog.typed.visual_cursor() as u16, y));
        }
    }
}

/// The store's version beside the user's, field by field, with what each side changed.
fn conflict_lines(app: &App, theirs: &crate::domain::Customer, lines: &mut Vec<Line>) {
    let Some(form) = app.form() else {
        return;
    };
    let opened = form.original().map(values_of).unwrap_or_default();
    let now = values_of(theirs);
    let changed = form.changed_fields();
    lines.push(Line::from(format!(
        " Someone changed this customer on the store (modified {}).",
        sanitize(&theirs.date_modified)
    )));
    lines.push(Line::from(vec![
        Span::raw(" "),
        Span::styled("■", Style::new().fg(Color::Yellow)),
        Span::raw(" changed on the store   "),
        Span::styled("■", Style::new().fg(Color::Green)),
        Span::raw(" changed by you"),
    ]));
    let column = 26;
    lines.push(Line::from(
        format!(
            " {:>20}  {:<column$}  {:<column$}",
            "", "On the store now", "Yours"
        )
        .bold(),
    ));
    for (field, (_, label)) in FIELDS.iter().enumerate().take(10) {
        let store_changed = opened.get(field) != now.get(field);
        let mine_changed = changed.contains(&field);
        if !store_changed && !mine_changed {
            continue;
        }
        let cell = |text: &str| format!("{:<column$}", clip(&sanitize(text), column));
        let style = |changed: bool, color: Color| {
            if changed {
                Style::new().fg(color)
            } else {
                Style::new().dim()
            }
        };
        lines.push(Line::from(vec![
            Span::raw(format!(" {label:>20}  ")),
            Span::styled(
                cell(now.get(field).map_or("", String::as_str)),
                style(store_changed, Color::Yellow),
            ),
            Span::raw("  "),
            Span::styled(
                cell(form.inputs[field].value()),
                style(mine_changed, Color::Green),
            ),
        ]));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(
        " Reload: take the store's version, with your changes kept on top of it.",
    ));
    lines.push(Line::from(
        " Overwrite: send your changes over theirs as they are.",
    ));
}

/// A value in old → new: empty said as such.
fn shown(value: &str) -> String {
    if value.is_empty() {
        "(empty)".to_owned()
    } else {
        sanitize(value).into_owned()
    }
}

/// Lines of plain text wider than `room` broken at spaces, each continuation indented under
/// its line's text; styled lines (several spans) are left as they are. Where the line at
/// `typed` (the typed name's) went, too.
fn wrap_lines<'a>(
    lines: Vec<Line<'a>>,
    room: usize,
    typed: Option<usize>,
) -> (Vec<Line<'a>>, Option<usize>) {
    let mut wrapped = Vec::with_capacity(lines.len());
    let mut typed_at = None;
    for (index, line) in lines.into_iter().enumerate() {
        if Some(index) == typed {
            typed_at = Some(wrapped.len());
        }
        if line.width() <= room || line.spans.len() != 1 {
            wrapped.push(line);
            continue;
        }
        let text = line.spans[0].content.to_string();
        let style = line.spans[0].style;
        let indent = text.len() - text.trim_start().len();
        let mut current = " ".repeat(indent);
        let mut has_word = false;
        for word in text.split_whitespace() {
            let needed = Span::raw(current.as_str()).width()
                + usize::from(has_word)
                + Span::raw(word).width();
            if has_word && needed > room {
                wrapped.push(Line::styled(std::mem::take(&mut current), style));
                current = " ".repeat(indent + 2);
                has_word = false;
            }
            if has_word {
                current.push(' ');
            }
            current.push_str(word);
            has_word = true;
        }
        wrapped.push(Line::styled(current, style));
    }
    (wrapped, typed_at)
}

/// What a change set did: its line, then each customer's (or address's, or group's) part,
/// a few of them, with the fields an edit changed.
fn change_set_lines(set: &crate::ledger::ChangeSet, lines: &mut Vec<Line>) {
    use crate::ledger::{Did, State};
    lines.push(Line::from(format!(
        " Change set {} ({}): {}.",
        set.id,
        sanitize(&crate::dates::local_time(&set.when)),
        sanitize(&set.line())
    )));
    if !set.what.is_empty() {
        lines.push(Line::from(format!(" {}", sanitize(&set.what))));
    }
    const SHOWN: usize = 12;
    for (key, entry) in set.entries.iter().take(SHOWN) {
        let subject = entry.did().map_or_else(|| format!("#{key}"), Did::subject);
        let state = match entry.state {
            State::Done => "done",
            State::Unknown => "on its way when it stopped",
            State::Failed => "failed",
            State::Skipped => "nothing to do",
            State::Undone => "undone",
            State::Conflict => "a conflict",
            State::SetAside => "set aside",
        };
        let mut text = format!("   {subject}: {state}");
        match entry.did() {
            Some(Did::Edited { before, after, .. }) => {
                let changes: Vec<String> = after
                    .fields
                    .iter()
                    .map(|(field, new)| {
                        let old = before
                            .fields
                            .get(field)
                            .map(ToString::to_string)
                            .unwrap_or_default();
                        format!("{field} '{old}' → '{new}'")
                    })
                    .collect();
                if !changes.is_empty() {
                    text.push_str(&format!(" — {}", changes.join(", ")));
                }
            }
            Some(Did::Created { customer }) => {
                text.push_str(&format!(" — created as {}", customer.email));
            }
            _ => {}
        }
        let found = entry.conflict.as_ref().or(entry.outcome.as_ref());
        if let Some(outcome) = found.filter(|_| {
            matches!(
                entry.state,
                State::Conflict | State::Failed | State::SetAside
            )
        }) {
            let why = if outcome.conflicts.is_empty() {
                outcome.why.clone().unwrap_or_default()
            } else {
                crate::ledger::describe_conflicts(&outcome.conflicts)
            };
            text.push_str(&format!(" ({why})"));
        }
        lines.push(Line::from(sanitize(&text).into_owned()));
    }
    if set.entries.len() > SHOWN {
        lines.push(Line::from(format!(
            "   … and {} more (bc-customers history --format json lists every one)",
            set.entries.len() - SHOWN
        )));
    }
}
