//! Per-task and per-port figures for the run summary, from the kernel and the trace.

use kernel::Kernel;
use kernel::trace::{CallName, Event, MessageOrigin, PipeSide, Receiver, TraceItem, TraceRecord};
use std::collections::BTreeMap;

/// One task in the summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskStats {
    /// Its name.
    pub name: String,
    /// How it ended (`exited 0`, `crashed: …`, `killed`) or where it stopped.
    pub end: String,
    /// Kernel calls it made.
    pub steps: u64,
    /// Virtual time it spent waiting, in nanoseconds.
    pub blocked_ns: u64,
}

/// One port in the summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PortStats {
    /// Its label.
    pub label: String,
    /// Messages sent to it.
    pub sent: u64,
    /// Messages received from it.
    pub received: u64,
    /// Messages handed back to their senders after a failed send.
    pub returned: u64,
    /// Messages destroyed unread.
    pub destroyed: u64,
    /// The highest queue depth.
    pub max_depth: u32,
    /// Tasks that blocked sending to it, in the order they first did.
    pub blocked_senders: Vec<String>,
}

pub(super) fn task_stats(kernel: &Kernel) -> Vec<TaskStats> {
    kernel.inspect(|i| {
        i.tasks()
            .into_iter()
            .map(|t| TaskStats {
                end: match &t.exit {
                    Some(kernel::TaskExit::Exited(code)) => format!("exited {code}"),
                    Some(kernel::TaskExit::Crashed(reason)) => format!("crashed: {reason}"),
                    Some(kernel::TaskExit::Killed) => "killed".into(),
                    None => t.state.replace('_', " "),
                },
                name: t.name,
                steps: t.steps,
                blocked_ns: t.blocked_ns,
            })
            .collect()
    })
}

pub(super) fn port_stats(trace: &[TraceRecord]) -> Vec<PortStats> {
    let mut ports: BTreeMap<String, PortStats> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for record in trace {
        match &record.event {
            Event::PortAllocated { port, receiver, .. }
                if *receiver != Receiver::Kernel && !ports.contains_key(&**port) =>
            {
                order.push(port.to_string());
                ports.insert(
                    port.to_string(),
                    PortStats {
                        label: port.to_string(),
                        ..PortStats::default()
                    },
                );
            }
            Event::MessageSent { port, .. } => {
                if let Some(p) = ports.get_mut(&**port) {
                    p.sent += 1;
                }
            }
            Event::MessageReceived {
                port,
                receiver,
                pseudo: false,
                ..
            } if *receiver != Receiver::Kernel => {
                if let Some(p) = ports.get_mut(&**port) {
                    p.received += 1;
                }
            }
            Event::MessageReceived {
                port, pseudo: true, ..
            } => {
                if let Some(p) = ports.get_mut(&**port) {
                    p.returned += 1;
                }
            }
            Event::MessageDestroyed { port, .. } => {
                if let Some(p) = ports.get_mut(&**port) {
                    p.destroyed += 1;
                }
            }
            Event::MessageQueued { port, depth, .. } | Event::MessageCached { port, depth, .. } => {
                if let Some(p) = ports.get_mut(&**port) {
                    p.max_depth = p.max_depth.max(*depth);
                }
            }
            Event::SendBlocked { port, .. } => {
                if let (Some(p), Some(task)) = (ports.get_mut(&**port), record.task.as_deref())
                    && !p.blocked_senders.iter().any(|t| t == task)
                {
                    p.blocked_senders.push(task.to_string());
                }
            }
            _ => {}
        }
    }
    order
        .into_iter()
        .filter_map(|label| ports.remove(&label))
        .filter(|p| p.sent > 0 || !(p.label.ends_with(".notify") || p.label.ends_with(".direct")))
        .collect()
}

// ----- services ---------------------------------------------------------------------

/// One memory object in the summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoryStats {
    /// Its label.
    pub label: String,
    /// Its size in bytes.
    pub size: u32,
    /// Times it was mapped.
    pub mappings: u64,
    /// Values read from it.
    pub reads: u64,
    /// Values written to it.
    pub writes: u64,
    /// Bytes read.
    pub bytes_read: u64,
    /// Bytes written.
    pub bytes_written: u64,
    /// Tasks that read or wrote it, in the order they first did.
    pub tasks: Vec<String>,
}

/// One semaphore in the summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SemaphoreStats {
    /// Its label.
    pub label: String,
    /// Its count when made.
    pub initial: u32,
    /// `semaphore_wait` calls on it.
    pub waits: u64,
    /// Waits that had to block.
    pub blocks: u64,
    /// Waits that timed out.
    pub timeouts: u64,
    /// `semaphore_signal` calls on it.
    pub signals: u64,
    /// Its count at the end (or when it was destroyed).
    pub last: u32,
    /// Tasks that blocked on it, in the order they first did.
    pub blocked: Vec<String>,
}

/// One pipe (an ordinary pipe, a FIFO's stream, or one way of a duplex instance).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PipeStats {
    /// Its label.
    pub label: String,
    /// Its capacity in bytes.
    pub capacity: u32,
    /// Bytes written into it.
    pub written: u64,
    /// Bytes read from it.
    pub read: u64,
    /// The most bytes it ever held.
    pub max_depth: u32,
    /// Tasks that blocked on it, with `read` or `write`, in the order they first did.
    pub blocked: Vec<(String, PipeSide)>,
}

/// One way to move data, for the comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mechanism {
    /// Messages on ports.
    Port,
    /// Pipes and named pipes.
    Pipe,
    /// Memory objects and the semaphores that guard them.
    SharedMemory,
}

impl Mechanism {
    pub fn as_str(self) -> &'static str {
        match self {
            Mechanism::Port => "port",
            Mechanism::Pipe => "pipe",
            Mechanism::SharedMemory => "shared memory",
        }
    }
}

/// What one mechanism cost the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MechanismStats {
    /// Which.
    pub mechanism: Mechanism,
    /// Kernel calls: message sends and receives; service requests.
    pub steps: u64,
    /// Of those, reads and writes of mapped memory (shared memory only).
    pub accesses: u64,
    /// Bytes the kernel copied: into a message and out of it again, into a pipe and
    /// out of it again; shared memory is read and written in place.
    pub bytes_copied: u64,
    /// Bytes read and written in place (shared memory only).
    pub bytes_in_place: u64,
    /// Calls that had to wait.
    pub blocks: u64,
    /// Virtual time spent in those waits, in nanoseconds, summed over tasks.
    pub blocked_ns: u64,
    /// Tasks that waited, in the order they first did.
    pub blocked_tasks: Vec<String>,
}

impl MechanismStats {
    fn new(mechanism: Mechanism) -> MechanismStats {
        MechanismStats {
            mechanism,
            steps: 0,
            accesses: 0,
            bytes_copied: 0,
            bytes_in_place: 0,
            blocks: 0,
            blocked_ns: 0,
            blocked_tasks: Vec::new(),
        }
    }
}

/// The services part of the summary, from the trace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceStats {
    /// Memory objects, in the order they were made.
    pub memory: Vec<MemoryStats>,
    /// Semaphores, in the order they were made.
    pub semaphores: Vec<SemaphoreStats>,
    /// Pipes, in the order they were made.
    pub pipes: Vec<PipeStats>,
    /// Each mechanism the run used, port first.
    pub mechanisms: Vec<MechanismStats>,
}

impl super::RunResult {
    /// The services part of the summary, or `None` when the run used no service.
    pub fn services(&self) -> Option<ServiceStats> {
        service_stats(&self.trace, self.report.end_ns)
    }
}

/// The request ids of the services (`ServiceOp::id`): memory 5001–5006, semaphores
/// 5101–5104, pipes 5201–5204, named pipes 5301–5304.
fn service_mechanism(id: i32) -> Option<Mechanism> {
    match id {
        5001..=5006 | 5101..=5104 => Some(Mechanism::SharedMemory),
        5201..=5204 | 5301..=5304 => Some(Mechanism::Pipe),
        _ => None,
    }
}

const SEMAPHORE_WAIT: i32 = 5102;

/// Adds `item` to `list` unless it is there.
fn note<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// Finds an entry by label, in the order entries were made.
fn entry<'a, T>(list: &'a mut [T], label: &str, of: impl Fn(&T) -> &str) -> Option<&'a mut T> {
    list.iter_mut().rev().find(|x| of(x) == label)
}

/// The task whose wait a record ends: the one a wake-up or an end names. (Other
/// events may be told under a waiting task, such as part of a large pipe write
/// going in on its behalf, without ending its wait.)
fn woken(record: &TraceRecord) -> Option<&str> {
    match &record.event {
        Event::TaskWoken { name, .. }
        | Event::TaskKilled { name }
        | Event::TaskExited { name, .. }
        | Event::TaskCrashed { name, .. } => Some(name),
        _ => None,
    }
}

/// The mechanism a record's event makes its task wait on, if it is a block.
fn block_of(event: &Event) -> Option<Mechanism> {
    match event {
        Event::SendBlocked { .. } | Event::ReceiveBlocked { .. } => Some(Mechanism::Port),
        Event::PipeBlocked { .. } | Event::NamedPipeWaiting { .. } => Some(Mechanism::Pipe),
        Event::SemaphoreBlocked { .. } => Some(Mechanism::SharedMemory),
        _ => None,
    }
}

/// The services' figures, derived from the trace alone; `None` if no service was used.
pub fn service_stats(trace: &[TraceRecord], end_ns: u64) -> Option<ServiceStats> {
    let mut out = ServiceStats::default();
    let mut mechanisms: BTreeMap<Mechanism, MechanismStats> = BTreeMap::new();
    let mut used_service = false;
    // (holder, name) → the label of the port the name denotes, as rights change.
    let mut names: BTreeMap<(String, u32), String> = BTreeMap::new();
    // Message → its size, for messages tasks sent to ordinary ports.
    let mut sizes: BTreeMap<u64, u32> = BTreeMap::new();
    // Task → the semaphore its `semaphore_wait` names, until the call ends.
    let mut waiting_on: BTreeMap<String, String> = BTreeMap::new();
    // Task → (mechanism, since when) while it is blocked.
    let mut blocked: BTreeMap<String, (Mechanism, u64)> = BTreeMap::new();
    for record in trace {
        let task = record.task.as_deref();
        // A wait ends when the kernel wakes the task (or the task ends).
        if let Some(who) = woken(record)
            && let Some((mechanism, since)) = blocked.remove(who)
        {
            let m = mechanisms
                .entry(mechanism)
                .or_insert_with(|| MechanismStats::new(mechanism));
            m.blocked_ns += record.t_ns.saturating_sub(since);
        }
        if let (Some(mechanism), Some(task)) = (block_of(&record.event), task) {
            let m = mechanisms
                .entry(mechanism)
                .or_insert_with(|| MechanismStats::new(mechanism));
            m.blocks += 1;
            note(&mut m.blocked_tasks, task.to_string());
            blocked.insert(task.to_string(), (mechanism, record.t_ns));
        }
        match &record.event {
            Event::RightChanged {
                holder, name, port, ..
            } => {
                names.insert((holder.to_string(), *name), port.to_string());
            }
            Event::MessageSent {
                msg,
                port,
                id,
                size,
                body,
                kind,
                ..
            } => {
                let Some(task) = task else { continue };
                if port.ends_with(".kernel") {
                    if let Some(mechanism) = service_mechanism(*id) {
                        used_service = true;
                        let m = mechanisms
                            .entry(mechanism)
                            .or_insert_with(|| MechanismStats::new(mechanism));
                        m.steps += 1;
                        if *id == SEMAPHORE_WAIT
                            && let Some(TraceItem::U32(name)) = body.first()
                            && let Some(label) = names.get(&(task.to_string(), *name))
                        {
                            if let Some(s) = entry(&mut out.semaphores, label, |s| &s.label) {
                                s.waits += 1;
                            }
                            waiting_on.insert(task.to_string(), label.clone());
                        }
                    }
                } else if *kind != Some(MessageOrigin::Notification) {
                    let m = mechanisms
                        .entry(Mechanism::Port)
                        .or_insert_with(|| MechanismStats::new(Mechanism::Port));
                    m.steps += 1;
                    m.bytes_copied += u64::from(*size);
                    sizes.insert(*msg, *size);
                }
            }
            Event::MessageReceived {
                msg,
                receiver,
                pseudo: false,
                ..
            } if *receiver != Receiver::Kernel => {
                let m = mechanisms
                    .entry(Mechanism::Port)
                    .or_insert_with(|| MechanismStats::new(Mechanism::Port));
                m.steps += 1;
                m.bytes_copied += u64::from(sizes.get(msg).copied().unwrap_or(0));
            }
            Event::ReceiveFailed { .. } if task.is_some() => {
                let m = mechanisms
                    .entry(Mechanism::Port)
                    .or_insert_with(|| MechanismStats::new(Mechanism::Port));
                m.steps += 1;
            }
            Event::MemoryCreated { object, size, .. } => {
                out.memory.push(MemoryStats {
                    label: object.to_string(),
                    size: *size,
                    ..MemoryStats::default()
                });
            }
            Event::MemoryMapped { object, .. } => {
                if let Some(m) = entry(&mut out.memory, object, |m| &m.label) {
                    m.mappings += 1;
                }
            }
            Event::MemoryRead { object, width, .. }
            | Event::MemoryWritten { object, width, .. } => {
                let write = matches!(record.event, Event::MemoryWritten { .. });
                if let Some(m) = entry(&mut out.memory, object, |m| &m.label) {
                    if write {
                        m.writes += 1;
                        m.bytes_written += u64::from(*width);
                    } else {
                        m.reads += 1;
                        m.bytes_read += u64::from(*width);
                    }
                    if let Some(task) = task {
                        note(&mut m.tasks, task.to_string());
                    }
                }
                let m = mechanisms
                    .entry(Mechanism::SharedMemory)
                    .or_insert_with(|| MechanismStats::new(Mechanism::SharedMemory));
                m.accesses += 1;
                m.bytes_in_place += u64::from(*width);
            }
            Event::SemaphoreCreated { semaphore, value } => {
                out.semaphores.push(SemaphoreStats {
                    label: semaphore.to_string(),
                    initial: *value,
                    last: *value,
                    ..SemaphoreStats::default()
                });
            }
            Event::SemaphoreAcquired { semaphore, value } => {
                if let Some(s) = entry(&mut out.semaphores, semaphore, |s| &s.label) {
                    s.last = *value;
                }
            }
            Event::SemaphoreSignalled { semaphore, value } => {
                if let Some(s) = entry(&mut out.semaphores, semaphore, |s| &s.label) {
                    s.signals += 1;
                    s.last = *value;
                }
            }
            Event::SemaphoreBlocked { semaphore } => {
                if let Some(s) = entry(&mut out.semaphores, semaphore, |s| &s.label) {
                    s.blocks += 1;
                    if let Some(task) = task {
                        note(&mut s.blocked, task.to_string());
                    }
                }
            }
            Event::KernelCall { call, code } if *call == CallName::SemaphoreWait => {
                if let Some(label) = task.and_then(|t| waiting_on.remove(t))
                    && *code == ports::ReturnCode::OperationTimedOut
                    && let Some(s) = entry(&mut out.semaphores, &label, |s| &s.label)
                {
                    s.timeouts += 1;
                }
            }
            Event::PipeCreated { pipe, capacity, .. } => {
                out.pipes.push(PipeStats {
                    label: pipe.to_string(),
                    capacity: *capacity,
                    ..PipeStats::default()
                });
            }
            Event::PipeWritten { pipe, bytes, depth } | Event::PipeRead { pipe, bytes, depth } => {
                let write = matches!(record.event, Event::PipeWritten { .. });
                let n = bytes.0.len() as u64;
                if let Some(p) = entry(&mut out.pipes, pipe, |p| &p.label) {
                    if write {
                        p.written += n;
                    } else {
                        p.read += n;
                    }
                    p.max_depth = p.max_depth.max(*depth);
                }
                let m = mechanisms
                    .entry(Mechanism::Pipe)
                    .or_insert_with(|| MechanismStats::new(Mechanism::Pipe));
                m.bytes_copied += n;
            }
            Event::PipeBlocked { pipe, op } => {
                if let (Some(p), Some(task)) = (entry(&mut out.pipes, pipe, |p| &p.label), task) {
                    note(&mut p.blocked, (task.to_string(), *op));
                }
            }
            _ => {}
        }
    }
    for (_, (mechanism, since)) in blocked {
        if let Some(m) = mechanisms.get_mut(&mechanism) {
            m.blocked_ns += end_ns.saturating_sub(since);
        }
    }
    if !used_service {
        return None;
    }
    out.mechanisms = mechanisms.into_values().collect();
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::{Mechanism, PipeSide, service_stats};
    use crate::run::{Overrides, execute, prepare};

    /// Runs a scenario of scripts and returns its services' figures.
    fn services(text: &str) -> super::ServiceStats {
        let (scenario, diagnostics) =
            crate::syntax::parse("stats.toml", text.as_bytes(), &tasks::Registry::new());
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let scenario = scenario.expect("a valid scenario");
        let prepared = prepare(
            &scenario,
            &|name, _| Err(format!("no program {name}")),
            &Overrides::default(),
        )
        .expect("the kernel accepts it");
        let result = execute(&scenario, prepared);
        assert!(result.passed(), "{:#?}", result.checks);
        service_stats(&result.trace, result.report.end_ns).expect("services were used")
    }

    const THREE_WAYS: &str = r#"
[scenario]
name = "stats"

[[port]]
name = "box"
receiver = "b"
senders = ["a"]

[[memory]]
name = "m"
size = 16
holders = ["x", "y"]

[[semaphore]]
name = "s"
holders = ["x", "y"]

[[task]]
name = "a"
steps = [ { op = "send", port = "box", id = 1 } ]

[[task]]
name = "b"
steps = [ { op = "receive", port = "box" } ]

[[task]]
name = "p"
steps = [
  { op = "pipe", read = "r", write = "w", capacity = 4 },
  { op = "spawn", task = "c" },
  { op = "pipe_close", handle = "r" },
  { op = "pipe_write", handle = "w", str = "abcdef" },
  { op = "pipe_close", handle = "w" },
]

[[task]]
name = "c"
spawned = true
steps = [
  { op = "pipe_close", handle = "w" },
  { op = "sleep", ms = 1 },
  { op = "pipe_read", handle = "r", expect_data = { str = "abcd" } },
  { op = "pipe_read", handle = "r", expect_data = { str = "ef" } },
  { op = "pipe_read", handle = "r", expect = "eof" },
]

[[task]]
name = "x"
steps = [
  { op = "memory_map", object = "m", mapping = "mm" },
  { op = "sleep", ms = 2 },
  { op = "memory_write", mapping = "mm", offset = 8, value = 7 },
  { op = "semaphore_signal", semaphore = "s" },
]

[[task]]
name = "y"
steps = [
  { op = "memory_map", object = "m", mapping = "mm" },
  { op = "semaphore_wait", semaphore = "s" },
  { op = "memory_read", mapping = "mm", offset = 8, expect_value = 7 },
  { op = "semaphore_wait", semaphore = "s", on_empty = "no_wait", expect = "operation_timed_out" },
]
"#;

    #[test]
    fn memory_semaphores_and_pipes_are_counted_from_the_trace() {
        let s = services(THREE_WAYS);
        assert_eq!(s.memory.len(), 1);
        let m = &s.memory[0];
        assert_eq!(
            (m.label.as_str(), m.size, m.mappings, m.reads, m.writes),
            ("m", 16, 2, 1, 1)
        );
        assert_eq!((m.bytes_read, m.bytes_written), (8, 8));
        assert_eq!(m.tasks, ["x", "y"]);
        let sem = &s.semaphores[0];
        assert_eq!(
            (
                sem.initial,
                sem.waits,
                sem.blocks,
                sem.timeouts,
                sem.signals,
                sem.last
            ),
            (0, 2, 1, 1, 1, 0)
        );
        assert_eq!(sem.blocked, ["y"]);
        let pipe = &s.pipes[0];
        assert_eq!(
            (pipe.capacity, pipe.written, pipe.read, pipe.max_depth),
            (4, 6, 6, 4)
        );
        assert_eq!(pipe.blocked, [("p".to_string(), PipeSide::Write)]);
    }

    #[test]
    fn each_mechanism_has_its_steps_copies_and_blocking() {
        let s = services(THREE_WAYS);
        let kinds: Vec<Mechanism> = s.mechanisms.iter().map(|m| m.mechanism).collect();
        assert_eq!(
            kinds,
            [Mechanism::Port, Mechanism::Pipe, Mechanism::SharedMemory]
        );
        let [port, pipe, shm] = &s.mechanisms[..] else {
            unreachable!()
        };
        // One send and one receive, each copying the 24-byte message.
        assert_eq!((port.steps, port.bytes_copied, port.blocks), (2, 48, 0));
        // pipe, 2 closes and a write in p; a close and 3 reads in c.
        assert_eq!((pipe.steps, pipe.bytes_copied), (8, 12));
        // p waits for room from 0 to 1 ms; c never waits (it sleeps first).
        assert_eq!((pipe.blocks, pipe.blocked_ns), (1, 1_000_000));
        assert_eq!(pipe.blocked_tasks, ["p"]);
        // 2 maps, a write, a read, a signal and 2 waits; y waits from 0 to 2 ms.
        assert_eq!((shm.steps, shm.accesses, shm.bytes_copied), (7, 2, 0));
        assert_eq!(shm.bytes_in_place, 16);
        assert_eq!((shm.blocks, shm.blocked_ns), (1, 2_000_000));
        assert_eq!(shm.blocked_tasks, ["y"]);
    }

    #[test]
    fn a_large_write_waits_until_its_last_piece_is_in() {
        // 600 bytes, over PIPE_BUF, into 200: a piece now and one per read; the
        // pieces that go in on the writer's behalf do not end its wait.
        let s = services(
            r#"
[scenario]
name = "large write"

[[task]]
name = "w"
steps = [
  { op = "pipe", read = "r", write = "w", capacity = 200 },
  { op = "spawn", task = "r" },
  { op = "pipe_close", handle = "r" },
  { op = "pipe_write", handle = "w", fill = 600, expect_written = 600 },
]

[[task]]
name = "r"
spawned = true
steps = [
  { op = "pipe_close", handle = "w" },
  { op = "repeat", times = 3, steps = [
    { op = "sleep", ms = 1 },
    { op = "pipe_read", handle = "r", max = 200, expect_data = { size = 200 } },
  ] },
]
"#,
        );
        let pipe = &s.mechanisms[0];
        assert_eq!(pipe.mechanism, Mechanism::Pipe);
        assert_eq!((pipe.blocks, pipe.blocked_ns), (1, 2_000_000));
        assert_eq!(s.pipes[0].written, 600);
    }

    #[test]
    fn a_run_without_services_has_no_services_part() {
        let (scenario, _) = crate::syntax::parse(
            "ports.toml",
            br#"
[scenario]
name = "ports only"

[[port]]
name = "box"
receiver = "b"
senders = ["a"]

[[task]]
name = "a"
steps = [ { op = "send", port = "box", id = 1 } ]

[[task]]
name = "b"
steps = [ { op = "receive", port = "box" } ]
"#,
            &tasks::Registry::new(),
        );
        let scenario = scenario.expect("a valid scenario");
        let prepared = prepare(&scenario, &|_, _| Err(String::new()), &Overrides::default())
            .expect("the kernel accepts it");
        let result = execute(&scenario, prepared);
        assert_eq!(service_stats(&result.trace, result.report.end_ns), None);
        assert_eq!(result.services(), None);
    }
}
