//! The stepper's line for an event: the trace record spelled out, its kind and
//! fields, in the trace's own vocabulary (so a search finds `send_blocked` or
//! `msg 4`). Values are spelled by [`crate::words::values`].

use crate::words::time;
use crate::words::values::{body, carried, plural, short_hex};
use std::fmt::Write;
use trace::{Event, NamedPipeWait, PortType, TraceRecord};

/// One line for event `record`: its number, time, cause, kind and fields.
pub fn describe(record: &TraceRecord) -> String {
    let mut line = format!("event {} at {}", record.seq, time(record.t_ns));
    match &record.task {
        Some(task) => {
            let _ = write!(line, " by {task}");
        }
        None => line.push_str(" by the kernel"),
    }
    line.push_str(": ");
    line.push_str(&what(&record.event));
    line
}

/// What an event did, in a few words, without its number, time and cause.
pub fn what(event: &Event) -> String {
    match event {
        Event::TaskCreated {
            name,
            parent,
            kernel_port,
            notify_port,
            start_ns,
        } => {
            let mut text = format!(
                "task_created {name} (kernel port {kernel_port}, notify port {notify_port}"
            );
            if let Some(parent) = parent {
                let _ = write!(text, ", child of {parent}");
            }
            match start_ns {
                Some(t) => {
                    let _ = write!(text, ", starts at {})", time(*t));
                }
                None => text.push_str(", waits for a spawn)"),
            }
            text
        }
        Event::TaskStarted { name, .. } => format!("task_started {name}"),
        Event::TaskWoken { name, reason } => format!("task_woken {name} ({reason})"),
        Event::SleepStarted { until_ns } => format!("sleep_started until {}", time(*until_ns)),
        Event::TaskExited { name, code } => format!("task_exited {name} with code {code}"),
        Event::TaskCrashed { name, reason } => format!("task_crashed {name}: {reason}"),
        Event::TaskKilled { name } => format!("task_killed {name}"),
        Event::PortAllocated {
            port,
            receiver,
            capacity,
        } => format!("port_allocated {port}, receiver {receiver}, capacity {capacity}"),
        Event::PortDestroyed { port, reason } => format!("port_destroyed {port} ({reason})"),
        Event::ReceiverChanged { port, receiver } => match receiver {
            Some(task) => format!("receiver_changed {port}: now held by {task}"),
            None => format!("receiver_changed {port}: in transit"),
        },
        Event::CapacityChanged { port, capacity } => {
            format!("capacity_changed {port} to {capacity}")
        }
        Event::PortSetAllocated { set, holder } => {
            format!("port_set_allocated {set}, held by {holder}")
        }
        Event::PortSetDestroyed { set } => format!("port_set_destroyed {set}"),
        Event::MemberAdded { port, set } => format!("member_added {port} to {set}"),
        Event::MemberRemoved { port, set } => format!("member_removed {port} from {set}"),
        Event::RightChanged {
            holder,
            name,
            port,
            right,
            urefs,
        } => format!(
            "right_changed in {holder}: {} for {port} is now {right}{}",
            name_text(*name),
            urefs_text(*right, *urefs)
        ),
        Event::NotificationRequested {
            port, kind, notify, ..
        } => {
            format!("notification_requested {kind} about {port}, to {notify}")
        }
        Event::MessageSent {
            msg,
            port,
            id,
            size,
            dest_right,
            reply,
            body: items,
            kind,
        } => {
            let mut text = format!("message_sent msg {msg} to {port}");
            if let Some(kind) = kind {
                let _ = write!(text, " ({kind})");
            }
            let _ = write!(text, ": id {id}, {size} bytes, via {dest_right}");
            if let Some(reply) = reply {
                let _ = write!(text, ", reply {}", carried(reply));
            }
            let _ = write!(text, ", body {}", body(items));
            text
        }
        Event::MessageQueued { msg, port, depth } => {
            format!("message_queued msg {msg} on {port}, depth {depth}")
        }
        Event::MessageCached { msg, port, depth } => {
            format!("message_cached msg {msg} on {port} beyond its limit, depth {depth}")
        }
        Event::SendBlocked { msg, port, .. } => {
            format!("send_blocked holding msg {msg} for {port}")
        }
        Event::SendFailed { port, code } => match port {
            Some(port) => format!("send_failed to {port}: {code}"),
            None => format!("send_failed: {code}"),
        },
        Event::ReceiveBlocked { port, .. } => format!("receive_blocked on {port}"),
        Event::ReceiveFailed { port, code } => match port {
            Some(port) => format!("receive_failed on {port}: {code}"),
            None => format!("receive_failed: {code}"),
        },
        Event::MessageReceived {
            msg,
            port,
            receiver,
            seqno,
            pseudo,
        } => {
            if *pseudo {
                format!("message_received msg {msg} handed back to {receiver} (from {port})")
            } else {
                format!("message_received msg {msg} from {port} by {receiver}, seqno {seqno}")
            }
        }
        Event::MessageDestroyed { msg, port, reason } => {
            format!("message_destroyed msg {msg} of {port} ({reason})")
        }
        Event::NotificationSent { msg, kind, about } => match about {
            Some(about) => format!("notification_sent msg {msg}: {kind} about {about}"),
            None => format!("notification_sent msg {msg}: {kind}"),
        },
        Event::KernelCall { call, code } => format!("kernel_call {call}: {code}"),
        Event::FaultApplied { kind, target } => format!("fault_applied {kind} {target}"),
        Event::MemoryCreated { object, size, .. } => {
            format!(
                "memory_created {object}, {}",
                plural(u64::from(*size), "byte")
            )
        }
        Event::MemoryMapped {
            object, mapping, ..
        } => {
            format!("memory_mapped {object} as mapping {mapping}")
        }
        Event::MemoryRead {
            object,
            offset,
            width,
            value,
        } => format!("memory_read {object} at offset {offset}, {width} bytes: {value}"),
        Event::MemoryWritten {
            object,
            offset,
            width,
            value,
        } => format!("memory_written {object} at offset {offset}, {width} bytes: {value}"),
        Event::MemoryUnmapped {
            object, mapping, ..
        } => {
            format!("memory_unmapped {object}, mapping {mapping}")
        }
        Event::MemoryFreed { object } => format!("memory_freed {object}"),
        Event::SemaphoreCreated { semaphore, value } => {
            format!("semaphore_created {semaphore}, value {value}")
        }
        Event::SemaphoreAcquired { semaphore, value } => {
            format!("semaphore_acquired {semaphore}, value now {value}")
        }
        Event::SemaphoreBlocked { semaphore } => format!("semaphore_blocked on {semaphore}"),
        Event::SemaphoreSignalled { semaphore, value } => {
            format!("semaphore_signalled {semaphore}, value now {value}")
        }
        Event::SemaphoreDestroyed { semaphore } => format!("semaphore_destroyed {semaphore}"),
        Event::PipeCreated { pipe, capacity, .. } => {
            format!("pipe_created {pipe}, capacity {capacity} bytes")
        }
        Event::PipeEndOpened {
            pipe,
            holder,
            handle,
            end,
        } => format!("pipe_end_opened {end} end of {pipe} in {holder}, handle {handle}"),
        Event::PipeEndClosed {
            pipe,
            holder,
            handle,
            end,
        } => format!("pipe_end_closed {end} end of {pipe} in {holder}, handle {handle}"),
        Event::PipeWritten { pipe, bytes, depth } => format!(
            "pipe_written {} into {pipe}: {}, depth {depth}",
            plural(bytes.0.len() as u64, "byte"),
            short_hex(&bytes.0)
        ),
        Event::PipeRead { pipe, bytes, depth } => format!(
            "pipe_read {} from {pipe}: {}, depth {depth}",
            plural(bytes.0.len() as u64, "byte"),
            short_hex(&bytes.0)
        ),
        Event::PipeBlocked { pipe, op } => format!("pipe_blocked to {op} {pipe}"),
        Event::PipeDestroyed { pipe } => format!("pipe_destroyed {pipe}"),
        Event::NamedPipeCreated { path, mode, .. } => format!("named_pipe_created {path} ({mode})"),
        Event::NamedPipeWaiting { path, access } => {
            if *access == NamedPipeWait::Accept {
                format!("named_pipe_waiting to accept a client on {path}")
            } else {
                format!("named_pipe_waiting to open {path} for {access}")
            }
        }
        Event::NamedPipeOpened { path, access } => {
            format!("named_pipe_opened {path} for {access}")
        }
        Event::NamedPipeConnected {
            path,
            client,
            server,
        } => format!("named_pipe_connected {path}: client {client}, server {server}"),
        Event::NamedPipeUnlinked { path } => format!("named_pipe_unlinked {path}"),
        Event::MemoryBytesRead { .. } | Event::MemoryBytesWritten { .. } | trace::lpc_event!() => {
            fields(event)
        }
    }
}

/// An event as its kind and its fields as JSON writes them, `name value` each
/// (bytes cut short): how the LPC events are spelled here.
fn fields(event: &Event) -> String {
    let mut text = event.kind().to_string();
    let Ok(serde_json::Value::Object(tagged)) = serde_json::to_value(event) else {
        return text;
    };
    let fields = tagged.into_iter().next().map(|(_, fields)| fields);
    let Some(serde_json::Value::Object(fields)) = fields else {
        return text;
    };
    for (i, (name, value)) in fields.into_iter().enumerate() {
        let value = match value {
            serde_json::Value::String(s) if s.len() > 2 * HEX_SHOWN => {
                format!("{}…", &s[..2 * HEX_SHOWN])
            }
            serde_json::Value::String(s) => s,
            serde_json::Value::Null => "none".to_string(),
            other => other.to_string(),
        };
        let _ = write!(text, "{} {name} {value}", if i == 0 { "" } else { "," });
    }
    text
}

/// How many bytes of an LPC message's data the line shows, in hex.
const HEX_SHOWN: usize = 16;

pub(super) fn name_text(name: u32) -> String {
    format!("name {}", ports::PortName(name))
}

pub(super) fn urefs_text(rights: PortType, urefs: u32) -> String {
    if rights.has_urefs() {
        format!(", {}", plural(u64::from(urefs), "uref"))
    } else {
        String::new()
    }
}
