//! The detail pane: the current event in full; the message it is about (header,
//! typed body, where it is now, how it ends, its events); the selected task, or
//! else the current event's (state in full, failures, name space); the selected
//! port (receiver, queue, holders, or how it died); any inconsistency the fold
//! found at this event.

use super::app::{App, Focus};
use super::draw::pane_block;
use super::text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use views::stepper::{MessageStatus, message_of, time};

/// How many of a message's events the pane lists.
const MESSAGE_EVENTS_SHOWN: usize = 12;

/// The pane's lines for the app's current state.
pub(super) fn lines(app: &App<'_>) -> Vec<Row> {
    let mut lines = Vec::new();
    event_section(app, &mut lines);
    if let Some(msg) = app.event().and_then(|r| message_of(&r.event)) {
        lines.push(Row::plain(""));
        message_section(app, msg, &mut lines);
    }
    // The selected task, else the current event's (the one `t`/`T` follow).
    let task = app
        .selected_task
        .clone()
        .or_else(|| app.event().and_then(|r| r.task.clone()));
    if let Some(task) = task {
        lines.push(Row::plain(""));
        task_section(app, &task, &mut lines);
    }
    if let Some(port) = app.selected_port.as_deref() {
        lines.push(Row::plain(""));
        port_section(app, port, &mut lines);
    }
    lines
}

fn heading(app: &App<'_>, text: String) -> Row {
    Row::styled(text, app.theme.bold())
}

fn event_section(app: &App<'_>, lines: &mut Vec<Row>) {
    let last = app.stepper.last_seq();
    let Some(record) = app.event() else {
        lines.push(heading(app, format!("Before the first event (of {last})")));
        lines.push(Row::plain(
            "No task, no port yet. → steps forward; ? lists every key.",
        ));
        return;
    };
    let by = match &record.task {
        Some(task) => format!("by {task}"),
        None => "by the kernel".to_string(),
    };
    lines.push(heading(
        app,
        format!(
            "Event {} of {last} at {}, {by}",
            record.seq,
            time(record.t_ns)
        ),
    ));
    lines.push(Row::plain(text::what(record)));
    let state = app.state();
    if state.inconsistency_count() > 0 {
        for problem in state.inconsistencies().filter(|p| p.seq == record.seq) {
            lines.push(Row::styled(
                format!("inconsistent: {}", problem.problem),
                app.theme.bad(),
            ));
        }
    }
}

fn message_section(app: &App<'_>, msg: u64, lines: &mut Vec<Row>) {
    let theme = app.theme;
    let state = app.state();
    lines.push(heading(app, format!("Message {msg}")));
    if let Some(m) = app.stepper.sent_message(msg) {
        let from = match &m.sender {
            Some(task) => task.to_string(),
            None => "the kernel".to_string(),
        };
        let kind = m
            .kind
            .as_ref()
            .map(|k| format!(" ({k})"))
            .unwrap_or_default();
        lines.push(Row::plain(format!(
            "  id {}, {} bytes{kind}, from {from} to {} via {}",
            m.id, m.size, m.port, m.dest_right
        )));
        lines.push(Row::plain(match &m.reply {
            Some(reply) => format!("  reply: {}", text::carried(reply)),
            None => "  reply: none".to_string(),
        }));
        lines.push(Row::plain(format!(
            "  sent at event {} ({})",
            m.sent_at,
            time(m.sent_ns)
        )));
        if m.body.is_empty() {
            lines.push(Row::plain("  body: empty"));
        } else {
            lines.push(Row::plain(format!("  body: {} items", m.body.len())));
            for item in m.body.iter() {
                lines.push(Row::styled(
                    format!("    {}", text::item(item)),
                    theme.accent(),
                ));
            }
        }
    }
    let here = app.position();
    let now_status = app.stepper.message_status_at(msg, here);
    let now = match &now_status {
        MessageStatus::InKernel { place } => text::place(place, state),
        other => text::status(other, state),
    };
    lines.push(Row::styled(format!("  now: {now}"), theme.warn()));
    let last = app.stepper.last_seq();
    let end = app.stepper.message_status_at(msg, last);
    let ended = !matches!(
        now_status,
        MessageStatus::InKernel { .. } | MessageStatus::NotSent
    );
    let ends = match &end {
        _ if ended => "here, at this event".to_string(),
        MessageStatus::InKernel { place } => format!(
            "still in the kernel at the last event: {}",
            text::place(place, app.stepper.final_state())
        ),
        _ => text::status(&end, app.stepper.final_state()),
    };
    lines.push(Row::plain(format!("  ends: {ends}")));
    let events = app.stepper.message_events(msg);
    let mut list: Vec<String> = events
        .iter()
        .take(MESSAGE_EVENTS_SHOWN)
        .map(|k| {
            if *k == here {
                format!("[{k}]")
            } else {
                k.to_string()
            }
        })
        .collect();
    if events.len() > MESSAGE_EVENTS_SHOWN {
        list.push(format!("… {} more", events.len() - MESSAGE_EVENTS_SHOWN));
    }
    lines.push(Row::plain(format!("  events (m/M): {}", list.join(", "))));
}

fn task_section(app: &App<'_>, name: &str, lines: &mut Vec<Row>) {
    let theme = app.theme;
    let state = app.state();
    let Some(task) = state.task(name) else {
        lines.push(heading(app, format!("Task {name}")));
        lines.push(Row::styled("  does not exist at this event", theme.dim()));
        return;
    };
    lines.push(heading(app, format!("Task {name} (t/T)")));
    lines.push(Row::styled(
        format!("  {}", text::task_state_long(task, state)),
        theme.status(&task.status),
    ));
    let mut facts = format!(
        "  {}, blocked {}",
        text::plural(task.steps, "step"),
        time(task.blocked_ns_at(state.t_ns()))
    );
    if let Some(parent) = &task.parent {
        facts.push_str(&format!(", child of {parent}"));
    }
    lines.push(Row::plain(facts));
    if let Some(failure) = &task.last_failure {
        lines.push(Row::styled(
            format!(
                "  last failure: {} {} at event {}",
                failure.call, failure.code, failure.seq
            ),
            theme.bad(),
        ));
    }
    let space = state.space(name);
    if space.is_empty() {
        lines.push(Row::plain("  names: none"));
    } else {
        lines.push(Row::plain(format!("  names ({}):", space.len())));
        let width = space.iter().map(|e| e.object.len()).max().unwrap_or(0);
        for entry in space {
            let urefs = if entry.rights.has_urefs() {
                format!(", {}", text::plural(u64::from(entry.urefs), "uref"))
            } else {
                String::new()
            };
            let converted = if entry.converted {
                " (its port died)"
            } else {
                ""
            };
            lines.push(Row::plain(format!(
                "    {:<6} {:width$}  {}{urefs}{converted}",
                ports::PortName(entry.name).to_string(),
                entry.object,
                entry.rights
            )));
        }
    }
}

fn port_section(app: &App<'_>, label: &str, lines: &mut Vec<Row>) {
    let theme = app.theme;
    let state = app.state();
    if let Some(port) = state.port(label) {
        lines.push(heading(app, format!("Port {label} (o/O)")));
        let mut facts = format!(
            "  {}, capacity {}, {} queued, {} blocked senders",
            views::words::ports::receiver(&port.receiver, views::words::Form::Detail),
            port.capacity,
            port.queue.len(),
            port.blocked_senders.len()
        );
        if let Some(set) = &port.set {
            facts.push_str(&format!(", in set {set}"));
        }
        lines.push(Row::plain(facts));
        lines.push(Row::plain(format!(
            "  allocated at event {}",
            port.created_at
        )));
        let holders = state.holders(label);
        if !holders.is_empty() {
            let names: Vec<String> = holders
                .iter()
                .map(|(task, name)| format!("{task} {}", ports::PortName(*name)))
                .collect();
            lines.push(Row::plain(format!("  named by: {}", names.join(", "))));
        }
    } else if let Some(set) = state.set(label) {
        lines.push(heading(app, format!("Port set {label} (o/O)")));
        lines.push(Row::plain(format!(
            "  held by {}, allocated at event {}",
            set.holder, set.created_at
        )));
        let members = if set.members.is_empty() {
            "none".to_string()
        } else {
            set.members.join(", ")
        };
        lines.push(Row::plain(format!("  members: {members}")));
    } else if let Some(dead) = state.dead_port(label) {
        lines.push(heading(app, format!("Port {label} (o/O)")));
        lines.push(Row::styled(
            format!(
                "  died at event {} ({}), {}; receiver was {}",
                dead.died_at,
                time(dead.died_ns),
                dead.reason,
                dead.receiver.as_str()
            ),
            theme.dim(),
        ));
    } else {
        lines.push(heading(app, format!("Port {label} (o/O)")));
        lines.push(Row::styled("  does not exist at this event", theme.dim()));
    }
}

/// One logical line of the pane: wrapped to the pane's width when drawn, its
/// continuation lines indented two more than its own indentation.
pub(super) struct Row {
    text: String,
    style: Style,
}

impl Row {
    fn plain(text: impl Into<String>) -> Row {
        Row {
            text: text.into(),
            style: Style::new(),
        }
    }

    fn styled(text: impl Into<String>, style: Style) -> Row {
        Row {
            text: text.into(),
            style,
        }
    }
}

/// `text` broken at spaces into lines of at most `width` characters; lines after
/// the first start with `indent` spaces. A word longer than a line is cut.
pub(super) fn wrap(text: &str, width: usize, indent: usize) -> Vec<String> {
    let width = width.max(indent + 8);
    let lead = text.chars().take_while(|c| *c == ' ').count();
    let mut lines = Vec::new();
    let mut line = " ".repeat(lead);
    let mut len = lead;
    let mut fresh = true;
    for word in text[lead..].split(' ') {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let gap = usize::from(!fresh);
            if len + gap + word.len() <= width {
                if !fresh {
                    line.push(' ');
                }
                line.extend(word.iter());
                len += gap + word.len();
                fresh = false;
                break;
            }
            if fresh && len + word.len() > width {
                // Longer than a whole line: cut it.
                let room = width - len;
                line.extend(word.iter().take(room));
                word.drain(..room);
            }
            lines.push(std::mem::replace(&mut line, " ".repeat(indent)));
            len = indent;
            fresh = true;
            if word.is_empty() {
                break;
            }
        }
    }
    lines.push(line);
    lines
}

/// Draws the pane in `area`, scrolled by ↑/↓ when it has focus.
pub(super) fn draw(app: &App<'_>, frame: &mut Frame<'_>, area: Rect) {
    let inner_w = area.width.saturating_sub(2) as usize;
    let height = area.height.saturating_sub(2) as usize;
    let mut shown: Vec<Line<'static>> = Vec::new();
    for row in lines(app) {
        let indent = row.text.chars().take_while(|c| *c == ' ').count() + 2;
        for piece in wrap(&row.text, inner_w, indent) {
            shown.push(Line::styled(piece, row.style));
        }
    }
    let most = shown.len().saturating_sub(height);
    app.detail_most.set(u16::try_from(most).unwrap_or(u16::MAX));
    let scroll = usize::from(app.detail_scroll).min(most);
    let title = match (scroll, scroll < most) {
        (0, false) => "Detail".to_string(),
        (0, true) => "Detail (more below)".to_string(),
        (n, false) => format!("Detail (scrolled {n})"),
        (n, true) => format!("Detail (scrolled {n}, more below)"),
    };
    let block = pane_block(app, &title, Focus::Detail);
    let visible: Vec<Line<'static>> = shown.into_iter().skip(scroll).take(height).collect();
    frame.render_widget(Paragraph::new(visible).block(block), area);
}
