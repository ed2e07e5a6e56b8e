//! The words the panes use, from [`views::words`]: an event without its `event N
//! at T by X:` prefix, a task's state short and long, a message's body, where a
//! message is and how it ends.

use trace::{TraceItem, TraceRecord};
use views::stepper::{MessageStatus, Place, State, Task};
use views::words::{Form, messages, waits};

pub(super) use views::words::plural;
pub(super) use views::words::values::{carried, item};

/// What event `record` did, without its number, time and cause.
pub(super) fn what(record: &TraceRecord) -> String {
    views::stepper::render::what(&record.event)
}

/// A body on one line, cut after `max` characters: `[u32 7, str "hi"]`.
pub(super) fn body_summary(items: &[TraceItem], max: usize) -> String {
    let whole = views::words::values::body(items);
    if whole.chars().count() <= max {
        whole
    } else {
        let cut: String = whole.chars().take(max.saturating_sub(2)).collect();
        format!("{cut}…]")
    }
}

/// A task's state in a few words, for its line in the task pane.
pub(super) fn task_state_short(task: &Task, state: &State) -> String {
    waits::status(task, state, Form::Brief)
}

/// A task's state in full, for the detail pane.
pub(super) fn task_state_long(task: &Task, state: &State) -> String {
    waits::status(task, state, Form::Detail)
}

/// Where a message still in the kernel is.
pub(super) fn place(place: &Place, state: &State) -> String {
    messages::place(place, state, Form::Detail)
}

/// What became of a message by some event.
pub(super) fn status(status: &MessageStatus, state: &State) -> String {
    messages::status(status, state)
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
