//! The story the Mermaid and MSC exporters draw: the trace reduced to one arrow per
//! message, drawn where the message ends, and notes for what tasks do meanwhile.
//!
//! It is read through the fold: how a message ended and who received it, which
//! task holds a port's receive right, and what a task waited on when it woke are
//! the state's answers; what a note says is the event's [`sentence`] (or, for a
//! wake-up and what still waits at the end, [`crate::words::waits`]' chart words).

use crate::stepper::{Message, Notification, Place, State, TaskStatus};
use crate::words::messages::{End, arrow, tag};
use crate::words::waits::{still_at_end, woken};
use crate::words::{Sentence, sentence};
use std::collections::HashMap;
use trace::{Event, Label, Receiver, Trace, TraceRecord};

/// Who a message comes from: a task (its index in creation order) or the kernel
/// (notifications).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Who {
    Task(usize),
    Kernel,
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
    pub(crate) notification: Option<Notification>,
    pub(crate) end: End,
}

impl Arrow {
    /// The short tag drawn on the arrow: `m3 id 1`.
    pub(crate) fn tag(&self) -> String {
        tag(self.msg, self.id)
    }

    /// What happened to it, in words: drawn beside (MSC) or after the tag (Mermaid).
    pub(crate) fn detail(&self) -> String {
        arrow(
            &self.end,
            self.notification.as_ref(),
            &self.port,
            self.sent_ns,
            self.t_ns,
        )
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

/// Builds the [`Story`] of a trace.
pub(crate) fn story(trace: &Trace) -> Story {
    let mut builder = Builder::default();
    let mut state = State::new();
    for record in &trace.records {
        builder.record(record, &state);
        state.apply(record);
    }
    let end_ns = trace.records.last().map_or(0, |r| r.t_ns);
    builder.finish(end_ns, &state);
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
    steps: Vec<Step>,
}

impl Builder {
    fn task(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// The task holding (or, for a dead port, last holding) `port`'s receive
    /// right, if a task does.
    fn receiver_task(&self, state: &State, port: &str) -> Option<usize> {
        match state.receiver_of(port) {
            Some(Receiver::Task(holder)) => self.task(holder),
            _ => None,
        }
    }

    fn note(&mut self, t_ns: u64, task: Option<usize>, text: String) {
        self.steps.push(Step::Note { t_ns, task, text });
    }

    /// Notes `said` over its subject when the subject is a participant (without
    /// the subject, which the lifeline names), else over `fallback` in full.
    fn say(&mut self, t_ns: u64, said: &Sentence, fallback: Option<usize>) {
        match said.subject.as_deref().map(|s| self.task(s)) {
            Some(Some(subject)) => self.note(t_ns, Some(subject), said.noted()),
            Some(None) => self.note(t_ns, fallback, said.told()),
            None => self.note(t_ns, fallback, said.noted()),
        }
    }

    fn life(&mut self, t_ns: u64, task: Option<usize>, life: Life) {
        if let Some(task) = task {
            self.steps.push(Step::Life { t_ns, task, life });
        }
    }

    /// Draws `record`; `state` is the fold's state before it.
    fn record(&mut self, record: &TraceRecord, state: &State) {
        let t = record.t_ns;
        let actor = record.task.as_deref().and_then(|name| self.task(name));
        let said = sentence(record, state);
        match &record.event {
            Event::TaskCreated { name, parent, .. } => {
                if !self.index.contains_key(name) {
                    self.index.insert(name.clone(), self.tasks.len());
                    self.tasks.push(name.clone());
                }
                if parent.is_some() {
                    self.say(t, &said, None);
                }
            }
            Event::TaskStarted { name, .. } => {
                if t > 0 {
                    self.say(t, &said, None);
                }
                self.life(t, self.task(name), Life::Running);
            }
            Event::TaskWoken { name, reason } => {
                let task = self.task(name);
                let waited = state.task(name).map(|t| &t.status);
                if let Some(text) = woken(waited.unwrap_or(&TaskStatus::Ready), *reason) {
                    self.note(t, task, text);
                }
                self.life(t, task, Life::Running);
            }
            Event::SleepStarted { until_ns } => {
                // `sleep(0)` only yields: nothing to draw.
                if *until_ns > t {
                    self.say(t, &said, actor);
                    self.life(t, actor, Life::Waiting);
                }
            }
            Event::TaskExited { name, .. }
            | Event::TaskCrashed { name, .. }
            | Event::TaskKilled { name } => {
                self.say(t, &said, None);
                self.life(t, self.task(name), Life::Ended);
            }
            Event::PortDestroyed { port, .. } => {
                // A task's own ports dying with it go without saying.
                if !said.routine {
                    let over = self.receiver_task(state, port).or(actor);
                    self.say(t, &said, over);
                }
            }
            Event::SendBlocked { .. }
            | Event::ReceiveBlocked { .. }
            | Event::SemaphoreBlocked { .. }
            | Event::PipeBlocked { .. }
            | Event::NamedPipeWaiting { .. } => {
                self.say(t, &said, actor);
                self.life(t, actor, Life::Waiting);
            }
            Event::MessageReceived {
                msg,
                receiver,
                pseudo,
                ..
            } => {
                if let Some(m) = state.message(*msg)
                    && !m.to_kernel
                    && *receiver != Receiver::Kernel
                {
                    let from = self.sender(m);
                    let (to, end) = if *pseudo {
                        let back = match from {
                            Who::Task(task) => Some(task),
                            Who::Kernel => None,
                        };
                        (back, End::HandedBack)
                    } else {
                        (receiver.task().and_then(|r| self.task(r)), End::Received)
                    };
                    self.arrow(t, m, to, end);
                }
            }
            Event::MessageDestroyed { msg, port, reason } => {
                if let Some(m) = state.message(*msg)
                    && !m.to_kernel
                {
                    let to = self.receiver_task(state, port);
                    self.arrow(t, m, to, End::Destroyed(*reason));
                }
            }
            Event::FaultApplied { target, .. } => {
                let over = self
                    .task(target)
                    .or_else(|| self.receiver_task(state, target));
                self.say(t, &said, over);
            }
            // Bookkeeping, and what the arrows draw.
            Event::PortAllocated { .. }
            | Event::RightChanged { .. }
            | Event::PortSetAllocated { .. }
            | Event::PortSetDestroyed { .. }
            | Event::NotificationSent { .. }
            | Event::MessageSent { .. }
            | Event::MessageQueued { .. } => {}
            // A named pipe's stream is made by the kernel inside an open or an
            // accept, whose own notes tell it.
            Event::PipeCreated { .. } if record.task.is_none() => {}
            // Everything else is a note over the task it is about.
            _ => self.say(t, &said, actor),
        }
    }

    /// Who a message comes from: its sending task, or the kernel for a
    /// notification (or a sender that is no participant).
    fn sender(&self, m: &Message) -> Who {
        match m.sender.as_deref().and_then(|s| self.task(s)) {
            Some(task) => Who::Task(task),
            None => Who::Kernel,
        }
    }

    fn arrow(&mut self, t_ns: u64, m: &Message, to: Option<usize>, end: End) {
        let from = self.sender(m);
        self.steps.push(Step::Arrow(Arrow {
            t_ns,
            sent_ns: m.sent_ns,
            msg: m.msg,
            id: m.id,
            port: m.port.clone(),
            from,
            to,
            notification: m.notification.clone(),
            end,
        }));
    }

    /// Messages still in the kernel and tasks still waiting when the run stopped.
    fn finish(&mut self, end_ns: u64, state: &State) {
        for m in state.messages().filter(|m| !m.to_kernel) {
            let to = self.receiver_task(state, &m.port);
            let end = match m.place {
                Place::HeldBySender { .. } => End::StillHeld,
                _ => End::StillQueued,
            };
            self.arrow(end_ns, m, to, end);
        }
        for task in state.tasks() {
            if let Some(text) = still_at_end(&task.status) {
                let over = self.task(&task.name);
                self.note(end_ns, over, text);
            }
        }
    }
}
