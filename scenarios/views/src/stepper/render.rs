//! Rendering a state for `machsim step --at N`: text for people, JSON for tools.
//!
//! Both show the same things in the same order: the event itself, the tasks, the
//! live ports with their queues and blocked senders, the dead ports, the port sets,
//! the services (memory objects with their mappings and bytes, semaphores with
//! their waiters, pipes with their buffered bytes, ends and waiting tasks, named
//! pipes with the tasks waiting to open or accept), the messages in flight outside
//! any queue, every task's name space and handles, and any inconsistency the fold
//! found. Tasks, ports, sets and service objects come in creation order, names and
//! handles in number order, messages oldest first. A section with nothing in it is
//! left out of the text (the services', the handles') and of the JSON (the
//! services' lists, a task's `handles`), so a run without services renders as it
//! did before them.

use super::state::{
    Contents, Message, NamedPipe, Pipe, Place, ServiceWait, State, Task, TaskStatus,
};
use serde::Serialize;
use serde_json::Value;
use std::fmt::Write;
use trace::{
    CarriedRight, Event, NamedPipeWait, PipeSide, PortType, Receiver, ScheduleKind, TraceHeader,
    TraceItem, TraceRecord,
};

pub use crate::story::time;

/// ANSI painting, or none: the run account's painter.
type Paint = crate::story::Style;

/// One typed item of a body, as the stepper shows it.
pub fn item(item: &TraceItem) -> String {
    match item {
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
        TraceItem::Str(v) => format!("str {v:?}"),
        TraceItem::Bytes(b) if b.0.len() <= 16 => format!(
            "bytes {}",
            b.0.iter().map(|x| format!("{x:02x}")).collect::<String>()
        ),
        TraceItem::Bytes(b) => format!("bytes ({} bytes)", b.0.len()),
        TraceItem::Ool(n) => format!("ool {n} bytes"),
        TraceItem::Port(c) => carried(c),
    }
}

/// A right carried in a message.
pub fn carried(c: &CarriedRight) -> String {
    match &c.port {
        Some(port) => format!("{} right to {port}", c.right),
        None => format!("{} (a right that died in transit)", c.right),
    }
}

fn body(items: &[TraceItem]) -> String {
    let parts: Vec<String> = items.iter().map(item).collect();
    format!("[{}]", parts.join(", "))
}

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
    }
}

/// How many bytes of a pipe's data or a memory object the text shows in hex.
const HEX_SHOWN: usize = 32;

/// Bytes in hex, the first [`HEX_SHOWN`] of them when there are more.
fn short_hex(bytes: &[u8]) -> String {
    let mut text: String = bytes
        .iter()
        .take(HEX_SHOWN)
        .map(|b| format!("{b:02x}"))
        .collect();
    if bytes.len() > HEX_SHOWN {
        let _ = write!(text, "… ({} more)", bytes.len() - HEX_SHOWN);
    }
    if text.is_empty() {
        text.push_str("none");
    }
    text
}

fn name_text(name: u32) -> String {
    format!("name {}", ports::PortName(name))
}

fn urefs_text(rights: PortType, urefs: u32) -> String {
    if rights.has_urefs() {
        format!(", {}", plural(u64::from(urefs), "uref"))
    } else {
        String::new()
    }
}

fn plural(n: u64, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// How many dead ports the text lists (the most recent); JSON lists them all.
const DEAD_PORTS_SHOWN: usize = 20;

fn message_line(m: &Message) -> String {
    let mut text = format!("msg {}: id {}, {} bytes", m.msg, m.id, m.size);
    match &m.sender {
        Some(sender) => {
            let _ = write!(text, ", from {sender}");
        }
        None => text.push_str(", from the kernel"),
    }
    if let Some(kind) = &m.kind {
        let _ = write!(text, " ({kind})");
    }
    let _ = write!(text, ", via {}", m.dest_right);
    if let Some(reply) = &m.reply {
        let _ = write!(text, ", reply {}", carried(reply));
    }
    let _ = write!(
        text,
        ", sent at event {} ({}), body {}",
        m.sent_at,
        time(m.sent_ns),
        body(&m.body)
    );
    text
}

fn status_text(task: &Task, state: &State, paint: Paint) -> String {
    match &task.status {
        TaskStatus::NotStarted => match task.start_ns {
            Some(t) => format!("not started (starts at {})", time(t)),
            None => "not started (waits for a spawn)".to_string(),
        },
        TaskStatus::Ready => paint.ok("ready"),
        TaskStatus::BlockedSend {
            msg,
            port,
            since_ns,
        } => paint.warn(&format!(
            "blocked sending msg {msg} to {port} since {}",
            time(*since_ns)
        )),
        TaskStatus::BlockedReceive { on, since_ns } => {
            let what = if state.set(on).is_some() { "set " } else { "" };
            paint.warn(&format!(
                "blocked receiving on {what}{on} since {}",
                time(*since_ns)
            ))
        }
        TaskStatus::BlockedService { wait, since_ns } => paint.warn(&format!(
            "{} since {}",
            service_wait_text(wait),
            time(*since_ns)
        )),
        TaskStatus::Sleeping { until_ns, since_ns } => format!(
            "sleeping until {} (since {})",
            time(*until_ns),
            time(*since_ns)
        ),
        TaskStatus::Exited { code } if *code == 0 => "exited with code 0".to_string(),
        TaskStatus::Exited { code } => paint.bad(&format!("exited with code {code}")),
        TaskStatus::Crashed { reason } => paint.bad(&format!("crashed: {reason}")),
        TaskStatus::Killed => paint.bad("killed"),
    }
}

/// What a task waiting in a service waits for, in words.
pub fn service_wait_text(wait: &ServiceWait) -> String {
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
    }
}

fn receiver_text(receiver: &Receiver) -> String {
    match receiver {
        Receiver::Task(task) => format!("receiver {task}"),
        Receiver::Kernel => "receiver kernel".to_string(),
        Receiver::InTransit => "receive right in transit".to_string(),
    }
}

fn place_text(place: &Place, state: &State) -> String {
    match place {
        Place::Entering => "just sent".to_string(),
        Place::Queued { port, forced } => {
            let alive = if state.is_port_alive(port) {
                ""
            } else {
                ", which died"
            };
            let how = if *forced { "cached" } else { "queued" };
            format!("{how} on {port}{alive}")
        }
        Place::HeldBySender { task, port } => format!("held by {task}, blocked sending to {port}"),
    }
}

/// The text shown for the state after event `state.seq()` of a trace whose last
/// event is `last`; `event` is that event (`None` at 0).
pub fn text(
    header: &TraceHeader,
    state: &State,
    event: Option<&TraceRecord>,
    last: u64,
    color: bool,
) -> String {
    let paint = Paint { color };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} (seed {}, {}): state after event {} of {}, at {}",
        paint.bold(&header.scenario),
        header.seed,
        header.schedule,
        state.seq(),
        last,
        time(state.t_ns())
    );
    match event {
        Some(record) => {
            let _ = writeln!(out, "{}", describe(record));
        }
        None => {
            let _ = writeln!(out, "before the first event");
        }
    }

    let tasks: Vec<&Task> = state.tasks().collect();
    let _ = writeln!(out, "\n{}", paint.bold(&format!("tasks ({})", tasks.len())));
    let width = tasks.iter().map(|t| t.name.len()).max().unwrap_or(0);
    for task in &tasks {
        let mut line = format!(
            "  {:width$}  {}; {}, blocked {}",
            task.name,
            status_text(task, state, paint),
            plural(task.steps, "step"),
            time(task.blocked_ns_at(state.t_ns())),
        );
        if let Some(parent) = &task.parent {
            let _ = write!(line, ", child of {parent}");
        }
        if let Some(failure) = &task.last_failure {
            let _ = write!(
                line,
                ", last failure {} {} at event {}",
                failure.call, failure.code, failure.seq
            );
        }
        let _ = writeln!(out, "{line}");
    }

    let ports: Vec<_> = state.ports().collect();
    let _ = writeln!(out, "\n{}", paint.bold(&format!("ports ({})", ports.len())));
    for port in ports {
        let mut line = format!(
            "  {}: {}, capacity {}, {} queued",
            paint.bold(&port.label),
            receiver_text(&port.receiver),
            port.capacity,
            port.queue.len()
        );
        if let Some(set) = &port.set {
            let _ = write!(line, ", in set {set}");
        }
        let _ = writeln!(out, "{line}");
        for msg in &port.queue {
            match state.message(*msg) {
                Some(m) => {
                    let forced = matches!(m.place, Place::Queued { forced: true, .. });
                    let mark = if forced { " (cached)" } else { "" };
                    let _ = writeln!(out, "    {}{mark}", message_line(m));
                }
                None => {
                    let _ = writeln!(out, "    msg {msg}: {}", paint.bad("unknown message"));
                }
            }
        }
        for blocked in &port.blocked_senders {
            let held = state
                .message(blocked.msg)
                .map_or_else(|| format!("msg {}", blocked.msg), message_line);
            let _ = writeln!(
                out,
                "    {} {held}",
                paint.warn(&format!("blocked sender {} holds", blocked.task))
            );
        }
        for request in &port.requests {
            let by = request
                .by
                .as_ref()
                .map(|b| format!(" by {b}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "    {} request to {}{by} at event {}",
                request.kind, request.notify, request.at
            );
        }
    }

    let dead_count = state.dead_port_count();
    if dead_count > 0 {
        let _ = writeln!(
            out,
            "\n{}",
            paint.bold(&format!("dead ports ({dead_count})"))
        );
        if dead_count > DEAD_PORTS_SHOWN {
            let _ = writeln!(
                out,
                "  {}",
                paint.dim(&format!(
                    "… {} earlier deaths not shown (--json lists them all)",
                    dead_count - DEAD_PORTS_SHOWN
                ))
            );
        }
        for port in state
            .dead_ports()
            .skip(dead_count.saturating_sub(DEAD_PORTS_SHOWN))
        {
            let _ = writeln!(
                out,
                "  {}: {} at event {} ({}), {}",
                port.label,
                paint.dim("died"),
                port.died_at,
                port.reason,
                receiver_text(&port.receiver)
            );
        }
    }

    let sets: Vec<_> = state.sets().collect();
    if !sets.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint.bold(&format!("port sets ({})", sets.len()))
        );
        for set in sets {
            let members = if set.members.is_empty() {
                "no members".to_string()
            } else {
                format!("members {}", set.members.join(", "))
            };
            let _ = writeln!(out, "  {}: held by {}, {members}", set.label, set.holder);
        }
    }

    services_text(&mut out, state, paint);

    let elsewhere: Vec<&Message> = state
        .messages()
        .filter(|m| match &m.place {
            Place::Queued { port, .. } => !state.is_port_alive(port),
            Place::HeldBySender { .. } => false,
            Place::Entering => true,
        })
        .collect();
    if !elsewhere.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint.bold(&format!(
                "messages in flight elsewhere ({})",
                elsewhere.len()
            ))
        );
        for m in elsewhere {
            let _ = writeln!(
                out,
                "  {}, {}",
                message_line(m),
                place_text(&m.place, state)
            );
        }
    }

    let _ = writeln!(out, "\n{}", paint.bold("name spaces"));
    for task in &tasks {
        let space = state.space(&task.name);
        if space.is_empty() {
            let _ = writeln!(out, "  {}: no names", task.name);
            continue;
        }
        let _ = writeln!(out, "  {}:", task.name);
        let names: Vec<String> = space
            .iter()
            .map(|e| format!("{} ({})", ports::PortName(e.name), e.name))
            .collect();
        let width = names.iter().map(String::len).max().unwrap_or(0);
        let objects = space.iter().map(|e| e.object.len()).max().unwrap_or(0);
        for (entry, name) in space.iter().zip(&names) {
            let mut line = format!(
                "    {name:width$}  {:objects$}  {}{}",
                entry.object,
                entry.rights,
                urefs_text(entry.rights, entry.urefs)
            );
            if entry.converted {
                let _ = write!(line, " {}", paint.dim("(its port died)"));
            }
            let _ = writeln!(out, "{line}");
        }
    }

    if tasks.iter().any(|t| !t.handles().is_empty()) {
        let _ = writeln!(out, "\n{}", paint.bold("handles"));
        for task in &tasks {
            let handles = task.handles();
            if handles.is_empty() {
                continue;
            }
            let _ = writeln!(out, "  {}:", task.name);
            let width = handles
                .iter()
                .map(|h| h.handle.to_string().len())
                .max()
                .unwrap_or(0);
            for h in handles {
                let _ = writeln!(out, "    {:>width$}  {}", h.handle, h.what.describe());
            }
        }
    }

    let problems: Vec<_> = state.inconsistencies().collect();
    if !problems.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint.bad(&format!("inconsistencies ({})", problems.len()))
        );
        for problem in problems {
            let _ = writeln!(out, "  event {}: {}", problem.seq, problem.problem);
        }
    }
    out
}

/// How many rows of 16 bytes of a memory object the text shows.
const MEMORY_ROWS_SHOWN: usize = 16;

/// A memory object's bytes: the rows of 16 that hold anything but zeros, the
/// first [`MEMORY_ROWS_SHOWN`] of them.
fn memory_rows(contents: &Contents, paint: Paint) -> Vec<String> {
    let len = contents.len();
    let zero_row = |start: usize| match contents.known() {
        Some(bytes) => bytes[start..(start + 16).min(len)].iter().all(|b| *b == 0),
        None => (start..(start + 16).min(len)).all(|at| contents.byte(at) == Some(0)),
    };
    let rows: Vec<usize> = (0..len).step_by(16).filter(|&at| !zero_row(at)).collect();
    if rows.is_empty() {
        return vec![paint.dim("all zero")];
    }
    let mut lines: Vec<String> = rows
        .iter()
        .take(MEMORY_ROWS_SHOWN)
        .map(|&start| {
            let hex = contents.hex_range(start, start + 16);
            let pairs: Vec<&str> = hex
                .as_bytes()
                .chunks(2)
                .map(|pair| std::str::from_utf8(pair).unwrap_or("??"))
                .collect();
            format!("{start:#06x}  {}", pairs.join(" "))
        })
        .collect();
    if rows.len() > MEMORY_ROWS_SHOWN {
        lines.push(paint.dim(&format!(
            "… {} more rows not shown (--json lists every byte)",
            rows.len() - MEMORY_ROWS_SHOWN
        )));
    }
    if rows.len() < len.div_ceil(16) {
        lines.push(paint.dim("(the rows not shown are zero)"));
    }
    lines
}

fn names(labels: &[trace::Label]) -> String {
    labels
        .iter()
        .map(|l| l.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn pipe_line(pipe: &Pipe, paint: Paint) -> String {
    let mut line = format!(
        "  {}: capacity {}, {} buffered",
        paint.bold(&pipe.label),
        pipe.capacity,
        plural(pipe.buffered.len() as u64, "byte")
    );
    if !pipe.buffered.is_empty() {
        let bytes: Vec<u8> = pipe.buffered.iter().copied().collect();
        let _ = write!(line, " ({})", short_hex(&bytes));
    }
    if let Some(path) = &pipe.named {
        let _ = write!(line, ", a stream of named pipe {path}");
    }
    line
}

fn named_pipe_line(named: &NamedPipe, paint: Paint) -> String {
    let mut line = format!("  {}: {}", paint.bold(&named.path), named.mode);
    if named.unlinked {
        let _ = write!(line, ", {}", paint.dim("unlinked"));
    }
    if named.streams.is_empty() {
        line.push_str(", no streams");
    } else {
        let _ = write!(line, ", streams {}", names(&named.streams));
    }
    line
}

/// The services' sections: memory objects, semaphores, pipes, named pipes (each
/// only when there is one).
fn services_text(out: &mut String, state: &State, paint: Paint) {
    let memory: Vec<_> = state.memory_objects().collect();
    if !memory.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint.bold(&format!("memory objects ({})", memory.len()))
        );
        for object in memory {
            let mut line = format!(
                "  {}: {}",
                paint.bold(&object.label),
                plural(u64::from(object.size), "byte")
            );
            if object.mappings.is_empty() {
                line.push_str(", not mapped");
            } else {
                let mapped: Vec<String> = object
                    .mappings
                    .iter()
                    .map(|m| format!("{} (mapping {})", m.holder, m.handle))
                    .collect();
                let _ = write!(line, ", mapped by {}", mapped.join(", "));
            }
            let unknown = object.contents.unknown_count();
            if unknown > 0 {
                let _ = write!(
                    line,
                    ", {} unknown (an out-of-line region's, which the trace does not carry)",
                    plural(unknown, "byte")
                );
            }
            let _ = writeln!(out, "{line}");
            for row in memory_rows(&object.contents, paint) {
                let _ = writeln!(out, "    {row}");
            }
        }
    }

    let semaphores: Vec<_> = state.semaphores().collect();
    if !semaphores.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint.bold(&format!("semaphores ({})", semaphores.len()))
        );
        for semaphore in semaphores {
            let mut line = format!(
                "  {}: value {}",
                paint.bold(&semaphore.label),
                semaphore.value
            );
            if !semaphore.waiters.is_empty() {
                let _ = write!(
                    line,
                    ", {}",
                    paint.warn(&format!("waiters {}", names(&semaphore.waiters)))
                );
            }
            let _ = writeln!(out, "{line}");
        }
    }

    let pipes: Vec<_> = state.pipes().collect();
    if !pipes.is_empty() {
        let _ = writeln!(out, "\n{}", paint.bold(&format!("pipes ({})", pipes.len())));
        for pipe in pipes {
            let _ = writeln!(out, "{}", pipe_line(pipe, paint));
            for side in PipeSide::ALL {
                let ends: Vec<String> = pipe
                    .ends
                    .iter()
                    .filter(|e| e.end == side)
                    .map(|e| format!("{} (handle {})", e.holder, e.handle))
                    .collect();
                let ends = if ends.is_empty() {
                    paint.dim("none open")
                } else {
                    ends.join(", ")
                };
                let _ = writeln!(out, "    {side} ends: {ends}");
            }
            if !pipe.waiting_readers.is_empty() {
                let _ = writeln!(
                    out,
                    "    {}",
                    paint.warn(&format!("waiting readers {}", names(&pipe.waiting_readers)))
                );
            }
            if !pipe.waiting_writers.is_empty() {
                let _ = writeln!(
                    out,
                    "    {}",
                    paint.warn(&format!("waiting writers {}", names(&pipe.waiting_writers)))
                );
            }
        }
    }

    let named: Vec<_> = state.named_pipes().collect();
    if !named.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint.bold(&format!("named pipes ({})", named.len()))
        );
        for n in named {
            let _ = writeln!(out, "{}", named_pipe_line(n, paint));
            if !n.openers.is_empty() {
                let openers: Vec<String> = n
                    .openers
                    .iter()
                    .map(|o| format!("{} (for {})", o.task, o.access))
                    .collect();
                let _ = writeln!(
                    out,
                    "    {}",
                    paint.warn(&format!("waiting to open: {}", openers.join(", ")))
                );
            }
            if !n.acceptors.is_empty() {
                let _ = writeln!(
                    out,
                    "    {}",
                    paint.warn(&format!("waiting to accept: {}", names(&n.acceptors)))
                );
            }
        }
    }
}

#[derive(Serialize)]
struct TaskJson<'a> {
    #[serde(flatten)]
    task: &'a Task,
    /// Blocked time up to the state's time, the current wait included.
    blocked_ns_now: u64,
    space: Vec<super::state::NameEntry>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    handles: Vec<super::state::HandleEntry>,
}

#[derive(Serialize)]
struct StateJson<'a> {
    scenario: &'a str,
    seed: u64,
    schedule: ScheduleKind,
    seq: u64,
    last_seq: u64,
    t_ns: u64,
    event: Value,
    tasks: Vec<TaskJson<'a>>,
    ports: Vec<&'a super::state::Port>,
    dead_ports: Vec<&'a super::state::DeadPort>,
    sets: Vec<&'a super::state::PortSet>,
    messages: Vec<&'a Message>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    memory_objects: Vec<&'a super::state::MemoryObject>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    semaphores: Vec<&'a super::state::Semaphore>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pipes: Vec<&'a Pipe>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    named_pipes: Vec<&'a NamedPipe>,
    inconsistencies: Vec<&'a super::state::Inconsistency>,
}

/// The JSON document for the state after event `state.seq()`: the event as its
/// JSON Lines object (`null` at 0), then the state. Ports list their queues and
/// blocked senders by message number; `messages` holds every message still in the
/// kernel, with where it is.
pub fn json(header: &TraceHeader, state: &State, event: Option<&TraceRecord>, last: u64) -> Value {
    let event = event
        .and_then(|record| {
            let mut line = Vec::new();
            trace::write_jsonl_record(&mut line, record).ok()?;
            serde_json::from_slice(&line).ok()
        })
        .unwrap_or(Value::Null);
    let document = StateJson {
        scenario: &header.scenario,
        seed: header.seed,
        schedule: header.schedule,
        seq: state.seq(),
        last_seq: last,
        t_ns: state.t_ns(),
        event,
        tasks: state
            .tasks()
            .map(|task| TaskJson {
                task,
                blocked_ns_now: task.blocked_ns_at(state.t_ns()),
                space: state.space(&task.name),
                handles: task.handles(),
            })
            .collect(),
        ports: state.ports().collect(),
        dead_ports: state.dead_ports().collect(),
        sets: state.sets().collect(),
        messages: state.messages().collect(),
        memory_objects: state.memory_objects().collect(),
        semaphores: state.semaphores().collect(),
        pipes: state.pipes().collect(),
        named_pipes: state.named_pipes().collect(),
        inconsistencies: state.inconsistencies().collect(),
    };
    serde_json::to_value(&document).unwrap_or(Value::Null)
}
