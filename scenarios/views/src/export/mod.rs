//! Exporters: a run's trace drawn for the viewers people use.
//!
//! - [`to_mermaid`]: a Mermaid `sequenceDiagram` (renders on GitHub, in mermaid.live
//!   and in most Markdown tools).
//! - [`to_chrome`]: Chrome trace-event JSON, for ui.perfetto.dev and chrome://tracing.
//! - [`to_msc`]: an ASCII message sequence chart for the terminal.
//!
//! Each reads only the trace (header and events), never the scenario, so a trace
//! file from another machine exports the same as a run made on the spot.
//!
//! The Mermaid and MSC exporters tell the same story: the trace reduced to one
//! arrow per message, drawn where the message *ends* (received, destroyed, handed
//! back, or still in the kernel when the run stopped), and notes for what tasks do
//! meanwhile (block, wake, sleep, end, fail, meet a fault, use a service: a note per
//! memory, semaphore, pipe and named-pipe event, in the run account's words, over
//! the task that caused it or holds the pipe end; a wait in a service blocks the
//! lifeline like a blocked receive). A service call's request to the kernel port is
//! no arrow, as no kernel-port request is. The Chrome exporter
//! works from the events directly, because it shows time: blocked intervals as
//! slices, messages as flow arrows from send to receive, queue depths as counters.

mod chrome;
mod mermaid;
mod msc;
#[cfg(test)]
mod tests;

pub use chrome::to_chrome;
pub use mermaid::to_mermaid;
pub use msc::to_msc;

use crate::story::{describe, time};
use std::collections::{BTreeMap, HashMap};
use trace::{
    Event, FaultKind, Label, MessageDestroyReason, NamedPipeWait, NotificationKind, Receiver,
    Trace, TraceRecord, WakeReason,
};

/// Who a message comes from: a task (its index in creation order) or the kernel
/// (notifications).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Who {
    Task(usize),
    Kernel,
}

/// How a message ended, as the exporters draw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum End {
    /// A task received it.
    Received,
    /// A failed send handed it back to its sender (Mach's pseudo-receive).
    HandedBack,
    /// It was destroyed unread, for this reason.
    Destroyed(MessageDestroyReason),
    /// It was still queued on its port when the run stopped.
    StillQueued,
    /// Its sender was still blocked holding it when the run stopped.
    StillHeld,
}

/// One message, drawn where it ends.
#[derive(Clone, Debug)]
pub(crate) struct Arrow {
    /// When it ended (or the end of the run, for one still in the kernel).
    pub(crate) t_ns: u64,
    /// When it was sent.
    pub(crate) sent_ns: u64,
    pub(crate) msg: u64,
    pub(crate) id: i32,
    /// Its destination port.
    pub(crate) port: Label,
    pub(crate) from: Who,
    /// The task it reached (or, unreceived, the task holding its port's receive
    /// right); `None` when there is no such task: drawn back onto the sender.
    pub(crate) to: Option<usize>,
    /// For a notification: its kind and the port it is about.
    pub(crate) notification: Option<(NotificationKind, Option<Label>)>,
    pub(crate) end: End,
}

impl Arrow {
    /// The short tag drawn on the arrow: `m3 id 1`.
    pub(crate) fn tag(&self) -> String {
        format!("m{} id {}", self.msg, self.id)
    }

    /// What happened to it, in words: drawn beside (MSC) or after the tag (Mermaid).
    pub(crate) fn detail(&self) -> String {
        let port = &self.port;
        let sent = if self.sent_ns < self.t_ns {
            format!(", sent at {}", time(self.sent_ns))
        } else {
            String::new()
        };
        match (&self.end, &self.notification) {
            (End::Received, Some((kind, about))) => match about {
                Some(about) => format!("{kind} notification about {about}"),
                None => format!("{kind} notification"),
            },
            (End::Received, None) => format!("received on {port}{sent}"),
            (End::HandedBack, _) => format!("to {port}, handed back{sent}"),
            (End::Destroyed(reason), Some((kind, _))) => {
                format!("{kind} notification to {port} destroyed ({reason})")
            }
            (End::Destroyed(reason), None) => format!("to {port} destroyed ({reason}){sent}"),
            (End::StillQueued, _) => format!("still queued on {port} at the end{sent}"),
            (End::StillHeld, _) => {
                format!("to {port} still held by its blocked sender at the end{sent}")
            }
        }
    }
}

/// A task's lifeline, for the chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Life {
    /// Not started yet (created with a later start, or not spawned yet).
    NotStarted,
    /// Runnable or running.
    Running,
    /// Blocked in a send or receive, or asleep.
    Waiting,
    /// Exited, crashed or killed.
    Ended,
}

/// One thing to draw, in trace order.
#[derive(Clone, Debug)]
pub(crate) enum Step {
    /// A message, at its end.
    Arrow(Arrow),
    /// A note over a task (or over every participant, for `None`).
    Note {
        t_ns: u64,
        task: Option<usize>,
        text: String,
    },
    /// A task's lifeline changes (drawn by the MSC only).
    Life { t_ns: u64, task: usize, life: Life },
}

impl Step {
    pub(crate) fn t_ns(&self) -> u64 {
        match self {
            Step::Arrow(a) => a.t_ns,
            Step::Note { t_ns, .. } | Step::Life { t_ns, .. } => *t_ns,
        }
    }
}

/// The trace reduced to participants and steps.
#[derive(Clone, Debug)]
pub(crate) struct Story {
    /// `scenario (seed N, schedule)`.
    pub(crate) title: String,
    /// The tasks, in creation order.
    pub(crate) tasks: Vec<Label>,
    /// True when the kernel sends a message (a notification): it gets a participant.
    pub(crate) kernel: bool,
    pub(crate) steps: Vec<Step>,
}

/// What a task waits for.
#[derive(Clone, Debug)]
enum Wait {
    Send {
        msg: u64,
        port: Label,
    },
    Receive {
        port: Label,
    },
    Sleep,
    /// In a service: `what` says it (`waiting on semaphore gate`).
    Service {
        what: String,
    },
}

/// What a task waiting in a service waits for, in words, from the event that
/// starts the wait.
pub(crate) fn service_wait(event: &Event) -> Option<String> {
    match event {
        Event::SemaphoreBlocked { semaphore } => Some(format!("waiting on semaphore {semaphore}")),
        Event::PipeBlocked { pipe, op } => Some(format!("waiting to {op} {pipe}")),
        Event::NamedPipeWaiting {
            path,
            access: NamedPipeWait::Accept,
        } => Some(format!("waiting to accept a client on {path}")),
        Event::NamedPipeWaiting { path, access } => {
            Some(format!("waiting to open {path} for {access}"))
        }
        _ => None,
    }
}

/// The account's line for a service event, drawn over [`service_task`]: without
/// the holder's name in front for a pipe end, since the note is over the holder.
pub(crate) fn service_note(record: &TraceRecord) -> Option<String> {
    let text = describe(record, &mut Vec::new())?;
    match &record.event {
        Event::PipeEndOpened { holder, .. } | Event::PipeEndClosed { holder, .. } => Some(
            text.strip_prefix(&format!("{holder} "))
                .map_or_else(|| text.clone(), str::to_string),
        ),
        _ => Some(text),
    }
}

/// The task a service event is about: the holder of a pipe end, else the task
/// that caused it.
pub(crate) fn service_task(record: &TraceRecord) -> Option<&Label> {
    match &record.event {
        Event::PipeEndOpened { holder, .. } | Event::PipeEndClosed { holder, .. } => Some(holder),
        _ => record.task.as_ref(),
    }
}

/// A message between its send and its end.
#[derive(Clone, Debug)]
struct InFlight {
    from: Who,
    port: Label,
    id: i32,
    sent_ns: u64,
    notification: Option<(NotificationKind, Option<Label>)>,
    /// A request to a kernel port: shown by its `kernel_call`, not as an arrow.
    kernel_call: bool,
    /// Its sender is blocked holding it.
    held: bool,
}

/// Builds the [`Story`] of a trace.
pub(crate) fn story(trace: &Trace) -> Story {
    let mut builder = Builder::default();
    for record in &trace.records {
        builder.record(record);
    }
    let end_ns = trace.records.last().map_or(0, |r| r.t_ns);
    builder.finish(end_ns);
    let header = &trace.header;
    Story {
        title: format!(
            "{} (seed {}, {})",
            header.scenario, header.seed, header.schedule
        ),
        kernel: builder.steps.iter().any(|s| match s {
            Step::Arrow(a) => a.from == Who::Kernel,
            _ => false,
        }),
        tasks: builder.tasks,
        steps: builder.steps,
    }
}

#[derive(Default)]
struct Builder {
    tasks: Vec<Label>,
    index: HashMap<Label, usize>,
    /// Each port's receive-right holder.
    receivers: HashMap<Label, Receiver>,
    /// Messages sent and not yet ended, by number (ordered, for the end).
    in_flight: BTreeMap<u64, InFlight>,
    /// `notification_sent` events waiting for their `message_sent`.
    notifications: HashMap<u64, (NotificationKind, Option<Label>)>,
    waits: HashMap<usize, Wait>,
    steps: Vec<Step>,
}

impl Builder {
    fn task(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// The task holding `port`'s receive right, if a task does.
    fn receiver_task(&self, port: &str) -> Option<usize> {
        match self.receivers.get(port) {
            Some(Receiver::Task(holder)) => self.task(holder),
            _ => None,
        }
    }

    fn note(&mut self, t_ns: u64, task: Option<usize>, text: String) {
        self.steps.push(Step::Note { t_ns, task, text });
    }

    fn life(&mut self, t_ns: u64, task: Option<usize>, life: Life) {
        if let Some(task) = task {
            self.steps.push(Step::Life { t_ns, task, life });
        }
    }

    fn record(&mut self, record: &TraceRecord) {
        let t = record.t_ns;
        let actor = record.task.as_deref().and_then(|name| self.task(name));
        match &record.event {
            Event::TaskCreated { name, parent, .. } => {
                if !self.index.contains_key(name) {
                    self.index.insert(name.clone(), self.tasks.len());
                    self.tasks.push(name.clone());
                }
                if let Some(parent) = parent {
                    let task = self.task(name);
                    self.note(t, task, format!("spawned by {parent}"));
                }
            }
            Event::TaskStarted { name, .. } => {
                let task = self.task(name);
                if t > 0 {
                    self.note(t, task, "starts".into());
                }
                self.life(t, task, Life::Running);
            }
            Event::TaskWoken { name, reason } => {
                let task = self.task(name);
                let wait = task.and_then(|i| self.waits.remove(&i));
                let text = match (wait, *reason) {
                    // The arrow of the message that woke it says enough.
                    (_, WakeReason::Message | WakeReason::Taken) => None,
                    (Some(Wait::Sleep), WakeReason::Timeout) => Some("wakes".to_string()),
                    (Some(Wait::Send { msg, port }), WakeReason::Timeout) => {
                        Some(format!("stops waiting to send m{msg} to {port} (timeout)"))
                    }
                    (Some(Wait::Receive { port }), WakeReason::Timeout) => {
                        Some(format!("stops waiting on {port} (timeout)"))
                    }
                    (Some(Wait::Send { msg, port }), WakeReason::Slot) => {
                        Some(format!("room on {port} (m{msg} queued)"))
                    }
                    (Some(Wait::Service { what }), WakeReason::Timeout) => {
                        Some(format!("stops {what} (timeout)"))
                    }
                    (_, reason) => Some(format!("wakes ({reason})")),
                };
                if let Some(text) = text {
                    self.note(t, task, text);
                }
                self.life(t, task, Life::Running);
            }
            Event::SleepStarted { until_ns } => {
                // `sleep(0)` only yields: nothing to draw.
                if *until_ns > t {
                    if let Some(task) = actor {
                        self.waits.insert(task, Wait::Sleep);
                    }
                    self.note(t, actor, format!("sleeps until {}", time(*until_ns)));
                    self.life(t, actor, Life::Waiting);
                }
            }
            Event::TaskExited { name, code } => {
                self.task_ends(t, name, format!("exits with code {code}"));
            }
            Event::TaskCrashed { name, reason } => {
                self.task_ends(t, name, format!("crashes ({reason})"));
            }
            Event::TaskKilled { name } => self.task_ends(t, name, "is killed".into()),
            Event::PortAllocated { port, receiver, .. } => {
                self.receivers.insert(port.clone(), receiver.clone());
            }
            Event::ReceiverChanged { port, receiver } => {
                let holder = receiver.clone().map_or(Receiver::InTransit, Receiver::Task);
                self.receivers.insert(port.clone(), holder);
                match receiver {
                    Some(holder) if self.task(holder).is_some() => {
                        let task = self.task(holder);
                        self.note(t, task, format!("now holds the receive right of {port}"));
                    }
                    _ => {
                        if let Some(text) = describe(record, &mut Vec::new()) {
                            self.note(t, actor, text);
                        }
                    }
                }
            }
            Event::PortDestroyed { port, .. } => {
                // `describe` leaves out a task's own ports dying with it.
                if let Some(text) = describe(record, &mut Vec::new()) {
                    let task = self.receiver_task(port).or(actor);
                    self.note(t, task, text);
                }
            }
            Event::SendBlocked { msg, port, .. } => {
                if let Some(m) = self.in_flight.get_mut(msg) {
                    m.held = true;
                }
                if let Some(task) = actor {
                    self.waits.insert(
                        task,
                        Wait::Send {
                            msg: *msg,
                            port: port.clone(),
                        },
                    );
                }
                self.note(t, actor, format!("blocks sending m{msg} to {port}"));
                self.life(t, actor, Life::Waiting);
            }
            Event::ReceiveBlocked { port, .. } => {
                if let Some(task) = actor {
                    self.waits
                        .insert(task, Wait::Receive { port: port.clone() });
                }
                self.note(t, actor, format!("waits on {port}"));
                self.life(t, actor, Life::Waiting);
            }
            Event::NotificationSent { msg, kind, about } => {
                self.notifications.insert(*msg, (*kind, about.clone()));
            }
            Event::MessageSent { msg, port, id, .. } => {
                let notification = self.notifications.remove(msg);
                let from = match actor {
                    Some(task) if notification.is_none() => Who::Task(task),
                    _ => Who::Kernel,
                };
                let kernel_call = self.receivers.get(port) == Some(&Receiver::Kernel);
                self.in_flight.insert(
                    *msg,
                    InFlight {
                        from,
                        port: port.clone(),
                        id: *id,
                        sent_ns: t,
                        notification,
                        kernel_call,
                        held: false,
                    },
                );
            }
            Event::MessageQueued { msg, .. } => {
                if let Some(m) = self.in_flight.get_mut(msg) {
                    m.held = false;
                }
            }
            Event::MessageCached { msg, .. } => {
                if let Some(m) = self.in_flight.get_mut(msg) {
                    m.held = false;
                }
                if let Some(text) = describe(record, &mut Vec::new()) {
                    self.note(t, actor, text);
                }
            }
            Event::MessageReceived {
                msg,
                receiver,
                pseudo,
                ..
            } => {
                if let Some(m) = self.in_flight.remove(msg) {
                    if m.kernel_call || *receiver == Receiver::Kernel {
                        return;
                    }
                    let (to, end) = if *pseudo {
                        let back = match m.from {
                            Who::Task(task) => Some(task),
                            Who::Kernel => None,
                        };
                        (back, End::HandedBack)
                    } else {
                        (receiver.task().and_then(|r| self.task(r)), End::Received)
                    };
                    self.arrow(t, *msg, m, to, end);
                }
            }
            Event::MessageDestroyed { msg, port, reason } => {
                if let Some(m) = self.in_flight.remove(msg) {
                    if m.kernel_call {
                        return;
                    }
                    let to = self.receiver_task(port);
                    self.arrow(t, *msg, m, to, End::Destroyed(*reason));
                }
            }
            Event::KernelCall { call, code } => {
                self.note(t, actor, format!("kernel call {call} ({code})"));
            }
            Event::FaultApplied { kind, target } => {
                let task = self.task(target).or_else(|| self.receiver_task(target));
                let text = match kind {
                    FaultKind::Kill => format!("a fault kills {target}"),
                    FaultKind::Destroy => format!("a fault destroys port {target}"),
                    FaultKind::DestroyMissed => format!("a fault ({kind}) hits {target}"),
                };
                self.note(t, task, text);
            }
            Event::SendFailed { port, code } => {
                let port = port.as_deref().unwrap_or("an unknown name");
                self.note(t, actor, format!("send to {port} fails ({code})"));
            }
            Event::ReceiveFailed { port, code } => {
                let port = port.as_deref().unwrap_or("an unknown name");
                self.note(t, actor, format!("receive on {port} fails ({code})"));
            }
            Event::CapacityChanged { .. }
            | Event::MemberAdded { .. }
            | Event::MemberRemoved { .. }
            | Event::NotificationRequested { .. } => {
                if let Some(text) = describe(record, &mut Vec::new()) {
                    self.note(t, actor, text);
                }
            }
            Event::RightChanged { .. }
            | Event::PortSetAllocated { .. }
            | Event::PortSetDestroyed { .. } => {}
            Event::SemaphoreBlocked { .. }
            | Event::PipeBlocked { .. }
            | Event::NamedPipeWaiting { .. } => {
                let what = service_wait(&record.event).unwrap_or_default();
                // `waiting on semaphore gate` → `waits on semaphore gate`.
                let text = format!("waits{}", what.strip_prefix("waiting").unwrap_or(&what));
                if let Some(task) = actor {
                    self.waits.insert(task, Wait::Service { what });
                }
                self.note(t, actor, text);
                self.life(t, actor, Life::Waiting);
            }
            // A named pipe's stream is made by the kernel inside an open or an
            // accept, whose own notes tell it.
            Event::PipeCreated { .. } if record.task.is_none() => {}
            Event::MemoryCreated { .. }
            | Event::MemoryMapped { .. }
            | Event::MemoryRead { .. }
            | Event::MemoryWritten { .. }
            | Event::MemoryUnmapped { .. }
            | Event::MemoryFreed { .. }
            | Event::SemaphoreCreated { .. }
            | Event::SemaphoreAcquired { .. }
            | Event::SemaphoreSignalled { .. }
            | Event::SemaphoreDestroyed { .. }
            | Event::PipeCreated { .. }
            | Event::PipeEndOpened { .. }
            | Event::PipeEndClosed { .. }
            | Event::PipeWritten { .. }
            | Event::PipeRead { .. }
            | Event::PipeDestroyed { .. }
            | Event::NamedPipeCreated { .. }
            | Event::NamedPipeOpened { .. }
            | Event::NamedPipeConnected { .. }
            | Event::NamedPipeUnlinked { .. } => {
                if let Some(text) = service_note(record) {
                    let task = service_task(record).and_then(|name| self.task(name));
                    self.note(t, task, text);
                }
            }
        }
    }

    fn task_ends(&mut self, t: u64, name: &str, text: String) {
        let task = self.task(name);
        if let Some(task) = task {
            self.waits.remove(&task);
        }
        self.note(t, task, text);
        self.life(t, task, Life::Ended);
    }

    fn arrow(&mut self, t_ns: u64, msg: u64, m: InFlight, to: Option<usize>, end: End) {
        self.steps.push(Step::Arrow(Arrow {
            t_ns,
            sent_ns: m.sent_ns,
            msg,
            id: m.id,
            port: m.port,
            from: m.from,
            to,
            notification: m.notification,
            end,
        }));
    }

    /// Messages still in the kernel and tasks still waiting when the run stopped.
    fn finish(&mut self, end_ns: u64) {
        for (msg, m) in std::mem::take(&mut self.in_flight) {
            if m.kernel_call {
                continue;
            }
            let to = self.receiver_task(&m.port);
            let end = if m.held {
                End::StillHeld
            } else {
                End::StillQueued
            };
            self.arrow(end_ns, msg, m, to, end);
        }
        let mut waits: Vec<(usize, Wait)> = self.waits.drain().collect();
        waits.sort_by_key(|(task, _)| *task);
        for (task, wait) in waits {
            let text = match wait {
                Wait::Send { msg, port } => {
                    format!("still blocked sending m{msg} to {port} at the end")
                }
                Wait::Receive { port } => format!("still waits on {port} at the end"),
                Wait::Sleep => "still asleep at the end".to_string(),
                Wait::Service { what } => format!("still {what} at the end"),
            };
            self.note(end_ns, Some(task), text);
        }
    }
}

/// `text` with every character outside printable ASCII replaced: `?` for
/// non-ASCII, a space for control characters (newlines and tabs included).
pub(crate) fn ascii(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            ' '..='~' => c,
            c if c.is_control() => ' ',
            _ => '?',
        })
        .collect()
}
