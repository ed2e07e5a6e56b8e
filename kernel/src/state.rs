//! The kernel's state: every table, the clock, the ready queue and the recorder.
//!
//! Operations on it are synchronous functions, each one atomic with respect to the
//! tasks: everything an operation causes (messages destroyed, rights released,
//! notifications queued, tasks woken) is done before it returns. They live in the
//! files named after their concept (`ipc/send.rs`, `notify.rs`, `task/death.rs`, …) as
//! `impl KernelState` blocks; this file holds the tables and small helpers.

use crate::TaskFactory;
use crate::clock::{Ticks, TimerKey, TimerKind, Timers};
use crate::config::Config;
use crate::port::{Port, PortTable, Receiver, Table};
use crate::pset::PortSet;
use crate::sched::{RunQueue, Scheduler};
use crate::task::{Reply, TaskEntry, TaskState, Wait};
use crate::trace::{self, Event, Label, PortDestroyReason, Recorder, WakeReason};
use ports::{
    EntryObject, MessageSerial, PortId, PortName, PortSetId, PortType, QueueLimit, TaskId,
};
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

/// Why a run stopped before every task ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Halt {
    TimeLimit,
    StepLimit,
    /// Kernel code panicked or answered a call wrongly (see `violation.rs`).
    KernelBug,
    /// The trace streamed to the embedder's writer could not be written.
    TraceWriteFailed,
}

/// Counters for message conservation: every message made is received (or handed
/// back), destroyed, still queued, or held by a blocked sender.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MessageCounts {
    /// Messages that entered the kernel.
    pub sent: u64,
    /// Messages received by a task or by the kernel.
    pub received: u64,
    /// Messages handed back to their sender after a failed send (pseudo-receive).
    pub returned: u64,
    /// Messages destroyed unread, each with a trace event saying why.
    pub destroyed: u64,
}

/// An outside fault, applied at a virtual time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The task dies as if it crashed, reported as killed.
    Kill(TaskId),
    /// The port with this label is destroyed, wherever its receive right is. The
    /// label is looked up when the fault is due, so it may name a port that a task
    /// allocates after the run starts; if no live port has it then, nothing happens
    /// (the trace says so).
    DestroyPort(String),
}

pub(crate) struct KernelState {
    pub(crate) config: Config,
    pub(crate) now: Ticks,
    pub(crate) tasks: Table<TaskEntry>,
    pub(crate) ports: PortTable,
    pub(crate) sets: Table<PortSet>,
    pub(crate) timers: Timers,
    /// Runnable tasks, and the scheduler that picks among them.
    pub(crate) ready: RunQueue,
    pub(crate) trace: Recorder,
    pub(crate) counts: MessageCounts,
    pub(crate) steps: u64,
    pub(crate) halted: Option<Halt>,
    /// The task being polled, and the one the scheduler chose after its last call.
    pub(crate) current: Option<TaskId>,
    pub(crate) switch_to: Option<TaskId>,
    /// May a task go on with its next call within one poll (when the scheduler would
    /// pick it anyway)? On in `run`, off in `step`, where each poll is one call.
    pub(crate) inline: bool,
    next_serial: u64,
    next_arrival: u64,
    /// Task names to ids, for direct naming and the embedding API.
    pub(crate) task_names: BTreeMap<Label, TaskId>,
    /// Port and set labels to ids (the latest object under a reused label).
    pub(crate) port_labels: FxHashMap<Label, PortId>,
    /// Labels of ports that died, so a dead name is still found by its label.
    pub(crate) dead_labels: FxHashMap<PortId, Label>,
    label_uses: FxHashMap<Label, u32>,
    /// The one empty label all anonymous ports share.
    anonymous: Label,
    pub(crate) faults: Vec<Fault>,
    /// Tasks whose program must be instantiated by the runtime (it holds the `Arc`).
    pub(crate) to_start: Vec<(TaskId, TaskFactory)>,
    /// Factories of declared tasks waiting for a parent's `spawn`.
    pub(crate) declared: BTreeMap<Label, (TaskId, TaskFactory)>,
    /// Ended tasks whose futures the runtime must drop.
    pub(crate) to_drop: Vec<TaskId>,
    /// Kernel bugs caught while running (the audit adds its own at the end).
    pub(crate) violations: Vec<crate::violation::Violation>,
    /// Tasks started and not yet ended, kept as a count so that deciding whether
    /// the run is over costs nothing per step.
    pub(crate) live_tasks: usize,
    /// Start-time timers not yet fired.
    pub(crate) pending_starts: usize,
    /// Ports waiting to be destroyed by the running destruction (see `destroy_port`).
    pub(crate) doomed_ports: VecDeque<(PortId, PortDestroyReason, Option<TaskId>)>,
    pub(crate) destroying: bool,
    /// Shared memory, semaphores, pipes and named pipes.
    pub(crate) services: crate::services::Services,
}

impl KernelState {
    pub(crate) fn new(config: Config, scheduler: Box<dyn Scheduler>) -> KernelState {
        let ready = RunQueue::new(scheduler);
        let trace = Recorder::new(config.trace, config.stream_binary_trace);
        KernelState {
            config,
            now: 0,
            tasks: Table::default(),
            ports: PortTable::default(),
            sets: Table::default(),
            timers: Timers::default(),
            ready,
            trace,
            counts: MessageCounts::default(),
            steps: 0,
            halted: None,
            current: None,
            switch_to: None,
            inline: false,
            next_serial: 1,
            next_arrival: 0,
            task_names: BTreeMap::new(),
            port_labels: FxHashMap::default(),
            dead_labels: FxHashMap::default(),
            label_uses: FxHashMap::default(),
            anonymous: Arc::from(""),
            faults: Vec::new(),
            to_start: Vec::new(),
            declared: BTreeMap::new(),
            to_drop: Vec::new(),
            violations: Vec::new(),
            live_tasks: 0,
            pending_starts: 0,
            doomed_ports: VecDeque::new(),
            destroying: false,
            services: crate::services::Services::default(),
        }
    }

    // ----- lookups ---------------------------------------------------------------

    pub(crate) fn task(&self, id: TaskId) -> &TaskEntry {
        self.tasks
            .get(id.index, id.generation)
            .expect("a task id held by the kernel names a live task record")
    }

    pub(crate) fn task_mut(&mut self, id: TaskId) -> &mut TaskEntry {
        self.tasks
            .get_mut(id.index, id.generation)
            .expect("a task id held by the kernel names a live task record")
    }

    pub(crate) fn port(&self, id: PortId) -> Option<&Port> {
        self.ports.port(id)
    }

    pub(crate) fn port_mut(&mut self, id: PortId) -> Option<&mut Port> {
        self.ports.port_mut(id)
    }

    pub(crate) fn set(&self, id: PortSetId) -> Option<&PortSet> {
        self.sets.get(id.index, id.generation)
    }

    pub(crate) fn set_mut(&mut self, id: PortSetId) -> Option<&mut PortSet> {
        self.sets.get_mut(id.index, id.generation)
    }

    pub(crate) fn task_label(&self, id: TaskId) -> Label {
        self.task(id).name.clone()
    }

    /// A port's label; an anonymous port is shown by its id as `#p5` (`#p5#1` for a
    /// reused slot), which no chosen label can be (see `unique_label`).
    pub(crate) fn port_label(&self, id: PortId) -> Label {
        match self.port(id) {
            Some(port) if !port.label.is_empty() => port.label.clone(),
            _ => match self.dead_labels.get(&id) {
                Some(label) => label.clone(),
                None => Arc::from(format!("#{id}")),
            },
        }
    }

    pub(crate) fn set_label(&self, id: PortSetId) -> Label {
        match self.set(id) {
            Some(set) => set.label.clone(),
            None => Arc::from(format!("#{id}")),
        }
    }

    pub(crate) fn object_label(&self, object: EntryObject) -> Label {
        match object {
            EntryObject::Port(port) => self.port_label(port),
            EntryObject::PortSet(set) => self.set_label(set),
        }
    }

    /// Finds the name of a right `task` holds for the port or set labelled `label`
    /// (the most recent one when a label was reused).
    pub(crate) fn lookup_label(&self, task: TaskId, label: &str) -> Option<PortName> {
        let space = &self.task(task).space;
        let mut found: Option<(u32, PortName)> = None;
        for (name, entry) in space.iter() {
            let (object_label, index) = match entry.object {
                ports::EntryObject::Port(p) => (self.port(p).map(|_| self.port_label(p)), p.index),
                ports::EntryObject::PortSet(s) => (self.set(s).map(|s| s.label.clone()), s.index),
            };
            let matches = object_label
                .as_deref()
                .is_some_and(|l| l == label || l.split('#').next() == Some(label));
            if matches && found.is_none_or(|(i, _)| index >= i) {
                found = Some((index, name));
            }
        }
        // Rights whose port died are still found by the label the task knew.
        found.map(|(_, n)| n).or_else(|| {
            space.iter().find_map(|(name, entry)| {
                let port = entry.port()?;
                (self.port(port).is_none()
                    && self.dead_labels.get(&port).is_some_and(|l| &**l == label))
                .then_some(name)
            })
        })
    }

    // ----- ids, serials, labels --------------------------------------------------

    pub(crate) fn next_serial(&mut self) -> MessageSerial {
        let serial = MessageSerial(self.next_serial);
        self.next_serial += 1;
        serial
    }

    pub(crate) fn next_arrival(&mut self) -> u64 {
        self.next_arrival += 1;
        self.next_arrival
    }

    /// A label unique in the run: `wanted` the first time, `wanted#2` the second, …
    pub(crate) fn unique_label(&mut self, wanted: &str) -> Label {
        // Labels made here are `label` or `label#N`, and anonymous ports are shown as
        // `#p5`: a chosen label with a `#` in it gets `_` instead, so none collide.
        let owned;
        let wanted = if wanted.contains('#') {
            owned = wanted.replace('#', "_");
            owned.as_str()
        } else {
            wanted
        };
        let uses = self.label_uses.entry(Arc::from(wanted)).or_insert(0);
        *uses += 1;
        if *uses == 1 {
            Arc::from(wanted)
        } else {
            Arc::from(format!("{wanted}#{uses}"))
        }
    }

    // ----- tracing -----------------------------------------------------------------

    /// Records an event caused by `task` (or the kernel, for `None`).
    #[inline]
    pub(crate) fn record(&mut self, task: Option<TaskId>, build: impl FnOnce(&Self) -> Event) {
        if self.trace.enabled() {
            let label = task.map(|t| self.task_label(t));
            let event = build(self);
            if !self.trace.record(self.now, label, || event) {
                self.trace_failed();
            }
        }
    }

    /// The streamed trace could not be written: the run stops at the next
    /// scheduling decision (the call under way finishes, atomic as ever).
    #[cold]
    pub(crate) fn trace_failed(&mut self) {
        if self.halted.is_none() {
            self.halted = Some(Halt::TraceWriteFailed);
        }
    }

    /// Flushes a streamed trace's writer at the end of the run; a failure stops
    /// the run as a failed write does.
    pub(crate) fn flush_trace(&mut self) {
        if !self.trace.flush() {
            self.trace_failed();
        }
    }

    /// Records the current state of `name` in `holder`'s space.
    pub(crate) fn record_name(
        &mut self,
        cause: Option<TaskId>,
        holder: TaskId,
        name: PortName,
        object: EntryObject,
    ) {
        if !self.trace.enabled() {
            return;
        }
        let (right, urefs) = match self.task(holder).space.get(name) {
            Some(entry) => (entry.rights.port_type(), entry.urefs),
            None => (PortType::None, 0),
        };
        self.record(cause, |k| Event::RightChanged {
            holder: k.task_label(holder),
            name: name.0,
            port: k.object_label(object),
            right,
            urefs,
        });
    }

    // ----- ports -------------------------------------------------------------------

    /// Makes a port with `label` whose receive right `receiver` holds (the caller
    /// puts the right in a space if the receiver is a task).
    pub(crate) fn create_port(
        &mut self,
        cause: Option<TaskId>,
        label: &str,
        limit: QueueLimit,
        receiver: Receiver,
    ) -> PortId {
        // An empty label makes an anonymous port: no name to allocate or index (a
        // million idle ports stay small); traces show it by its id.
        let label = if label.is_empty() {
            self.anonymous.clone()
        } else {
            self.unique_label(label)
        };
        let (index, generation) = self.ports.insert(Port::new(label.clone(), limit, receiver));
        let id = PortId::new(index, generation);
        if !label.is_empty() {
            self.port_labels.insert(label, id);
        }
        self.record(cause, |k| Event::PortAllocated {
            port: k.port_label(id),
            receiver: match receiver {
                Receiver::Task(t) => trace::Receiver::Task(k.task_label(t)),
                Receiver::Kernel(_) | Receiver::Object(_) => trace::Receiver::Kernel,
                Receiver::InTransit => trace::Receiver::InTransit,
            },
            capacity: limit,
        });
        id
    }

    // ----- scheduling --------------------------------------------------------------

    /// Makes a task runnable.
    pub(crate) fn make_ready(&mut self, task: TaskId) {
        let entry = self.task_mut(task);
        debug_assert!(!entry.is_ended());
        entry.state = TaskState::Ready;
        self.ready.push_back(task);
    }

    /// Ends a wait: cancels its timer, parks the reply, makes the task runnable, and
    /// records why it woke (and, for a service wait, the call's result). A wait
    /// ended by its own timer comes here too: that timer has fired and is gone, and
    /// timer keys are never reused, so cancelling it does nothing.
    pub(crate) fn wake(&mut self, task: TaskId, reply: Reply, reason: WakeReason) {
        let now = self.now;
        let entry = self.task_mut(task);
        let timer = match &entry.state {
            TaskState::Waiting(
                Wait::Send { timer, .. }
                | Wait::Receive { timer, .. }
                | Wait::Service { timer, .. },
            ) => *timer,
            TaskState::Waiting(Wait::Sleep { timer }) => Some(*timer),
            _ => None,
        };
        // A service call that waited ends here: its result is its `kernel_call`.
        let service_call = match &entry.state {
            TaskState::Waiting(Wait::Service { wait, .. }) => {
                crate::services::hooks::call_result(wait, &reply)
            }
            _ => None,
        };
        entry.blocked_ns += now.saturating_sub(entry.waiting_since);
        entry.reply = Some(reply);
        entry.state = TaskState::Ready;
        self.ready.push_back(task);
        if let Some(timer) = timer {
            self.timers.cancel(timer);
        }
        self.record(None, |k| Event::TaskWoken {
            name: k.task_label(task),
            reason,
        });
        if let Some((call, code)) = service_call {
            self.record(Some(task), |_| Event::KernelCall { call, code });
        }
    }

    /// Puts a task in a wait, with a timer if the wait is bounded.
    pub(crate) fn begin_wait(
        &mut self,
        task: TaskId,
        wait_ms: Option<u64>,
        make: impl FnOnce(Option<TimerKey>) -> Wait,
    ) {
        let now = self.now;
        let entry = self.task_mut(task);
        entry.wait_token += 1;
        entry.waiting_since = now;
        let token = entry.wait_token;
        let timer = wait_ms.map(|ms| {
            self.timers.set(
                now.saturating_add(crate::clock::ms(ms)),
                TimerKind::WaitEnds { task, token },
            )
        });
        self.task_mut(task).state = TaskState::Waiting(make(timer));
    }
}
