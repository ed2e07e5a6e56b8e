//! The services' figures: memory objects, semaphores, pipes, and the comparison
//! of the ways the run moved data (ports, pipes, shared memory).

use crate::stepper::{SEMAPHORE_WAIT, ServiceWait, State, TaskStatus, requested_service};
use std::collections::BTreeMap;
use trace::{CallName, Event, Label, PipeSide, Receiver, Service, TraceItem, TraceRecord};

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
    /// Windows NT's local procedure call: its messages (a section's bulk reads
    /// and writes count under shared memory).
    Lpc,
}

impl Mechanism {
    /// Its name in the summary.
    pub fn as_str(self) -> &'static str {
        match self {
            Mechanism::Port => "port",
            Mechanism::Pipe => "pipe",
            Mechanism::SharedMemory => "shared memory",
            Mechanism::Lpc => "lpc",
        }
    }

    /// The mechanism a service belongs to.
    fn of(service: Service) -> Mechanism {
        match service {
            Service::Memory | Service::Semaphore => Mechanism::SharedMemory,
            Service::Pipe | Service::NamedPipe => Mechanism::Pipe,
            Service::Lpc => Mechanism::Lpc,
        }
    }

    /// The mechanism a task's wait is in; `None` for a sleep.
    fn of_wait(status: &TaskStatus) -> Option<Mechanism> {
        match status {
            TaskStatus::BlockedSend { .. } | TaskStatus::BlockedReceive { .. } => {
                Some(Mechanism::Port)
            }
            TaskStatus::BlockedService {
                wait: ServiceWait::Semaphore { .. },
                ..
            } => Some(Mechanism::SharedMemory),
            TaskStatus::BlockedService {
                wait: ServiceWait::Lpc { .. },
                ..
            } => Some(Mechanism::Lpc),
            TaskStatus::BlockedService { .. } => Some(Mechanism::Pipe),
            _ => None,
        }
    }
}

/// What one mechanism cost the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MechanismStats {
    /// Which.
    pub mechanism: Mechanism,
    /// Kernel calls (steps): message sends and receives; service requests.
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

/// The services part of the summary.
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

/// Adds `item` to `list` unless it is there.
fn note<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// The most recent entry made with `label`.
fn entry<'a, T>(list: &'a mut [T], label: &str, of: impl Fn(&T) -> &str) -> Option<&'a mut T> {
    list.iter_mut().rev().find(|x| of(x) == label)
}

/// The request `task` sends to its own kernel port, if `port` is that port: a
/// kernel-port operation or a service call.
fn is_request(state: &State, task: Option<&Label>, port: &Label) -> bool {
    task.and_then(|t| state.task(t))
        .is_some_and(|t| t.kernel_port == *port)
}

/// The semaphore a `semaphore_wait` request names: its first argument is the
/// caller's name for the semaphore's port.
fn waited_semaphore(state: &State, task: &Label, body: &[TraceItem]) -> Option<String> {
    let Some(TraceItem::U32(name)) = body.first() else {
        return None;
    };
    state.task(task)?.named(*name).map(|l| l.to_string())
}

/// The bytes one copy of an LPC message moves: its 24-byte header and its data
/// rounded up to 4 bytes.
fn lpc_copy(data_length: u16) -> u64 {
    24 + u64::from(data_length).next_multiple_of(4)
}

/// The services' figures, counted event by event against the fold.
#[derive(Default)]
pub(super) struct Tally {
    out: ServiceStats,
    mechanisms: BTreeMap<Mechanism, MechanismStats>,
    used_service: bool,
    /// Each task waiting on a mechanism, and since when.
    waiting: BTreeMap<Label, (Mechanism, u64)>,
    /// The mechanism of the step the next event opens, learnt before it is applied.
    step: Option<Mechanism>,
}

impl Tally {
    /// One read or write of `bytes` bytes of memory object `object`, in place.
    fn memory_access(&mut self, task: Option<&str>, object: &str, bytes: u64, write: bool) {
        if let Some(m) = entry(&mut self.out.memory, object, |m| &m.label) {
            if write {
                m.writes += 1;
                m.bytes_written += bytes;
            } else {
                m.reads += 1;
                m.bytes_read += bytes;
            }
            if let Some(task) = task {
                note(&mut m.tasks, task.to_string());
            }
        }
        let m = self.mechanism(Mechanism::SharedMemory);
        m.accesses += 1;
        m.bytes_in_place += bytes;
    }

    fn mechanism(&mut self, mechanism: Mechanism) -> &mut MechanismStats {
        self.mechanisms
            .entry(mechanism)
            .or_insert_with(|| MechanismStats::new(mechanism))
    }

    /// Reads what the event means from the state before it.
    pub(super) fn before(&mut self, state: &State, record: &TraceRecord) {
        let task = record.task.as_ref();
        self.step = match &record.event {
            Event::MessageSent { port, id, body, .. } if is_request(state, task, port) => {
                let service = requested_service(*id);
                if service.is_some() {
                    self.used_service = true;
                }
                if *id == SEMAPHORE_WAIT
                    && let Some(task) = task
                    && let Some(label) = waited_semaphore(state, task, body)
                    && let Some(s) = entry(&mut self.out.semaphores, &label, |s| &s.label)
                {
                    s.waits += 1;
                }
                service.map(Mechanism::of)
            }
            Event::MessageSent { size, kind, .. } => {
                if task.is_some() && *kind != Some(trace::MessageOrigin::Notification) {
                    self.mechanism(Mechanism::Port).bytes_copied += u64::from(*size);
                }
                Some(Mechanism::Port)
            }
            Event::MessageReceived {
                msg,
                receiver,
                pseudo: false,
                ..
            } if *receiver != Receiver::Kernel => {
                // The message's size, copied out again, if a task sent it.
                let size = state
                    .message(*msg)
                    .filter(|m| m.sender.is_some())
                    .map_or(0, |m| u64::from(m.size));
                self.mechanism(Mechanism::Port).bytes_copied += size;
                Some(Mechanism::Port)
            }
            Event::SendFailed { .. }
            | Event::ReceiveBlocked { .. }
            | Event::ReceiveFailed { .. } => Some(Mechanism::Port),
            // An LPC message is copied into the kernel and out again, header and
            // data rounded up to 4 bytes, as NT's `LpcpMoveMessage` copies it.
            Event::LpcMessageSent { data_length, .. } => {
                self.mechanism(Mechanism::Lpc).bytes_copied += lpc_copy(*data_length);
                None
            }
            Event::LpcMessageReceived { msg, .. } => {
                let size = state
                    .lpc_message(*msg)
                    .map_or(0, |m| lpc_copy(m.data_length));
                self.mechanism(Mechanism::Lpc).bytes_copied += size;
                None
            }
            Event::KernelCall { call, code } if *call == CallName::SemaphoreWait => {
                if *code == ports::ReturnCode::OperationTimedOut
                    && let Some(task) = task
                    && let Some((_, body)) = state.task(task).and_then(|t| t.request())
                    && let Some(label) = waited_semaphore(state, task, body)
                    && let Some(s) = entry(&mut self.out.semaphores, &label, |s| &s.label)
                {
                    s.timeouts += 1;
                }
                None
            }
            _ => None,
        };
        self.count_service_event(record);
    }

    /// Counts the step the event opened, if it opened one, and the waits that
    /// began or ended with it.
    pub(super) fn after(&mut self, state: &State, record: &TraceRecord, new_steps: u64) {
        if new_steps > 0
            && let Some(mechanism) = self.step.take()
        {
            self.mechanism(mechanism).steps += new_steps;
        }
        let named = match &record.event {
            Event::TaskWoken { name, .. }
            | Event::TaskExited { name, .. }
            | Event::TaskCrashed { name, .. }
            | Event::TaskKilled { name } => Some(name),
            _ => None,
        };
        for task in record.task.iter().chain(named) {
            let Some(status) = state.task(task).map(|t| &t.status) else {
                continue;
            };
            match (Mechanism::of_wait(status), status.waiting_since()) {
                (Some(mechanism), Some(since)) if !self.waiting.contains_key(task) => {
                    self.waiting.insert(task.clone(), (mechanism, since));
                    let m = self.mechanism(mechanism);
                    m.blocks += 1;
                    note(&mut m.blocked_tasks, task.to_string());
                }
                (None, _) => {
                    if let Some((mechanism, since)) = self.waiting.remove(task) {
                        self.mechanism(mechanism).blocked_ns += record.t_ns.saturating_sub(since);
                    }
                }
                _ => {}
            }
        }
    }

    /// The services' own events: memory objects, semaphores, pipes.
    fn count_service_event(&mut self, record: &TraceRecord) {
        let task = record.task.as_deref();
        match &record.event {
            Event::MemoryCreated { object, size, .. } => {
                self.out.memory.push(MemoryStats {
                    label: object.to_string(),
                    size: *size,
                    ..MemoryStats::default()
                });
            }
            Event::MemoryMapped { object, .. } => {
                if let Some(m) = entry(&mut self.out.memory, object, |m| &m.label) {
                    m.mappings += 1;
                }
            }
            Event::MemoryRead { object, width, .. }
            | Event::MemoryWritten { object, width, .. } => {
                let write = matches!(record.event, Event::MemoryWritten { .. });
                self.memory_access(task, object, u64::from(*width), write);
            }
            Event::MemoryBytesRead { object, data, .. }
            | Event::MemoryBytesWritten { object, data, .. } => {
                let write = matches!(record.event, Event::MemoryBytesWritten { .. });
                self.memory_access(task, object, data.0.len() as u64, write);
            }
            Event::SemaphoreCreated { semaphore, value } => {
                self.out.semaphores.push(SemaphoreStats {
                    label: semaphore.to_string(),
                    initial: *value,
                    last: *value,
                    ..SemaphoreStats::default()
                });
            }
            Event::SemaphoreAcquired { semaphore, value } => {
                if let Some(s) = entry(&mut self.out.semaphores, semaphore, |s| &s.label) {
                    s.last = *value;
                }
            }
            Event::SemaphoreSignalled { semaphore, value } => {
                if let Some(s) = entry(&mut self.out.semaphores, semaphore, |s| &s.label) {
                    s.signals += 1;
                    s.last = *value;
                }
            }
            Event::SemaphoreBlocked { semaphore } => {
                if let Some(s) = entry(&mut self.out.semaphores, semaphore, |s| &s.label) {
                    s.blocks += 1;
                    if let Some(task) = task {
                        note(&mut s.blocked, task.to_string());
                    }
                }
            }
            Event::PipeCreated { pipe, capacity, .. } => {
                self.out.pipes.push(PipeStats {
                    label: pipe.to_string(),
                    capacity: *capacity,
                    ..PipeStats::default()
                });
            }
            Event::PipeWritten { pipe, bytes, depth } | Event::PipeRead { pipe, bytes, depth } => {
                let write = matches!(record.event, Event::PipeWritten { .. });
                let n = bytes.0.len() as u64;
                if let Some(p) = entry(&mut self.out.pipes, pipe, |p| &p.label) {
                    if write {
                        p.written += n;
                    } else {
                        p.read += n;
                    }
                    p.max_depth = p.max_depth.max(*depth);
                }
                self.mechanism(Mechanism::Pipe).bytes_copied += n;
            }
            Event::PipeBlocked { pipe, op } => {
                if let (Some(p), Some(task)) =
                    (entry(&mut self.out.pipes, pipe, |p| &p.label), task)
                {
                    note(&mut p.blocked, (task.to_string(), *op));
                }
            }
            _ => {}
        }
    }

    /// The figures, with the waits still going on when the run stopped at
    /// `end_ns`; `None` if the run used no service.
    pub(super) fn finish(mut self, end_ns: u64) -> Option<ServiceStats> {
        for (_, (mechanism, since)) in std::mem::take(&mut self.waiting) {
            self.mechanism(mechanism).blocked_ns += end_ns.saturating_sub(since);
        }
        if !self.used_service {
            return None;
        }
        let mut out = self.out;
        out.mechanisms = self.mechanisms.into_values().collect();
        Some(out)
    }
}
