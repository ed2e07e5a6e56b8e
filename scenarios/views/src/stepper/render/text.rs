//! The text of the state after an event, for people (`machsim step --at N`).

use super::record::{describe, urefs_text};
use crate::stepper::{Contents, Message, NamedPipe, Pipe, Place, State, Task, TaskStatus};
use crate::story::Style as Paint;
use crate::words::messages::place;
use crate::words::ports as port_words;
use crate::words::values::{body, carried, plural, short_hex};
use crate::words::waits::status;
use crate::words::{Form, time};
use std::fmt::Write;
use trace::{PipeSide, TraceHeader, TraceRecord};

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

/// A task's state, painted by what it means: runnable, waiting, or ended badly.
fn status_text(task: &Task, state: &State, paint: Paint) -> String {
    let text = status(task, state, Form::Line);
    match &task.status {
        TaskStatus::Ready => paint.ok(&text),
        TaskStatus::BlockedSend { .. }
        | TaskStatus::BlockedReceive { .. }
        | TaskStatus::BlockedService { .. } => paint.warn(&text),
        TaskStatus::Exited { code } if *code != 0 => paint.bad(&text),
        TaskStatus::Crashed { .. } | TaskStatus::Killed => paint.bad(&text),
        TaskStatus::NotStarted | TaskStatus::Sleeping { .. } | TaskStatus::Exited { .. } => text,
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
            port_words::receiver(&port.receiver, Form::Line),
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
            let _ = writeln!(out, "    {}", port_words::request(request, Form::Line));
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
                port_words::receiver(&port.receiver, Form::Line)
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
                place(&m.place, state, Form::Line)
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
