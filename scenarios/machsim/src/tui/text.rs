//! The words the panes use: an event without its `event N at T by X:` prefix, a
//! task's state short and long, a message's body, where a message is and how it ends.
//!
//! [`views::stepper::describe`] makes the one-line text of an event; items and
//! carried rights are spelled by `render.rs`, and the shapes only the panes need are
//! here.

use trace::{TraceItem, TraceRecord};
use views::stepper::{MessageStatus, Place, State, Task, TaskStatus, time};

/// What event `record` did, without its number, time and cause.
pub(super) fn what(record: &TraceRecord) -> String {
    views::stepper::render::what(&record.event)
}

pub(super) use views::stepper::render::{carried, item};

/// A body on one line, cut after `max` characters: `[u32 7, str "hi"]`.
pub(super) fn body_summary(items: &[TraceItem], max: usize) -> String {
    let parts: Vec<String> = items.iter().map(item).collect();
    let whole = format!("[{}]", parts.join(", "));
    if whole.chars().count() <= max {
        whole
    } else {
        let cut: String = whole.chars().take(max.saturating_sub(2)).collect();
        format!("{cut}…]")
    }
}

/// A task's state in a few words, for its line in the task pane.
pub(super) fn task_state_short(task: &Task) -> String {
    match &task.status {
        TaskStatus::NotStarted => match task.start_ns {
            Some(t) => format!("not started (at {})", time(t)),
            None => "not started (spawn)".to_string(),
        },
        TaskStatus::Ready => "ready".to_string(),
        TaskStatus::BlockedSend { msg, port, .. } => {
            format!("blocked send #{msg} to {port}")
        }
        TaskStatus::BlockedReceive { on, .. } => format!("blocked recv on {on}"),
        TaskStatus::BlockedService { wait, .. } => views::stepper::render::service_wait_text(wait),
        TaskStatus::Sleeping { until_ns, .. } => format!("sleeping until {}", time(*until_ns)),
        TaskStatus::Exited { code } => format!("exited {code}"),
        TaskStatus::Crashed { reason } => format!("crashed: {reason}"),
        TaskStatus::Killed => "killed".to_string(),
    }
}

/// A task's state in full, for the detail pane.
pub(super) fn task_state_long(task: &Task, state: &State) -> String {
    match &task.status {
        TaskStatus::NotStarted => match task.start_ns {
            Some(t) => format!("not started (starts at {})", time(t)),
            None => "not started (waits for a spawn)".to_string(),
        },
        TaskStatus::Ready => "ready (runnable)".to_string(),
        TaskStatus::BlockedSend {
            msg,
            port,
            since_ns,
        } => format!(
            "blocked sending msg {msg} to {port} since {}",
            time(*since_ns)
        ),
        TaskStatus::BlockedReceive { on, since_ns } => {
            let what = if state.set(on).is_some() { "set " } else { "" };
            format!("blocked receiving on {what}{on} since {}", time(*since_ns))
        }
        TaskStatus::BlockedService { wait, since_ns } => format!(
            "{} since {}",
            views::stepper::render::service_wait_text(wait),
            time(*since_ns)
        ),
        TaskStatus::Sleeping { until_ns, since_ns } => format!(
            "sleeping until {} (since {})",
            time(*until_ns),
            time(*since_ns)
        ),
        TaskStatus::Exited { code } => format!("exited with code {code}"),
        TaskStatus::Crashed { reason } => format!("crashed: {reason}"),
        TaskStatus::Killed => "killed".to_string(),
    }
}

/// Where a message still in the kernel is.
pub(super) fn place(place: &Place, state: &State) -> String {
    match place {
        Place::Entering => "just sent, entering the kernel".to_string(),
        Place::Queued { port, forced } => {
            let alive = if state.is_port_alive(port) {
                ""
            } else {
                ", which died"
            };
            let how = if *forced {
                "cached beyond the limit"
            } else {
                "queued"
            };
            format!("{how} on {port}{alive}")
        }
        Place::HeldBySender { task, port } => {
            format!("held by {task}, blocked sending to {port}")
        }
    }
}

/// What became of a message by some event.
pub(super) fn status(status: &MessageStatus, state: &State) -> String {
    match status {
        MessageStatus::NotSent => "not sent yet".to_string(),
        MessageStatus::InKernel { place: p } => format!("in the kernel: {}", place(p, state)),
        MessageStatus::Received {
            by,
            port,
            seqno,
            at,
        } => format!("received by {by} from {port} at event {at} (seqno {seqno})"),
        MessageStatus::HandedBack { to, at } => format!("handed back to {to} at event {at}"),
        MessageStatus::Destroyed { port, reason, at } => {
            format!("destroyed unread at event {at} ({reason}, port {port})")
        }
    }
}

/// `1 step`, `2 steps`.
pub(super) fn plural(n: u64, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// A time given in milliseconds (`5`, `2.5`, `0.000250`) as nanoseconds.
pub(super) fn parse_ms(text: &str) -> Option<u64> {
    let text = text.trim().trim_end_matches("ms").trim();
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, f),
        None => (text, ""),
    };
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || !digits(fraction) || fraction.len() > 6 {
        return None;
    }
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let fraction_ns: u64 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<6}").parse().ok()?
    };
    whole.checked_mul(1_000_000)?.checked_add(fraction_ns)
}
