//! The port pane: every live port with its receiver, capacity and depth, its queue
//! one message per line, its blocked senders, its set and its pending notification
//! requests; then the port sets; then the most recent dead ports, dimmed.
//!
//! A task's kernel and notify ports with nothing in them are *idle* and hidden
//! unless `i` shows them (or one is selected): they are most of the ports of any
//! run and rarely where a protocol is stuck.

use super::app::{App, Focus};
use super::draw::pane_block;
use super::text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::collections::HashSet;
use trace::Label;
use views::stepper::{Message, Place, Port, State};
use views::words::Form;

/// How many dead ports the pane lists, the most recent first.
const DEAD_SHOWN: usize = 20;

/// What an entry of the pane is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Live,
    Set,
    Dead,
}

/// One selectable entry of the pane.
#[derive(Clone, Debug)]
pub(super) struct Entry {
    pub(super) label: Label,
    pub(super) kind: Kind,
    /// Something is queued on it, or a sender is blocked on it.
    pub(super) busy: bool,
}

/// The labels of every task's kernel and notify ports.
fn task_ports(state: &State) -> HashSet<&str> {
    state
        .tasks()
        .flat_map(|t| [&*t.kernel_port, &*t.notify_port])
        .collect()
}

fn is_idle(port: &Port, task_ports: &HashSet<&str>) -> bool {
    task_ports.contains(&*port.label)
        && port.queue.is_empty()
        && port.blocked_senders.is_empty()
        && port.requests.is_empty()
}

/// The entries the pane shows, in order, and how many idle ones it hides.
fn listed(app: &App<'_>) -> (Vec<Entry>, usize) {
    let state = app.state();
    let task_ports = task_ports(state);
    let selected = app.selected_port.as_deref();
    let mut hidden = 0;
    let mut entries = Vec::new();
    for port in state.ports() {
        if !app.show_idle_ports && is_idle(port, &task_ports) && selected != Some(&*port.label) {
            hidden += 1;
            continue;
        }
        entries.push(Entry {
            label: port.label.clone(),
            kind: Kind::Live,
            busy: !port.queue.is_empty() || !port.blocked_senders.is_empty(),
        });
    }
    for set in state.sets() {
        entries.push(Entry {
            label: set.label.clone(),
            kind: Kind::Set,
            busy: false,
        });
    }
    let mut dead = Vec::new();
    for port in state.dead_ports().rev() {
        if dead.len() == DEAD_SHOWN {
            break;
        }
        if !app.show_idle_ports
            && task_ports.contains(&*port.label)
            && selected != Some(&*port.label)
        {
            hidden += 1;
            continue;
        }
        dead.push(Entry {
            label: port.label.clone(),
            kind: Kind::Dead,
            busy: false,
        });
    }
    entries.extend(dead);
    (entries, hidden)
}

/// The entries ↑/↓ move through.
pub(super) fn entries(app: &App<'_>) -> Vec<Entry> {
    listed(app).0
}

/// One message of a queue or held by a blocked sender.
fn message_words(m: &Message) -> String {
    let from = m.sender.as_deref().unwrap_or("kernel");
    let mut words = format!("#{} id {} from {from}", m.msg, m.id);
    if let Some(kind) = &m.kind {
        words.push_str(&format!(" ({kind})"));
    }
    words.push(' ');
    words.push_str(&text::body_summary(&m.body, 40));
    words
}

/// The lines of one entry.
fn entry_lines(app: &App<'_>, entry: &Entry, selected: bool) -> Vec<Line<'static>> {
    let theme = app.theme;
    let state = app.state();
    let marker = if selected { "› " } else { "  " };
    let head_style = if selected {
        if app.focus == Focus::Ports {
            theme.current()
        } else {
            theme.selected()
        }
    } else {
        theme.plain()
    };
    let mut lines = Vec::new();
    match entry.kind {
        Kind::Live => {
            let Some(port) = state.port(&entry.label) else {
                return lines;
            };
            let mut head = format!(
                "{marker}{}  {}  cap {}  depth {}",
                port.label,
                views::words::ports::receiver(&port.receiver, Form::Brief),
                port.capacity,
                port.queue.len()
            );
            if let Some(set) = &port.set {
                head.push_str(&format!("  in set {set}"));
            }
            lines.push(Line::styled(head, head_style));
            for msg in &port.queue {
                let words = match state.message(*msg) {
                    Some(m) => {
                        let cached = matches!(m.place, Place::Queued { forced: true, .. });
                        let mark = if cached { " (cached)" } else { "" };
                        format!("{}{mark}", message_words(m))
                    }
                    None => format!("#{msg} (unknown message)"),
                };
                lines.push(Line::from(vec![
                    Span::raw("    "),
                    Span::styled(words, theme.accent()),
                ]));
            }
            for blocked in &port.blocked_senders {
                let held = state
                    .message(blocked.msg)
                    .map_or_else(|| format!("#{}", blocked.msg), message_words);
                lines.push(Line::from(vec![
                    Span::raw("    "),
                    Span::styled(
                        format!("blocked {} holds {held}", blocked.task),
                        theme.warn(),
                    ),
                ]));
            }
            for request in &port.requests {
                let asks = views::words::ports::request(request, Form::Brief);
                lines.push(Line::from(format!("    {asks}")));
            }
        }
        Kind::Set => {
            let Some(set) = state.set(&entry.label) else {
                return lines;
            };
            let members = if set.members.is_empty() {
                "no members".to_string()
            } else {
                set.members.join(", ")
            };
            lines.push(Line::styled(
                format!(
                    "{marker}set {}  held by {}  {members}",
                    set.label, set.holder
                ),
                head_style,
            ));
        }
        Kind::Dead => {
            let Some(port) = state.dead_port(&entry.label) else {
                return lines;
            };
            let style = if selected { head_style } else { theme.dim() };
            lines.push(Line::styled(
                format!(
                    "{marker}dead {}  died at event {} ({})",
                    port.label, port.died_at, port.reason
                ),
                style,
            ));
        }
    }
    lines
}

/// Draws the pane in `area`, scrolled so that the selected entry shows.
pub(super) fn draw(app: &App<'_>, frame: &mut Frame<'_>, area: Rect) {
    let state = app.state();
    let (entries, hidden) = listed(app);
    let live = state.ports().count();
    let dead = state.dead_port_count();
    let mut title = format!("Ports: {live} live");
    if dead > 0 {
        title.push_str(&format!(", {dead} dead"));
    }
    if hidden > 0 {
        title.push_str(&format!(", {hidden} idle hidden (i)"));
    }
    let block = pane_block(app, &title, Focus::Ports);
    let height = block.inner(area).height as usize;

    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut span = (0, 0);
    for entry in &entries {
        let selected = app.selected_port.as_deref() == Some(&*entry.label);
        let first = lines.len();
        lines.extend(entry_lines(app, entry, selected));
        if selected {
            span = (first, lines.len());
        }
    }
    if entries.is_empty() {
        let text = if hidden > 0 {
            "  only idle task ports: i shows them"
        } else {
            "  no port yet"
        };
        lines.push(Line::styled(text, app.theme.dim()));
    }
    let (start, end) = span;
    let offset = if end <= height {
        0
    } else {
        start.min(end - height)
    };
    let shown: Vec<Line<'static>> = lines.into_iter().skip(offset).take(height).collect();
    frame.render_widget(Paragraph::new(shown).block(block), area);
}
