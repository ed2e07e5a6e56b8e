//! The fold of the kernel services' events: memory objects, semaphores, pipes and
//! named pipes, the handles tasks hold on them, and the tasks waiting in them.
//!
//! A service call is traced as a request to the task's kernel port (received by
//! the kernel: [`State::begin_call`] keeps its id and arguments), the service's own
//! events, then its `kernel_call`; a call that waits has its `task_woken` before the
//! `kernel_call`. The request tells what the events leave out: whether a memory
//! object was made from an out-of-line region (id 5006, whose bytes the trace does
//! not carry), a semaphore wait's bound, a read's size, a write's size.

use super::{
    Call, Contents, Handle, Label, Mapping, MemoryObject, NamedPipe, Opener, Pipe, PipeEnd,
    Semaphore, ServiceWait, State, TaskStatus, TraceItem,
};
use std::collections::VecDeque;
use std::sync::Arc;
use trace::{Event, EventKind, NamedPipeWait, PipeSide};

/// `memory_from_ool`'s message id.
const MEMORY_FROM_OOL: i32 = 5006;

impl State {
    /// A request to a kernel port was received by the kernel: the sender is inside
    /// that call until its `kernel_call`.
    pub(super) fn begin_call(&mut self, msg: u64) {
        let Some(m) = self.messages.get(&msg) else {
            return;
        };
        let Some(sender) = m.sender.clone() else {
            return;
        };
        let call = Call {
            id: m.id,
            body: m.body.clone(),
            written: 0,
        };
        let is_kernel_port = self.is_kernel_port_of(&sender, &m.port);
        if is_kernel_port && let Some(&i) = self.task_index.get(&sender) {
            Arc::make_mut(&mut self.tasks[i]).call = Some(call);
        }
    }

    fn call_of(&self, task: &str) -> Option<&Call> {
        self.task(task).and_then(|t| t.call.as_ref())
    }

    /// A task stops waiting in a service (woken, or ended): it leaves the queue it
    /// waited in, if the kernel has not taken it out already.
    pub(super) fn leave_service_wait(&mut self, name: &str) {
        let Some(TaskStatus::BlockedService { wait, .. }) = self.task(name).map(|t| &t.status)
        else {
            return;
        };
        match wait.clone() {
            ServiceWait::Semaphore { semaphore, .. } => {
                if let Some(s) = self.semaphore_entry(&semaphore)
                    && s.waiters.iter().any(|w| &**w == name)
                {
                    Arc::make_mut(s).waiters.retain(|w| &**w != name);
                }
            }
            ServiceWait::PipeRead { pipe, .. } => {
                if let Some(p) = self.pipe_entry(&pipe)
                    && p.waiting_readers.iter().any(|w| &**w == name)
                {
                    Arc::make_mut(p).waiting_readers.retain(|w| &**w != name);
                }
            }
            ServiceWait::PipeWrite { pipe, .. } => {
                if let Some(p) = self.pipe_entry(&pipe)
                    && p.waiting_writers.iter().any(|w| &**w == name)
                {
                    Arc::make_mut(p).waiting_writers.retain(|w| &**w != name);
                }
            }
            ServiceWait::Open { path, .. } | ServiceWait::Accept { path } => {
                if let Some(n) = self.named_entry(&path)
                    && (n.openers.iter().any(|o| &*o.task == name)
                        || n.acceptors.iter().any(|a| &**a == name))
                {
                    let n = Arc::make_mut(n);
                    n.openers.retain(|o| &*o.task != name);
                    n.acceptors.retain(|a| &**a != name);
                }
            }
        }
    }

    /// A task starts waiting in a service.
    fn wait_in_service(&mut self, seq: u64, now: u64, task: &str, wait: ServiceWait, what: &str) {
        self.expect_ready(seq, task, what);
        if let Some(t) = self.task_mut(seq, task) {
            t.status = TaskStatus::BlockedService {
                wait,
                since_ns: now,
            };
        }
    }

    // ----- lookups that record an inconsistency for a missing object ---------------

    fn memory_entry(&mut self, label: &str) -> Option<&mut Arc<MemoryObject>> {
        let k = self.memory_index.get(label)?;
        self.memory.get_mut(k)
    }

    fn semaphore_entry(&mut self, label: &str) -> Option<&mut Arc<Semaphore>> {
        let k = self.semaphore_index.get(label)?;
        self.semaphores.get_mut(k)
    }

    fn pipe_entry(&mut self, label: &str) -> Option<&mut Arc<Pipe>> {
        let k = self.pipe_index.get(label)?;
        self.pipes.get_mut(k)
    }

    fn named_entry(&mut self, path: &str) -> Option<&mut Arc<NamedPipe>> {
        let k = self.named_index.get(path)?;
        self.named_pipes.get_mut(k)
    }

    fn memory_mut(&mut self, seq: u64, label: &str) -> Option<&mut MemoryObject> {
        if !self.memory_index.contains_key(label) {
            self.inconsistent(seq, format!("memory object {label} is not alive"));
            return None;
        }
        self.memory_entry(label).map(Arc::make_mut)
    }

    fn semaphore_mut(&mut self, seq: u64, label: &str) -> Option<&mut Semaphore> {
        if !self.semaphore_index.contains_key(label) {
            self.inconsistent(seq, format!("semaphore {label} is not alive"));
            return None;
        }
        self.semaphore_entry(label).map(Arc::make_mut)
    }

    fn pipe_mut(&mut self, seq: u64, label: &str) -> Option<&mut Pipe> {
        if !self.pipe_index.contains_key(label) {
            self.inconsistent(seq, format!("pipe {label} is not alive"));
            return None;
        }
        self.pipe_entry(label).map(Arc::make_mut)
    }

    fn named_mut(&mut self, seq: u64, path: &str) -> Option<&mut NamedPipe> {
        if !self.named_index.contains_key(path) {
            self.inconsistent(seq, format!("no named pipe has the path {path}"));
            return None;
        }
        self.named_entry(path).map(Arc::make_mut)
    }

    /// An object with a port (memory object, semaphore) must have its port alive,
    /// received by the kernel.
    fn expect_object_port(&mut self, seq: u64, what: &str, label: &str) {
        let ok = self
            .port(label)
            .is_some_and(|p| p.receiver == super::Receiver::Kernel);
        if !ok {
            self.inconsistent(
                seq,
                format!("{what} {label} is made without a live port of the kernel's"),
            );
        }
    }

    // ----- memory objects ------------------------------------------------------------

    pub(super) fn apply_memory(&mut self, seq: u64, actor: Option<&Label>, event: &Event) {
        match event {
            Event::MemoryCreated { object, size, .. } => {
                if self.memory_index.contains_key(object) {
                    self.inconsistent(seq, format!("memory object {object} is made a second time"));
                    if let Some(k) = self.memory_index.remove(object) {
                        self.memory.remove(&k);
                    }
                }
                self.expect_object_port(seq, "memory object", object);
                // A zeroed object, unless the call is `memory_from_ool`: the trace
                // does not carry the region's bytes.
                let from_ool = actor
                    .and_then(|a| self.call_of(a))
                    .is_some_and(|c| c.id == MEMORY_FROM_OOL);
                let contents = if from_ool {
                    Contents::unknown(*size)
                } else {
                    Contents::zeroed(*size)
                };
                self.memory_index.insert(object.clone(), seq);
                self.memory.insert(
                    seq,
                    Arc::new(MemoryObject {
                        label: object.clone(),
                        created_at: seq,
                        size: *size,
                        mappings: Vec::new(),
                        contents,
                    }),
                );
            }
            Event::MemoryMapped {
                object, mapping, ..
            } => {
                let Some(task) = self.actor(seq, actor, EventKind::MemoryMapped) else {
                    return;
                };
                if let Some(m) = self.memory_mut(seq, object) {
                    m.mappings.push(Mapping {
                        holder: task.clone(),
                        handle: *mapping,
                    });
                }
                self.open_handle(
                    seq,
                    &task,
                    *mapping,
                    Handle::Mapping {
                        object: object.clone(),
                    },
                );
            }
            Event::MemoryRead {
                object,
                offset,
                width,
                value,
            }
            | Event::MemoryWritten {
                object,
                offset,
                width,
                value,
            } => {
                let write = matches!(event, Event::MemoryWritten { .. });
                let Some(m) = self.memory_mut(seq, object) else {
                    return;
                };
                let end = u64::from(*offset) + u64::from(*width);
                if *width > 8 || end > u64::from(m.size) {
                    let size = m.size;
                    let verb = if write { "writes" } else { "reads" };
                    self.inconsistent(
                        seq,
                        format!(
                            "{verb} {width} bytes at offset {offset} of memory object {object}, which has {size}"
                        ),
                    );
                    return;
                }
                let bytes = value.to_le_bytes();
                let bytes = &bytes[..*width as usize];
                if write {
                    m.contents.write(*offset, bytes);
                } else if let Some((at, known)) = m.contents.learn(*offset, bytes) {
                    self.inconsistent(
                        seq,
                        format!(
                            "reads {value} at offset {offset} of memory object {object}, but its byte {at} is {known:#04x}"
                        ),
                    );
                }
            }
            Event::MemoryUnmapped {
                object, mapping, ..
            } => {
                let holder = match actor {
                    Some(task) => Some(task.clone()),
                    // The event names no task (the kernel recording it for a task
                    // it killed, say): the only task mapping the object with that
                    // handle, or the one of them that has ended.
                    None => self.memory_object(object).and_then(|m| {
                        let holders: Vec<&Label> = m
                            .mappings
                            .iter()
                            .filter(|x| x.handle == *mapping)
                            .map(|x| &x.holder)
                            .collect();
                        match holders[..] {
                            [only] => Some(only.clone()),
                            _ => {
                                let mut ended = holders
                                    .into_iter()
                                    .filter(|h| self.task(h).is_some_and(|t| t.status.is_ended()));
                                let first = ended.next()?.clone();
                                ended.next().is_none().then_some(first)
                            }
                        }
                    }),
                };
                let Some(holder) = holder else {
                    self.inconsistent(
                        seq,
                        format!("mapping {mapping} of {object} is unmapped without a task"),
                    );
                    return;
                };
                if let Some(m) = self.memory_mut(seq, object) {
                    let before = m.mappings.len();
                    m.mappings
                        .retain(|x| !(x.holder == holder && x.handle == *mapping));
                    if m.mappings.len() == before {
                        self.inconsistent(
                            seq,
                            format!("{holder} unmaps mapping {mapping} of {object}, which it does not have"),
                        );
                    }
                }
                self.close_handle(seq, &holder, *mapping, None);
            }
            Event::MemoryFreed { object } => {
                let Some(k) = self.memory_index.remove(object) else {
                    self.inconsistent(
                        seq,
                        format!("memory object {object} is freed but it is not alive"),
                    );
                    return;
                };
                if let Some(m) = self.memory.remove(&k)
                    && !m.mappings.is_empty()
                {
                    self.inconsistent(
                        seq,
                        format!(
                            "memory object {object} is freed while mapped {} times",
                            m.mappings.len()
                        ),
                    );
                }
            }
            _ => {}
        }
    }

    // ----- semaphores ----------------------------------------------------------------

    pub(super) fn apply_semaphore(
        &mut self,
        seq: u64,
        now: u64,
        actor: Option<&Label>,
        event: &Event,
    ) {
        match event {
            Event::SemaphoreCreated { semaphore, value } => {
                if self.semaphore_index.contains_key(semaphore) {
                    self.inconsistent(seq, format!("semaphore {semaphore} is made a second time"));
                    if let Some(k) = self.semaphore_index.remove(semaphore) {
                        self.semaphores.remove(&k);
                    }
                }
                self.expect_object_port(seq, "semaphore", semaphore);
                self.semaphore_index.insert(semaphore.clone(), seq);
                self.semaphores.insert(
                    seq,
                    Arc::new(Semaphore {
                        label: semaphore.clone(),
                        created_at: seq,
                        value: *value,
                        waiters: Vec::new(),
                    }),
                );
            }
            Event::SemaphoreAcquired { semaphore, value } => {
                let task = self.actor(seq, actor, EventKind::SemaphoreAcquired);
                if let Some(s) = self.semaphore_mut(seq, semaphore) {
                    s.value = *value;
                    // A waiter handed the unit by a signal is no longer waiting.
                    if let Some(task) = &task {
                        s.waiters.retain(|w| w != task);
                    }
                }
            }
            Event::SemaphoreBlocked { semaphore } => {
                let Some(task) = self.actor(seq, actor, EventKind::SemaphoreBlocked) else {
                    return;
                };
                let timeout_ms = self.call_of(&task).and_then(|c| match c.body.get(1) {
                    Some(TraceItem::U64(ms)) if *ms != u64::MAX => Some(*ms),
                    _ => None,
                });
                if let Some(s) = self.semaphore_mut(seq, semaphore) {
                    s.waiters.push(task.clone());
                }
                let wait = ServiceWait::Semaphore {
                    semaphore: semaphore.clone(),
                    timeout_ms,
                };
                self.wait_in_service(seq, now, &task, wait, "waits on a semaphore");
            }
            Event::SemaphoreSignalled { semaphore, value } => {
                if let Some(s) = self.semaphore_mut(seq, semaphore) {
                    s.value = *value;
                }
            }
            Event::SemaphoreDestroyed { semaphore } => {
                // Its waiters are woken (`terminated`) by the events that follow.
                match self.semaphore_index.remove(semaphore) {
                    Some(k) => {
                        self.semaphores.remove(&k);
                    }
                    None => self.inconsistent(
                        seq,
                        format!("semaphore {semaphore} is destroyed but it is not alive"),
                    ),
                }
            }
            _ => {}
        }
    }

    // ----- handles -------------------------------------------------------------------

    /// `task` gets `handle` (a mapping, or one side of a pipe end).
    fn open_handle(&mut self, seq: u64, task: &str, handle: u32, what: Handle) {
        let Some(t) = self.task_mut(seq, task) else {
            return;
        };
        let problem = match (t.handles.get_mut(&handle), what) {
            (None, what) => {
                t.handles.insert(handle, what);
                None
            }
            (
                Some(Handle::Pipe { read, write }),
                Handle::Pipe {
                    read: new_read,
                    write: new_write,
                },
            ) => {
                // The second side of a two-way end (each side has its event).
                let clash = (read.is_some() && new_read.is_some())
                    || (write.is_some() && new_write.is_some());
                if new_read.is_some() {
                    *read = new_read;
                }
                if new_write.is_some() {
                    *write = new_write;
                }
                clash.then(|| format!("{task} gets handle {handle} a second time"))
            }
            (Some(old), what) => {
                let problem = format!(
                    "{task} gets handle {handle} for {} while it is {}",
                    what.describe(),
                    old.describe()
                );
                *old = what;
                Some(problem)
            }
        };
        if let Some(problem) = problem {
            self.inconsistent(seq, problem);
        }
    }

    /// `task`'s `handle` is closed: a mapping (`side` `None`) or one side of a pipe
    /// end (`Some(true)` the read side, `Some(false)` the write side).
    fn close_handle(&mut self, seq: u64, task: &str, handle: u32, side: Option<(bool, &Label)>) {
        let Some(t) = self.task_mut(seq, task) else {
            return;
        };
        let ok = match (t.handles.get_mut(&handle), side) {
            (Some(Handle::Mapping { .. }), None) => {
                t.handles.remove(&handle);
                true
            }
            (Some(Handle::Pipe { read, write }), Some((reading, pipe))) => {
                let slot = if reading { read } else { write };
                let ok = slot.as_ref() == Some(pipe);
                if ok {
                    *slot = None;
                }
                if matches!(
                    t.handles.get(&handle),
                    Some(Handle::Pipe {
                        read: None,
                        write: None
                    })
                ) {
                    t.handles.remove(&handle);
                }
                ok
            }
            _ => false,
        };
        if !ok {
            let what = match side {
                None => "a mapping".to_string(),
                Some((true, pipe)) => format!("the read end of {pipe}"),
                Some((false, pipe)) => format!("the write end of {pipe}"),
            };
            self.inconsistent(
                seq,
                format!("{task} closes handle {handle} as {what}, which it does not hold"),
            );
        }
    }

    // ----- pipes ---------------------------------------------------------------------

    pub(super) fn apply_pipe(&mut self, seq: u64, now: u64, actor: Option<&Label>, event: &Event) {
        match event {
            Event::PipeCreated { pipe, capacity, .. } => {
                if self.pipe_index.contains_key(pipe) {
                    self.inconsistent(seq, format!("pipe {pipe} is made a second time"));
                    if let Some(k) = self.pipe_index.remove(pipe) {
                        self.pipes.remove(&k);
                    }
                }
                let named = self.named_pipe_of_stream(pipe);
                if let Some(path) = &named
                    && let Some(n) = self.named_entry(path)
                {
                    Arc::make_mut(n).streams.push(pipe.clone());
                }
                self.pipe_index.insert(pipe.clone(), seq);
                self.pipes.insert(
                    seq,
                    Arc::new(Pipe {
                        label: pipe.clone(),
                        created_at: seq,
                        capacity: *capacity,
                        named,
                        buffered: VecDeque::new(),
                        ends: Vec::new(),
                        waiting_readers: Vec::new(),
                        waiting_writers: Vec::new(),
                    }),
                );
            }
            Event::PipeEndOpened {
                pipe,
                holder,
                handle,
                end,
            } => {
                let reading = *end == PipeSide::Read;
                if let Some(p) = self.pipe_mut(seq, pipe) {
                    p.ends.push(PipeEnd {
                        holder: holder.clone(),
                        handle: *handle,
                        end: *end,
                    });
                }
                let what = Handle::Pipe {
                    read: reading.then(|| pipe.clone()),
                    write: (!reading).then(|| pipe.clone()),
                };
                self.open_handle(seq, holder, *handle, what);
            }
            Event::PipeEndClosed {
                pipe,
                holder,
                handle,
                end,
            } => {
                let reading = *end == PipeSide::Read;
                if let Some(p) = self.pipe_mut(seq, pipe) {
                    let at = p
                        .ends
                        .iter()
                        .position(|e| e.holder == *holder && e.handle == *handle && e.end == *end);
                    match at {
                        Some(at) => {
                            p.ends.remove(at);
                        }
                        None => self.inconsistent(
                            seq,
                            format!("{holder} closes the {end} end of {pipe} (handle {handle}), which is not open"),
                        ),
                    }
                }
                self.close_handle(seq, holder, *handle, Some((reading, pipe)));
            }
            Event::PipeWritten { pipe, bytes, depth } => {
                let n = bytes.0.len() as u32;
                if let Some(task) = actor
                    && let Some(&i) = self.task_index.get(task)
                {
                    let t = Arc::make_mut(&mut self.tasks[i]);
                    if let Some(call) = &mut t.call {
                        call.written += n;
                    }
                    if let TaskStatus::BlockedService {
                        wait: ServiceWait::PipeWrite { written, .. },
                        ..
                    } = &mut t.status
                    {
                        *written += n;
                    }
                }
                let Some(p) = self.pipe_mut(seq, pipe) else {
                    return;
                };
                p.buffered.extend(bytes.0.iter());
                let (len, capacity) = (p.buffered.len(), p.capacity);
                if len != *depth as usize {
                    self.inconsistent(
                        seq,
                        format!("{n} bytes go into {pipe} at depth {depth}, but it holds {len}"),
                    );
                }
                if len > capacity as usize {
                    self.inconsistent(
                        seq,
                        format!("{pipe} holds {len} bytes, beyond its capacity of {capacity}"),
                    );
                }
            }
            Event::PipeRead { pipe, bytes, depth } => {
                let reader = actor.cloned();
                let Some(p) = self.pipe_mut(seq, pipe) else {
                    return;
                };
                if let Some(reader) = &reader {
                    p.waiting_readers.retain(|w| w != reader);
                }
                let n = bytes.0.len().min(p.buffered.len());
                let taken: Vec<u8> = p.buffered.drain(..n).collect();
                let len = p.buffered.len();
                if taken[..] != bytes.0[..] {
                    self.inconsistent(
                        seq,
                        format!(
                            "{} bytes come out of {pipe}, not the {} bytes at its head",
                            bytes.0.len(),
                            taken.len()
                        ),
                    );
                } else if len != *depth as usize {
                    self.inconsistent(
                        seq,
                        format!("bytes come out of {pipe} leaving {depth}, but it holds {len}"),
                    );
                }
            }
            Event::PipeBlocked { pipe, op } => {
                let Some(task) = self.actor(seq, actor, EventKind::PipeBlocked) else {
                    return;
                };
                let reading = *op == PipeSide::Read;
                let call = self.call_of(&task).cloned();
                if let Some(p) = self.pipe_mut(seq, pipe) {
                    if reading {
                        p.waiting_readers.push(task.clone());
                    } else {
                        p.waiting_writers.push(task.clone());
                    }
                }
                let wait = if reading {
                    ServiceWait::PipeRead {
                        pipe: pipe.clone(),
                        max: call.as_ref().and_then(|c| c.u32_at(1)),
                    }
                } else {
                    ServiceWait::PipeWrite {
                        pipe: pipe.clone(),
                        written: call.as_ref().map_or(0, |c| c.written),
                        total: call.as_ref().and_then(|c| match c.body.get(1) {
                            Some(TraceItem::Bytes(b)) => u32::try_from(b.0.len()).ok(),
                            _ => None,
                        }),
                    }
                };
                self.wait_in_service(seq, now, &task, wait, "waits on a pipe");
            }
            Event::PipeDestroyed { pipe } => {
                let Some(k) = self.pipe_index.remove(pipe) else {
                    self.inconsistent(seq, format!("pipe {pipe} is gone but it is not alive"));
                    return;
                };
                let Some(p) = self.pipes.remove(&k) else {
                    return;
                };
                if !p.ends.is_empty() {
                    self.inconsistent(
                        seq,
                        format!("pipe {pipe} is gone with {} ends open", p.ends.len()),
                    );
                }
                if let Some(path) = &p.named {
                    self.drop_stream(path, pipe);
                }
            }
            _ => {}
        }
    }

    /// The named pipe a pipe labelled `label` is a stream of: the kernel labels a
    /// named pipe's streams `<path>#<number>`.
    fn named_pipe_of_stream(&self, label: &str) -> Option<Label> {
        let (path, number) = label.rsplit_once('#')?;
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        self.named_index.get_key_value(path).map(|(p, _)| p.clone())
    }

    /// A stream of the named pipe `path` is gone; an unlinked named pipe goes with
    /// its last stream.
    fn drop_stream(&mut self, path: &str, pipe: &str) {
        let found = self
            .named_pipes
            .iter_mut()
            .find(|(_, n)| &*n.path == path && n.streams.iter().any(|s| &**s == pipe));
        let Some((&k, n)) = found else {
            return;
        };
        let n = Arc::make_mut(n);
        n.streams.retain(|s| &**s != pipe);
        if n.unlinked && n.streams.is_empty() {
            self.named_pipes.remove(&k);
        }
    }

    // ----- named pipes ---------------------------------------------------------------

    pub(super) fn apply_named_pipe(
        &mut self,
        seq: u64,
        now: u64,
        actor: Option<&Label>,
        event: &Event,
    ) {
        match event {
            Event::NamedPipeCreated { path, mode, .. } => {
                if let Some(k) = self.named_index.remove(path) {
                    self.inconsistent(seq, format!("named pipe {path} is made while it exists"));
                    self.named_pipes.remove(&k);
                }
                self.named_index.insert(path.clone(), seq);
                self.named_pipes.insert(
                    seq,
                    Arc::new(NamedPipe {
                        path: path.clone(),
                        created_at: seq,
                        mode: *mode,
                        unlinked: false,
                        openers: Vec::new(),
                        acceptors: Vec::new(),
                        streams: Vec::new(),
                    }),
                );
            }
            Event::NamedPipeWaiting { path, access } => {
                let Some(task) = self.actor(seq, actor, EventKind::NamedPipeWaiting) else {
                    return;
                };
                if let Some(n) = self.named_mut(seq, path) {
                    match *access {
                        NamedPipeWait::Open(access) => n.openers.push(Opener {
                            task: task.clone(),
                            access,
                        }),
                        NamedPipeWait::Accept => n.acceptors.push(task.clone()),
                    }
                }
                let wait = match *access {
                    NamedPipeWait::Open(access) => ServiceWait::Open {
                        path: path.clone(),
                        access,
                    },
                    NamedPipeWait::Accept => ServiceWait::Accept { path: path.clone() },
                };
                self.wait_in_service(seq, now, &task, wait, "waits on a named pipe");
            }
            Event::NamedPipeOpened { path, .. } => {
                let Some(task) = self.actor(seq, actor, EventKind::NamedPipeOpened) else {
                    return;
                };
                if let Some(n) = self.named_mut(seq, path) {
                    n.openers.retain(|o| o.task != task);
                }
            }
            Event::NamedPipeConnected {
                path,
                client,
                server,
            } => {
                for task in [client, server] {
                    if !self.task_index.contains_key(task) {
                        self.inconsistent(
                            seq,
                            format!("task {task} connects over {path}, but it does not exist"),
                        );
                    }
                }
                if let Some(n) = self.named_mut(seq, path) {
                    n.openers.retain(|o| o.task != *client);
                    n.acceptors.retain(|a| a != server);
                }
            }
            Event::NamedPipeUnlinked { path } => {
                let Some(k) = self.named_index.remove(path) else {
                    self.inconsistent(
                        seq,
                        format!("named pipe {path} is unlinked but no named pipe has that path"),
                    );
                    return;
                };
                // Its waiters are woken (`unlinked`) by the events that follow: they
                // wait for nothing any more.
                let gone = match self.named_pipes.get_mut(&k) {
                    Some(n) => {
                        let n = Arc::make_mut(n);
                        n.unlinked = true;
                        n.openers.clear();
                        n.acceptors.clear();
                        n.streams.is_empty()
                    }
                    None => false,
                };
                if gone {
                    self.named_pipes.remove(&k);
                }
            }
            _ => {}
        }
    }
}
