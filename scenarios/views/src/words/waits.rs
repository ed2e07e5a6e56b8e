//! What a task is doing or waiting for.
//!
//! The stepper says a task's state as it is at a moment ([`status`], with
//! [`service_wait`] for a wait in a service); a chart of the run over time says a
//! wait as the slice it draws ([`chart_wait`]), what ended it ([`woken`]), and
//! what was still going on at the end ([`still_at_end`]).

use super::Form;
use super::values::{plural, time};
use crate::stepper::{ServiceWait, State, Task, TaskStatus};
use trace::{LpcWaitKind, WakeReason};

/// A task's state in words.
pub fn status(task: &Task, state: &State, form: Form) -> String {
    let brief = form == Form::Brief;
    match &task.status {
        TaskStatus::NotStarted => match (task.start_ns, brief) {
            (Some(t), false) => format!("not started (starts at {})", time(t)),
            (Some(t), true) => format!("not started (at {})", time(t)),
            (None, false) => "not started (waits for a spawn)".to_string(),
            (None, true) => "not started (spawn)".to_string(),
        },
        TaskStatus::Ready if form == Form::Detail => "ready (runnable)".to_string(),
        TaskStatus::Ready => "ready".to_string(),
        TaskStatus::BlockedSend { msg, port, .. } if brief => {
            format!("blocked send #{msg} to {port}")
        }
        TaskStatus::BlockedSend {
            msg,
            port,
            since_ns,
        } => format!(
            "blocked sending msg {msg} to {port} since {}",
            time(*since_ns)
        ),
        TaskStatus::BlockedReceive { on, .. } if brief => format!("blocked recv on {on}"),
        TaskStatus::BlockedReceive { on, since_ns } => {
            let what = if state.set(on).is_some() { "set " } else { "" };
            format!("blocked receiving on {what}{on} since {}", time(*since_ns))
        }
        TaskStatus::BlockedService { wait, .. } if brief => service_wait(wait),
        TaskStatus::BlockedService { wait, since_ns } => {
            format!("{} since {}", service_wait(wait), time(*since_ns))
        }
        TaskStatus::Sleeping { until_ns, .. } if brief => {
            format!("sleeping until {}", time(*until_ns))
        }
        TaskStatus::Sleeping { until_ns, since_ns } => format!(
            "sleeping until {} (since {})",
            time(*until_ns),
            time(*since_ns)
        ),
        TaskStatus::Exited { code } if brief => format!("exited {code}"),
        TaskStatus::Exited { code } => format!("exited with code {code}"),
        TaskStatus::Crashed { reason } => format!("crashed: {reason}"),
        TaskStatus::Killed => "killed".to_string(),
    }
}

/// What a task waiting in a service waits for, with what the request says:
/// `waiting on semaphore full (for at most 5 ms)`, `reading pipe3 (up to 64
/// bytes)`, `writing pipe3 (8 of 12 bytes in)`.
pub fn service_wait(wait: &ServiceWait) -> String {
    match wait {
        ServiceWait::Semaphore {
            semaphore,
            timeout_ms,
        } => match timeout_ms {
            Some(ms) => format!("waiting on semaphore {semaphore} (for at most {ms} ms)"),
            None => format!("waiting on semaphore {semaphore}"),
        },
        ServiceWait::PipeRead { pipe, max } => match max {
            Some(max) => format!("reading {pipe} (up to {})", plural(u64::from(*max), "byte")),
            None => format!("reading {pipe}"),
        },
        ServiceWait::PipeWrite {
            pipe,
            written,
            total,
        } => match total {
            Some(total) => format!("writing {pipe} ({written} of {total} bytes in)"),
            None => format!("writing {pipe} ({written} bytes in)"),
        },
        ServiceWait::Open { path, access } => {
            format!("opening named pipe {path} for {access}")
        }
        ServiceWait::Accept { path } => format!("accepting a client on named pipe {path}"),
        ServiceWait::Lpc {
            kind,
            port,
            message_id,
        } => match kind {
            LpcWaitKind::Connect => format!("connecting to {port}"),
            LpcWaitKind::Reply => format!("waiting for the reply to #{message_id} through {port}"),
            LpcWaitKind::Receive => format!("receiving on {port}"),
            LpcWaitKind::Listen => format!("listening on {port}"),
        },
    }
}

/// A wait as a chart's slice names it: `blocked sending m6 to jobs`, `waiting on
/// reply`, `asleep until 5.000 ms`, `waiting to read pipe3`; `None` when the task
/// does not wait.
pub fn chart_wait(status: &TaskStatus) -> Option<String> {
    Some(match status {
        TaskStatus::BlockedSend { msg, port, .. } => format!("blocked sending m{msg} to {port}"),
        TaskStatus::BlockedReceive { on, .. } => format!("waiting on {on}"),
        TaskStatus::Sleeping { until_ns, .. } => format!("asleep until {}", time(*until_ns)),
        TaskStatus::BlockedService { wait, .. } => match wait {
            ServiceWait::Semaphore { semaphore, .. } => format!("waiting on semaphore {semaphore}"),
            ServiceWait::PipeRead { pipe, .. } => format!("waiting to read {pipe}"),
            ServiceWait::PipeWrite { pipe, .. } => format!("waiting to write {pipe}"),
            ServiceWait::Open { path, access } => format!("waiting to open {path} for {access}"),
            ServiceWait::Accept { path } => format!("waiting to accept a client on {path}"),
            ServiceWait::Lpc { .. } => format!("LPC: {}", service_wait(wait)),
        },
        TaskStatus::NotStarted
        | TaskStatus::Ready
        | TaskStatus::Exited { .. }
        | TaskStatus::Crashed { .. }
        | TaskStatus::Killed => return None,
    })
}

/// A wake-up as a chart notes it, from the wait it ends (`waited`, the task's
/// state before it): `None` when a message or its taking woke it, since the
/// message's arrow says so.
pub fn woken(waited: &TaskStatus, reason: WakeReason) -> Option<String> {
    Some(match (waited, reason) {
        (_, WakeReason::Message | WakeReason::Taken) => return None,
        (TaskStatus::Sleeping { .. }, WakeReason::Timeout) => "wakes".to_string(),
        (TaskStatus::BlockedSend { msg, port, .. }, WakeReason::Timeout) => {
            format!("stops waiting to send m{msg} to {port} (timeout)")
        }
        (TaskStatus::BlockedSend { msg, port, .. }, WakeReason::Slot) => {
            format!("room on {port} (m{msg} queued)")
        }
        (TaskStatus::BlockedReceive { on, .. }, WakeReason::Timeout) => {
            format!("stops waiting on {on} (timeout)")
        }
        (TaskStatus::BlockedService { .. }, WakeReason::Timeout) => {
            format!("stops {} (timeout)", chart_wait(waited).unwrap_or_default())
        }
        (_, reason) => format!("wakes ({reason})"),
    })
}

/// A wait still going on when the run stopped, as a chart's last note on the
/// task says it.
pub fn still_at_end(status: &TaskStatus) -> Option<String> {
    Some(match status {
        TaskStatus::BlockedSend { msg, port, .. } => {
            format!("still blocked sending m{msg} to {port} at the end")
        }
        TaskStatus::BlockedReceive { on, .. } => format!("still waits on {on} at the end"),
        TaskStatus::Sleeping { .. } => "still asleep at the end".to_string(),
        TaskStatus::BlockedService { .. } => {
            format!(
                "still {} at the end",
                chart_wait(status).unwrap_or_default()
            )
        }
        _ => return None,
    })
}
