//! The readable account of a run: a line per event that matters, then a summary.

use crate::run::{RunResult, Verdict};
use kernel::Outcome;
use kernel::trace::{Event, TraceItem, TraceRecord};
use std::fmt::Write;

/// How to paint the account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    /// Use ANSI colours.
    pub color: bool,
}

impl Style {
    /// `text` in the ANSI style `code` (SGR), or plain without colour.
    pub(crate) fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub(crate) fn warn(self, text: &str) -> String {
        self.paint("33", text)
    }

    pub(crate) fn ok(self, text: &str) -> String {
        self.paint("32", text)
    }

    pub(crate) fn bad(self, text: &str) -> String {
        self.paint("31", text)
    }

    pub(crate) fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    pub(crate) fn bold(self, text: &str) -> String {
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
pub fn describe(record: &TraceRecord, notifications: &mut Vec<(u64, String)>) -> Option<String> {
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
                    &**reason,
                    "task_ended" | "receiver_ended" | "receiver_killed"
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
        } => match kind.as_deref() {
            Some("notification") => return None,
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
                let direct = if kind.as_deref() == Some("direct") {
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
            if &**receiver == "kernel" {
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
            notifications.push((*msg, kind.to_string()));
            match about {
                Some(port) => format!("kernel sends a {kind} notification m{msg} about {port}"),
                None => format!("kernel sends a {kind} notification m{msg}"),
            }
        }
        // A service call that succeeded has said what it did in its own events.
        Event::KernelCall { call, code }
            if *code == ports::ReturnCode::Success && is_service_call(call) =>
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
        Event::NamedPipeWaiting { path, access } if &**access == "accept" => {
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

/// True for the kernel calls of the services (shared memory, semaphores, pipes).
fn is_service_call(call: &str) -> bool {
    call.starts_with("memory_")
        || call.starts_with("semaphore_")
        || call.starts_with("pipe")
        || call.starts_with("named_pipe_")
}

/// The account of a trace: time, task, what happened.
pub fn account(trace: &[TraceRecord], style: Style) -> String {
    let mut out = String::new();
    let mut notifications = Vec::new();
    let width = width(
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

/// The summary: outcome, tasks, ports, expectations.
pub fn summary(result: &RunResult, style: Style) -> String {
    let mut out = String::new();
    let outcome = result.report.outcome.as_str();
    let _ = writeln!(
        out,
        "{} {} after {} kernel steps, at {}",
        style.bold("outcome:"),
        outcome,
        result.report.steps,
        time(result.report.end_ns)
    );
    if let Outcome::Deadlock(d) = &result.report.outcome {
        for (task, what) in &d.blocked {
            let _ = writeln!(out, "  {task} is blocked {what}");
        }
        if d.cycle.is_empty() {
            let _ = writeln!(
                out,
                "  no wait-for cycle: every blocked task waits on a port nobody else can send to"
            );
        } else {
            let mut cycle = d.cycle.clone();
            cycle.push(d.cycle[0].clone());
            let _ = writeln!(out, "  wait-for cycle: {}", cycle.join(" → "));
        }
    }
    let _ = writeln!(out, "\n{}", style.bold("tasks"));
    let name_width = width(result.tasks.iter().map(|t| t.name.len()), "task");
    for task in &result.tasks {
        let _ = writeln!(
            out,
            "  {:name_width$}  {:<28} {:>6} steps  {:>12} blocked",
            task.name,
            task.end,
            task.steps,
            time(task.blocked_ns)
        );
    }
    let _ = writeln!(out, "\n{}", style.bold("ports"));
    let label_width = width(result.ports.iter().map(|p| p.label.len()), "port");
    if result.ports.is_empty() {
        let _ = writeln!(out, "  none");
    } else {
        let _ = writeln!(
            out,
            "  {:label_width$}  {:>5} {:>9} {:>9} {:>10} {:>10}  blocked senders",
            "port", "sent", "received", "returned", "destroyed", "max depth"
        );
    }
    for port in &result.ports {
        let _ = writeln!(
            out,
            "  {:label_width$}  {:>5} {:>9} {:>9} {:>10} {:>10}  {}",
            port.label,
            port.sent,
            port.received,
            port.returned,
            port.destroyed,
            port.max_depth,
            names(&port.blocked_senders)
        );
    }
    services_summary(&mut out, result, style);
    let _ = writeln!(out, "\n{}", style.bold("expectations"));
    for check in &result.checks {
        let line = check
            .line
            .map(|l| format!(" (line {l})"))
            .unwrap_or_default();
        match check.verdict {
            Verdict::Pass => {
                let _ = writeln!(
                    out,
                    "  {} {}{line}: {}",
                    style.ok("✓"),
                    check.what,
                    check.happened
                );
            }
            Verdict::Fail => {
                // Step failures say which task; whole-run checks name theirs already.
                let who = match (&check.task, check.t_ns) {
                    (Some(task), Some(_)) => format!(" in {task}"),
                    _ => String::new(),
                };
                let when = check
                    .t_ns
                    .map(|t| format!(" at {}", time(t)))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  {} {}{who}{line}{when}: expected {}, got {}",
                    style.bad("✗"),
                    check.what,
                    check.expected,
                    check.happened
                );
            }
        }
    }
    let failed = result
        .checks
        .iter()
        .filter(|c| c.verdict == Verdict::Fail)
        .count();
    let _ = writeln!(
        out,
        "\n{}",
        if failed == 0 {
            style.ok("every expectation holds")
        } else {
            style.bad(&format!("{failed} expectation(s) failed"))
        }
    );
    out
}

/// Names in order, or `-`.
fn names(list: &[String]) -> String {
    if list.is_empty() {
        "-".to_string()
    } else {
        list.join(", ")
    }
}

/// The summary's services part: memory objects, semaphores, pipes, and, when the
/// run moved data more than one way, the comparison of the ways.
fn services_summary(out: &mut String, result: &RunResult, style: Style) {
    let Some(services) = result.services() else {
        return;
    };
    let _ = writeln!(out, "\n{}", style.bold("services"));
    let mut first = true;
    let mut gap = |out: &mut String| {
        if !std::mem::take(&mut first) {
            let _ = writeln!(out);
        }
    };
    if !services.memory.is_empty() {
        gap(out);
        let w = width(services.memory.iter().map(|m| m.label.len()), "memory");
        let _ = writeln!(
            out,
            "  {:w$}  {:>8} {:>5} {:>6} {:>7} {:>11} {:>14}  tasks",
            "memory", "size", "maps", "reads", "writes", "bytes read", "bytes written"
        );
        for m in &services.memory {
            let _ = writeln!(
                out,
                "  {:w$}  {:>8} {:>5} {:>6} {:>7} {:>11} {:>14}  {}",
                m.label,
                m.size,
                m.mappings,
                m.reads,
                m.writes,
                m.bytes_read,
                m.bytes_written,
                names(&m.tasks)
            );
        }
    }
    if !services.semaphores.is_empty() {
        gap(out);
        let w = width(
            services.semaphores.iter().map(|s| s.label.len()),
            "semaphore",
        );
        let _ = writeln!(
            out,
            "  {:w$}  {:>7} {:>6} {:>8} {:>10} {:>8} {:>6}  blocked tasks",
            "semaphore", "initial", "waits", "blocked", "timed out", "signals", "final"
        );
        for s in &services.semaphores {
            let _ = writeln!(
                out,
                "  {:w$}  {:>7} {:>6} {:>8} {:>10} {:>8} {:>6}  {}",
                s.label,
                s.initial,
                s.waits,
                s.blocks,
                s.timeouts,
                s.signals,
                s.last,
                names(&s.blocked)
            );
        }
    }
    if !services.pipes.is_empty() {
        gap(out);
        let w = width(services.pipes.iter().map(|p| p.label.len()), "pipe");
        let _ = writeln!(
            out,
            "  {:w$}  {:>8} {:>8} {:>8} {:>10}  blocked",
            "pipe", "capacity", "written", "read", "max depth"
        );
        for p in &services.pipes {
            let blocked: Vec<String> = p
                .blocked
                .iter()
                .map(|(task, op)| format!("{task} ({op})"))
                .collect();
            let _ = writeln!(
                out,
                "  {:w$}  {:>8} {:>8} {:>8} {:>10}  {}",
                p.label,
                p.capacity,
                p.written,
                p.read,
                p.max_depth,
                names(&blocked)
            );
        }
    }
    if services.mechanisms.len() > 1 {
        gap(out);
        let title = services
            .mechanisms
            .iter()
            .map(|m| m.mechanism.as_str())
            .collect::<Vec<_>>()
            .join(" vs ");
        let _ = writeln!(out, "  {title}");
        let w = width(
            services
                .mechanisms
                .iter()
                .map(|m| m.mechanism.as_str().len()),
            "mechanism",
        );
        let _ = writeln!(
            out,
            "  {:w$}  {:>12}  {:>12}  {:>7}  {:>12}  tasks that blocked",
            "mechanism", "kernel steps", "bytes copied", "blocked", "time blocked"
        );
        for m in &services.mechanisms {
            let _ = writeln!(
                out,
                "  {:w$}  {:>12}  {:>12}  {:>7}  {:>12}  {}",
                m.mechanism.as_str(),
                m.steps,
                m.bytes_copied,
                m.blocks,
                time(m.blocked_ns),
                names(&m.blocked_tasks)
            );
        }
        for m in &services.mechanisms {
            let note = match m.mechanism.as_str() {
                "port" => "port: each message is copied into the kernel when sent and out \
                           again when received (its size, header included)"
                    .to_string(),
                "pipe" => "pipe: each byte is copied into the pipe when written and out again \
                           when read"
                    .to_string(),
                _ => format!(
                    "shared memory: nothing is copied. {} of its {} kernel steps are reads and \
                     writes of the mapped memory ({} bytes, in place), which a real kernel never \
                     sees: machsim makes each one a step so that interleavings can be explored",
                    m.accesses, m.steps, m.bytes_in_place
                ),
            };
            wrap(out, &note);
        }
    }
}

/// Writes `text` as indented lines of at most 88 columns.
fn wrap(out: &mut String, text: &str) {
    let mut line = String::from("  ");
    for word in text.split_whitespace() {
        if line.len() > 4 && line.len() + 1 + word.len() > 88 {
            let _ = writeln!(out, "{line}");
            line = String::from("    ");
        } else if line.trim_start().is_empty() {
            // The first word of a line goes straight after the indent.
        } else {
            line.push(' ');
        }
        line.push_str(word);
    }
    let _ = writeln!(out, "{line}");
}

/// The width of a table's first column: its longest label, or its heading.
fn width(labels: impl Iterator<Item = usize>, heading: &str) -> usize {
    labels.max().unwrap_or(0).max(heading.len())
}
