//! The readable account of a run: a line per event that matters, in plain English.

use std::fmt::Write;
use trace::{
    Event, MessageOrigin, NamedPipeWait, NotificationKind, PortDestroyReason, Receiver, TraceItem,
    TraceRecord,
};

/// How to paint the account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    /// Use ANSI colours.
    pub color: bool,
}

impl Style {
    /// `text` in the ANSI style `code` (SGR), or plain without colour.
    pub fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn warn(self, text: &str) -> String {
        self.paint("33", text)
    }

    pub fn ok(self, text: &str) -> String {
        self.paint("32", text)
    }

    pub fn bad(self, text: &str) -> String {
        self.paint("31", text)
    }

    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }
}

/// Virtual time as `12.345 ms`.
pub fn time(t_ns: u64) -> String {
    format!("{}.{:03} ms", t_ns / 1_000_000, (t_ns % 1_000_000) / 1_000)
}

fn body(items: &[TraceItem]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = items
        .iter()
        .map(|item| match item {
            TraceItem::U8(v) => format!("u8 {v}"),
            TraceItem::U16(v) => format!("u16 {v}"),
            TraceItem::U32(v) => format!("u32 {v}"),
            TraceItem::U64(v) => format!("u64 {v}"),
            TraceItem::I8(v) => format!("i8 {v}"),
            TraceItem::I16(v) => format!("i16 {v}"),
            TraceItem::I32(v) => format!("i32 {v}"),
            TraceItem::I64(v) => format!("i64 {v}"),
            TraceItem::Bool(v) => format!("bool {v}"),
            TraceItem::F64(v) => format!("f64 {v}"),
            TraceItem::Str(v) => format!("{v:?}"),
            TraceItem::Bytes(b) if b.0.len() <= 8 => {
                format!(
                    "bytes {}",
                    b.0.iter().map(|x| format!("{x:02x}")).collect::<String>()
                )
            }
            TraceItem::Bytes(b) => format!("{} bytes", b.0.len()),
            TraceItem::Ool(n) => format!("{n} bytes out of line"),
            TraceItem::Port(c) => format!(
                "{} right to {}",
                c.right,
                c.port.as_deref().unwrap_or("a dead port")
            ),
        })
        .collect();
    format!(" [{}]", parts.join(", "))
}

/// One line for an event worth telling, or `None` for bookkeeping events.
pub fn describe(
    record: &TraceRecord,
    notifications: &mut Vec<(u64, NotificationKind)>,
) -> Option<String> {
    let text = match &record.event {
        Event::TaskStarted { name, .. } => format!("{name} starts"),
        Event::TaskExited { name, code } => format!("{name} exits with code {code}"),
        Event::TaskCrashed { name, reason } => format!("{name} crashes: {reason}"),
        Event::TaskKilled { name } => format!("{name} is killed"),
        Event::SleepStarted { until_ns } => format!("sleeps until {}", time(*until_ns)),
        Event::PortDestroyed { port, reason }
            if (port.ends_with(".kernel")
                || port.ends_with(".notify")
                || port.ends_with(".direct"))
                && matches!(
                    reason,
                    PortDestroyReason::TaskEnded
                        | PortDestroyReason::ReceiverEnded
                        | PortDestroyReason::ReceiverKilled
                ) =>
        {
            // A task's own kernel, notify and direct ports die with it: its end says so.
            return None;
        }
        Event::PortDestroyed { port, reason } => format!("port {port} dies ({reason})"),
        Event::ReceiverChanged {
            port,
            receiver: Some(r),
        } => format!("{r} now holds the receive right of {port}"),
        Event::ReceiverChanged {
            port,
            receiver: None,
        } => format!("the receive right of {port} is in transit"),
        Event::CapacityChanged { port, capacity } => {
            format!("{port} now holds {capacity} messages")
        }
        Event::MemberAdded { port, set } => format!("{port} joins set {set}"),
        Event::MemberRemoved { port, set } => format!("{port} leaves set {set}"),
        Event::NotificationRequested {
            port, kind, notify, ..
        } => {
            format!("asks for {kind} about {port} on {notify}")
        }
        Event::MessageSent {
            msg,
            port,
            id,
            kind,
            body: items,
            reply,
            ..
        } => match kind {
            Some(MessageOrigin::Notification) => return None,
            _ if port.ends_with(".kernel") => return None,
            _ => {
                let reply = reply
                    .as_ref()
                    .map(|r| {
                        format!(
                            ", reply {} to {}",
                            r.right,
                            r.port.as_deref().unwrap_or("dead")
                        )
                    })
                    .unwrap_or_default();
                let direct = if *kind == Some(MessageOrigin::Direct) {
                    " (direct)"
                } else {
                    ""
                };
                format!(
                    "sends m{msg} (id {id}) to {port}{direct}{reply}{}",
                    body(items)
                )
            }
        },
        Event::MessageQueued { msg, port, depth } => {
            format!("m{msg} queued on {port} (depth {depth})")
        }
        Event::MessageCached { msg, port, depth } => {
            format!("m{msg} cached by the kernel on {port}, beyond the limit (depth {depth})")
        }
        Event::SendBlocked { msg, port, .. } => {
            format!("blocks sending m{msg} to {port} (queue full)")
        }
        Event::SendFailed { port, code } => {
            format!(
                "send to {} fails: {code}",
                port.as_deref().unwrap_or("an unknown name")
            )
        }
        Event::ReceiveBlocked { port, .. } => format!("waits on {port}"),
        Event::ReceiveFailed { port, code } => {
            format!(
                "receive on {} fails: {code}",
                port.as_deref().unwrap_or("an unknown name")
            )
        }
        Event::MessageReceived {
            msg,
            port,
            receiver,
            pseudo,
            seqno,
        } => {
            if *receiver == Receiver::Kernel {
                return None;
            }
            if *pseudo {
                format!("m{msg} handed back to {receiver}")
            } else if let Some((_, kind)) = notifications.iter().find(|(m, _)| m == msg) {
                format!("{receiver} receives the {kind} notification m{msg} on {port}")
            } else {
                format!("{receiver} receives m{msg} from {port} (seqno {seqno})")
            }
        }
        Event::MessageDestroyed { msg, port, reason } => {
            format!("m{msg} on {port} destroyed ({reason})")
        }
        Event::NotificationSent { msg, kind, about } => {
            notifications.push((*msg, *kind));
            match about {
                Some(port) => format!("kernel sends a {kind} notification m{msg} about {port}"),
                None => format!("kernel sends a {kind} notification m{msg}"),
            }
        }
        // A service call that succeeded has said what it did in its own events.
        Event::KernelCall { call, code }
            if *code == ports::ReturnCode::Success && call.is_service() =>
        {
            return None;
        }
        Event::KernelCall { call, code } => format!("{call}: {code}"),
        Event::FaultApplied { kind, target } => format!("fault: {kind} {target}"),
        Event::TaskWoken { name, reason } => format!("{name} wakes ({reason})"),
        Event::MemoryCreated { object, size, .. } => {
            format!("makes memory object {object} ({size} bytes)")
        }
        Event::MemoryMapped {
            object, mapping, ..
        } => format!("maps {object} (mapping {mapping})"),
        Event::MemoryRead {
            object,
            offset,
            width,
            value,
        } => {
            format!("reads {value} from {object}[{offset}..+{width}]")
        }
        Event::MemoryWritten {
            object,
            offset,
            width,
            value,
        } => {
            format!("writes {value} to {object}[{offset}..+{width}]")
        }
        Event::MemoryUnmapped {
            object, mapping, ..
        } => format!("unmaps {object} (mapping {mapping})"),
        Event::MemoryFreed { object } => format!("memory object {object} is freed"),
        Event::SemaphoreCreated { semaphore, value } => {
            format!("makes semaphore {semaphore} = {value}")
        }
        Event::SemaphoreAcquired { semaphore, value } => format!("takes {semaphore} (now {value})"),
        Event::SemaphoreBlocked { semaphore } => format!("waits on semaphore {semaphore}"),
        Event::SemaphoreSignalled { semaphore, value } => {
            format!("signals {semaphore} (now {value})")
        }
        Event::SemaphoreDestroyed { semaphore } => format!("semaphore {semaphore} is destroyed"),
        Event::PipeCreated { pipe, capacity, .. } => {
            format!("makes pipe {pipe} ({capacity} bytes)")
        }
        Event::PipeEndOpened {
            pipe,
            holder,
            handle,
            end,
        } => format!(
            "{}holds the {end} end of {pipe} as handle {handle}",
            other_than_actor(record, holder)
        ),
        Event::PipeEndClosed {
            pipe,
            holder,
            handle,
            end,
        } => format!(
            "{}closes the {end} end of {pipe} (handle {handle})",
            other_than_actor(record, holder)
        ),
        Event::PipeWritten { pipe, bytes, depth } => {
            format!("writes {} into {pipe} ({depth} buffered)", data(&bytes.0))
        }
        Event::PipeRead { pipe, bytes, depth } => {
            format!("reads {} from {pipe} ({depth} buffered)", data(&bytes.0))
        }
        Event::PipeBlocked { pipe, op } => format!("waits to {op} {pipe}"),
        Event::PipeDestroyed { pipe } => format!("pipe {pipe} is gone"),
        Event::NamedPipeCreated { path, mode, .. } => format!("makes named pipe {path} ({mode})"),
        Event::NamedPipeWaiting {
            path,
            access: NamedPipeWait::Accept,
        } => {
            format!("waits for a client on {path}")
        }
        Event::NamedPipeWaiting { path, access } => {
            format!("waits to open {path} for {access}")
        }
        Event::NamedPipeOpened { path, access } => format!("opens {path} for {access}"),
        Event::NamedPipeConnected {
            path,
            client,
            server,
        } => format!("{client} and {server} connect over {path}"),
        Event::NamedPipeUnlinked { path } => format!("unlinks {path}"),
        Event::TaskCreated { .. }
        | Event::PortAllocated { .. }
        | Event::RightChanged { .. }
        | Event::PortSetAllocated { .. }
        | Event::PortSetDestroyed { .. } => return None,
    };
    Some(text)
}

/// `"<holder> "` when the event is about a task other than the one it is told
/// under, else nothing.
fn other_than_actor(record: &TraceRecord, holder: &str) -> String {
    if record.task.as_deref() == Some(holder) {
        String::new()
    } else {
        format!("{holder} ")
    }
}

/// Bytes through a pipe: their count, with the text when it is short and printable,
/// or their hexadecimal digits when they are few.
fn data(bytes: &[u8]) -> String {
    let n = bytes.len();
    let unit = if n == 1 { "byte" } else { "bytes" };
    if n > 0
        && n <= 32
        && bytes
            .iter()
            .all(|b| b.is_ascii_graphic() || b" \n\t".contains(b))
    {
        format!("{n} {unit} {:?}", String::from_utf8_lossy(bytes))
    } else if n > 0 && n <= 8 {
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        format!("{n} {unit} {hex}")
    } else {
        format!("{n} {unit}")
    }
}

/// The account of a trace: time, task, what happened.
pub fn account(trace: &[TraceRecord], style: Style) -> String {
    let mut out = String::new();
    let mut notifications = Vec::new();
    let width = column_width(
        trace.iter().filter_map(|r| r.task.as_deref()).map(str::len),
        "kernel",
    );
    for record in trace {
        if let Some(text) = describe(record, &mut notifications) {
            let task = record.task.as_deref().unwrap_or("kernel");
            let _ = writeln!(
                out,
                "{} {:width$}  {text}",
                style.dim(&format!("{:>12}", time(record.t_ns))),
                task
            );
        }
    }
    out
}

/// The width of a table's first column: its longest label, or its heading.
pub fn column_width(labels: impl Iterator<Item = usize>, heading: &str) -> usize {
    labels.max().unwrap_or(0).max(heading.len())
}
